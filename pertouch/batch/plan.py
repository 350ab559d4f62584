"""Which files of the input folder are photos, and where each one's result goes.

Results keep their names (and sub-folders with ``recursive``) and their format where PerTouch can
write it; RAW files become 16-bit TIFF and HEIF files JPEG unless ``--format`` says otherwise.
When two inputs would land on one name (``IMG_1.heic`` and ``IMG_1.jpg``), the converted one keeps
its original extension in its name (``IMG_1-heic.jpg``), so nothing is ever overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pertouch.batch.look import BatchError
from pertouch.batch.photo import PhotoJob
from pertouch.core.camera_formats import HEIF_SUFFIXES, RAW_SUFFIXES

OutputFormat = Literal["same", "jpeg", "tiff", "png"]
WRITABLE = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp"}
PHOTO_SUFFIXES = WRITABLE | RAW_SUFFIXES | HEIF_SUFFIXES
_CHOSEN = {"jpeg": ".jpg", "tiff": ".tif", "png": ".png"}
_NORMAL = {".jpg": ".jpg", ".jpeg": ".jpg", ".tif": ".tif", ".tiff": ".tif", ".png": ".png"}


@dataclass(frozen=True)
class Plan:
    """The photos to do, in name order, and how many other files were passed over."""

    jobs: tuple[PhotoJob, ...]
    ignored: int


def plan_batch(
    source: Path, target: Path, output_format: OutputFormat = "same", recursive: bool = False
) -> Plan:
    """List the photos under ``source`` and their results under ``target``.

    Raises:
        BatchError: ``source`` is not a folder, or ``target`` is ``source`` itself.
    """
    source, target = source.expanduser().resolve(), target.expanduser().resolve()
    if not source.is_dir():
        raise BatchError(f"{str(source)!r} is not a folder of photos.")
    if source == target:
        raise BatchError("The output folder must differ from the input folder; give another -o.")
    if target.exists() and not target.is_dir():
        raise BatchError(f"The output {str(target)!r} is a file; give a folder.")
    files = sorted(source.rglob("*") if recursive else source.iterdir())
    photos, ignored = [], 0
    for path in files:
        if not path.is_file() or any(
            part.startswith(".") for part in path.relative_to(source).parts
        ):
            continue
        if target in path.parents:
            continue  # our own results, when the output folder is inside the input folder
        if path.suffix.lower() in PHOTO_SUFFIXES:
            photos.append(path)
        else:
            ignored += 1
    wanted = {
        path: target / path.relative_to(source).with_suffix(_suffix(path.suffix, output_format))
        for path in photos
    }
    claims: dict[str, list[Path]] = {}  # by lower-case name: some file systems ignore case
    for path, output in wanted.items():
        claims.setdefault(str(output).lower(), []).append(path)
    jobs = []
    for path, output in wanted.items():
        rivals = claims[str(output).lower()]
        native = [p for p in rivals if p.suffix.lower() == output.suffix.lower()] or rivals[:1]
        if len(rivals) > 1 and path != native[0]:
            output = output.with_stem(f"{output.stem}-{path.suffix.lower().lstrip('.')}")
        stat = path.stat()
        jobs.append(
            PhotoJob(
                name=path.relative_to(source).as_posix(),
                source=path,
                output=output,
                fingerprint=f"{stat.st_size}:{stat.st_mtime_ns}",
            )
        )
    return Plan(tuple(jobs), ignored)


def _suffix(suffix: str, output_format: OutputFormat) -> str:
    if output_format != "same":
        return (
            suffix
            if _CHOSEN[output_format] == _NORMAL.get(suffix.lower())
            else _CHOSEN[output_format]
        )
    if suffix.lower() in RAW_SUFFIXES:
        return ".tif"
    if suffix.lower() in HEIF_SUFFIXES:
        return ".jpg"
    return suffix
