"""The auto look's touch of contrast and colour does not tint the photo."""

import numpy as np

from pertouch.backbone.colour_budget import TOUCH_TINT
from pertouch.backbone.parametric import ParametricRenderer
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import Attribute
from pertouch.core.auto_moves import GLOBAL, AutoLook, RegionLook
from pertouch.core.colour import lab_view

TEMP = Attribute.TEMPERATURE.channel


def _leaf(seed: int = 3) -> np.ndarray:
    """A flat, saturated yellow-green texture: a leaf filling the frame (veins in low contrast)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:256, 0:256] / 256.0
    veins = 0.08 * np.sin(40 * (x + 0.3 * y)) + 0.03 * rng.standard_normal((256, 256))
    rgb = np.stack([0.45 + veins, 0.72 + veins, 0.12 + 0.5 * veins], axis=-1)
    return np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8)


def _touch(contrast: float, colour: float) -> AutoLook:
    reasons = ("a touch more",) * 4
    return AutoLook((RegionLook(GLOBAL, "vegetation", (colour, contrast, 0.0, 0.0), reasons),))


def _render(pixels: np.ndarray, look: AutoLook) -> tuple[np.ndarray, np.ndarray]:
    renderer = ParametricRenderer()
    state = AdjustmentState("auto", auto=look)
    plan = renderer.solve(pixels, state, {}, protect_highlights=True)
    return renderer.apply(pixels, plan), plan.strengths


def test_a_touch_of_contrast_keeps_the_white_balance_as_shot_and_the_mean_colour():
    pixels = _leaf()
    out, strengths = _render(pixels, _touch(0.25, 0.0))
    assert np.all(strengths[:, TEMP] == 0.0)  # no cast was measured: no white balance
    before, after = lab_view(pixels)[0], lab_view(out)[0]
    shift = after.reshape(-1, 3).mean(axis=0) - before.reshape(-1, 3).mean(axis=0)
    assert np.abs(shift[1:]).max() <= TOUCH_TINT, shift


def test_contrast_and_colour_together_stay_within_the_tint_budget():
    pixels = _leaf(5)
    out, _ = _render(pixels, _touch(0.25, 0.25))
    before, after = lab_view(pixels)[0], lab_view(out)[0]
    shift = after.reshape(-1, 3).mean(axis=0) - before.reshape(-1, 3).mean(axis=0)
    assert np.abs(shift[1:]).max() <= TOUCH_TINT, shift
    assert float(np.abs(after - before).mean()) > 0.5  # held, not taken away
