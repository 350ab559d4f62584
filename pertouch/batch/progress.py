"""Progress while a batch runs (a line per photo with the rate and the time left) and its summary.

The rate counts only photos this run did, so a resumed batch does not promise the speed of the
photos it skipped; the time left is the photos left at that rate.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from pertouch.batch.photo import PhotoOutcome


def eta_text(seconds: float | None) -> str:
    """``"1 h 02 min"``, ``"3 min 20 s"``, ``"40 s"``; ``"?"`` before anything is known."""
    if seconds is None:
        return "?"
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@dataclass
class Progress:
    """Counts outcomes as they come and prints one line each (when ``show``)."""

    total: int
    skipped: int = 0
    show: bool = True
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    clock: Callable[[], float] = time.monotonic
    done: int = 0
    failed: int = 0
    started_at: float = 0.0

    def __post_init__(self) -> None:
        self.started_at = self.clock()

    @property
    def finished(self) -> int:
        """Photos this run finished, done or failed."""
        return self.done + self.failed

    def rate(self) -> float | None:
        """Photos per minute this run so far; None until the first photo is finished."""
        elapsed = self.clock() - self.started_at
        return self.finished * 60.0 / elapsed if self.finished and elapsed > 0 else None

    def eta(self) -> float | None:
        """Seconds until every photo is finished, at this run's rate."""
        rate = self.rate()
        left = self.total - self.skipped - self.finished
        return None if rate is None else left * 60.0 / rate

    def update(self, outcome: PhotoOutcome) -> str:
        """Count ``outcome`` and return (and print) its progress line."""
        if outcome.status == "done":
            self.done += 1
        else:
            self.failed += 1
        position = self.skipped + self.finished
        width = len(str(self.total))
        what = (
            f"done in {outcome.seconds:.1f} s"
            if outcome.status == "done"
            else f"FAILED: {outcome.error}"
        )
        rate = self.rate()
        line = (
            f"[{position:>{width}}/{self.total}] {outcome.name}  {what}"
            f"  ·  {rate:.1f} photos/min  ·  {eta_text(self.eta())} left"
            if rate is not None
            else f"[{position:>{width}}/{self.total}] {outcome.name}  {what}"
        )
        if self.show:
            print(line, file=self.stream, flush=True)
        return line


@dataclass
class Summary:
    """What a batch did, for ``--json`` and ``pertouch-batch-summary.json``."""

    input: str
    output: str
    look: dict[str, Any]
    engine: str
    workers: int
    photos: int
    done: int
    failed: int
    skipped: int
    ignored: int
    seconds: float
    photos_per_minute: float | None
    peak_mb_per_worker: dict[str, float]
    failures: list[dict[str, str]]
    store_bytes: int
    store_budget: int | None
    manifest: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def text(self) -> str:
        """Two or three lines for a person."""
        rate = f", {self.photos_per_minute:.1f} photos/min" if self.photos_per_minute else ""
        lines = [
            f"{self.done} done, {self.failed} failed, {self.skipped} already done "
            f"of {self.photos} photos in {eta_text(self.seconds)}{rate} "
            f"({self.engine}, {self.workers} worker{'s' if self.workers != 1 else ''})",
            f"results in {self.output}; manifest {self.manifest}",
        ]
        lines += [f"failed: {f['name']}: {f['error']}" for f in self.failures]
        return "\n".join(lines)
