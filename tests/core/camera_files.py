"""Camera files for tests, made here from real photos: a DNG (through pidng, from a Bayer mosaic)
and a HEIC (through pillow-heif), each with EXIF. Nothing is downloaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

#: Sensor gains of the imaginary camera: its raw green is twice as sensitive as red.
GAINS = (0.5, 1.0, 0.7)
MAKE, MODEL, TAKEN = "PerTouch", "Test Camera", "2024:05:06 07:08:09"


def write_dng(path: Path, rgb: np.ndarray, orientation: int = 1) -> Path:
    """A 12-bit RGGB DNG of ``rgb`` (uint8): linearised, mosaicked, with the camera's gains."""
    from pidng.core import RAW2DNG, DNGTags, Tag
    from pidng.defs import CalibrationIlluminant, CFAPattern, DNGVersion, PhotometricInterpretation

    linear = (rgb.astype(np.float32) / 255.0) ** 2.2
    height, width = linear.shape[0] // 2 * 2, linear.shape[1] // 2 * 2
    linear = linear[:height, :width]
    mosaic = np.empty((height, width), np.float32)
    mosaic[0::2, 0::2] = linear[0::2, 0::2, 0] * GAINS[0]
    mosaic[0::2, 1::2] = linear[0::2, 1::2, 1] * GAINS[1]
    mosaic[1::2, 0::2] = linear[1::2, 0::2, 1] * GAINS[1]
    mosaic[1::2, 1::2] = linear[1::2, 1::2, 2] * GAINS[2]
    raw = (mosaic * (4095 - 64) + 64).astype(np.uint16)
    tags = DNGTags()
    for tag, value in (
        (Tag.ImageWidth, width),
        (Tag.ImageLength, height),
        (Tag.TileWidth, width),
        (Tag.TileLength, height),
        (Tag.Orientation, orientation),
        (Tag.PhotometricInterpretation, PhotometricInterpretation.Color_Filter_Array),
        (Tag.SamplesPerPixel, 1),
        (Tag.BitsPerSample, 16),
        (Tag.CFARepeatPatternDim, [2, 2]),
        (Tag.CFAPattern, CFAPattern.RGGB),
        (Tag.BlackLevel, 64),
        (Tag.WhiteLevel, 4095),
        (
            Tag.ColorMatrix1,
            [[1, 1], [0, 1], [0, 1], [0, 1], [1, 1], [0, 1], [0, 1], [0, 1], [1, 1]],
        ),
        (Tag.CalibrationIlluminant1, CalibrationIlluminant.D65),
        (Tag.AsShotNeutral, [[int(g * 100), 100] for g in GAINS]),
        (Tag.BaselineExposure, [[0, 100]]),
        (Tag.Make, MAKE),
        (Tag.Model, MODEL),
        (Tag.DateTimeOriginal, TAKEN),
        (Tag.ExposureTime, [[1, 250]]),
        (Tag.DNGVersion, DNGVersion.V1_4),
        (Tag.DNGBackwardVersion, DNGVersion.V1_2),
        (Tag.PreviewColorSpace, 2),
    ):
        tags.set(tag, value)
    writer = RAW2DNG()
    writer.options(tags, path="", compress=False)
    path.write_bytes(bytes(writer.convert(raw)))
    return path


def write_heic(path: Path, rgb: np.ndarray, orientation: int = 1, deep: bool = False) -> Path:
    """A HEIC of ``rgb`` (uint8) with EXIF (camera, date, orientation); 10-bit when ``deep``."""
    import pillow_heif

    exif = Image.Exif()
    exif[271], exif[272], exif[274] = MAKE, MODEL, orientation
    exif.get_ifd(0x8769)[36867] = TAKEN
    height, width = rgb.shape[:2]
    data = (rgb.astype(np.uint16) * 257) if deep else rgb
    heif = pillow_heif.from_bytes(
        mode="RGB;16" if deep else "RGB",
        size=(width, height),
        data=np.ascontiguousarray(data).tobytes(),
    )
    heif.save(path, quality=92, exif=exif.tobytes())
    return path


def exif_of(data: bytes | None) -> tuple[dict[int, object], dict[int, object]]:
    """(first directory, Exif directory) of an EXIF block."""
    exif = Image.Exif()
    if data:
        exif.load(data)
    return dict(exif), dict(exif.get_ifd(0x8769))
