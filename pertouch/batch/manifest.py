"""The batch's manifest: one JSON line per event, so a rerun knows what is done.

``pertouch-batch.jsonl`` in the output folder starts with a header naming the look, then gets a
``started`` line before each photo and a ``done`` or ``failed`` line after it, each written and
flushed to disk at once. A batch killed at any moment therefore leaves a manifest that tells the
rerun exactly what to skip: photos whose last line is ``done`` (for the same unchanged source
file, with the result still there). Failed photos are tried again; a photo that was ``started``
twice without an outcome (it brought the batch down twice) is recorded as failed instead of being
tried a third time. A torn last line, from a kill in the middle of a write, is ignored.

Only one batch may write to a folder at a time; a lock file beside the manifest says so.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from pertouch.batch.look import BatchError, Look
from pertouch.batch.photo import PhotoJob, PhotoOutcome

MANIFEST_NAME = "pertouch-batch.jsonl"
LOCK_NAME = ".pertouch-batch.lock"
#: Attempts without an outcome after which a photo counts as one that crashes the batch.
MAX_UNFINISHED = 2


class Manifest:
    """The manifest of one output folder, open for appending while the batch runs."""

    def __init__(self, folder: Path, look: Look, restart: bool = False) -> None:
        from filelock import FileLock, Timeout

        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / MANIFEST_NAME
        self._lock = FileLock(str(folder / LOCK_NAME))
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise BatchError(
                f"Another batch is writing to {str(folder)!r}; wait for it, or pick another folder."
            ) from None
        self._last: dict[str, dict[str, Any]] = {}
        self._unfinished: dict[str, int] = {}
        header = None
        if self.path.exists() and not restart:
            header = self._read()
        if header is not None and header.get("look_key") != look.key():
            self._lock.release()
            raise BatchError(
                f"{str(folder)!r} holds a batch with another look ({header.get('origin') or 'unknown'}); "
                "use another output folder, or --restart to redo every photo with this one."
            )
        if header is not None and not _ends_with_newline(self.path):
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write("\n")  # close a line torn by a kill, so the next one stands alone
        self._file = open(self.path, "w" if header is None else "a", encoding="utf-8")
        if header is None:
            self._write({"event": "batch", "look_key": look.key(), **look.to_dict()})

    # -- reading ------------------------------------------------------------------------------
    def _read(self) -> dict[str, Any] | None:
        header = None
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by a kill mid-write
                if not isinstance(record, dict):
                    continue
                event = record.get("event")
                if event == "batch":
                    header = record
                elif event == "started":
                    name = record.get("name", "")
                    self._unfinished[name] = self._unfinished.get(name, 0) + 1
                elif event in ("done", "failed"):
                    self._last[record.get("name", "")] = record
                    self._unfinished.pop(record.get("name", ""), None)
        return header

    def is_done(self, job: PhotoJob) -> bool:
        """Whether ``job`` was done from this very source file and its result is still there."""
        record = self._last.get(job.name)
        return (
            record is not None
            and record.get("event") == "done"
            and record.get("fingerprint") == job.fingerprint
            and Path(record.get("output", "")).is_file()
        )

    def crashed_before(self, job: PhotoJob) -> bool:
        """Whether ``job`` was started :data:`MAX_UNFINISHED` times without an outcome."""
        return self._unfinished.get(job.name, 0) >= MAX_UNFINISHED

    # -- writing ------------------------------------------------------------------------------
    def started(self, job: PhotoJob) -> None:
        """Note that ``job`` is being worked on (before it is, so a crash leaves a trace)."""
        self._write({"event": "started", "name": job.name})

    def record(self, job: PhotoJob, outcome: PhotoOutcome) -> None:
        record = {"event": outcome.status, "fingerprint": job.fingerprint, **outcome.to_dict()}
        self._last[job.name] = record
        self._write(record)

    def _write(self, record: dict[str, Any]) -> None:
        record = {**record, "time": round(time.time(), 3)}
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        self._lock.release()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
