"""Camera RAW and HEIF input: developed in 16 bits with the camera's white balance, EXIF kept,
refused with a sentence when damaged, and every photo's memory checked before decoding."""

from __future__ import annotations

import struct
import sys
import tracemalloc
import zlib

import numpy as np
import pytest

from pertouch.core.errors import ImageReadError
from pertouch.core.imageio import apply_orientation, load_photo, save_photo
from pertouch.core.memory_budget import PhotoTooLargeError, retouch_bytes
from tests.core.camera_files import MAKE, MODEL, TAKEN, exif_of, write_dng, write_heic

pytest.importorskip("rawpy", reason="the 'raw' extra is not installed")
pytest.importorskip("pillow_heif", reason="the 'heif' extra is not installed")
pytest.importorskip("pidng", reason="pidng (dev) makes the test DNGs")


@pytest.fixture
def scene(astronaut):
    """A real photo with a neutral grey card in one corner."""
    rgb = astronaut.copy()
    rgb[16:96, 16:96] = 128
    return rgb


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.astype(np.float64).ravel(), b.astype(np.float64).ravel())[0, 1])


def test_a_dng_is_developed_in_16_bits_with_the_camera_white_balance(tmp_path, scene):
    photo = load_photo(write_dng(tmp_path / "IMG_0001.dng", scene))
    assert photo.format == "RAW" and photo.bit_depth == 16
    assert photo.pixels.shape == scene.shape
    card = photo.pixels[24:88, 24:88].reshape(-1, 3).mean(axis=0)
    assert card.max() / card.min() < 1.04  # the grey card stays grey: the camera's gains undone
    for channel in range(3):
        assert _correlation(photo.pixels[..., channel], scene[..., channel]) > 0.85
    assert len(np.unique(photo.pixels[..., 1])) > 1024  # more levels than 8 bits can hold


def test_raw_exif_is_kept_without_the_sensor_description(tmp_path, scene):
    photo = load_photo(write_dng(tmp_path / "IMG_0002.dng", scene))
    first, exif = exif_of(photo.exif)
    assert first[271] == MAKE and first[272] == MODEL and first[274] == 1
    assert exif[36867] == TAKEN and abs(float(exif[33434]) - 1 / 250) < 1e-9
    sensor = {256, 257, 258, 262, 273, 324, 325, 33421, 33422, 50706, 50714, 50717, 50728}
    assert not sensor & (set(first) | set(exif))


def test_a_turned_dng_comes_out_upright(tmp_path, scene):
    photo = load_photo(write_dng(tmp_path / "IMG_0003.dng", scene[:, :400], orientation=6))
    upright = apply_orientation(scene[:, :400], 6)
    assert photo.pixels.shape == upright.shape
    assert _correlation(photo.pixels[..., 2], upright[..., 2]) > 0.9


def test_raw_is_written_as_16_bit_tiff_or_as_jpeg_with_its_exif(tmp_path, scene):
    photo = load_photo(write_dng(tmp_path / "IMG_0004.dng", scene))
    save_photo(tmp_path / "out.tif", photo.pixels, exif=photo.exif)
    save_photo(tmp_path / "out.jpg", photo.pixels, exif=photo.exif)
    assert load_photo(tmp_path / "out.tif").bit_depth == 16
    jpeg = load_photo(tmp_path / "out.jpg")
    assert jpeg.bit_depth == 8 and exif_of(jpeg.exif)[0][271] == MAKE
    assert exif_of(jpeg.exif)[1][36867] == TAKEN


def test_raw_written_as_16_bit_tiff_keeps_its_exif(tmp_path, scene):
    photo = load_photo(write_dng(tmp_path / "IMG_0005.dng", scene))
    save_photo(tmp_path / "out.tif", photo.pixels, exif=photo.exif)
    assert exif_of(load_photo(tmp_path / "out.tif").exif)[0].get(271) == MAKE


def test_a_heic_round_trips_upright_with_its_exif(tmp_path, scene):
    photo = load_photo(write_heic(tmp_path / "IMG_0006.HEIC", scene, orientation=6))
    assert photo.format == "HEIF" and photo.bit_depth == 8
    upright = apply_orientation(scene, 6)
    assert np.abs(photo.pixels.astype(int) - upright).mean() < 4  # HEVC at quality 92
    first, exif = exif_of(photo.exif)
    assert first[271] == MAKE and first[274] == 1 and exif[36867] == TAKEN
    save_photo(tmp_path / "out.jpg", photo.pixels, exif=photo.exif)
    assert exif_of(load_photo(tmp_path / "out.jpg").exif)[0][272] == MODEL


def test_a_10_bit_heic_stays_deeper_than_8_bits(tmp_path, scene):
    photo = load_photo(write_heic(tmp_path / "deep.heif", scene, deep=True))
    assert photo.bit_depth == 16
    assert np.abs(photo.pixels / 65535.0 - scene / 255.0).mean() < 0.02


def test_a_heic_is_known_by_its_content_whatever_its_name(tmp_path, scene):
    path = write_heic(tmp_path / "phone.heic", scene)
    renamed = path.rename(tmp_path / "phone.bin")
    assert load_photo(renamed).format == "HEIF"


@pytest.mark.parametrize("name", ["IMG_0007.dng", "IMG_0008.heic"])
def test_damaged_camera_files_are_refused_with_a_sentence(tmp_path, scene, name):
    whole = tmp_path / ("whole" + name[-5:])
    (write_dng if name.endswith(".dng") else write_heic)(whole, scene)
    broken = tmp_path / name
    broken.write_bytes(whole.read_bytes()[:3000])
    with pytest.raises(ImageReadError, match=rf"^{name} is damaged"):
        load_photo(broken)


def test_a_missing_extra_is_named(tmp_path, scene, monkeypatch):
    path = write_dng(tmp_path / "IMG_0009.dng", scene)
    monkeypatch.setitem(sys.modules, "rawpy", None)
    with pytest.raises(ImageReadError, match=r"pip install 'pertouch\[raw\]'"):
        load_photo(path)


def _huge_png(path, width: int, height: int) -> None:
    """A grey PNG of ``width`` x ``height`` that is a few hundred kB on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x80" * width
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_a_photo_too_large_for_the_memory_budget_is_refused_before_decoding(tmp_path):
    path = tmp_path / "huge.png"
    _huge_png(path, 9000, 9000)  # 81 MP in under 100 kB
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    with pytest.raises(
        PhotoTooLargeError, match=r"huge.png is 9000x9000 \(81 MP\).*PERTOUCH_MEMORY_BUDGET"
    ):
        load_photo(path, memory_budget=1 << 30)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20e6  # nothing was decoded
    assert retouch_bytes(9000, 9000) > 1 << 30
    assert load_photo(path, memory_budget=0).pixels.shape == (9000, 9000, 3)  # 0: no check


def test_a_raw_file_is_checked_before_it_is_developed(tmp_path, scene):
    path = write_dng(tmp_path / "IMG_0010.dng", scene)
    with pytest.raises(PhotoTooLargeError, match=r"IMG_0010\.dng"):
        load_photo(path, memory_budget=retouch_bytes(512, 512, 16) - 1)
    assert load_photo(path, memory_budget=retouch_bytes(512, 512, 16)).bit_depth == 16
