"""The renderer's promise, on real photos with real-looking masks.

Edited regions land within ±0.05 level of their targets; unedited regions and attributes move by
less than 0.02. Levels are measured on the rendered full-resolution photo, exactly as
`pertouch measure` would.
"""

import cv2
import numpy as np
import pytest

from pertouch.backbone.base import Renderer
from pertouch.backbone.parametric import REST, ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.auto_look import auto_look
from pertouch.core.errors import MaskError, StateError
from pertouch.core.guards import GuardLimits, check_guards
from pertouch.core.levels import default_scale
from pertouch.core.metrics import measure_raw
from tests.backbone.masks import ellipse_mask, face_mask, sky_mask

EDIT_TOLERANCE = 0.05
KEEP_TOLERANCE = 0.02


@pytest.fixture(scope="module")
def renderer() -> ParametricRenderer:
    return ParametricRenderer()


def levels_of(photo, masks):
    scale = default_scale()
    full = dict(masks)
    if masks:
        full[REST] = 255 - np.maximum.reduce([m for m in masks.values()])
    return {k: scale.to_level(v, clip=False) for k, v in measure_raw(photo, full or None).items()}


def render_and_check(renderer, photo, state, masks):
    """Render, then hold each region's measured levels against what the state asked for.

    Where colourfulness is edited, temperature follows the colour change (the white balance is
    what is held or moved, see ``parametric._colour_shift``): its target is the plan's.
    """
    plan = renderer.solve(photo, state, masks)
    out = renderer.apply(photo, plan)
    before, after = levels_of(photo, masks), levels_of(out, masks)
    coupled = {name: plan.targets[i] for i, name in enumerate(plan.regions)}
    deltas = state.deltas()
    shared = deltas.get("global", np.zeros(4))
    for region, old in before.items():
        new = after[region]
        asked = shared + deltas.get(region, np.zeros(4)) if region != "global" else shared
        edited = state.edited(region)
        # an edit stops at ±1, but a region already beyond the end is never pulled back
        target = np.clip(np.clip(old, -1, 1) + asked, np.minimum(-1, old), np.maximum(1, old))
        if edited[0]:
            target[2] = coupled[region][2]
            edited = edited | np.array([False, False, True, False])
        assert np.all(np.abs(new - target)[edited] <= EDIT_TOLERANCE), (
            region,
            "edited",
            old,
            new,
            target,
        )
        assert np.all(np.abs(new - old)[~edited] < KEEP_TOLERANCE), (region, "kept", old, new)
    return out


def test_is_a_renderer(renderer):
    assert isinstance(renderer, Renderer)


def test_rocket_sky_bluer_and_darker(renderer, rocket):
    masks = {"sky": sky_mask(rocket)}
    assert 0.2 < masks["sky"].mean() / 255 < 0.8
    state = (
        AdjustmentState()
        .with_edit("sky", "temperature", -0.3)
        .with_edit("sky", "brightness", -0.15)
    )
    state = state.with_edit("sky", "colorfulness", 0.2)
    out = render_and_check(renderer, rocket, state, masks)
    assert out.shape == rocket.shape and out.dtype == np.uint8


