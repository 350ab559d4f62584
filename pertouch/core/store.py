"""A content-addressed store for images and masks, so agent state can hold references, not arrays.

A reference is ``"sha256:<hex>"`` of the array's dtype, shape and bytes: the same pixels always get
the same reference, storing twice costs nothing, and a reference can never point at other data.
Arrays are kept as ``.npy`` files (fast to write, exact for uint8, uint16 and float32), written
atomically, so a crash never leaves a half-written entry behind.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import write_atomic

_REF = re.compile(r"^sha256:([0-9a-f]{64})$")


class UnknownReference(PerTouchError):
    """A reference that is malformed or not in the store."""


def array_reference(array: NDArray[np.generic]) -> str:
    """The reference an array would get in any store."""
    digest = hashlib.sha256()
    digest.update(f"{array.dtype.str}|{array.shape}|".encode())
    digest.update(np.ascontiguousarray(array).data)
    return f"sha256:{digest.hexdigest()}"


class ImageStore:
    """Arrays on disk under ``root``, addressed by content."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, array: NDArray[np.generic]) -> str:
        """Store ``array`` (if new) and return its reference."""
        ref = array_reference(array)
        path = self._path(ref)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
            write_atomic(path, buffer.getvalue(), private=True)  # people's photos: 0600
        return ref

    def get(self, ref: str) -> NDArray[np.generic]:
        """Load the array behind ``ref``; raises :class:`UnknownReference` if there is none."""
        path = self._path(ref)
        if not path.exists():
            raise UnknownReference(f"No stored image has the reference {ref!r}.")
        return np.load(path, allow_pickle=False)

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and _REF.match(ref) is not None and self._path(ref).exists()

    def _path(self, ref: str) -> Path:
        match = _REF.match(ref) if isinstance(ref, str) else None
        if match is None:
            raise UnknownReference(
                f"{ref!r} is not an image reference (expected 'sha256:' and 64 hex digits)."
            )
        digest = match.group(1)
        return self.root / digest[:2] / f"{digest}.npy"
