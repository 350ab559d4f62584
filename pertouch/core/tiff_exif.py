"""EXIF inside a 16-bit TIFF that tifffile wrote.

tifffile writes 16-bit RGB TIFFs well but has no way to embed an EXIF block, and Pillow, which can
write EXIF, cannot write 16-bit RGB. A TIFF's EXIF is not a blob but part of the image's own tag
table (IFD0: Make, Model, DateTime ...) plus sub-tables the IFD0 points at (the Exif and GPS
IFDs). So :func:`tiff_with_exif` lets Pillow serialise the EXIF tags, sub-tables included, at the
end of the file, then writes a new IFD0 holding the image's entries and the EXIF entries, and
points the header at it. Every entry is a self-contained 12-byte record whose out-of-line data
sits at an absolute offset, so merging two tables is a byte-level operation that leaves the pixel
data untouched. The superseded IFD0 stays in the file, unreferenced (a few hundred bytes).
"""

from __future__ import annotations

import struct

from PIL import Image, TiffImagePlugin

_LITTLE_ENDIAN_TIFF = b"II*\x00"
_ORIENTATION = 0x0112
_EXIF_IFD, _GPS_IFD, _INTEROP_IFD = 0x8769, 0x8825, 0xA005
#: Layout tags that only the image's own table may set (EXIF can carry its own, for a thumbnail).
_LAYOUT = {254, 256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 317, 338, 339, 34675}


def tiff_with_exif(tiff: bytes, exif: bytes) -> bytes:
    """``tiff`` (classic little-endian, as tifffile writes it) with the tags of ``exif`` added.

    The image's layout tags win over EXIF's, EXIF's win over the rest (resolution, software);
    the orientation is left out because the pixels are written upright. Anything unexpected (a big-endian or BigTIFF file, unreadable EXIF) returns
    ``tiff`` unchanged: losing metadata is better than a broken photo.
    """
    if not tiff.startswith(_LITTLE_ENDIAN_TIFF) or not exif:
        return tiff
    meta = Image.Exif()
    try:
        meta.load(exif)
    except (OSError, SyntaxError, ValueError, struct.error):
        return tiff
    entries = _entries(tiff, struct.unpack_from("<I", tiff, 4)[0])
    extra = TiffImagePlugin.ImageFileDirectory_v2(ifh=_LITTLE_ENDIAN_TIFF + b"\x08\x00\x00\x00")
    for tag, value in meta.items():
        if tag in _LAYOUT or tag == _ORIENTATION:
            continue
        if tag in (_EXIF_IFD, _GPS_IFD):
            value = dict(meta.get_ifd(tag))
            value.pop(_INTEROP_IFD, None)  # a third level of pointers; nothing we keep needs it
        extra[tag] = value
    if not len(extra):
        return tiff
    start = _even(len(tiff))
    try:
        block = extra.tobytes(start)
    except (struct.error, TypeError, ValueError):  # a tag Pillow cannot serialise
        return tiff
    entries.update(_entries(block, 0))  # layout tags were left out above, so the image's stay
    table_at = _even(start + len(block))
    table = struct.pack("<H", len(entries)) + b"".join(entries[t] for t in sorted(entries))
    out = bytearray(tiff.ljust(start, b"\x00") + block)
    out += b"\x00" * (table_at - len(out)) + table + b"\x00\x00\x00\x00"  # no next IFD
    struct.pack_into("<I", out, 4, table_at)
    return bytes(out)


def _entries(data: bytes, offset: int) -> dict[int, bytes]:
    """The 12-byte records of the IFD at ``offset``, by tag."""
    count = struct.unpack_from("<H", data, offset)[0]
    records = (data[offset + 2 + 12 * i : offset + 14 + 12 * i] for i in range(count))
    return {struct.unpack_from("<H", r)[0]: r for r in records}


def _even(n: int) -> int:
    """TIFF offsets are word-aligned."""
    return n + n % 2
