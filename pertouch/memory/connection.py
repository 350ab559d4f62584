"""Where the memory lives: an embedded Chroma folder on this machine, or a Chroma server.

Chroma's embedded ``PersistentClient`` is not safe for several processes: each keeps its own copy
of the vector index in memory, and two writers silently drop each other's records from it (seen
with chromadb 1.5: 6,000 records written by two processes, 500 of them unreachable by a query
afterwards). :class:`EmbeddedConnection` makes it safe by running every operation under an
exclusive file lock and, when another process has written since this one last looked, reopening the
client so its index is read afresh from disk. A Chroma server (``chroma run``) serialises writes
itself, so :class:`ServerConnection` just hands out its ``HttpClient``.

Both expose one method, :meth:`session`, a context manager yielding a Chroma client for one
operation; the memory never holds a client across operations.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings

from pertouch.core.errors import PerTouchError

#: How long an operation waits for another process to finish with the store.
DEFAULT_LOCK_TIMEOUT_S = 30.0
_LOCK_FILE = "pertouch-memory.lock"
_GENERATION_FILE = "pertouch-memory.generation"


class MemoryStoreError(PerTouchError):
    """The memory store cannot be reached, opened or locked."""


class Connection(Protocol):
    """A way to reach one Chroma store; ``session(write=...)`` yields a client for one operation."""

    def session(self, write: bool = False) -> AbstractContextManager[ClientAPI]: ...

    def describe(self) -> str: ...

    def close(self) -> None: ...


class EmbeddedConnection:
    """A Chroma store in a local folder, shared safely by every process on this machine.

    Args:
        path: the store's folder (created if missing).
        lock_timeout_s: how long to wait for another process before giving up.
    """

    def __init__(self, path: str | Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S):
        self.path = Path(path).expanduser()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise MemoryStoreError(
                f"Cannot create the memory folder {self.path} ({err.strerror})."
            ) from None
        self.lock_timeout_s = lock_timeout_s
        self._client: ClientAPI | None = None
        self._seen_generation: int | None = None
        self._thread_lock = threading.RLock()

    def describe(self) -> str:
        return f"embedded store at {self.path}"

    @contextmanager
    def session(self, write: bool = False) -> Iterator[ClientAPI]:
        """A client for one operation, under the store's lock; ``write`` marks the store changed."""
        with self._thread_lock, self._file_lock():
            generation = self._read_generation()
            if self._client is None or generation != self._seen_generation:
                self._reopen()
            if write:
                # Announce the change before making it: a process killed mid-write then still
                # makes the others reload, and a needless reload costs only time.
                generation += 1
                self._write_generation(generation)
            self._seen_generation = generation
            assert self._client is not None
            yield self._client

    def close(self) -> None:
        with self._thread_lock:
            if self._client is not None:
                self._client.close()  # type: ignore[attr-defined]  # PersistentClient has it
                self._client = None

    def _reopen(self) -> None:
        self.close()
        try:
            self._client = chromadb.PersistentClient(
                path=str(self.path), settings=Settings(anonymized_telemetry=False)
            )
        except Exception as err:  # chromadb raises its own, unrelated types for a bad folder
            raise MemoryStoreError(f"Cannot open the memory store at {self.path}: {err}.") from err

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        handle = open(self.path / _LOCK_FILE, "a+")
        try:
            deadline = time.monotonic() + self.lock_timeout_s
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise MemoryStoreError(
                            f"The memory store at {self.path} stayed busy for "
                            f"{self.lock_timeout_s:g} s; try again when the other PerTouch finishes."
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            handle.close()  # closing the file releases the lock, as does the process dying

    def _read_generation(self) -> int:
        try:
            return int((self.path / _GENERATION_FILE).read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _write_generation(self, value: int) -> None:
        target = self.path / _GENERATION_FILE
        temporary = target.with_suffix(".tmp")
        temporary.write_text(str(value))
        os.replace(temporary, target)


class ServerConnection:
    """A Chroma server (``chroma run --path DIR``), shared by everyone who can reach it.

    Args:
        url: ``http://host:port`` or ``https://host:port``.
    """

    def __init__(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise MemoryStoreError(
                f"The memory server {url!r} is not a URL; give one like http://127.0.0.1:8000."
            )
        self.url = url
        self._ssl = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port or (443 if self._ssl else 8000)
        self._client: ClientAPI | None = None

    def describe(self) -> str:
        return f"Chroma server at {self.url}"

    @contextmanager
    def session(self, write: bool = False) -> Iterator[ClientAPI]:
        """The server's client; the server itself orders concurrent writes."""
        if self._client is None:
            try:
                self._client = chromadb.HttpClient(
                    host=self._host,
                    port=self._port,
                    ssl=self._ssl,
                    settings=Settings(anonymized_telemetry=False),
                )
            except Exception as err:  # connection refused surfaces as several chromadb types
                raise MemoryStoreError(
                    f"Cannot reach the memory server at {self.url}; is `chroma run` serving it?"
                ) from err
        yield self._client

    def close(self) -> None:
        self._client = None


def connect(
    location: str | Path, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S
) -> EmbeddedConnection | ServerConnection:
    """A connection for ``location``: an ``http(s)://`` URL means a server, anything else a folder."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        return ServerConnection(text)
    if "://" in text:  # ftp://..., s3://...: a typo for a server, never a folder named "ftp:"
        raise MemoryStoreError(
            f"The memory {text!r} is neither a folder nor an http(s):// Chroma server."
        )
    return EmbeddedConnection(text, lock_timeout_s)
