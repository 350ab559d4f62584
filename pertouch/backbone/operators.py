"""The photographic operators of the parametric renderer, as pure per-pixel functions.

All work on sRGB-encoded float32 RGB in [0, 1] with per-pixel strength fields, so one function
serves both the solver's small proxy and full-resolution strips. Every operator is the identity at
strength 0 and monotone in its strength, which the solver relies on.

Tone is shaped on luma and colour is carried as chroma (RGB minus luma) scaled by the same ratio,
so hues do not shift when a region is brightened, and the per-pixel work is one plane of tone
maths plus three cheap channel updates:

* temperature ``t`` (stops of red/blue balance) is a white-balance gain that keeps each pixel's luma;
* exposure ``e`` (stops) is a luma gain; above 1 it bends into a highlight shoulder that maps
  1 to 1, so nothing clips;
* contrast ``c`` in [-1, 1] sets the slope ``2**c`` at the region's midtone ``p``: a fade towards
  ``p`` for less, an S-curve through 0, ``p`` and 1 for more; monotone, never clipping;
* colourfulness ``v`` is a vibrance: chroma is scaled by ``1 + v w``, where ``w`` is smaller for
  already-saturated colours and for skin, and never past the gamut edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]

#: Strength limits per operator, in the channel order of the attributes they mainly drive.
VIBRANCE_RANGE = (-1.0, 2.0)
CONTRAST_RANGE = (-1.0, 1.0)
TEMPERATURE_RANGE = (-1.5, 1.5)
EXPOSURE_RANGE = (-3.0, 3.0)
RANGES = np.array(
    [VIBRANCE_RANGE, CONTRAST_RANGE, TEMPERATURE_RANGE, EXPOSURE_RANGE], dtype=np.float64
)

_ONE = np.float32(1.0)
_GAMMA_LN2 = np.float32(np.log(2.0) / 2.2)  # linear-light stops -> encoded-domain exponent
_KNEE = np.float32(0.75)
_LUMA = (np.float32(0.299), np.float32(0.587), np.float32(0.114))
_SKIN_CB, _SKIN_CR = (
    np.float32(-0.09),
    np.float32(0.09),
)  # skin chroma centre (Cb, Cr in [-0.5, 0.5])
_SKIN_WIDTH = np.float32(1 / (2 * 0.055**2))
_SKIN_PROTECTION = np.float32(0.7)
_EPS = np.float32(1e-4)
_TOE = np.float32(0.05)


@dataclass(frozen=True)
class Fields:
    """Per-pixel operator strengths, each ``(H, W)`` float32."""

    vibrance: F32
    contrast: F32
    temperature: F32
    exposure: F32
    pivot: F32

    @classmethod
    def clipped(cls, strengths: Sequence[F32], pivot: F32) -> Fields:
        """Fields from four strength maps in attribute order, each clipped to its :data:`RANGES` row."""
        v, c, t, e = (np.clip(s, *RANGES[k]).astype(np.float32) for k, s in enumerate(strengths))
        return cls(vibrance=v, contrast=c, temperature=t, exposure=e, pivot=pivot)


def luma(rgb: F32) -> F32:
    """Rec. 601 luma of ``(H, W, 3)`` RGB, ``(H, W)``."""
    return rgb[..., 0] * _LUMA[0] + rgb[..., 1] * _LUMA[1] + rgb[..., 2] * _LUMA[2]


def apply_operators(rgb: F32, fields: Fields, out: F32 | None = None) -> F32:
    """Apply white balance, exposure, contrast and vibrance to ``(H, W, 3)`` RGB in [0, 1].

    Args:
        rgb: input, left unchanged.
        fields: strengths, each ``(H, W)``.
        out: optional ``(H, W, 3)`` float32 buffer for the result.

    Returns:
        The retouched ``(H, W, 3)`` float32 RGB in [0, 1].
    """
    wb_r = np.exp(fields.temperature * _GAMMA_LN2)
    wb_b = _ONE / wb_r
    r = rgb[..., 0] * wb_r
    g = rgb[..., 1]
    b = rgb[..., 2] * wb_b
    y = luma(rgb)
    keep = y / np.maximum(
        r * _LUMA[0] + g * _LUMA[1] + b * _LUMA[2], _EPS
    )  # white balance keeps luma
    r, g, b = r * keep, g * keep, b * keep

    tone = _contrast(
        _shoulder(y, np.exp(fields.exposure * _GAMMA_LN2)), fields.contrast, fields.pivot
    )
    np.clip(tone, 0.0, 1.0, out=tone)
    ratio = tone / np.maximum(y, _EPS)

    # chroma extremes relative to luma, for saturation, skin and the gamut limit
    hi = np.maximum(np.maximum(r, g), b)
    lo = np.minimum(np.minimum(r, g), b)
    cb = np.float32(0.564) * (b - y)
    cr = np.float32(0.713) * (r - y)
    skin = np.exp(-(np.square(cb - _SKIN_CB) + np.square(cr - _SKIN_CR)) * _SKIN_WIDTH)
    sat = np.clip(hi - lo, 0.0, 1.0)
    v = fields.vibrance
    weight = np.where(v > 0, (_ONE - sat) * (_ONE - _SKIN_PROTECTION * skin), _ONE)
    scale = ratio * (_ONE + v * weight)
    # never push a channel past 0 or 1 along the chroma direction
    up = (hi - y) * scale
    down = (y - lo) * scale
    limit = np.minimum((_ONE - tone) / np.maximum(up, _EPS), tone / np.maximum(down, _EPS))
    scale *= _soft_cap(limit, scale)

    if out is None:
        out = np.empty(rgb.shape, dtype=np.float32)
    for channel, plane in enumerate((r, g, b)):
        out[..., channel] = tone + (plane - y) * scale
    np.clip(out, 0.0, 1.0, out=out)
    return out


def _soft_cap(room: F32, scale: F32) -> F32:
    """Factor that eases boosted chroma towards the gamut edge instead of letting it pile up there.

    ``room`` is how much further the requested chroma ``scale`` could go before a channel hits 0
    or 1. With ``u = 1 / room`` the fraction of the way to the edge and ``u1 = u / scale`` where
    the pixel would be unboosted, nothing changes up to ``k = max(0.8, u1)``; beyond, ``u``
    approaches 1 exponentially (C1 at ``k``), so saturated areas keep their gradations and a pixel
    that is not boosted is never touched.
    """
    u = _ONE / np.maximum(room, _EPS)
    start = np.minimum(np.maximum(np.float32(0.8), u / np.maximum(scale, _EPS)), np.float32(0.999))
    eased = start + (_ONE - start) * (_ONE - np.exp(np.minimum(start - u, 0) / (_ONE - start)))
    return np.where(u <= start, _ONE, np.minimum(eased, _ONE) / u)


def _shoulder(y: F32, gain: F32) -> F32:
    """``gain * y`` below the knee; above it a rational shoulder that still maps 1 to 1.

    The shoulder ``k + u / (1 + u / w)`` with ``u = gain y - k`` is C1 at the knee and its width
    ``w`` is chosen so ``y = 1`` lands exactly on 1; for gains up to 1 it is plain scaling.
    """
    scaled = gain * y
    u = scaled - _KNEE
    bend = (gain > _ONE) & (u > 0)
    if not bend.any():
        return scaled
    g1 = np.maximum(gain - _ONE, np.float32(1e-6))
    inv_width = g1 / (
        np.maximum(gain - _KNEE, _ONE - _KNEE) * (_ONE - _KNEE)
    )  # used where gain > 1
    over = np.maximum(u, 0)  # the formula only matters where bending; keep it finite elsewhere
    return np.where(bend, _KNEE + over / (_ONE + over * inv_width), scaled)


def _contrast(y: F32, strength: F32, pivot: F32) -> F32:
    """Contrast around the region's midtone ``p``: slope ``k = 2**c`` there, 0 and 1 kept in range.

    Less contrast (``c < 0``) scales every tone towards the midtone, ``p + (y - p) k``, so every
    difference inside the region shrinks by ``k`` and blacks and whites fade evenly, as a
    photographer's contrast slider does. More contrast (``c > 0``) is an S-curve through 0, ``p``
    and 1: each side a rescaled power ``f(z) = ((z + a)**k - a**k) / ((1 + a)**k - a**k)`` with a
    small toe ``a``, the halves meeting with slope about ``k`` at ``p`` (within 4%), monotone and never
    clipping.
    """
    k = np.exp2(strength)
    faded = pivot + (y - pivot) * k
    if not np.any(strength > 0):
        return faded
    below = y <= pivot
    z = np.where(below, y / pivot, (_ONE - y) / (_ONE - pivot))
    kk = np.maximum(k, _ONE)
    a_k = np.power(_TOE, kk)
    curved = (np.power(z + _TOE, kk) - a_k) / (np.power(_ONE + _TOE, kk) - a_k)
    punchy = np.where(below, pivot * curved, _ONE - (_ONE - pivot) * curved)
    return np.where(strength > 0, punchy, faded)
