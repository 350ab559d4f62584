"""Photo-wide statistics that tell a flaw from a scene's character: exposure, clipping, casts.

The auto look (:mod:`pertouch.core.auto_look`) moves a region further than its small weak bound
only when one of these figures shows the photo needs it, and the do-no-harm guards
(:mod:`pertouch.core.guards`) compare the same figures before and after an edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pertouch.core.colour import chroma, lab_view
from pertouch.core.metrics import cct_of_linear_rgb, srgb_to_linear, to_float_rgb

#: Content that could be neutral: neither black nor blown. Its least chromatic tenth is the
#: photo's "most neutral content": in a well-balanced photo with any grey or white in it, that tenth
#: sits on the grey axis; under a cast, it is tinted the cast's way.
NEUTRAL_LIGHTNESS = (25.0, 95.0)
NEUTRAL_TENTH = 10.0
NEAR_WHITE = 242.0 / 255.0
CLEAR_COLOUR = 15.0
LIGHTNESS_PERCENTS = (1.0, 5.0, 50.0, 95.0, 99.0)


@dataclass(frozen=True)
class PhotoStats:
    """What one photo's pixels measure, photo-wide.

    Attributes:
        lightness: L* at the 1st, 5th, 50th, 95th and 99th percentiles (0 black, 100 white).
        mean_lightness, mean_a, mean_b: mean L*, a* and b* of the whole photo.
        mean_chroma: mean C*ab; under about 2 the photo is black and white.
        clipped: share of pixels with a channel at the top of the range (blown highlights).
        crushed: share of pixels with every channel at 0 (blocked shadows).
        neutral_share: share of the photo that could be neutral (mid tones, sky and people left
            out); the rest of the ``neutral_*`` figures are of its least chromatic tenth.
        neutral_chroma: mean C*ab of that tenth (near 0 when the photo holds something grey).
        neutral_a, neutral_b: median a*, b* of that tenth: a cast shows here first.
        neutral_agreement: share of that tenth on the side of its median b* (1: all of it).
        neutral_cct: correlated colour temperature (K) of that tenth's mean colour.
        top_channel: the 99th percentile of each pixel's brightest channel, in [0, 1]: how much
            room the photo has before a brightening clips a channel.
        near_white: share of pixels with a channel within 5% of the top (242 of 255 or above).
        contrary: share of the photo in clear colour (C*ab 15 or more) on the far side of the
            neutral tenth's tint (hue more than 90 degrees away): colours a cast did not swamp.
            A photo of one tinted material (pale wood) has none; a cast photo of varied things
            keeps some.
    """

    lightness: tuple[float, ...]
    mean_lightness: float
    mean_a: float
    mean_b: float
    mean_chroma: float
    clipped: float
    crushed: float
    neutral_share: float
    neutral_chroma: float
    neutral_a: float
    neutral_b: float
    neutral_agreement: float
    neutral_cct: float
    top_channel: float = 1.0
    near_white: float = 0.0
    contrary: float = 0.0

    def percentile(self, percent: float) -> float:
        """L* at one of :data:`LIGHTNESS_PERCENTS`."""
        return self.lightness[LIGHTNESS_PERCENTS.index(percent)]

    @property
    def monochrome(self) -> bool:
        return self.mean_chroma < 2.0

    def to_dict(self) -> dict[str, float | list[float]]:
        return {
            "lightness": [round(v, 2) for v in self.lightness],
            "mean_lightness": round(self.mean_lightness, 2),
            "mean_a": round(self.mean_a, 2),
            "mean_b": round(self.mean_b, 2),
            "mean_chroma": round(self.mean_chroma, 2),
            "clipped": round(self.clipped, 5),
            "crushed": round(self.crushed, 5),
            "neutral_share": round(self.neutral_share, 4),
            "neutral_chroma": round(self.neutral_chroma, 2),
            "neutral_a": round(self.neutral_a, 2),
            "neutral_b": round(self.neutral_b, 2),
            "neutral_agreement": round(self.neutral_agreement, 3),
            "neutral_cct": round(self.neutral_cct, 1),
            "top_channel": round(self.top_channel, 4),
            "near_white": round(self.near_white, 4),
            "contrary": round(self.contrary, 4),
        }


def clipped_share(image: NDArray[np.generic]) -> tuple[float, float]:
    """(blown, blocked) shares of an ``(H, W, 3)`` uint8/uint16 photo at full resolution.

    Blown: any channel at the maximum code value. Blocked: every channel at 0.
    """
    brightest = image.max(axis=2)
    return float((brightest >= _peak(image)).mean()), float((brightest <= 0).mean())


def clipped_mask(image: NDArray[np.generic]) -> NDArray[np.bool_]:
    """``(H, W)``: pixels with a channel at the top of the range (blown highlights)."""
    return np.asarray(image.max(axis=2) >= _peak(image))


#: Code values (of 255) below the top within which a highlight is already blown to the eye.
NEAR_TOP = 2


def near_clipped_mask(image: NDArray[np.generic]) -> NDArray[np.bool_]:
    """``(H, W)``: pixels with a channel within :data:`NEAR_TOP` code values of the top.

    A highlight at 253 or 254 is as blown as one at 255 to anyone looking, and re-encoding a JPEG
    alone moves such pixels by a step or two: taking one to the top is not new clipping. The
    renderer's own highlight budget leaves these pixels out for the same reason.
    """
    peak = _peak(image)
    return np.asarray(image.max(axis=2) >= peak - NEAR_TOP * peak / 255.0)


def _peak(image: NDArray[np.generic]) -> float:
    """The top code value of the photo's type: 255, 65535, or 1.0 for floats."""
    return {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}.get(image.dtype, 1.0)


