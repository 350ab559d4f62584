"""The other sources of a look, and camera files in a batch: the agent on each photo from an
instruction, an approved thread's state, and RAW and HEIC photos written with their EXIF."""

from __future__ import annotations

import json

import pytest

from pertouch.api import Retoucher
from pertouch.cli import main
from pertouch.core.imageio import load_photo
from tests.batch.conftest import manifest_records, write_shoot
from tests.core.camera_files import MAKE, TAKEN, exif_of, write_dng, write_heic


def test_an_instruction_runs_the_agent_on_each_photo_in_its_own_thread(
    tmp_path, home, settings, capsys
):
    shoot = tmp_path / "shoot"
    write_shoot(shoot, ("astronaut", "chelsea"))
    out = tmp_path / "out"
    assert (
        main(["batch", str(shoot), "a touch warmer and lift the faces", "-o", str(out), "--json"])
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["look"]["instruction"] == "a touch warmer and lift the faces"
    done = {r["name"]: r for r in manifest_records(out) if r["event"] == "done"}
    assert len({r["thread"] for r in done.values()}) == 2
    assert {e["region"] for e in done["astronaut.jpg"]["state"]["edits"]} == {"global", "face"}
    assert {e["region"] for e in done["chelsea.jpg"]["state"]["edits"]} == {"global"}  # no face
    with Retoucher(settings=settings) as agent:  # each photo's thread can be continued
        later = agent.turn("a bit less", thread_id=done["astronaut.jpg"]["thread"])
    assert later.state.edits and later.thread_id == done["astronaut.jpg"]["thread"]


def test_the_approved_state_of_a_thread_is_applied_to_the_shoot(tmp_path, home, settings, capsys):
    shoot = tmp_path / "shoot"
    write_shoot(shoot, ("coffee", "chelsea", "rocket"))
    with Retoucher(settings=settings) as agent:
        first = agent.turn("warmer", shoot / "coffee.jpg")
    assert (
        main(["batch", str(shoot), "-o", str(tmp_path / "early"), "--from-thread", first.thread_id])
        == 2
    )
    assert "has not been approved" in capsys.readouterr().err
    with Retoucher(settings=settings) as agent:
        approved = agent.turn("looks good", thread_id=first.thread_id)
    assert approved.approved
    out = tmp_path / "out"
    assert (
        main(["batch", str(shoot), "-o", str(out), "--from-thread", first.thread_id, "--json"]) == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["done"] == 3 and summary["look"]["state"] == first.state.to_dict()


def test_raw_and_heic_photos_are_retouched_and_keep_their_exif(tmp_path, home, astronaut, capsys):
    pytest.importorskip("rawpy", reason="the 'raw' extra is not installed")
    pytest.importorskip("pillow_heif", reason="the 'heif' extra is not installed")
    pytest.importorskip("pidng", reason="pidng makes the test DNG")
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    write_dng(shoot / "IMG_0001.DNG", astronaut)
    write_heic(shoot / "IMG_0002.HEIC", astronaut, orientation=6)
    warmer = '{"edits": [{"region": "global", "attribute": "temperature", "delta": 0.2}]}'
    out = tmp_path / "out"
    assert main(["batch", str(shoot), "-o", str(out), "--state", warmer]) == 0
    raw, phone = load_photo(out / "IMG_0001.tif"), load_photo(out / "IMG_0002.jpg")
    assert raw.bit_depth == 16 and raw.pixels.shape == astronaut.shape
    assert phone.pixels.shape == astronaut.shape  # square: turned upright or not, same shape
    first, exif = exif_of(phone.exif)
    assert first[271] == MAKE and first[274] == 1 and exif[36867] == TAKEN
    assert (
        main(
            [
                "batch",
                str(shoot),
                "-o",
                str(tmp_path / "jpeg"),
                "--state",
                warmer,
                "--format",
                "jpeg",
            ]
        )
        == 0
    )
    jpeg = load_photo(tmp_path / "jpeg" / "IMG_0001.jpg")
    assert jpeg.bit_depth == 8 and exif_of(jpeg.exif)[0][271] == MAKE


def test_a_users_remembered_look_starts_each_similar_photo(tmp_path, home, capsys):
    from skimage import data

    from pertouch.core.imageio import save_photo
    from pertouch.services import open_memory
    from pertouch.settings import Settings
    from tests.batch.conftest import small

    memory_home = tmp_path / "memory"
    settings = Settings.from_env({}, home=home, memory=str(memory_home))
    coffee = small(data.coffee())
    taken = tmp_path / "taken.jpg"
    save_photo(taken, coffee)
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for index, gain in enumerate((0.9, 1.1)):
        save_photo(shoot / f"cup{index}.jpg", (coffee * gain).clip(0, 255).astype("uint8"))
    open_memory(str(memory_home)).users.ensure("ana")
    with Retoucher(settings=settings) as agent:
        first = agent.turn("cooler", taken, user="ana")
        assert agent.turn("looks good", thread_id=first.thread_id, user="ana").approved
    out = tmp_path / "out"
    assert (
        main(
            [
                "batch",
                str(shoot),
                "-o",
                str(out),
                "--user",
                "ana",
                "--memory",
                str(memory_home),
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["done"] == 2 and summary["look"] == {
        "kind": "user",
        "origin": "what ana approved before",
        "user": "ana",
    }
    for record in (r for r in manifest_records(out) if r["event"] == "done"):
        temperature = [e for e in record["state"]["edits"] if e["attribute"] == "temperature"]
        assert temperature and all(e["delta"] < 0 for e in temperature), record
        assert record["notes"] and "cooled" in record["notes"][0]
