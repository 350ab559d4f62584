import io
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms

from pertouch.core.errors import ImageReadError, ImageWriteError, MaskError
from pertouch.core.imageio import load_mask, load_photo, save_photo

SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_header_only(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".webp", ".tif"])
def test_8_bit_round_trip(tmp_path, astronaut, suffix):
    path = save_photo(tmp_path / f"a{suffix}", astronaut)
    photo = load_photo(path)
    assert photo.pixels.shape == astronaut.shape and photo.pixels.dtype == np.uint8
    tolerance = 0 if suffix in (".png", ".tif") else 12
    assert np.abs(photo.pixels.astype(int) - astronaut).mean() <= max(tolerance, 0.5)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_16_bit_stays_16_bit(tmp_path, coffee, suffix):
    wide = (coffee.astype(np.uint16) * 257) ^ np.uint16(0x0055)  # low bits that 8 bits would lose
    path = save_photo(tmp_path / f"c{suffix}", wide, icc_profile=SRGB_ICC)
    photo = load_photo(path)
    assert photo.bit_depth == 16
    np.testing.assert_array_equal(photo.pixels, wide)
    assert photo.icc_profile == SRGB_ICC


def test_16_bit_to_jpeg_is_rounded_to_8_bits(tmp_path, coffee):
    wide = coffee.astype(np.uint16) * 257
    photo = load_photo(save_photo(tmp_path / "c.jpg", wide))
    assert photo.bit_depth == 8 and np.abs(photo.pixels.astype(int) - coffee).mean() < 3


def test_16_bit_grey_png_is_read_as_16_bit(tmp_path):
    grey = (np.arange(64 * 48, dtype=np.uint32).reshape(48, 64) * 21).astype(np.uint16)
    cv2.imwrite(str(tmp_path / "g.png"), grey)
    photo = load_photo(tmp_path / "g.png")
    assert photo.grey and photo.bit_depth == 16
    np.testing.assert_array_equal(photo.pixels[..., 1], grey)


def test_exif_orientation_is_applied_and_reset(tmp_path, chelsea):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    exif[0x010F] = "PerTouchCam"
    Image.fromarray(chelsea).save(tmp_path / "rot.jpg", exif=exif, quality=95)
    photo = load_photo(tmp_path / "rot.jpg")
    assert photo.pixels.shape == (chelsea.shape[1], chelsea.shape[0], 3)
    upright = np.rot90(chelsea, k=-1)
    assert np.abs(photo.pixels.astype(int) - upright).mean() < 4
    out = load_photo(save_photo(tmp_path / "out.jpg", photo.pixels, exif=photo.exif))
    kept = Image.open(tmp_path / "out.jpg").getexif()
    assert kept.get(0x0112) == 1 and kept.get(0x010F) == "PerTouchCam"
    assert out.pixels.shape == photo.pixels.shape


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".tif"])
def test_icc_profile_is_kept(tmp_path, coffee, suffix):
    photo = load_photo(save_photo(tmp_path / f"c{suffix}", coffee, icc_profile=SRGB_ICC))
    assert photo.icc_profile == SRGB_ICC


def test_grey_and_alpha(tmp_path, astronaut):
    grey = astronaut[..., 0]
    Image.fromarray(grey, "L").save(tmp_path / "g.png")
    photo = load_photo(tmp_path / "g.png")
    assert photo.grey and photo.pixels.shape == (*grey.shape, 3)
    alpha = np.linspace(0, 255, grey.size).reshape(grey.shape).astype(np.uint8)
    Image.fromarray(np.dstack([astronaut, alpha]), "RGBA").save(tmp_path / "a.png")
    photo = load_photo(tmp_path / "a.png")
    np.testing.assert_array_equal(photo.alpha, alpha)
    again = load_photo(save_photo(tmp_path / "b.png", photo.pixels, alpha=photo.alpha))
    np.testing.assert_array_equal(again.alpha, alpha)


def test_non_image_file(tmp_path):
    (tmp_path / "notes.jpg").write_text("these are not pixels")
    with pytest.raises(ImageReadError, match="not a photo PerTouch can read"):
        load_photo(tmp_path / "notes.jpg")


def test_truncated_jpeg(tmp_path, astronaut):
    buffer = io.BytesIO()
    Image.fromarray(astronaut).save(buffer, format="JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageReadError, match="damaged or truncated"):
        load_photo(tmp_path / "cut.jpg")


def test_truncated_16_bit_png(tmp_path, coffee):
    _, data = cv2.imencode(".png", coffee.astype(np.uint16) * 257)
    (tmp_path / "cut.png").write_bytes(data.tobytes()[: data.size // 3])
    with pytest.raises(ImageReadError, match="damaged or truncated"):
        load_photo(tmp_path / "cut.png")


def test_zero_size_image(tmp_path):
    (tmp_path / "zero.png").write_bytes(_png_header_only(0, 10))
    with pytest.raises(ImageReadError, match=r"no pixels|not a photo"):
        load_photo(tmp_path / "zero.png")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    (tmp_path / "bomb.png").write_bytes(_png_header_only(50_000, 50_000))
    with pytest.raises(ImageReadError, match=r"2500 MP|far too large"):
        load_photo(tmp_path / "bomb.png")
    (tmp_path / "big.png").write_bytes(_png_header_only(5_000, 5_000))
    with pytest.raises(ImageReadError, match="over the limit of 10 MP"):
        load_photo(tmp_path / "big.png", max_pixels=10_000_000)


def test_missing_empty_folder_and_unsupported(tmp_path):
    with pytest.raises(ImageReadError, match="no file"):
        load_photo(tmp_path / "missing.jpg")
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ImageReadError, match="empty"):
        load_photo(tmp_path / "empty.jpg")
    with pytest.raises(ImageReadError, match="folder"):
        load_photo(tmp_path)
    Image.new("RGB", (4, 4)).save(tmp_path / "x.bmp")
    with pytest.raises(ImageReadError, match="BMP"):
        load_photo(tmp_path / "x.bmp")


def test_write_errors_leave_nothing_behind(tmp_path, coffee):
    with pytest.raises(ImageWriteError, match=r"\.jpg, \.png"):
        save_photo(tmp_path / "out.gif", coffee)
    with pytest.raises(ImageWriteError, match="does not exist"):
        save_photo(tmp_path / "nowhere" / "out.png", coffee)
    assert list(tmp_path.iterdir()) == []


def test_failed_encode_keeps_the_old_file(tmp_path, coffee, monkeypatch):
    target = tmp_path / "keep.png"
    save_photo(target, coffee)
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", boom)
    with pytest.raises(ImageWriteError, match="No space left"):
        save_photo(target, coffee[::-1])
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.png"]


def test_masks(tmp_path, coffee):
    mask = np.zeros(coffee.shape[:2], np.uint8)
    mask[50:100, 50:100] = 255
    Image.fromarray(mask).save(tmp_path / "m.png")
    loaded = load_mask(tmp_path / "m.png", coffee.shape[:2])
    assert loaded.dtype == np.float32 and loaded.max() == 1.0 and loaded.sum() == 2500
    with pytest.raises(MaskError, match="make the mask the photo's size"):
        load_mask(tmp_path / "m.png", (10, 10))
    (tmp_path / "bad.png").write_text("nope")
    with pytest.raises(MaskError, match="Mask unreadable"):
        load_mask(tmp_path / "bad.png")
