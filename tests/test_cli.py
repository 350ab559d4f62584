"""The `pertouch` command: measure, render and fit-scale, and one sentence for every bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from pertouch.cli import main
from pertouch.core.imageio import load_photo


@pytest.fixture
def files(tmp_path, rocket):
    photo = tmp_path / "rocket.png"
    Image.fromarray(rocket).save(photo)
    sky = np.zeros(rocket.shape[:2], np.uint8)
    sky[:200] = 255
    Image.fromarray(sky).save(tmp_path / "sky.png")
    state = {
        "baseline": "as_shot",
        "edits": [{"region": "sky", "attribute": "brightness", "delta": 0.2}],
    }
    (tmp_path / "state.json").write_text(json.dumps(state))
    return tmp_path


def test_measure_prints_a_table_and_json(files, capsys):
    assert main(["measure", str(files / "rocket.png"), "--mask", f"sky={files / 'sky.png'}"]) == 0
    table = capsys.readouterr().out
    assert "colorfulness" in table and "sky" in table and "brightness" in table
    assert main(["measure", str(files / "rocket.png"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    levels = report["regions"]["global"]["levels"]
    assert set(levels) == {"colorfulness", "contrast", "temperature", "brightness"}
    assert all(-1 <= v <= 1 for v in levels.values())


def test_render_lands_on_the_target(files, capsys):
    out = files / "out.jpg"
    args = ["render", str(files / "rocket.png"), "--state", str(files / "state.json")]
    assert main([*args, "--mask", f"sky={files / 'sky.png'}", "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    sky = report["regions"]["sky"]
    assert sky["reached"]["brightness"] == pytest.approx(sky["target"]["brightness"], abs=0.03)
    assert sky["target"]["brightness"] == pytest.approx(sky["before"]["brightness"] + 0.2, abs=1e-3)
    assert load_photo(out).pixels.shape == (427, 640, 3)


def test_render_accepts_inline_json(files, capsys):
    state = '{"edits": [{"region": "global", "attribute": "temperature", "delta": 0.2}]}'
    out = files / "warm.png"
    assert main(["render", str(files / "rocket.png"), "--state", state, "-o", str(out)]) == 0
    assert "reached" in capsys.readouterr().out and out.exists()


def test_fit_scale_writes_a_usable_scale(files, tmp_path, coffee, chelsea, capsys):
    folder = tmp_path / "keepers"
    folder.mkdir()
    for name, photo in {"coffee": coffee, "chelsea": chelsea}.items():
        Image.fromarray(photo).save(folder / f"{name}.jpg")
    scale = tmp_path / "scale.json"
    assert main(["fit-scale", str(folder), "-o", str(scale)]) == 0
    assert main(["measure", str(files / "rocket.png"), "--scale", str(scale), "--json"]) == 0
    assert "2 photos" in capsys.readouterr().out + scale.read_text()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: ["measure", str(d / "missing.jpg")], "no file"),
        (lambda d: ["measure", str(d / "state.json")], "not a photo"),
        (lambda d: ["measure", str(d / "rocket.png"), "--mask", "sky"], "NAME=FILE"),
        (
            lambda d: ["measure", str(d / "rocket.png"), "--mask", f"sky={d / 'small.png'}"],
            "photo's size",
        ),
        (
            lambda d: ["render", str(d / "rocket.png"), "--state", "{oops", "-o", str(d / "o.png")],
            "not valid JSON",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                str(d / "nope.json"),
                "-o",
                str(d / "o.png"),
            ],
            "Cannot read the state",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                str(d / "state.json"),
                "-o",
                str(d / "o.png"),
            ],
            "No mask was given for region 'sky'",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                '{"edits": [{"region": "global", "attribute": "sharpness", "delta": 0.1}]}',
                "-o",
                str(d / "o.png"),
            ],
            "Unknown attribute",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                '{"edits": [{"region": "global", "attribute": "contrast", "delta": 9}]}',
                "-o",
                str(d / "o.png"),
            ],
            "between -2 and 2",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                str(d / "state.json"),
                "--mask",
                f"sky={d / 'sky.png'}",
                "-o",
                str(d / "o.gif"),
            ],
            ".jpg, .png",
        ),
        (
            lambda d: [
                "render",
                str(d / "rocket.png"),
                "--state",
                str(d / "state.json"),
                "--mask",
                f"sky={d / 'sky.png'}",
                "-o",
                str(d / "no" / "o.png"),
            ],
            "does not exist",
        ),
        (
            lambda d: ["measure", str(d / "rocket.png"), "--scale", str(d / "state.json")],
            "level scale",
        ),
    ],
)
def test_bad_input_gets_one_sentence_and_no_output(files, capsys, make, message):
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(files / "small.png")
    assert main(make(files)) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.startswith("pertouch: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (files / "o.png").exists() and not (files / "o.gif").exists()


def test_the_installed_command_never_shows_a_traceback(files):
    (files / "cut.jpg").write_bytes((files / "rocket.png").read_bytes()[:500])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pertouch.cli",
            "render",
            str(files / "cut.jpg"),
            "--state",
            "{}",
            "-o",
            str(files / "o.jpg"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "damaged or truncated" in result.stderr
    assert not (files / "o.jpg").exists()


def test_version_and_python_dash_m(tmp_path):
    import pertouch

    out = subprocess.run(
        [sys.executable, "-m", "pertouch", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"pertouch {pertouch.__version__}"


def test_retouch_shows_progress_with_v_and_nothing_extra_with_q(files, tmp_path, capsys):
    import os

    env = {**os.environ, "PERTOUCH_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    base = [sys.executable, "-m", "pertouch"]
    args = ["retouch", str(files / "rocket.png"), "a touch brighter", "-o", str(tmp_path / "o.jpg")]
    loud = subprocess.run([*base, "-v", *args], capture_output=True, text=True, env=env)
    assert loud.returncode == 0, loud.stderr
    assert "Looked at the photo" in loud.stderr and "Rendered round 1" in loud.stderr
    quiet = subprocess.run([*base, "-q", *args], capture_output=True, text=True, env=env)
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.strip().endswith(")") and "wrote" in quiet.stdout
