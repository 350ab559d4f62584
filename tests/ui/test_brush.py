"""The brush without a browser: a painted layer becomes a mask, a name is required, the reply says."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.core.attributes import parse_attribute
from pertouch.core.errors import MaskError, PerTouchError
from pertouch.core.previews import preview
from pertouch.ui import brush, handlers


def layer(shape: tuple[int, int], box: tuple[slice, slice], alpha: int = 128) -> np.ndarray:
    """An RGBA paint layer as the editor sends it: transparent, with ``box`` painted."""
    paint = np.zeros((*shape, 4), np.uint8)
    paint[box] = (255, 40, 140, alpha)
    return paint


def editor(*layers: np.ndarray) -> dict:
    background = data.rocket()
    return {"background": background, "layers": list(layers), "composite": background}


def test_any_painted_pixel_is_inside_and_the_mask_is_fitted_to_the_photo():
    # The editor's canvas is half the photo's size here; the mask comes back at full size.
    faint = layer((214, 320), (slice(150, 200), slice(40, 120)), alpha=1)
    mask = brush.painted_mask(editor(faint), (427, 640))
    assert mask is not None and mask.shape == (427, 640) and mask.dtype == np.bool_
    rows, cols = np.nonzero(mask)
    assert 298 <= rows.min() <= 302 and 398 <= rows.max() <= 401
    assert 78 <= cols.min() <= 82 and 238 <= cols.max() <= 241
    assert mask.mean() == pytest.approx(100 * 160 / (427 * 640), rel=0.05)

    # Two layers at the photo's size: their union, pixel for pixel.
    corner = layer((427, 640), (slice(0, 10), slice(0, 10)))
    band = layer((427, 640), (slice(300, 400), slice(80, 240)), alpha=255)
    union = brush.painted_mask(editor(corner, band), (427, 640))
    assert union is not None and union.sum() == 100 + 100 * 160
    assert union[:10, :10].all() and union[300:400, 80:240].all()


def test_nothing_painted_is_no_mask_and_another_picture_is_refused():
    assert brush.painted_mask(None, (427, 640)) is None
    assert brush.painted_mask(editor(), (427, 640)) is None
    assert brush.painted_mask(editor(np.zeros((427, 640, 4), np.uint8)), (427, 640)) is None
    square = layer((300, 300), (slice(0, 50), slice(0, 50)))
    with pytest.raises(MaskError, match=r"^The mask is 300x300 but the photo is 640x427; .*\.$"):
        brush.painted_mask(editor(square), (427, 640))


def test_a_painting_needs_a_name_and_a_name_needs_a_painting(studio, photos):
    session, _ = handlers.upload(studio, None, str(photos["rocket"]))
    painted = editor(layer((427, 640), (slice(300, 420), slice(0, 640))))
    with pytest.raises(brush.BrushError, match=r"^You painted a region but did not name it; .*\.$"):
        next(handlers.send(studio, session, "make it warmer", "", [], painted=painted, word=" "))
    with pytest.raises(
        brush.BrushError, match=r"^Paint the region for 'boats' over the photo first"
    ):
        next(handlers.send(studio, session, "make the boats warmer", "", [], word="boats"))
    with pytest.raises(PerTouchError, match="at most 200 characters"):
        next(handlers.send(studio, session, "warmer", "", [], painted=painted, word="w" * 201))
    assert session.result is None  # refused before the agent ran


def test_a_painted_region_takes_the_edit_and_the_reply_names_it(studio, photos):
    session, _ = handlers.upload(studio, None, str(photos["rocket"]))
    painted = editor(layer((427, 640), (slice(300, 420), slice(0, 640))))
    *_, (session, chat, view) = handlers.send(
        studio, session, "make the water warmer", "", [], painted=painted, word="water"
    )
    assert [(e.region, e.attribute.value) for e in session.result.state.edits] == [
        ("water", "temperature")
    ]
    assert chat[-1]["content"].endswith("Used your painted region 'water' (28% of the photo).")
    inside = np.zeros((427, 640), bool)
    inside[300:420] = True
    before, after = data.rocket().astype(int), session.result.image.astype(int)
    warmer = (after[..., 0] - after[..., 2]) - (before[..., 0] - before[..., 2])
    assert warmer[inside].mean() > 3 and abs(warmer[~inside].mean()) < 1.5
    assert view is not None and "water" in view.regions  # a slider row for the painted region

    # The next turn edits the sky: the reply says the painting was not what changed.
    again = editor(layer((427, 640), (slice(400, 427), slice(0, 100))))
    *_, (session, chat, _) = handlers.send(
        studio, session, "make the sky bluer", "", chat, painted=again, word="lake"
    )
    assert chat[-1]["content"].endswith(
        "Your painted region 'lake' (under 1% of the photo) was not used this turn; "
        "the edits went to: sky."
    )


def test_changed_regions_are_what_one_turn_did():
    def state(*edits: tuple[str, str, float]) -> AdjustmentState:
        return AdjustmentState(
            "as_shot", tuple(Edit(r, parse_attribute(a), d) for r, a, d in edits)
        )

    first = state(("water", "temperature", 0.25))
    second = state(("water", "temperature", 0.25), ("sky", "temperature", -0.25))
    assert brush.changed_regions(None, first) == ["water"]
    assert brush.changed_regions(first, second) == ["sky"]
    assert brush.changed_regions(second, first) == ["sky"]
    assert brush.changed_regions(first, first) == []


def test_a_click_picks_a_proposed_region_which_goes_with_the_next_turn(studio, photos):
    session, _ = handlers.upload(studio, None, str(photos["rocket"]))
    with pytest.raises(PerTouchError, match=r"^Press 'Propose regions' first"):
        brush.pick(session, 320, 40)
    overlay = brush.propose(studio, session)
    assert overlay.shape == (427, 640, 3) and "sky" in session.proposed.names()

    value, word = brush.pick(session, 320, 40)  # top middle of the frame: the night sky
    sky = session.proposed.mask("sky") > 0
    assert word == "sky" and np.array_equal(session.picked, sky)
    tinted = np.any(value["background"] != preview(session.photo.pixels), axis=2)
    assert tinted[sky].mean() > 0.95 and not tinted[~sky].any() and value["layers"] == []

    # Undo sends no editor and no word: the pick waits for the turn that names it.
    *_, (session, chat, _) = handlers.send(studio, session, "undo", "", [])
    assert session.picked is not None
    *_, (session, chat, _) = handlers.send(
        studio, session, "make the sky bluer", "", chat, painted=value, word=word
    )
    share = f"{sky.mean() * 100:.0f}%"
    assert chat[-1]["content"].endswith(f"Used your painted region 'sky' ({share} of the photo).")
    assert session.picked is None
