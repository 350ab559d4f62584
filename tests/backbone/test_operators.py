import numpy as np
import pytest

from pertouch.backbone.operators import RANGES, Fields, apply_operators, luma
from pertouch.core.levels import default_scale
from pertouch.core.metrics import raw_metrics, to_float_rgb


def fields(shape, **values):
    base = dict(vibrance=0.0, contrast=0.0, temperature=0.0, exposure=0.0, pivot=0.45)
    base.update(values)
    return Fields(**{k: np.full(shape, v, np.float32) for k, v in base.items()})


def test_zero_strength_is_the_identity(astronaut):
    rgb = to_float_rgb(astronaut)
    out = apply_operators(rgb, fields(rgb.shape[:2]))
    assert np.abs(out - rgb).max() < 1e-3  # a quarter of an 8-bit step


@pytest.mark.parametrize(
    ("name", "channel"), [("vibrance", 0), ("contrast", 1), ("temperature", 2), ("exposure", 3)]
)
def test_each_operator_moves_its_attribute_monotonically(astronaut, name, channel):
    rgb = to_float_rgb(astronaut)
    mask = np.ones((1, *rgb.shape[:2]), np.float32)
    lo, hi = RANGES[channel]
    strengths = np.linspace(max(lo, -1.0), min(hi, 1.0), 9)
    levels = [
        default_scale().to_level(
            raw_metrics(apply_operators(rgb, fields(rgb.shape[:2], **{name: s})), mask), clip=False
        )[0, channel]
        for s in strengths
    ]
    assert np.all(np.diff(levels) > 0), levels


def test_exposure_never_clips_highlights():
    ramp = np.linspace(0, 1, 1001, dtype=np.float32)
    rgb = np.stack([ramp] * 3, axis=-1)[None]
    for stops in (0.5, 1.0, 2.0, 3.0):
        out = apply_operators(rgb, fields(rgb.shape[:2], exposure=stops))[0, :, 0]
        assert out.max() <= 1.0
        assert np.all(np.diff(out) > 0), stops  # highlight detail survives: distinct stays distinct
        assert out[-1] == pytest.approx(1.0, abs=1e-5)


def test_contrast_curves_are_monotone_and_never_clip():
    ramp = np.linspace(0, 1, 1001, dtype=np.float32)
    rgb = np.stack([ramp] * 3, axis=-1)[None]
    for pivot in (0.1, 0.3, 0.5, 0.8):
        for c in (0.25, 0.5, 1.0):  # more contrast: an S-curve that keeps black and white
            out = apply_operators(rgb, fields(rgb.shape[:2], contrast=c, pivot=pivot))[0, :, 0]
            assert np.all(np.diff(out) > 0), (pivot, c)
            assert out[0] == pytest.approx(0, abs=1e-6) and out[-1] == pytest.approx(1, abs=1e-6)
            i = int(pivot * 1000)
            assert (out[i + 1] - out[i - 1]) / (ramp[i + 1] - ramp[i - 1]) == pytest.approx(
                2**c, rel=0.05
            )
        for c in (
            -1.0,
            -0.5,
        ):  # less contrast: every difference shrinks by 2**c, blacks fade evenly
            out = apply_operators(rgb, fields(rgb.shape[:2], contrast=c, pivot=pivot))[0, :, 0]
            np.testing.assert_allclose(np.diff(out), np.diff(ramp) * 2**c, rtol=1e-3, atol=1e-6)
            assert 0 <= out.min() and out.max() <= 1


def test_vibrance_spares_skin_and_saturated_colours(astronaut):
    from tests.backbone.masks import face_mask

    rgb = to_float_rgb(astronaut)
    out = apply_operators(rgb, fields(rgb.shape[:2], vibrance=1.0))

    def chroma(a):
        return np.abs(a - luma(a)[..., None]).sum(axis=-1)

    gain = chroma(out) / np.maximum(chroma(rgb), 1e-3)
    skin = face_mask(astronaut) > 0
    muted = (chroma(rgb) > 0.05) & (chroma(rgb) < 0.2) & ~skin
    assert np.median(gain[skin]) < np.median(gain[muted]) - 0.2
    saturated = chroma(rgb) > 0.8
    assert np.median(gain[saturated]) < np.median(gain[muted])
    clipped_before = (rgb <= 0).sum() + (rgb >= 1).sum()
    clipped_after = (out <= 0).sum() + (out >= 1).sum()
    assert clipped_after <= clipped_before * 1.01 + 10


def test_temperature_keeps_luma(coffee):
    rgb = to_float_rgb(coffee)
    for t in (-1.0, 1.0):
        out = apply_operators(rgb, fields(rgb.shape[:2], temperature=t))
        assert abs(luma(out).mean() - luma(rgb).mean()) < 0.01


def test_the_callers_fields_are_left_as_they_were(astronaut):
    rgb = to_float_rgb(astronaut)
    given = fields(rgb.shape[:2], temperature=0.5)
    copies = {k: getattr(given, k).copy() for k in ("vibrance", "contrast", "temperature")}
    apply_operators(rgb, given)
    for name, before in copies.items():
        assert np.array_equal(getattr(given, name), before), name