def test_astronaut_face_and_flag(renderer, astronaut):
    h, w = astronaut.shape[:2]
    flag = np.zeros((h, w), np.uint8)
    flag[:, : w // 4] = 255
    masks = {"face": face_mask(astronaut), "flag": flag}
    state = (
        AdjustmentState()
        .with_edit("face", "brightness", -0.2)
        .with_edit("face", "temperature", 0.15)
        .with_edit("flag", "colorfulness", -0.3)
        .with_edit("global", "contrast", 0.1)
    )
    render_and_check(renderer, astronaut, state, masks)


def test_global_edits_without_masks(renderer, chelsea):
    state = (
        AdjustmentState()
        .with_edit("global", "brightness", 0.25)
        .with_edit("global", "contrast", -0.2)
    )
    render_and_check(renderer, chelsea, state, {})


def test_full_resolution_path_keeps_the_promise(renderer, coffee):
    """A 2.2 MP upscale: solved at 512 px, applied through upsampled guided-filter coefficients."""
    big = cv2.resize(coffee, (1800, 1200), interpolation=cv2.INTER_CUBIC)
    masks = {"cup": ellipse_mask(big.shape[:2], (0.55, 0.5), (0.33, 0.3))}
    state = (
        AdjustmentState()
        .with_edit("cup", "brightness", 0.15)
        .with_edit("cup", "colorfulness", -0.2)
    )
    state = state.with_edit("global", "temperature", -0.15)
    out = render_and_check(renderer, big, state, masks)
    assert out.shape == big.shape


def test_auto_baseline_renders_the_photos_auto_look(renderer, astronaut):
    """A hand-written {"baseline": "auto"} renders the photo's look; each region lands on its move."""
    dark = (astronaut * 0.4).astype(np.uint8)  # about 1.3 stops under
    masks = {"face": face_mask(dark)}
    look = auto_look(dark, masks)
    assert look.exposure == "under"
    plan = renderer.solve(dark, AdjustmentState("auto"), masks)
    out = renderer.apply(dark, plan)
    before, after = levels_of(dark, masks), levels_of(out, masks)
    planned = {name: plan.targets[i] for i, name in enumerate(plan.regions)}
    for region in before:
        wanted = np.clip(before[region] + look.delta(region), -1, 1)
        moving = look.delta(region) != 0
        if moving[0]:  # more colour: temperature follows it, the white balance is held
            wanted[2], moving[2] = planned[region][2], True
        assert np.all(np.abs(after[region] - wanted)[moving] <= EDIT_TOLERANCE), region
        assert np.all(np.abs(after[region] - before[region])[~moving] < KEEP_TOLERANCE), region


@pytest.mark.parametrize("delta", [-0.35, 0.3])
def test_a_colour_edit_keeps_the_white_balance(renderer, chelsea, delta):
    """Less (or more) colour scales chroma; it does not tint the photo's greys.

    Holding the temperature metric (the CCT of the mean colour) would have the white balance
    fight the colour change: a muted warm photo turned warm again.
    """
    state = AdjustmentState().with_edit("global", "colorfulness", delta)
    plan = renderer.solve(chelsea, state, {})
    out = renderer.apply(chelsea, plan)
    assert abs(plan.strengths[0, 2]) < 0.1  # the white-balance operator stays (nearly) off
    report = check_guards(chelsea, out, limits=GuardLimits.for_state(state))
    assert report.figures["cast_neutral"] < 1.5, report.figures
    assert "cast" not in {c.name for c in report.checks if not c.passed}
    before, after = levels_of(chelsea, {})["global"], levels_of(out, {})["global"]
    assert abs(after[0] - before[0] - delta) <= EDIT_TOLERANCE


def test_nothing_asked_nothing_changed(renderer, astronaut):
    out = renderer.render(astronaut, AdjustmentState(), {"face": face_mask(astronaut)})
    assert np.abs(out.astype(int) - astronaut).max() <= 1


def test_16_bit_stays_16_bit(renderer, rocket):
    wide = rocket.astype(np.uint16) * 257
    masks = {"sky": sky_mask(rocket)}
    # -0.1: the rocket's smooth night sky sits near the dark end of the scale (-0.85), where a
    # larger darkening drives the contrast operator to its limit and the two solves may part ways
    state = AdjustmentState().with_edit("sky", "brightness", -0.1)
    out16 = renderer.render(wide, state, masks)
    out8 = renderer.render(rocket, state, masks)
    assert out16.dtype == np.uint16
    assert len(np.unique(out16[..., 2])) > 1000
    assert np.abs(out16 / 257.0 - out8).mean() < 0.5  # the same look, to half an 8-bit step


def test_edges_follow_the_photo_without_halos(renderer, rocket):
    """Darkening the sky leaves the white rocket beside it untouched, right up to its edge."""
    sky = sky_mask(rocket)
    state = AdjustmentState().with_edit("sky", "brightness", -0.4)
    out = renderer.render(rocket, state, {"sky": sky})
    change = np.abs(out.astype(np.float32) - rocket).mean(axis=2)
    inside = cv2.erode(sky, np.ones((5, 5), np.uint8)) > 0
    near_outside = (cv2.dilate(sky, np.ones((9, 9), np.uint8)) > 0) & (sky == 0)
    bright_edge = near_outside & (
        rocket.mean(axis=2) > 140
    )  # the rocket's body and lights next to the sky
    far_outside = cv2.dilate(sky, np.ones((41, 41), np.uint8)) == 0
    assert change[inside].mean() > 10
    assert bright_edge.sum() > 200
    # edge pixels mix some sky colour (anti-aliasing), so a little change is right there
    assert change[bright_edge].mean() < min(0.2 * change[inside].mean(), 5.0)  # of 255
    assert change[far_outside].mean() < 2.0


def test_feathered_transition_is_smooth_where_the_photo_is_flat(renderer, rocket):
    """A mask edge across smooth sky becomes a gradual ramp, not a step."""
    h, w = rocket.shape[:2]
    left_sky = np.zeros((h, w), np.uint8)
    left_sky[:, : w // 2] = 255
    state = AdjustmentState().with_edit("left", "brightness", 0.3)
    out = renderer.render(rocket, state, {"left": left_sky})
    ratio = (out.astype(np.float32).mean(axis=2) + 1) / (rocket.astype(np.float32).mean(axis=2) + 1)
    row = ratio[20, w // 2 - 40 : w // 2 + 40]  # a row of plain sky across the edge
    total = row[:10].mean() - row[-10:].mean()
    assert total > 0.1
    assert np.abs(np.diff(row)).max() < 0.35 * total


def test_bad_masks_and_states(renderer, coffee):
    with pytest.raises(MaskError, match="photo is 600x400"):
        renderer.render(coffee, AdjustmentState(), {"cup": np.ones((10, 10), np.uint8)})
    with pytest.raises(StateError, match="No mask was given for region 'sky'"):
        renderer.render(coffee, AdjustmentState().with_edit("sky", "brightness", 0.1), {})
    with pytest.raises(MaskError, match="empty"):
        renderer.render(coffee, AdjustmentState(), {"cup": np.zeros(coffee.shape[:2], np.uint8)})
    with pytest.raises(ValueError, match="uint8 or uint16"):
        renderer.render(coffee.astype(np.float64), AdjustmentState(), {})


def test_unreachable_targets_are_reported_not_faked(renderer, coffee):
    state = AdjustmentState().with_edit("global", "temperature", 2.0)  # far beyond the warmest look
    plan = renderer.solve(coffee, state, {})
    assert not plan.converged
    summary = plan.summary()["regions"]["global"]
    assert summary["reached"]["temperature"] > summary["before"]["temperature"]
    assert summary["target"]["temperature"] == 1.0


@pytest.mark.parametrize("attribute", ["colorfulness", "contrast"])
def test_what_was_not_asked_about_keeps_its_pixels(renderer, astronaut, attribute):
    """A region's edit leaves the rest of the photo exactly as it was beyond the feathered edge.

    The rest is held by having no strengths, not by moving all of it to cancel what the feathered
    edge does to its mean: that once tinted a whole blue sky for "make the water more vivid".
    """
    centre = ellipse_mask(astronaut.shape[:2], (0.45, 0.4), (0.3, 0.28))
    state = AdjustmentState().with_edit("centre", attribute, 0.3)
    out = renderer.render(astronaut, state, {"centre": centre})
    change = np.abs(out.astype(np.int16) - astronaut).max(axis=2)
    far_outside = cv2.dilate(centre, np.ones((61, 61), np.uint8)) == 0
    inside = cv2.erode(centre, np.ones((9, 9), np.uint8)) > 0
    assert far_outside.mean() > 0.2
    assert change[inside].mean() > 1
    assert change[far_outside].max() == 0
