"""Personal taste on real photos: three warmer landscapes make a fourth start warmer, not a portrait.

The landscapes are Debian wallpaper photographs of the corpus (skipped where not installed): the
person approved "warmer" on the dune, the storm and the mountain path; the fourth is the sunset
over hills. The portrait is scikit-image's astronaut; the footballer (opencv-doc) is the photo of
issue 19 that once inherited a leaf close-up's look, and the dahlia is a close-up.
"""

from __future__ import annotations

import pytest
from PIL import Image

from benchmarks.corpus import CORPUS, load
from pertouch.core.adjustments import Edit
from pertouch.memory.explain import NOTHING_SIMILAR
from pertouch.memory.scene import describe

APPROVED = ("dune", "storm", "picos")
FOURTH = "sunset"
OTHER_KINDS = ("astronaut", "footballer", "dahlia")
_BY_NAME = {p.name: p for p in CORPUS}


@pytest.fixture(scope="module")
def photos():
    wanted = [_BY_NAME[n] for n in (*APPROVED, FOURTH, *OTHER_KINDS)]
    missing = [p.name for p in wanted if not p.available]
    if missing:
        pytest.skip(f"corpus photos not installed: {', '.join(missing)}")
    return {p.name: load(p, 640) for p in wanted}


@pytest.fixture(scope="module")
def scenes(photos):
    from pertouch.tools.segmentation import OfflineSegmenter

    with OfflineSegmenter(cache_size=1) as segmenter:
        return {
            name: describe(pixels, segmenter.propose(pixels)) for name, pixels in photos.items()
        }


def _temperature(suggestion):
    return sum(e.delta for e in suggestion.edits if e.attribute.value == "temperature")


def test_three_warmer_landscapes_carry_to_a_fourth_and_not_to_a_portrait(memory, scenes):
    memory.users.create("ana")
    for name in APPROVED:
        memory.remember(
            "ana", scenes[name], [Edit("global", "temperature", 0.3)], "warmer", photo=f"{name}.jpg"
        )
    fourth = memory.recall("ana", scenes[FOURTH])
    assert _temperature(fourth) > 0.05, fourth.to_dict()
    assert fourth.reason.startswith("You warmed") and "starts warmer" in fourth.reason
    assert any(f"{name}.jpg" in fourth.reason for name in APPROVED)
    assert all(m.similarity >= fourth.min_similarity for m in fourth.used)

    for name in ("astronaut", "footballer"):
        portrait = memory.recall("ana", scenes[name])
        assert portrait.empty and _temperature(portrait) == 0, name
        assert portrait.reason.startswith(NOTHING_SIMILAR) and "people" in portrait.reason, name


def test_a_close_up_does_not_inherit_the_landscapes_warmth(memory, scenes):
    memory.users.create("ana")
    for name in APPROVED:
        memory.remember(
            "ana", scenes[name], [Edit("global", "temperature", 0.3)], "warmer", photo=f"{name}.jpg"
        )
    flower = memory.recall("ana", scenes["dahlia"])
    assert flower.empty and _temperature(flower) == 0
    assert flower.reason.startswith(NOTHING_SIMILAR) and "close-up" in flower.reason, flower.reason
    assert "another kind of scene (3 landscapes)" in flower.reason


@pytest.mark.parametrize("location", ["embedded"], indirect=True)
def test_the_agent_starts_the_fourth_landscape_warmer_and_says_why(memory, photos, tmp_path):
    """Through the graph (perceive recalls, approval remembers), as a person would use it."""
    from pertouch.api import Retoucher

    memory.users.create("ana")
    for name, pixels in photos.items():
        Image.fromarray(pixels).save(tmp_path / f"{name}.png")
    with Retoucher(home=tmp_path / "agent", memory=memory, rounds=1) as agent:
        for name in APPROVED:
            first = agent.turn("make it warmer", tmp_path / f"{name}.png", user="ana")
            assert agent.turn("looks good", thread_id=first.thread_id, user="ana").approved
        fourth = agent.turn("make it look nice", tmp_path / f"{FOURTH}.png", user="ana")
        portrait = agent.turn("make it look nice", tmp_path / "astronaut.png", user="ana")
    warm = [e for e in fourth.state.edits if e.attribute.value == "temperature"]
    assert warm and warm[0].delta > 0, fourth.state
    assert any(note.startswith("You warmed") for note in fourth.notes), fourth.notes
    assert not [e for e in portrait.state.edits if e.attribute.value == "temperature"]