def measure_photo(
    image: NDArray[np.generic], masks: Mapping[str, NDArray[np.generic]] | None = None
) -> PhotoStats:
    """Photo-wide statistics of ``image`` (``(H, W, 3)``, uint8 or uint16).

    Args:
        masks: regions whose colour is their own, not the light's (the sky, people): they are left
            out of the near-neutral content, so a blue sky never reads as a cool cast.
    """
    lab, small = lab_view(image, masks)
    lightness = lab[..., 0]
    c = chroma(lab)
    neutral, share = most_neutral(lab, small.values())
    rgb = _small_rgb(image, lightness.shape)
    if neutral.sum() >= 20:
        na, nb = (float(np.median(lab[..., k][neutral])) for k in (1, 2))
        side = np.sign(nb) if nb != 0 else 1.0
        agreement = float((np.sign(lab[..., 2][neutral]) == side).mean())
        linear = srgb_to_linear(rgb[neutral]).mean(axis=0)
        cct, grey = float(cct_of_linear_rgb(linear)), float(c[neutral].mean())
    else:
        na, nb, agreement, cct, grey = 0.0, 0.0, 0.0, 6504.0, 0.0
    tint = np.arctan2(nb, na)
    hue = np.arctan2(lab[..., 2], lab[..., 1])
    away = np.abs(np.angle(np.exp(1j * (hue - tint)))) > np.pi / 2
    contrary = float(((c >= CLEAR_COLOUR) & away).mean()) if (na or nb) else 0.0
    blown, blocked = clipped_share(image)
    return PhotoStats(
        lightness=tuple(float(v) for v in np.percentile(lightness, LIGHTNESS_PERCENTS)),
        mean_lightness=float(lightness.mean()),
        mean_a=float(lab[..., 1].mean()),
        mean_b=float(lab[..., 2].mean()),
        mean_chroma=float(c.mean()),
        clipped=blown,
        crushed=blocked,
        neutral_share=share,
        neutral_chroma=grey,
        neutral_a=na,
        neutral_b=nb,
        neutral_agreement=agreement,
        neutral_cct=cct,
        top_channel=float(np.percentile(rgb.max(axis=2), 99.0)),
        near_white=float((rgb.max(axis=2) >= NEAR_WHITE).mean()),
        contrary=contrary,
    )


def most_neutral(
    lab: NDArray[np.float32], excluded: Iterable[NDArray[np.float32]] = ()
) -> tuple[NDArray[np.bool_], float]:
    """The photo's most neutral content, ``(h, w)`` bool, and the share that could be neutral.

    Args:
        lab: ``(h, w, 3)`` CIELAB of the analysis view.
        excluded: ``(h, w)`` weights of regions whose colour is their own (sky, people).
    """
    lightness = lab[..., 0]
    mask = np.zeros(lightness.shape, np.float32)
    for weights in excluded:
        np.maximum(mask, weights, out=mask)
    low, high = NEUTRAL_LIGHTNESS
    candidates = (lightness > low) & (lightness < high) & (mask < 0.5)
    if not candidates.any():
        return candidates, 0.0
    c = chroma(lab)
    cut = np.percentile(c[candidates], NEUTRAL_TENTH)
    return candidates & (c <= cut), float(candidates.mean())


def _small_rgb(image: NDArray[np.generic], shape: tuple[int, ...]) -> NDArray[np.float32]:
    from pertouch.core.metrics import resize_area

    return resize_area(to_float_rgb(image), (int(shape[0]), int(shape[1])))
