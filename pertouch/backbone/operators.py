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
  ``p`` for less, a rational S-curve through 0, ``p`` and 1 for more; monotone, never clipping;
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
_LN2 = np.float32(np.log(2.0))


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


def apply_operators(rgb: F32, fields: Fields) -> F32:
    """Apply white balance, exposure, contrast and vibrance to ``(H, W, 3)`` RGB in [0, 1].

    Args:
        rgb: input, left unchanged.
        fields: strengths, each ``(H, W)``.

    Returns:
        The retouched ``(H, W, 3)`` float32 RGB in [0, 1].
    """
    planes = np.ascontiguousarray(np.moveaxis(rgb, -1, 0), dtype=np.float32)
    apply_operators_planar(planes, fields)
    return np.ascontiguousarray(np.moveaxis(planes, 0, -1))


def apply_operators_planar(planes: F32, fields: Fields) -> None:
    """:func:`apply_operators` in place on ``(3, H, W)`` planes: every step runs on unit-stride
    memory, which is what the full-resolution pass feeds it."""
    r, g, b = planes[0], planes[1], planes[2]
    y = r * _LUMA[0]
    y += g * _LUMA[1]
    y += b * _LUMA[2]

    wb_r = np.exp(fields.temperature * _GAMMA_LN2)
    r *= wb_r
    b /= wb_r
    keep = r * _LUMA[0]
    keep += g * _LUMA[1]
    keep += b * _LUMA[2]
    np.maximum(keep, _EPS, out=keep)
    np.divide(y, keep, out=keep)  # white balance keeps each pixel's luma
    r *= keep
    g *= keep
    b *= keep

    tone = _contrast(
        _shoulder(y, np.exp(fields.exposure * _GAMMA_LN2)), fields.contrast, fields.pivot
    )
    np.clip(tone, 0.0, 1.0, out=tone)
    scale = tone / np.maximum(y, _EPS)

    # chroma extremes relative to luma, for saturation, skin and the gamut limit
    hi = np.maximum(np.maximum(r, g), b)
    lo = np.minimum(np.minimum(r, g), b)
    v = fields.vibrance
    boosted = v > 0
    if boosted.any():
        cb = (b - y) * np.float32(0.564) - _SKIN_CB
        cr = (r - y) * np.float32(0.713) - _SKIN_CR
        distance = cb * cb
        distance += cr * cr
        distance *= _SKIN_WIDTH
        skin = np.exp(-distance)  # ~1 on skin tones, ~0 elsewhere
        weight = np.clip(_ONE - (hi - lo), 0.0, 1.0)  # 1 - saturation
        weight *= _ONE - _SKIN_PROTECTION * skin
        vibrance = np.where(boosted, v * weight, v)
    else:
        vibrance = v.copy()  # the fields are the caller's: never change them in place
    vibrance += _ONE
    scale *= vibrance
    # never push a channel past 0 or 1 along the chroma direction
    room = (_ONE - tone) / np.maximum((hi - y) * scale, _EPS)
    np.minimum(room, tone / np.maximum((y - lo) * scale, _EPS), out=room)
    scale *= _soft_cap(room, scale)

    for plane in (r, g, b):
        plane -= y
        plane *= scale
        plane += tone
    np.clip(planes, 0.0, 1.0, out=planes)


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
    factor = np.ones_like(u)
    near = u > start  # usually a small share of the pixels: compute the easing there only
    if near.any():
        un, sn = u[near], start[near]
        eased = sn + (_ONE - sn) * (_ONE - np.exp((sn - un) / (_ONE - sn)))
        factor[near] = np.minimum(eased, _ONE) / un
    return factor


def _shoulder(y: F32, gain: F32) -> F32:
    """``gain * y`` below the knee; above it a rational shoulder that still maps 1 to 1.

    The shoulder ``k + u / (1 + u / w)`` with ``u = gain y - k`` is C1 at the knee and its width
    ``w`` is chosen so ``y = 1`` lands exactly on 1; for gains up to 1 it is plain scaling. Only
    the highlights that are brightened past the knee are computed twice.
    """
    scaled = gain * y
    bend = scaled > _KNEE
    bend &= gain > _ONE
    if bend.any():
        g, over = gain[bend], scaled[bend] - _KNEE
        inv_width = (g - _ONE) / ((g - _KNEE) * (_ONE - _KNEE))
        scaled[bend] = _KNEE + over / (_ONE + over * inv_width)
    return scaled


def _contrast(y: F32, strength: F32, pivot: F32) -> F32:
    """Contrast around the region's midtone ``p``: slope ``k = 2**c`` there, 0 and 1 kept in range.

    More contrast (``c > 0``) is a rational S-curve: with ``t`` the distance from ``p`` as a
    fraction of the room on that side (``p`` below, ``1 - p`` above), ``f(t) = k t / (1 + (k - 1)|t|)``
    has slope ``k`` at the midtone and ``1/k`` at black and white, which it keeps, so it is
    monotone and never clips. Less contrast (``c < 0``) scales every tone towards the midtone,
    ``p + (y - p) k``: each difference inside the region shrinks by ``k`` and blacks and whites fade
    evenly, as a photographer's contrast slider does. Written as the S-curve with ``max(k, 1)``
    followed by the fade with ``min(k, 1)`` (each is the identity at 1), it needs no branches and
    no transcendental functions beyond one ``exp``.
    """
    k = np.exp(strength * _LN2)
    steep = np.maximum(k, _ONE)
    d = y - pivot
    span = (d > 0).astype(np.float32)
    span *= _ONE - pivot - pivot
    span += pivot  # p below the midtone, 1 - p above
    t = np.abs(d) / np.maximum(span, _EPS)
    t *= steep - _ONE
    t += _ONE
    curved = d * steep / t  # = span * f(d / span)
    curved *= np.minimum(k, _ONE)
    curved += pivot
    return curved
