"""Regions defined by pixel values or position: tonal ranges, colour ranges, spatial gradients.

These need no model. Tonal ranges split lightness (CIE L*/100) with smooth shoulders, like a
Lightroom range mask, and always partition the photo: shadows + midtones + highlights = 1 at every
pixel. Colour ranges are triangular weights around the eight HSL hues (so neighbouring ranges
share the hues between them), faded out for greys and near-black pixels that have no reliable hue.
Spatial regions are feathered gradients, never hard cuts.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]

#: Lightness shoulders: shadows fade out over the first range, highlights fade in over the second.
SHADOW_SHOULDER = (0.22, 0.42)
HIGHLIGHT_SHOULDER = (0.62, 0.82)
#: Hue centres (degrees) of the colour ranges, as in Lightroom's HSL panel.
HUE_CENTRES = {
    "reds": 0.0,
    "oranges": 30.0,
    "yellows": 60.0,
    "greens": 120.0,
    "aquas": 180.0,
    "blues": 225.0,
    "purples": 270.0,
    "magentas": 315.0,
}
#: (start, full-from, full-to, end) hue windows of the temperature families, degrees (may wrap).
TEMPERATURE_WINDOWS = {
    "warm tones": (-40.0, -10.0, 55.0, 80.0),
    "cool tones": (150.0, 170.0, 260.0, 285.0),
}


def smoothstep(edge0: float, edge1: float, x: FloatArray) -> FloatArray:
    """0 below ``edge0``, 1 above ``edge1``, a cubic ramp between (float32)."""
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return (t * t * (3.0 - 2.0 * t)).astype(np.float32)


def lightness(rgb: FloatArray) -> FloatArray:
    """CIE L*/100 of sRGB pixels, ``(h, w)`` float32 in [0, 1]."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)[..., 0] * np.float32(0.01)


def tonal_masks(rgb: FloatArray) -> dict[str, FloatArray]:
    """Shadows, midtones and highlights of ``(h, w, 3)`` float32 RGB; they sum to 1 per pixel."""
    light = lightness(rgb)
    shadows = 1.0 - smoothstep(*SHADOW_SHOULDER, light)
    highlights = smoothstep(*HIGHLIGHT_SHOULDER, light)
    midtones = np.clip(1.0 - shadows - highlights, 0.0, 1.0)
    return {"shadows": shadows, "midtones": midtones, "highlights": highlights}


def hue_saturation_value(rgb: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """HSV of float32 RGB: hue in degrees [0, 360), saturation and value in [0, 1]."""
    hsv = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV), dtype=np.float32)
    return hsv[..., 0], hsv[..., 1], hsv[..., 2]


def _chroma_weight(saturation: FloatArray, value: FloatArray) -> FloatArray:
    return smoothstep(0.08, 0.25, saturation) * smoothstep(0.04, 0.14, value)


def hue_distance(hue: FloatArray, centre: float) -> FloatArray:
    """Circular distance in degrees between ``hue`` and ``centre``."""
    d = np.abs(hue - np.float32(centre)) % 360.0
    return np.minimum(d, 360.0 - d).astype(np.float32)


def colour_mask(rgb: FloatArray, name: str) -> FloatArray:
    """Weight of each pixel in a colour range ("reds" to "magentas", "warm tones", "cool tones")."""
    hue, saturation, value = hue_saturation_value(rgb)
    chroma = _chroma_weight(saturation, value)
    if name in HUE_CENTRES:
        centres = sorted(HUE_CENTRES.values())
        i = centres.index(HUE_CENTRES[name])
        before = (centres[i] - centres[i - 1]) % 360.0
        after = (centres[(i + 1) % len(centres)] - centres[i]) % 360.0
        signed = (hue - HUE_CENTRES[name] + 180.0) % 360.0 - 180.0
        width = np.where(signed < 0, before, after).astype(np.float32)
        return (np.clip(1.0 - np.abs(signed) / width, 0.0, 1.0) * chroma).astype(np.float32)
    if name in TEMPERATURE_WINDOWS:
        start, full_from, full_to, end = TEMPERATURE_WINDOWS[name]
        shifted = (hue - start) % 360.0  # degrees past the window's start
        rise = smoothstep(0.0, full_from - start, shifted)
        fall = 1.0 - smoothstep(full_to - start, end - start, shifted)
        return (rise * fall * chroma).astype(np.float32)
    raise KeyError(f"unknown colour range {name!r}")


def spatial_mask(shape: tuple[int, int], name: str, feather: float = 0.2) -> FloatArray:
    """A feathered spatial region ("top", "bottom", "left", "right", "centre", "edges").

    Halves ramp from 1 to 0 over ``feather`` of the image around the midline; the centre is an
    ellipse fading out from 30 % to 60 % of the half-diagonal, and the edges are its complement.
    """
    h, w = shape
    y = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
    x = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
    lo, hi = 0.5 - feather / 2, 0.5 + feather / 2
    if name in ("top", "bottom", "left", "right"):
        axis = y if name in ("top", "bottom") else x
        ramp = (
            1.0 - smoothstep(lo, hi, axis) if name in ("top", "left") else smoothstep(lo, hi, axis)
        )
        return np.broadcast_to(ramp, shape).astype(np.float32)
    radius = np.sqrt(((x - 0.5) * 2) ** 2 + ((y - 0.5) * 2) ** 2) / np.sqrt(2.0)
    centre = 1.0 - smoothstep(0.3, 0.6, radius)
    if name == "centre":
        return centre.astype(np.float32)
    if name == "edges":
        return (1.0 - centre).astype(np.float32)
    raise KeyError(f"unknown spatial region {name!r}")
