"""Camera RAW (through rawpy/LibRaw) and HEIF/HEIC (through pillow-heif) readers.

Most photographers shoot RAW (DNG, CR2/CR3, NEF, ARW, RAF, ORF, ...) and phones save HEIC, so
:func:`pertouch.core.imageio.load_photo` hands these files here. Both packages are optional (the
``raw`` and ``heif`` extras) and imported only when such a file is read.

RAW files are developed the way a camera would: its own white balance, sRGB primaries and tone
curve, 16 bits per channel (LibRaw's 8-bit path would throw away most of what RAW is shot for), the
sensor's orientation applied. HEIF pixels come out as stored: 8-bit, or 16-bit for 10/12-bit
files; libheif applies the file's rotation and mirroring. Either way the EXIF that matters to a
photographer (camera, lens, exposure, date, GPS) is kept, rebuilt as a clean block: a RAW file's
first directory also describes its sensor data, which must not be copied onto a developed photo.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from pertouch.core.errors import ImageReadError

RAW_SUFFIXES = frozenset(
    {".dng", ".cr2", ".cr3", ".nef", ".nrw", ".arw", ".raf", ".orf", ".rw2", ".pef", ".srw"}
)
HEIF_SUFFIXES = frozenset({".heic", ".heif", ".hif"})
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
#: ``check(width, height, bits_per_channel)``: raises when the photo must not be decoded.
SizeCheck = Callable[[int, int, int], None]

_EXIF_IFD, _GPS_IFD, _INTEROP_IFD = 0x8769, 0x8825, 0xA005
_ORIENTATION, _MAKER_NOTE, _ICC_IN_TIFF = 0x0112, 0x927C, 0x8773
#: First-directory tags that describe the photo rather than the file's own image data.
_KEEP_IN_IFD0 = (0x010E, 0x010F, 0x0110, 0x0131, 0x0132, 0x013B, 0x8298)  # ... Artist, Copyright
#: Exif-directory tags (exposure, lens, dates) that RAW writers often put in the first directory.
_EXIF_TAG_RANGE = range(0x829A, 0xA500)


@dataclass(frozen=True)
class Decoded:
    """Pixels and metadata from a RAW or HEIF file (``load_photo`` wraps them in a Photo).

    Attributes:
        pixels: ``(H, W, 3)`` RGB, uint8 or uint16, upright.
        alpha: ``(H, W)`` of the same dtype, or None.
        icc_profile: the embedded colour profile (None means sRGB).
        exif: a clean EXIF block with the orientation at 1, or None.
        format: ``"RAW"`` or ``"HEIF"``.
    """

    pixels: NDArray[Any]
    alpha: NDArray[Any] | None
    icc_profile: bytes | None
    exif: bytes | None
    format: str


def is_raw(name: str) -> bool:
    """Whether file ``name`` is a camera RAW file (by its extension; RAW formats share no magic)."""
    return Path(name).suffix.lower() in RAW_SUFFIXES


def is_heif(name: str, head: bytes) -> bool:
    """Whether the file is HEIF: by extension, or by the ``ftyp`` brand of its first bytes."""
    return Path(name).suffix.lower() in HEIF_SUFFIXES or (
        len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS
    )


def decode_raw(data: bytes, name: str, check: SizeCheck) -> Decoded:
    """Develop a camera RAW file to 16-bit sRGB with the camera's white balance.

    Raises:
        ImageReadError: rawpy is not installed, or LibRaw cannot read the file, or ``check``
            refuses its size (before anything is developed).
    """
    try:
        import rawpy
    except ImportError:
        raise ImageReadError(
            f"{name} is a camera RAW file; reading RAW needs the 'raw' extra: "
            "pip install 'pertouch[raw]'."
        ) from None
    try:
        with rawpy.imread(io.BytesIO(data)) as raw:
            sizes = raw.sizes
            flip = sizes.flip in (5, 6)  # LibRaw turns these a quarter turn
            width, height = (sizes.height, sizes.width) if flip else (sizes.width, sizes.height)
            check(width, height, 16)
            rgb = raw.postprocess(
                use_camera_wb=True,
                output_bps=16,
                gamma=(2.4, 12.92),  # the sRGB curve; LibRaw's default is BT.709's
                output_color=rawpy.ColorSpace.sRGB,
            )
            thumbnail = _thumbnail_jpeg(raw, rawpy)
    except rawpy.LibRawError as err:
        raise ImageReadError(
            f"{name} is damaged or is not a RAW file LibRaw can read ({type(err).__name__})."
        ) from None
    except MemoryError:
        raise ImageReadError(f"{name} does not fit in memory to be developed.") from None
    return Decoded(
        pixels=np.ascontiguousarray(rgb, dtype=np.uint16),
        alpha=None,
        icc_profile=None,
        exif=_raw_exif(data, thumbnail),
        format="RAW",
    )


def decode_heif(data: bytes, name: str, check: SizeCheck) -> Decoded:
    """Decode the primary image of a HEIF/HEIC file, 16-bit when it holds more than 8 bits.

    Raises:
        ImageReadError: pillow-heif is not installed, the file is damaged, or ``check`` refuses
            its size (before it is decoded).
    """
    try:
        import pillow_heif
    except ImportError:
        raise ImageReadError(
            f"{name} is a HEIF/HEIC photo; reading it needs the 'heif' extra: "
            "pip install 'pertouch[heif]'."
        ) from None
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=False)
        width, height = heif.size
        deep = heif.mode.endswith(";16")
        check(width, height, 16 if deep else 8)
        array = np.asarray(heif)
    except (ValueError, RuntimeError, OSError, SyntaxError) as err:
        if isinstance(err, ImageReadError):
            raise
        raise ImageReadError(f"{name} is damaged or truncated and cannot be decoded.") from None
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    alpha = array[..., 3].copy() if array.shape[2] == 4 else None
    exif = _clean_exif(_exif_of(heif.info.get("exif"))) if heif.info.get("exif") else None
    return Decoded(
        pixels=np.ascontiguousarray(array[..., :3]),
        alpha=alpha,
        icc_profile=heif.info.get("icc_profile") or None,
        exif=exif,
        format="HEIF",
    )


def _thumbnail_jpeg(raw: Any, rawpy: Any) -> bytes | None:
    """The embedded JPEG preview (where formats such as CR3 and RAF keep their EXIF)."""
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, ValueError):
        return None
    return bytes(thumb.data) if thumb.format == rawpy.ThumbFormat.JPEG else None


def _raw_exif(data: bytes, thumbnail: bytes | None) -> bytes | None:
    """EXIF of a RAW file: its TIFF directories when it is TIFF-based, else its JPEG preview's."""
    source: Image.Exif | None = None
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        source = _exif_of(data)
    if (source is None or not len(source)) and thumbnail:
        try:
            with Image.open(io.BytesIO(thumbnail)) as preview:
                source = preview.getexif()
        except (OSError, SyntaxError, ValueError):
            source = None
    return _clean_exif(source) if source is not None and len(source) else None


