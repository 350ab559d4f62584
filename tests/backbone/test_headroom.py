"""Named looks' white balance stops where the highlights would blow out, on real photos."""

import numpy as np
import pytest

from pertouch.backbone.headroom import CLIP_BUDGET, white_balance_caps
from pertouch.backbone.operators import apply_operators
from pertouch.backbone.parametric import ParametricRenderer
from pertouch.backbone.solver import build_problems
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import Attribute
from pertouch.core.guards import GuardLimits, check_guards
from pertouch.core.levels import default_scale
from pertouch.core.metrics import to_float_rgb
from pertouch.core.photo_stats import clipped_mask
from pertouch.providers.styles import look_steps

TEMP = Attribute.TEMPERATURE.channel


@pytest.fixture(scope="module")
def renderer() -> ParametricRenderer:
    return ParametricRenderer()


def newly_clipped(before: np.ndarray, after: np.ndarray) -> float:
    return float((clipped_mask(after) & ~clipped_mask(before)).mean())


@pytest.mark.parametrize("delta", [0.3, -0.3])
def test_a_warm_or_cool_look_does_not_blow_the_coffee_cups_white(renderer, coffee, delta):
    state = AdjustmentState().with_edit("global", "temperature", delta)
    free = renderer.apply(coffee, renderer.solve(coffee, state, {}))
    plan = renderer.solve(coffee, state, {}, protect_highlights=True)
    held = renderer.apply(coffee, plan)
    assert newly_clipped(coffee, free) > 0.02  # the plain gain blows the cup's rim and saucer
    assert newly_clipped(coffee, held) <= 0.01
    assert plan.strengths[0, TEMP] * delta > 0  # still warmer (cooler), only less so
    moved = plan.levels[0, TEMP] - plan.baseline[0, TEMP]
    assert moved * delta > 0 and abs(moved) < abs(delta)


def test_a_photo_with_room_gets_the_whole_move(renderer, chelsea):
    """No near-white in the cat: the look lands where it was asked, as without protection."""
    state = AdjustmentState().with_edit("global", "temperature", -0.3)
    free = renderer.solve(chelsea, state, {})
    held = renderer.solve(chelsea, state, {}, protect_highlights=True)
    np.testing.assert_allclose(held.strengths, free.strengths)
    assert held.levels[0, TEMP] - held.baseline[0, TEMP] == pytest.approx(-0.3, abs=0.03)


def test_a_cap_clips_just_the_budget(coffee):
    """At its cap a region clips no more than the budget; a little past it, more."""
    rgb = to_float_rgb(coffee)
    weights = np.ones((1, *rgb.shape[:2]), np.float32)
    problem = build_problems(rgb, rgb, weights, default_scale(), 2, 1e-3).proxy
    strengths = np.zeros((1, 4))
    strengths[0, TEMP] = 1.0
    cap = float(white_balance_caps(problem, strengths)[0])
    assert 0.0 < cap < 1.0
    for strength, within in ((cap, True), (1.5 * cap + 0.02, False)):
        strengths[0, TEMP] = strength
        out = apply_operators(problem.rgb, problem.fields(strengths))
        share = newly_clipped(coffee, np.round(out * 255).astype(np.uint8))
        assert (share <= CLIP_BUDGET + 1e-3) is within, (strength, share)


def _mate_photo(name: str) -> np.ndarray:
    """A mate-backgrounds corpus photo at 768 px; the test skips where the package is missing."""
    from benchmarks.corpus import CORPUS, load

    photo = next(p for p in CORPUS if p.name == name)
    if not photo.available:
        pytest.skip("the Debian Mate wallpapers are not installed")
    return load(photo, 768)


def _look(name: str, global_only: bool = False) -> AdjustmentState:
    """The state of a named look's steps (only its photo-wide ones with ``global_only``)."""
    state = AdjustmentState()
    for region, attribute, delta in look_steps(name):
        if not global_only or region == "global":
            state = state.with_edit(region, attribute, delta)
    return state


def test_a_look_held_back_by_bright_water_still_shows(renderer):
    """Aqua's water drop has 14% of its pixels within two code values of the top: counted
    against the budget, they held vivid's contrast and colour at nothing (no visible change).
    Held back, the look still shows, and its contrast still rises."""
    pixels = _mate_photo("aqua")
    state = _look("vivid")
    free = renderer.solve(pixels, state, {})
    plan = renderer.solve(pixels, state, {}, protect_highlights=True)
    out = renderer.apply(pixels, plan)
    report = check_guards(pixels, out, {}, GuardLimits.for_state(state))
    assert report.visible, report.failures
    contrast = Attribute.CONTRAST.channel
    assert 0.05 < plan.strengths[0, contrast] < free.strengths[0, contrast]


def test_what_shows_is_not_kept_past_the_guards_clipping_limit(renderer):
    """Garden's red-orange petals clip under the least warming: the visible floor once kept
    enough white balance to show and blew 9.5% of the photo. A held move now shows only while
    that stays under FLOOR_CLIP of the photo."""
    pixels = _mate_photo("garden")
    state = _look("warm", global_only=True)
    plan = renderer.solve(pixels, state, {}, protect_highlights=True)
    out = renderer.apply(pixels, plan)
    assert newly_clipped(pixels, out) <= 0.01
