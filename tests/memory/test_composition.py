"""The second guard on shared taste: frames that hold much the same, and close-ups with evidence."""

from __future__ import annotations

import pytest

from pertouch.memory.composition import MAX_DIFFERENCE, difference, share_taste, shares
from pertouch.memory.kinds import UNKNOWN, probabilities, sure_kind
from pertouch.memory.measure import FEATURES


def _scene(**values: float) -> dict[str, float]:
    """Measurements of a plain frame (nothing found, no cues) with ``values`` set."""
    m = dict.fromkeys(FEATURES, 0.0)
    m.update(values)
    return m


LAKE = _scene(sky_share=0.3, water_share=0.55, vegetation_share=0.1, horizon=0.8)
LAKE_CROP = _scene(sky_share=0.25, water_share=0.6, vegetation_share=0.1, horizon=0.7)
LEAVES = _scene(vegetation_share=1.0)
CUP = _scene(subject_share=0.45)


def test_shares_sum_to_one_with_what_nothing_was_found_in():
    assert shares(LAKE).sum() == pytest.approx(1.0) and shares(LAKE)[-1] == pytest.approx(0.05)
    overlapping = _scene(people_share=0.8, vegetation_share=0.6)  # a person over leaves
    assert shares(overlapping).sum() == pytest.approx(1.0) and shares(overlapping)[-1] == 0.0


def test_difference_is_the_part_of_the_frame_that_differs():
    assert difference(LAKE, LAKE) == 0.0
    assert difference(LAKE, LAKE_CROP) == pytest.approx(0.05)
    assert difference(LAKE, LEAVES) == pytest.approx(0.9)
    assert difference(LAKE, LEAVES) == difference(LEAVES, LAKE)


def test_close_up_needs_evidence_of_its_own():
    """A frame where nothing was found is of no kind; a subject, a filled texture or a blurred
    backdrop make it a close-up."""
    assert sure_kind(_scene()) == UNKNOWN
    assert sum(probabilities(_scene()).values()) < 0.5
    for evidence in (CUP, LEAVES, _scene(defocus=0.5)):
        assert sure_kind(evidence) == "close-up", probabilities(evidence)


def test_an_open_sky_is_a_landscape_even_when_nothing_else_is_found():
    kite = _scene(sky_share=0.8, defocus=0.6)  # a smooth sky reads as out of focus
    assert sure_kind(kite) == "landscape", probabilities(kite)


def test_taste_needs_one_sure_kind_and_much_the_same_frame():
    assert share_taste(LAKE, LAKE_CROP)
    assert not share_taste(LAKE, LEAVES)  # different kinds
    assert share_taste(LEAVES, _scene(vegetation_share=0.8, subject_share=0.2))
    # Both close-ups, surely, but one is all leaves and the other a cup on a bare table.
    assert sure_kind(LEAVES) == sure_kind(CUP) and difference(LEAVES, CUP) > MAX_DIFFERENCE
    assert not share_taste(LEAVES, CUP)


def test_recall_says_when_a_photo_of_one_kind_holds_other_things(memory):
    """Cups approved cooler do not cool a close-up of leaves, and the reason says why."""
    from pertouch.core.adjustments import Edit
    from pertouch.memory.explain import NOTHING_SIMILAR
    from pertouch.memory.scene import SceneDescription

    memory.users.create("ana")
    for _ in range(3):
        cup = SceneDescription(framing="close-up", measurements=CUP)
        memory.remember(
            "ana", cup, [Edit("global", "temperature", -0.3)], "cooler", photo="cup.jpg"
        )
    leaves = memory.recall("ana", SceneDescription(framing="close-up", measurements=LEAVES))
    assert leaves.empty and not leaves.used
    assert leaves.reason.startswith(NOTHING_SIMILAR) and "cup.jpg" in leaves.reason
    assert "holds other things (100% of the frame differs" in leaves.reason, leaves.reason