def _exif_of(data: bytes) -> Image.Exif | None:
    exif = Image.Exif()
    try:
        exif.load(data)
    except (OSError, SyntaxError, ValueError, KeyError, IndexError):
        return None
    return exif


def _clean_exif(source: Image.Exif | None) -> bytes | None:
    """A fresh EXIF block: the photo's description, exposure, lens, dates and GPS; orientation 1.

    Sensor layout, strip offsets and maker notes are left behind: they describe the source file's
    data, and a maker note's internal offsets break when it moves.
    """
    if source is None:
        return None
    out = Image.Exif()
    for tag in _KEEP_IN_IFD0:
        if tag in source:
            out[tag] = source[tag]
    try:
        exif_ifd = dict(source.get_ifd(_EXIF_IFD))
        gps = dict(source.get_ifd(_GPS_IFD))
    except (OSError, SyntaxError, ValueError, KeyError, IndexError):
        exif_ifd, gps = {}, {}
    exif_ifd.update(
        {tag: value for tag, value in source.items() if tag in _EXIF_TAG_RANGE and tag != _EXIF_IFD}
    )
    for pointer_or_private in (_MAKER_NOTE, _GPS_IFD, _INTEROP_IFD, _ICC_IN_TIFF):
        exif_ifd.pop(pointer_or_private, None)
    if exif_ifd:
        out.get_ifd(_EXIF_IFD).update(exif_ifd)
    if gps:
        out.get_ifd(_GPS_IFD).update(gps)
    out[_ORIENTATION] = 1
    return out.tobytes()
