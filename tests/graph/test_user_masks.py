"""A region the person shows by hand is used for its word, in this turn and the thread's later ones."""

from __future__ import annotations

import numpy as np
from PIL import Image

from pertouch.api import Retoucher
from pertouch.cli import main
from pertouch.core.imageio import load_photo


def _photo_and_mask(tmp_path, rocket):
    photo = tmp_path / "rocket.png"
    Image.fromarray(rocket).save(photo)
    mask = np.zeros(rocket.shape[:2], np.uint8)
    mask[-120:, :] = 255  # the bottom band: "the water" the offline segmenter cannot see here
    Image.fromarray(mask).save(tmp_path / "water.png")
    return photo, mask > 0


def test_a_shown_mask_stands_for_its_word_across_turns(tmp_path, rocket):
    photo, inside = _photo_and_mask(tmp_path, rocket)
    with Retoucher(home=tmp_path / "home", rounds=1) as agent:
        first = agent.turn("make the water warmer", photo, masks={"water": tmp_path / "water.png"})
        assert [(e.region, e.attribute.value) for e in first.state.edits] == [
            ("water", "temperature")
        ]
        changed = np.abs(first.image.astype(int) - rocket.astype(int)).sum(axis=2) > 2
        assert changed[inside].mean() > 0.5 and changed[~inside].mean() < 0.05
        later = agent.turn("a bit brighter on the lake", thread_id=first.thread_id)
        assert ("water", "brightness") in {(e.region, e.attribute.value) for e in later.state.edits}


def test_retouch_takes_masks_on_the_command_line(tmp_path, rocket, monkeypatch):
    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    photo, inside = _photo_and_mask(tmp_path, rocket)
    out = tmp_path / "out.png"
    args = ["retouch", str(photo), "warm up the water", "-o", str(out), "--rounds", "1"]
    assert main([*args, "--mask", f"water={tmp_path / 'water.png'}"]) == 0
    result = load_photo(out).pixels.astype(int)
    warmer = (result[..., 0] - result[..., 2]) - (rocket[..., 0].astype(int) - rocket[..., 2])
    assert warmer[inside].mean() > 3 and abs(warmer[~inside].mean()) < 1
    assert main([*args, "--mask", "water"]) == 2


def test_an_object_shown_by_hand_is_edited_by_the_persons_word(tmp_path, rocket):
    """ "The boats" read as the class vehicles still find the mask painted as "boats"; and "the
    car" finds the one mask given as "the red car"."""
    photo, inside = _photo_and_mask(tmp_path, rocket)
    with Retoucher(home=tmp_path / "home", rounds=1) as agent:
        boats = agent.turn("make the boats warmer", photo, masks={"boats": tmp_path / "water.png"})
        car = agent.turn(
            "brighten the car a little", photo, masks={"the red car": tmp_path / "water.png"}
        )
    assert [(e.region, e.attribute.value) for e in boats.state.edits] == [("boats", "temperature")]
    assert [(e.region, e.attribute.value) for e in car.state.edits] == [("red car", "brightness")]
    for result in (boats, car):
        changed = np.abs(result.image.astype(int) - rocket.astype(int)).sum(axis=2) > 2
        assert changed[inside].mean() > 0.5 and changed[~inside].mean() < 0.05
        assert "stood in" not in result.response


def test_a_mask_for_a_word_no_class_knows_edits_only_that_mask(tmp_path, rocket):
    """A mask given as "kite" (no region class; the embedding would guess the sky): the painted
    kite alone takes the edit, and "the sky" in a later turn is the segmenter's sky, not the kite."""
    photo = tmp_path / "rocket.png"
    Image.fromarray(rocket).save(photo)
    kite = np.zeros(rocket.shape[:2], np.uint8)
    kite[40:120, 400:520] = 255
    Image.fromarray(kite).save(tmp_path / "kite.png")
    inside = kite > 0
    with Retoucher(home=tmp_path / "home", rounds=1) as agent:
        first = agent.turn("brighten the kite", photo, masks={"kite": tmp_path / "kite.png"})
        assert [(e.region, e.attribute.value) for e in first.state.edits] == [
            ("kite", "brightness")
        ]
        changed = np.abs(first.image.astype(int) - rocket.astype(int)).sum(axis=2) > 2
        assert changed[inside].mean() > 0.5 and changed[~inside].mean() < 0.05
        later = agent.turn("make the sky brighter", thread_id=first.thread_id)
    assert ("sky", "brightness") in {(e.region, e.attribute.value) for e in later.state.edits}
    brighter = later.image.astype(int).sum(axis=2) - first.image.astype(int).sum(axis=2)
    assert (brighter[:30] > 2).mean() > 0.5  # the sky's top rows, far from the kite
