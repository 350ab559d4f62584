"""The do-no-harm guards catch deliberately harmful edits on real photos and pass neutral ones."""

import numpy as np
import pytest

from pertouch.backbone.parametric import ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.guards import GuardLimits, best_round, check_guards
from tests.backbone.masks import face_mask, sky_mask


def _scaled(photo, gains, offset=0.0):
    out = photo.astype(np.float32) * np.asarray(gains, np.float32) + offset
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def failed(report):
    return {c.name for c in report.checks if not c.passed}


def test_an_unchanged_photo_is_harmless_and_says_nothing_changed(coffee):
    report = check_guards(coffee, coffee.copy())
    assert report.harmless and not report.visible
    assert report.failures == (report.failures[0],)
    assert report.failures[0].startswith("Nothing visible changed")


def test_a_small_honest_edit_passes_and_shows(astronaut):
    state = AdjustmentState().with_edit("global", "contrast", 0.15)
    out = ParametricRenderer().render(astronaut, state, {})
    report = check_guards(
        astronaut, out, {"face": face_mask(astronaut)}, GuardLimits.for_state(state)
    )
    assert report.harmless, report.failures
    assert report.visible and report.mean_delta_e > 0.5


def test_a_colour_cast_is_caught_and_named(chelsea):
    report = check_guards(chelsea, _scaled(chelsea, (1.12, 1.0, 0.85)))
    assert "cast" in failed(report)
    assert any("colour cast" in s for s in report.failures)


def test_blown_highlights_and_an_exposure_jump_are_caught(coffee):
    report = check_guards(coffee, _scaled(coffee, (1.7, 1.7, 1.7)))
    assert {"clipping", "exposure"} <= failed(report)
    assert report.harm > 2


def test_crushed_shadows_are_caught(rocket):
    report = check_guards(rocket, _scaled(rocket, (1, 1, 1), -30))
    assert "shadows" in failed(report)


def test_a_sky_turned_teal_and_green_skin_are_caught(rocket, astronaut):
    sky = sky_mask(rocket)
    teal = rocket.copy()
    inside = sky > 127
    teal[inside] = teal[inside][:, [0, 2, 1]]  # blue sky: swap green and blue
    report = check_guards(rocket, teal, {"sky": sky})
    assert "sky hue" in failed(report), report.figures
    face = face_mask(astronaut)
    green = astronaut.copy()
    skin = face > 127
    green[skin] = _scaled(astronaut[skin][None], (0.8, 1.15, 0.9))[0]
    report = check_guards(astronaut, green, {"face": face})
    assert "skin hue" in failed(report), report.figures


def test_what_was_asked_for_is_not_harm(chelsea):
    warmer = _scaled(chelsea, (1.12, 1.0, 0.85))
    state = AdjustmentState().with_edit("global", "temperature", 0.4)
    assert check_guards(chelsea, warmer, limits=GuardLimits.for_state(state)).harmless
    brighter = AdjustmentState().with_edit("global", "brightness", 0.4)
    assert GuardLimits.for_state(brighter).exposure is None
    assert GuardLimits.for_state(AdjustmentState().with_edit("face", "brightness", 0.3)).exposure


def test_the_best_round_is_harmless_then_visible_then_closest(coffee):
    same = check_guards(coffee, coffee.copy())
    lifted = ParametricRenderer().render(
        coffee, AdjustmentState().with_edit("global", "brightness", 0.15), {}
    )
    gentle = check_guards(coffee, lifted)
    harsh = check_guards(coffee, _scaled(coffee, (1.7, 1.7, 1.7)))
    assert gentle.harmless and gentle.visible and not harsh.harmless
    assert best_round([harsh, gentle, same]) == 1
    assert best_round([harsh, same]) == 1  # a change that does no harm beats one that does
    assert best_round([gentle, gentle], misses=[0.3, 0.1]) == 1
    with pytest.raises(ValueError):
        best_round([])
