"""pertouch.retouch and the retouch/plan sub-commands, end to end on a real photo."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from PIL import Image

from pertouch.cli import main
from pertouch.core.errors import PerTouchError

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> str:
    from skimage import data

    path = tmp_path_factory.mktemp("api") / "rocket.jpg"
    Image.fromarray(data.rocket()).save(path, quality=95)
    return str(path)


def test_import_stays_light_and_retouch_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, pertouch; print('langgraph' in sys.modules); print(callable(pertouch.retouch))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_retouch_returns_image_state_and_transcript(photo, tmp_path):
    import pertouch

    out = tmp_path / "out.jpg"
    result = pertouch.retouch(
        photo, "make the sky bluer, and sharpen it", home=tmp_path / "home", output=out
    )
    assert result.kind == "strong" and result.unsupported == ["sharpening"]
    assert {(e.region, e.attribute.value) for e in result.state.edits} == {
        ("sky", "temperature"),
        ("sky", "colorfulness"),
    }
    assert result.transcript and result.transcript[-1].verdict is not None
    assert out.exists() and result.image.shape == np.asarray(Image.open(photo)).shape
    assert "Round 1" in result.explain()
    again = pertouch.retouch(None, "a bit less", home=tmp_path / "home", thread_id=result.thread_id)
    assert abs(again.state.edits[0].delta) < abs(result.state.edits[0].delta)


def test_retouch_refuses_bad_input_with_one_sentence(photo, tmp_path):
    import pertouch

    with pytest.raises(PerTouchError, match="empty"):
        pertouch.retouch(photo, "", home=tmp_path)
    with pytest.raises(PerTouchError, match="No photo yet"):
        pertouch.retouch(None, "brighter", home=tmp_path, thread_id="nobody")
    with pytest.raises(PerTouchError, match="Unknown model"):
        pertouch.retouch(photo, "brighter", home=tmp_path, model="nonsense")


def test_cli_retouch_explains_and_plan_prints_json(photo, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    out = tmp_path / "cli.png"
    assert main(["retouch", photo, "brighten the sky a touch", "-o", str(out), "--explain"]) == 0
    printed = capsys.readouterr().out
    assert "Round 1" in printed and "sky" in printed and out.exists()
    assert main(["plan", "too dark, and the sky looks washed out; crop it", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    clauses = plan.pop("clauses")  # every part of the request is accounted for
    assert [c["status"] for c in clauses] == ["edit", "edit", "unsupported"]
    assert (plan.pop("model"), plan.pop("fell_back")) == ("offline", False)
    assert plan == {
        "kind": "strong",
        "edits": [
            {"region": "global", "attribute": "brightness", "delta": 0.25},
            {"region": "sky", "attribute": "colorfulness", "delta": 0.25},
            # "washed out" asks for colour and contrast (issue 13)
            {"region": "sky", "attribute": "contrast", "delta": 0.25},
        ],
        "unsupported": ["cropping"],
    }
    assert main(["plan", "brighten the faces", "--photo", photo, "--json"]) == 0
    with_photo = json.loads(capsys.readouterr().out)
    assert with_photo["absent"] == ["face"] and with_photo["edits"] == []
    assert main(["retouch", str(tmp_path / "missing.jpg"), "brighter", "-o", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
