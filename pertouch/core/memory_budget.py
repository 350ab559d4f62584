"""Will a photo fit in memory? Checked from its header, before a single pixel is decoded.

A small file can hold a huge photo: a 1.7 MB PNG of 144 MP once took 5.3 GB to retouch. Decoding
first and failing later (or being killed by the kernel) helps nobody, so every reader asks
:func:`check_fits` with the photo's size as soon as its header is read, and a photo that would not
fit is refused with one sentence that says how much it needs and what to do.
"""

from __future__ import annotations

from pathlib import Path

from pertouch.core.errors import ImageReadError

#: Working memory of one retouch, in bytes per pixel of the photo: the decoded pixels, the result,
#: masks, the store's copies and the renderer's working arrays, over what the models already take.
#: Measured (peak resident memory) on a 12 MP photo through the agent's full-resolution turn, the
#: hungriest path: 50 B/px for 8-bit and 63 B/px for 16-bit photos (a batch, which decides on a
#: 1024 px view, needs 29 and 33, so for it the check errs on the safe side).
BYTES_PER_PIXEL = {8: 50.0, 16: 63.0}
#: Of the memory the system reports available, how much one photo may take.
AVAILABLE_SHARE = 0.8
_MEMINFO = Path("/proc/meminfo")


class PhotoTooLargeError(ImageReadError):
    """A photo would need more memory to retouch than the budget allows."""


def retouch_bytes(width: int, height: int, bits: int = 8) -> int:
    """Bytes of memory retouching a ``width`` x ``height`` photo of ``bits`` per channel needs."""
    return int(width * height * BYTES_PER_PIXEL[16 if bits > 8 else 8])


def available_memory() -> int | None:
    """Memory the system can give without swapping, in bytes (Linux); None where unknown."""
    try:
        for line in _MEMINFO.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def default_budget() -> int | None:
    """The budget when none is set: a share of what is available now, or None (no check)."""
    free = available_memory()
    return None if free is None else int(free * AVAILABLE_SHARE)


def check_fits(name: str, width: int, height: int, bits: int, budget: int | None) -> None:
    """Refuse a photo whose retouch would not fit in ``budget`` bytes.

    Args:
        budget: bytes one photo may use; None uses :func:`default_budget`; 0 disables the check.

    Raises:
        PhotoTooLargeError: with the memory needed, the budget, and what to do.
    """
    if budget is None:
        budget = default_budget()
    if not budget:
        return
    need = retouch_bytes(width, height, bits)
    if need > budget:
        fits = budget / BYTES_PER_PIXEL[16 if bits > 8 else 8] / 1e6
        raise PhotoTooLargeError(
            f"{name} is {width}x{height} ({width * height / 1e6:.0f} MP) and would need about "
            f"{_size(need)} of memory to retouch, more than the {_size(budget)} it may use "
            f"(photos up to about {fits:.1f} MP fit); downsize it, free memory, or raise "
            "PERTOUCH_MEMORY_BUDGET."
        )


def _size(count: float) -> str:
    return f"{count / 2**30:.1f} GB" if count >= 2**30 else f"{count / 2**20:.0f} MB"
