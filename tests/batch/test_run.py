"""``pertouch batch`` end to end on real photos: the look lands, names and EXIF are kept, a corrupt
file fails alone, a rerun resumes, a killed batch loses and redoes nothing, workers share the work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pertouch.cli import main
from pertouch.core.attributes import Attribute
from pertouch.core.imageio import load_photo
from pertouch.core.levels import default_scale
from pertouch.core.metrics import measure_raw
from tests.batch.conftest import manifest_records, write_shoot

ROOT = Path(__file__).resolve().parents[2]
TEMPERATURE = Attribute.TEMPERATURE.channel


def _level(pixels: np.ndarray, channel: int) -> float:
    return float(default_scale().to_level(measure_raw(pixels)["global"])[channel])


def _outcomes(folder: Path) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in manifest_records(folder):
        if record["event"] in ("done", "failed"):
            found.setdefault(record["name"], []).append(record)
    return found


def test_every_photo_gets_the_look_and_a_corrupt_file_fails_alone(
    shoot, tmp_path, home, warmer, capsys
):
    (shoot / "broken.jpg").write_bytes((shoot / "coffee.jpg").read_bytes()[:4000])
    (shoot / "notes.txt").write_text("not a photo")
    out = tmp_path / "out"
    status = main(["batch", str(shoot), "-o", str(out), "--state", str(warmer), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert status == 1  # a photo failed
    assert (summary["photos"], summary["done"], summary["failed"], summary["ignored"]) == (
        6,
        5,
        1,
        1,
    )
    assert summary["failures"] == [
        {"name": "broken.jpg", "error": "broken.jpg is damaged or truncated and cannot be decoded."}
    ]
    assert json.loads((out / "pertouch-batch-summary.json").read_text()) == summary
    for name in ("astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg", "motorcycle.jpg"):
        before, after = load_photo(shoot / name), load_photo(out / name)
        assert after.pixels.shape == before.pixels.shape and after.format == "JPEG"
        assert after.exif is not None and b"Shoot Camera" in after.exif
        start = _level(before.pixels, TEMPERATURE)
        moved = _level(after.pixels, TEMPERATURE) - start
        # warmer everywhere (regions and limits bend the whole's level; a photo already near the
        # warm end of the scale, like the coffee, has less room to move)
        assert moved > (0.03 if start > 0.75 else 0.1), name
        if name in ("chelsea.jpg", "motorcycle.jpg"):  # one region, mid-range: exactly as asked
            assert moved == pytest.approx(0.2, abs=0.05), name
    outcomes = _outcomes(out)
    assert "No sky found" in outcomes["coffee.jpg"][0]["notes"][0]
    assert outcomes["rocket.jpg"][0]["notes"] == []  # the rocket's sky was found
    assert not (out / "broken.jpg").exists() and not list(out.glob(".*.tmp"))


def test_a_rerun_skips_what_is_done_and_tries_the_failed_again(
    shoot, tmp_path, home, warmer, capsys
):
    (shoot / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    out = tmp_path / "out"
    main(["batch", str(shoot), "-o", str(out), "--state", str(warmer)])
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.jpg")}
    capsys.readouterr()
    (shoot / "broken.jpg").unlink()
    write_shoot(shoot, ("camera",))  # a photo added to the folder since
    assert main(["batch", str(shoot), "-o", str(out), "--state", str(warmer), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["skipped"], summary["done"], summary["failed"]) == (5, 1, 0)
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.jpg") if p.name in stamps} == stamps
    assert all(
        len(records) == 1 for name, records in _outcomes(out).items() if name != "broken.jpg"
    )


def test_another_look_on_the_same_output_is_refused_unless_restarted(
    shoot, tmp_path, home, warmer, capsys
):
    out = tmp_path / "out"
    assert main(["batch", str(shoot), "-o", str(out), "--state", str(warmer)]) == 0
    cooler = '{"edits": [{"region": "global", "attribute": "temperature", "delta": -0.2}]}'
    assert main(["batch", str(shoot), "-o", str(out), "--state", cooler]) == 2
    assert "holds a batch with another look" in capsys.readouterr().err
    assert (
        main(["batch", str(shoot), "-o", str(out), "--state", cooler, "--restart", "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out)["skipped"] == 0


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ([], "Give the batch one look"),
        (["--state", "{}", "warmer"], "not both"),
        (["--from-thread", "nope"], "There is no thread 'nope'"),
        (["--user", "nobody"], "nobody"),
    ],
)
def test_a_batch_without_a_usable_look_is_refused_with_a_sentence(
    shoot, tmp_path, home, capsys, arguments, words
):
    positional = [
        a for a in arguments if not a.startswith("-") and a not in ("{}", "nope", "nobody")
    ]
    options = [a for a in arguments if a not in positional]
    assert main(["batch", str(shoot), *positional, "-o", str(tmp_path / "out"), *options]) == 2
    assert words in capsys.readouterr().err


def _run_cli(arguments: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pertouch", "-v", "batch", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the kill takes every worker with it
    )


def test_a_killed_batch_loses_nothing_and_redoes_nothing(tmp_path, home, warmer):
    shoot = tmp_path / "shoot"
    write_shoot(shoot)
    write_shoot(shoot / "more", ("astronaut", "coffee", "chelsea"))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PERTOUCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    arguments = [str(shoot), "-o", str(out), "--state", str(warmer), "--recursive"]
    first = _run_cli(arguments, env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = (
            [r for r in manifest_records(out) if r["event"] == "done"]
            if (out / "pertouch-batch.jsonl").exists()
            else []
        )
        if len(done) >= 2:
            break
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert 2 <= len(done) < 8, "the batch should have been killed midway"
    before = {
        r["name"]: Path(r["output"]).stat().st_mtime_ns
        for r in manifest_records(out)
        if r["event"] == "done"
    }
    second = _run_cli([*arguments, "--json"], env)
    stdout, stderr = second.communicate(timeout=180)
    assert second.returncode == 0, stderr.decode()
    summary = json.loads(stdout)
    assert summary["skipped"] == len(before) and summary["done"] == 8 - len(before)
    outcomes = _outcomes(out)
    assert sorted(outcomes) == sorted(
        [f"{n}.jpg" for n in ("astronaut", "coffee", "chelsea", "rocket", "motorcycle")]
        + [f"more/{n}.jpg" for n in ("astronaut", "coffee", "chelsea")]
    )
    assert all(len(records) == 1 and records[0]["event"] == "done" for records in outcomes.values())
    for name, stamp in before.items():
        assert (out / name).stat().st_mtime_ns == stamp  # not redone
    for name in outcomes:
        assert load_photo(out / name).pixels.shape == load_photo(shoot / name).pixels.shape
    assert not [p for p in out.rglob("*.tmp")]


def test_two_workers_share_a_shoot(shoot, tmp_path, home, warmer, capsys):
    out = tmp_path / "out"
    assert (
        main(
            [
                "batch",
                str(shoot),
                "-o",
                str(out),
                "--state",
                str(warmer),
                "--workers",
                "2",
                "--json",
            ]
        )
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["done"] == 5 and summary["workers"] == 2
    workers = {r["worker"] for r in manifest_records(out) if r["event"] == "done"}
    assert len(workers) == 2 and set(summary["peak_mb_per_worker"]) == workers
    assert all(0 < mb < 2000 for mb in summary["peak_mb_per_worker"].values())
