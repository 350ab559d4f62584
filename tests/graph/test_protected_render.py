"""The agent never clips highlights to follow a wish for warmth, and says when it held back.

scikit-image's astronaut wears a white suit that clips at once under a warmer white balance: "make
it warmer" blew 3.4% of the photo before the render node solved with ``protect_highlights``.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from skimage import data

from pertouch.core.photo_stats import clipped_mask
from tests.graph.conftest import run_turn


def _new_clipping(store, photo: str, output_ref: str) -> float:
    before = np.asarray(Image.open(photo).convert("RGB"))
    after = store.get(output_ref)
    return float((clipped_mask(after) & ~clipped_mask(before)).mean())


def test_warmer_on_a_white_suit_holds_the_white_balance_and_says_so(make_graph, photo_files, store):
    values, _ = run_turn(make_graph(), "suit", "make it warmer", photo_files["astronaut"])

    assert _new_clipping(store, photo_files["astronaut"], values["output_ref"]) <= 0.01
    rows = [m for r in values["rounds"] for m in r.measured if m.attribute == "temperature"]
    assert rows and all(m.held for m in rows), rows
    assert all(m.miss == 0.0 for m in rows)  # not a miss: no round spent pushing it further
    assert len(values["rounds"]) == 1
    assert "held back to keep the highlights" in values["response"], values["response"]


def test_warmer_with_room_in_the_highlights_is_not_held(make_graph, store, tmp_path):
    photo = str(tmp_path / "chelsea.png")
    Image.fromarray(data.chelsea()).save(photo)
    values, _ = run_turn(make_graph(), "cat", "make it warmer", photo)

    rows = [m for m in values["rounds"][-1].measured if m.attribute == "temperature"]
    assert rows and not any(m.held for m in rows), rows
    assert all(m.measured > m.before + 0.1 for m in rows), rows
    assert "held back" not in values["response"]
    assert _new_clipping(store, photo, values["output_ref"]) <= 0.01


def test_a_measured_wish_for_colour_gets_its_colour(make_graph, photo_files):
    """The demo's request is asked for, not a look: contrast and colour bounds are for weak
    wishes, so the dark dusk sky's colour is not held to nothing (only white balance is held)."""
    text = (
        "the sky is dull, make it more vivid and a touch darker, and brighten the subject a little"
    )
    values, _ = run_turn(make_graph(), "dusk", text, photo_files["rocket"])
    rows = [
        m
        for m in values["rounds"][-1].measured
        if (m.region, m.attribute) == ("sky", "colorfulness")
    ]
    assert rows and not any(m.held for m in rows), rows
    assert all(m.measured > m.before + 0.15 for m in rows), rows
    assert "colour was held back" not in values["response"]
