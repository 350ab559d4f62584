"""Handlers and views without a browser: sessions, undo, approval, refusals, previews."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pertouch.core.errors import PerTouchError
from pertouch.core.previews import PREVIEW_SIZE, preview
from pertouch.graph.explain import progress_line
from pertouch.ui import handlers
from pertouch.ui.session import Session


def run(studio, session, words, user="", chat=None):
    """Drive ``send`` to the end; returns the session, the chat and the final view."""
    steps = list(handlers.send(studio, session, words, user, chat or []))
    return steps[-1]


def test_preview_keeps_aspect_and_makes_8_bit():
    wide = np.zeros((2000, 3000, 3), np.uint16)
    wide[..., 0] = 65535
    small = preview(wide)
    assert small.shape == (853, 1280, 3) and small.dtype == np.uint8
    assert small[..., 0].min() == 255
    tiny = np.full((10, 20, 3), 7, np.uint8)
    assert np.array_equal(preview(tiny), tiny)


def test_progress_lines_read_like_sentences():
    assert progress_line({"node": "perceive", "regions": ["sky"], "scene": "landscape"}) == (
        "Looked at the photo (landscape): sky."
    )
    plan = {
        "node": "plan",
        "calls": [
            {
                "name": "set_edit",
                "args": {"region": "sky", "attribute": "temperature", "delta": -0.25},
            }
        ],
    }
    assert progress_line(plan) == "Planned: sky temperature -0.25."
    assert progress_line({"node": "tools", "results": []}) == ""


def test_upload_keeps_full_resolution_and_refuses_non_photos(studio, tmp_path):
    big = tmp_path / "big.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (1500, 2600, 3), np.uint8)).save(big)
    session, view = handlers.upload(studio, None, str(big))
    assert session.photo is not None and session.photo.pixels.shape == (1500, 2600, 3)
    assert view.before is not None and max(view.before.shape) == PREVIEW_SIZE
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    with pytest.raises(PerTouchError, match=r"^notes\.jpg is not a photo .*\.$"):
        handlers.upload(studio, session, str(text))
    with pytest.raises(PerTouchError, match="Upload a photo first"):
        list(handlers.send(studio, Session(), "brighter", "", []))
    with pytest.raises(PerTouchError, match="Ask for a change in the chat first"):
        handlers.slide(studio, session, [0.0] * 24)


def test_sessions_keep_their_own_threads_and_undo_and_approve(studio, photos):
    first, _ = handlers.upload(studio, None, str(photos["rocket"]))
    second, _ = handlers.upload(studio, None, str(photos["astronaut"]))
    assert first.thread_id != second.thread_id

    first, chat, view = run(studio, first, "make the sky bluer")
    assert view is not None and view.regions == ["global", "sky"]
    assert view.overlay is not None and view.overlay.shape == view.after.shape
    second, _, _ = run(studio, second, "a little warmer")
    assert studio.photo_ref(first.thread_id) != studio.photo_ref(second.thread_id)
    assert {e.region for e in first.result.state.edits} == {"sky"}
    assert {e.region for e in second.result.state.edits} == {"global"}

    first, chat, view = run(studio, first, "undo", chat=chat)
    assert first.result.state.edits == ()
    assert "Earlier:" in view.reasoning  # a command keeps the last turn's reasoning in view
    first, chat, _ = run(studio, first, "warmer", chat=chat)
    first, chat, _ = run(studio, first, "looks good", chat=chat)
    assert first.result.approved and "Choose a user" in chat[-1]["content"]


def test_a_new_photo_can_decline_the_remembered_taste(studio, photos):
    studio.add_user("dee")
    taught, _ = handlers.upload(studio, None, str(photos["astronaut"]))
    taught, chat, _ = run(studio, taught, "a little warmer", user="dee")
    run(studio, taught, "looks good", user="dee", chat=chat)

    def temperature_edits(session_now: Session) -> list[object]:
        return [e for e in session_now.result.state.edits if e.attribute.value == "temperature"]

    recalled, _ = handlers.upload(studio, None, str(photos["astronaut"]))
    recalled, *_ = list(handlers.send(studio, recalled, "a bit brighter", "dee", []))[-1]
    declined, _ = handlers.upload(studio, None, str(photos["astronaut"]))
    declined, *_ = list(
        handlers.send(studio, declined, "a bit brighter", "dee", [], use_memory=False)
    )[-1]
    assert temperature_edits(recalled) and not temperature_edits(declined)
