"""Files in and out: permissions, EXIF in 16-bit TIFF, grey photos, FIFOs, colour masks, quality
(issue 16, items 2, 3, 4 and 7), through the command on real photos."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image
from skimage import data

from pertouch.cli import main
from pertouch.core.imageio import load_photo, save_photo
from tests.reliability.conftest import assert_one_sentence

STATE = '{"edits": [{"region": "global", "attribute": "brightness", "delta": 0.15}]}'


def render(photo: Path, out: Path, *extra: str) -> int:
    return main(["render", str(photo), "--state", STATE, "-o", str(out), *extra])


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process's umask after a test that sets it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_gets_the_permissions_of_the_umask(rocket_png, capsys, umask, mask, expected):
    os.umask(mask)
    for name in ("out.jpg", "out.png", "out.tif"):
        assert render(rocket_png, rocket_png.with_name(name)) == 0
        assert mode(rocket_png.with_name(name)) == expected, name


def test_writing_over_a_file_keeps_its_permissions(rocket_png, capsys, umask):
    os.umask(0o077)  # a private umask must not make a shared file private
    shared, private = rocket_png.with_name("shared.png"), rocket_png.with_name("private.png")
    for path, permissions in ((shared, 0o644), (private, 0o640)):
        path.write_bytes(b"old")
        path.chmod(permissions)
        assert render(rocket_png, path) == 0
        assert mode(path) == permissions and load_photo(path).pixels.shape == (427, 640, 3)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[271], exif[272], exif[306] = "Canon", "EOS R5", "2024:05:01 10:00:00"
    exif.get_ifd(0x8769)[36867] = "2024:05:01 09:59:58"  # DateTimeOriginal, in the Exif IFD
    return exif.tobytes()


def _tags(path: Path) -> dict[str, object]:
    """The EXIF as tifffile (not Pillow, not our code) reads it from the first page."""
    with tifffile.TiffFile(path) as tif:
        tags = {t.name: t.value for t in tif.pages[0].tags.values()}
        assert tif.pages[0].dtype == np.uint16
    return tags


def test_a_16_bit_tiff_keeps_make_model_and_dates(tmp_path, astronaut, capsys):
    source = tmp_path / "astronaut16.png"
    save_photo(source, astronaut.astype(np.uint16) * 257, exif=_exif())  # 16-bit PNG with eXIf
    out = tmp_path / "out.tif"
    assert render(source, out) == 0
    tags = _tags(out)
    assert (tags["Make"], tags["Model"], tags["DateTime"]) == (
        "Canon",
        "EOS R5",
        "2024:05:01 10:00:00",
    )
    assert tags["ExifTag"]["DateTimeOriginal"] == "2024:05:01 09:59:58"
    again = load_photo(out)
    assert again.bit_depth == 16 and again.pixels.mean() > astronaut.astype(np.uint16).mean() * 257
    with Image.open(out) as im:  # Pillow reads the same tags back, Exif IFD included
        exif = im.getexif()
        assert exif[271] == "Canon" and exif.get_ifd(0x8769)[36867] == "2024:05:01 09:59:58"


def test_a_16_bit_tiff_in_gives_a_16_bit_tiff_out_with_its_tags(tmp_path, astronaut, capsys):
    source = tmp_path / "in.tif"
    extratags = [(271, "s", 0, "Nikon", True), (272, "s", 0, "Z 8", True)]
    tifffile.imwrite(
        source, astronaut.astype(np.uint16) * 257, photometric="rgb", extratags=extratags
    )
    out = tmp_path / "out.tif"
    assert render(source, out) == 0
    tags = _tags(out)
    assert (tags["Make"], tags["Model"]) == ("Nikon", "Z 8")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif"])
def test_a_grey_photo_comes_back_grey(tmp_path, capsys, suffix):
    camera = data.camera()  # a real greyscale photograph, 512x512
    source = tmp_path / f"camera{suffix}"
    Image.fromarray(camera).save(source)
    out = tmp_path / f"out{suffix}"
    warmer = '{"edits": [{"region": "global", "attribute": "temperature", "delta": 0.4}]}'
    assert main(["render", str(source), "--state", warmer, "-o", str(out)]) == 0
    with Image.open(out) as im:
        assert im.mode == "L"  # one channel, even after a temperature edit
    assert load_photo(out).grey


def test_a_16_bit_grey_photo_stays_16_bit_grey(tmp_path, capsys):
    source = tmp_path / "camera16.png"
    Image.fromarray(data.camera().astype(np.uint16) * 257).save(source)
    for suffix in (".png", ".tif"):
        out = tmp_path / f"out{suffix}"
        assert render(source, out) == 0
        photo = load_photo(out)
        assert photo.grey and photo.bit_depth == 16, suffix


def test_the_agent_gives_a_grey_photo_back_grey(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    source = tmp_path / "camera.png"
    Image.fromarray(data.camera()).save(source)
    out = tmp_path / "out.png"
    args = ["retouch", str(source), "make it warmer and brighter", "-o", str(out), "--rounds", "1"]
    assert main(args) == 0
    with Image.open(out) as im:
        assert im.mode == "L"
    original = np.asarray(Image.open(source)).astype(int)
    assert np.asarray(Image.open(out)).astype(int).mean() > original.mean() + 2


def test_a_fifo_is_named_as_such_and_never_opened(pertouch, tmp_path):
    os.mkfifo(tmp_path / "photo.jpg")  # opening it for reading would wait forever
    result = pertouch("measure", "photo.jpg", timeout=120)
    assert_one_sentence(result, "named pipe (FIFO)")
    (tmp_path / "folder.jpg").mkdir()
    assert_one_sentence(pertouch("measure", "folder.jpg", timeout=120), "is a folder")


def test_a_fifo_given_as_a_mask_gets_a_sentence(rocket_png, capsys):
    fifo = rocket_png.with_name("mask.png")
    os.mkfifo(fifo)
    assert main(["measure", str(rocket_png), "--mask", f"sky={fifo}"]) == 2
    assert "named pipe (FIFO)" in capsys.readouterr().err


def _sky(shape: tuple[int, int]) -> np.ndarray:
    sky = np.zeros(shape, np.uint8)
    sky[:180] = 255
    return sky


def test_a_colour_mask_is_refused_not_read_as_its_luma(rocket_png, capsys):
    red = np.zeros((427, 640, 3), np.uint8)
    red[..., 0] = _sky((427, 640))  # the sky painted with a red brush
    Image.fromarray(red).save(rocket_png.with_name("red.png"))
    assert (
        main(["measure", str(rocket_png), "--mask", f"sky={rocket_png.with_name('red.png')}"]) == 2
    )
    err = capsys.readouterr().err
    assert "is in colour" in err and "greyscale" in err and err.count("\n") == 1


@pytest.mark.parametrize("mode_", ["L", "RGB"])
def test_a_grey_mask_is_read_whether_saved_as_grey_or_rgb(rocket_png, capsys, mode_):
    mask = rocket_png.with_name("sky.png")
    Image.fromarray(_sky((427, 640))).convert(mode_).save(mask)
    assert main(["measure", str(rocket_png), "--mask", f"sky={mask}", "--json"]) == 0
    assert '"sky"' in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "quality"),
    [("out.webp", "1000"), ("out.jpg", "1000"), ("out.jpg", "0"), ("out.webp", "-5")],
)
def test_a_quality_outside_1_to_100_is_refused(rocket_png, capsys, name, quality):
    out = rocket_png.with_name(name)
    assert render(rocket_png, out, "--quality", quality) == 2
    assert f"quality must be from 1 to 100, got {quality}" in capsys.readouterr().err
    assert not out.exists()


def test_the_agent_refuses_a_bad_quality_before_it_works(pertouch, rocket_png):
    result = pertouch("retouch", "rocket.png", "brighter", "-o", "out.webp", "--quality", "1000")
    assert_one_sentence(result, "quality must be from 1 to 100")
    assert not (rocket_png.parent / "home" / "threads.sqlite").exists()  # refused before any turn


@pytest.mark.parametrize("quality", ["1", "100"])
def test_the_quality_bounds_themselves_are_accepted(rocket_png, capsys, quality):
    for name in ("out.jpg", "out.webp"):
        assert render(rocket_png, rocket_png.with_name(name), "--quality", quality) == 0
        assert load_photo(rocket_png.with_name(name)).pixels.shape == (427, 640, 3)


def test_the_image_store_stays_private_whatever_the_umask(tmp_path, rocket, umask):
    from pertouch.core.store import ImageStore

    os.umask(0o002)
    store = ImageStore(tmp_path / "store")
    ref = store.put(rocket)
    (entry,) = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert mode(entry) == 0o600 and np.array_equal(store.get(ref), rocket)
