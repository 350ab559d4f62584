"""A result is never written over what it was made from, unless --overwrite says so (issue 16.1).

``pertouch segment v.png "the background" -o v.png`` used to replace the photo with its mask.
The same file is recognised by name, through a symlink and through a hard link.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pertouch.cli import main
from pertouch.core.imageio import load_photo
from tests.reliability.conftest import assert_one_sentence

STATE = '{"edits": [{"region": "global", "attribute": "brightness", "delta": 0.2}]}'


def _alias(photo: Path, kind: str) -> Path:
    """``photo`` itself, or a symlink or hard link to it."""
    if kind == "same path":
        return photo
    alias = photo.with_name(f"alias-{kind.replace(' ', '-')}.png")
    if kind == "symlink":
        alias.symlink_to(photo.name)
    else:
        os.link(photo, alias)
    return alias


def _commands(photo: Path, out: Path) -> dict[str, list[str]]:
    return {
        "retouch": ["retouch", str(photo), "make it brighter", "-o", str(out)],
        "render": ["render", str(photo), "--state", STATE, "-o", str(out)],
        "segment": ["segment", str(photo), "the sky", "-o", str(out)],
        "segment overlay": ["segment", str(photo), "the sky", "--overlay", str(out)],
    }


@pytest.mark.parametrize("kind", ["same path", "symlink", "hard link"])
@pytest.mark.parametrize("command", ["retouch", "render", "segment", "segment overlay"])
def test_an_output_that_is_the_input_is_refused(rocket_png, capsys, command, kind):
    before = rocket_png.read_bytes()
    out = _alias(rocket_png, kind)
    assert main(_commands(rocket_png, out)[command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is the input 'rocket.png'" in err and "--overwrite" in err
    assert rocket_png.read_bytes() == before  # the photo is untouched, whatever the alias
    assert sorted(p.name for p in rocket_png.parent.iterdir() if p.name.startswith(".")) == []


def test_a_mask_given_as_the_output_is_refused_too(rocket_png, capsys):
    mask = rocket_png.with_name("sky.png")
    Image.fromarray(np.full((427, 640), 255, np.uint8)).save(mask)
    args = ["render", str(rocket_png), "--state", STATE, "--mask", f"sky={mask}", "-o", str(mask)]
    assert main(args) == 2
    assert "is the input 'sky.png'" in capsys.readouterr().err


def test_overwrite_replaces_the_input_when_asked(rocket_png, capsys):
    link = _alias(rocket_png, "hard link")
    assert main(["render", str(rocket_png), "--state", STATE, "-o", str(link), "--overwrite"]) == 0
    capsys.readouterr()
    original = np.asarray(Image.open(rocket_png)).astype(int)
    brighter = load_photo(link).pixels.astype(int)
    assert brighter.mean() > original.mean() + 3  # the link now holds the render


def test_the_command_refuses_in_one_sentence_before_any_work(pertouch, rocket_png):
    result = pertouch("segment", "rocket.png", "the background", "-o", "rocket.png")
    assert_one_sentence(result, "is the input 'rocket.png'", "--overwrite")
    assert load_photo(rocket_png).pixels.shape == (427, 640, 3)
