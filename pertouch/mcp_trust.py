"""What the MCP server trusts: which threads it may continue, and what its upload inbox may hold.

An MCP client may read and write only inside the server's roots, so a thread is its business only
if the MCP server started it, on a photo inside the roots or one the client uploaded. The
:class:`ThreadLedger` records each thread the server starts, with the photo's path and the user
who started it; a thread the command line or the app started on a private photo is not in it and
cannot be continued, approved or written through MCP. The owner recorded there is whom
``approve`` remembers for.

Uploads (base64 photos) pass through the :class:`Inbox`: each is written under a name of its own,
decoded, and deleted when the call ends, accepted or not; the inbox refuses an upload that would
take it over its byte budget, after clearing what crashed calls left behind.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo, load_photo

#: What the inbox may hold at once: a dozen of the largest uploads the server accepts.
DEFAULT_INBOX_BYTES = 768 * 1024 * 1024
#: A file this old in the inbox was left by a call that died; no live call still uses it.
STALE_UPLOAD_S = 3600.0


@dataclass(frozen=True)
class ThreadRecord:
    """A thread the MCP server started: its photo's path ("" for an upload) and its user."""

    source: str
    user: str


class ThreadLedger:
    """The threads this server (and earlier runs on the same home) started, in SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False, timeout=10.0)
        with self._connection:
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS threads"
                " (thread_id TEXT PRIMARY KEY, source TEXT NOT NULL, user TEXT NOT NULL)"
            )

    def record(self, thread_id: str, source: str, user: str) -> None:
        """Note a thread this server starts (before its first turn)."""
        with self._connection:
            self._connection.execute(
                "INSERT OR REPLACE INTO threads VALUES (?, ?, ?)", (thread_id, source, user)
            )

    def get(self, thread_id: str) -> ThreadRecord | None:
        """The thread's record, or None when MCP did not start it."""
        row = self._connection.execute(
            "SELECT source, user FROM threads WHERE thread_id = ?", (thread_id,)
        ).fetchone()
        return None if row is None else ThreadRecord(row[0], row[1])

    def close(self) -> None:
        self._connection.close()


def check_owner(record: ThreadRecord, user: str | None, acting: str) -> str:
    """The thread's user, if ``user`` is None or the same name; else one sentence.

    Args:
        record: the thread.
        user: the name the client gave.
        acting: what the client is doing ("continue", "approve"), for the sentence.
    """
    if user is None or user.casefold() == record.user.casefold():
        return record.user
    if not record.user:
        raise PerTouchError(
            f"This conversation was started without a user; it cannot {acting} as {user!r}."
        )
    raise PerTouchError(
        f"This conversation belongs to {record.user!r}; it cannot {acting} as {user!r}."
    )


class Inbox:
    """Uploaded photos, on disk only while the call that brought them runs.

    Args:
        folder: where uploads are written (created when needed).
        budget_bytes: the most the folder may hold at once.
        memory_budget: bytes retouching one photo may take (see ``Settings.memory_budget``).
    """

    def __init__(
        self,
        folder: Path,
        budget_bytes: int = DEFAULT_INBOX_BYTES,
        memory_budget: int | None = None,
    ) -> None:
        self.folder = folder
        self.budget_bytes = budget_bytes
        self.memory_budget = memory_budget

    @contextlib.contextmanager
    def receive(self, data: bytes) -> Iterator[tuple[Path, Photo]]:
        """Write ``data``, decode it, and yield its path and photo; the file goes afterwards.

        Raises:
            PerTouchError: the inbox would go over its budget, or the bytes are not a photo
                (the file is deleted before the sentence is raised).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        self._make_room(len(data))
        path = self.folder / f"{uuid.uuid4().hex}.img"
        path.write_bytes(data)
        try:
            yield path, load_photo(path, memory_budget=self.memory_budget)
        finally:
            path.unlink(missing_ok=True)

    def size(self) -> int:
        """Bytes the inbox holds now."""
        return sum(size for _, size, _ in self._files())

    def _make_room(self, incoming: int) -> None:
        if incoming > self.budget_bytes:
            raise PerTouchError(
                f"The upload is {incoming / 1e6:.0f} MB, over the server's upload budget of "
                f"{self.budget_bytes / 1e6:.0f} MB; send a smaller photo or give its path."
            )
        now = time.time()
        for stale, _, modified in self._files():
            if now - modified > STALE_UPLOAD_S:
                stale.unlink(missing_ok=True)
        if self.size() + incoming > self.budget_bytes:
            raise PerTouchError(
                "The server is busy with other uploads (its upload budget is full); "
                "try again in a moment, or give the photo's path."
            )

    def _files(self) -> list[tuple[Path, int, float]]:
        """Each file with its size and modification time."""
        files = []
        for path in self.folder.iterdir():
            with contextlib.suppress(FileNotFoundError):  # another call's file just went
                info = path.stat()
                if path.is_file():
                    files.append((path, info.st_size, info.st_mtime))
        return files
