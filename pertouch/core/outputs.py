"""Where a result may be written: never over what it was made from, unless asked to.

``pertouch segment v.png "the background" -o v.png`` once replaced a photo with its mask. Every
surface that writes a file next to the photos it read (the command's retouch, render and segment;
MCP's retouch and render) calls :func:`refuse_overwriting_inputs` first, before any work is done.
The same file is recognised whatever the path says: the same name, a symlink to it, or a hard
link (the same inode on the same device).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pertouch.core.errors import ImageWriteError


def refuse_overwriting_inputs(
    output: str | Path,
    inputs: Iterable[str | Path | None],
    overwrite: bool = False,
    how: str = "--overwrite",
) -> None:
    """Raise if ``output`` is one of ``inputs`` (None entries are skipped) and not ``overwrite``.

    Args:
        output: where the result is to be written.
        inputs: the files the result is made from (photo, masks).
        overwrite: the person asked to replace an input.
        how: how the person asks for that on this surface, named in the sentence.

    Raises:
        ImageWriteError: one sentence naming the input that would be replaced.
    """
    if overwrite:
        return
    for source in inputs:
        if source is not None and same_file(output, source):
            raise ImageWriteError(
                f"The output {str(output)!r} is the input {Path(source).name!r} (the same file); "
                f"write the result elsewhere, or pass {how} to replace the input."
            )


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one existing file (same name, symlink or hard link)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # either is missing (a new output), a dangling link, or unreadable
        return False
