"""The reference implementation's metric set: what the published PerTouch weights were trained on.

The project's own metrics (:mod:`pertouch.core.metrics`) are tuned for the parametric renderer:
soft masks, contrast of luma, colour temperature of the linear mean. The published weights saw
conditioning maps built differently, and a map built with other definitions is off their
distribution. These are the reference's data-preparation definitions, for binary masks over a photo
stretched to 512 x 512 with values in 0..255:

- colourfulness: Hasler and Süsstrunk on absolute opponent channels, ``|R - G|`` and
  ``|(R + G)/2 - B|``: ``sqrt(std_rg² + std_yb²) + 0.3 sqrt(mean_rg² + mean_yb²)`` (population
  standard deviations);
- contrast: for each of the four neighbour shifts (±1 row, ±1 column, wrapping around as
  ``np.roll`` does) the squared RGB difference summed over the channels, counted where both the
  pixel and its shifted neighbour are in the mask; the total over ``4 x`` the number of valid pairs
  (itself summed over the four shifts), capped at 20,000;
- temperature: −CCT by Hernández-Andrés et al. (1999), with their second formula above 50,000 K,
  of the mask's mean gamma-encoded colour ``/255`` clipped to [0.001, 0.999], decoded and taken
  to XYZ as colour-science's ``sRGB_to_XYZ`` does (IEC 61966-2-1's four-digit matrix);
- brightness: ``sqrt(0.241 R̄² + 0.691 Ḡ² + 0.068 B̄²)`` of the channel means;
- an empty mask measures 0 on every attribute.

The reference measures the photo resized with OpenCV's default interpolation (bilinear) to 512 x 512;
:func:`measurement_view` reproduces that view.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

REFERENCE_SIZE = 512
CONTRAST_CAP = 20_000.0
#: Mean colours are clipped to this range before the CCT formula, as in the reference.
RGB_CLIP = (1e-3, 0.999)
#: sRGB (D65) linear RGB -> XYZ as colour-science defines it for its ``sRGB`` colourspace.
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]],
    dtype=np.float64,
)
#: colour-science decodes sRGB linearly at and below the encoding of 0.0031308.
_DECODE_KNEE = 12.92 * 0.0031308
_HSP = np.array([0.241, 0.691, 0.068], dtype=np.float64)

F64 = NDArray[np.float64]


def stretch(image: NDArray[Any], size: int = REFERENCE_SIZE) -> NDArray[Any]:
    """``(size, size, 3)`` in the photo's dtype: OpenCV's default (bilinear) resize, aspect ignored."""
    if image.shape[:2] == (size, size):
        return image
    return np.asarray(cv2.resize(image, (size, size)))


def to_255(image: NDArray[Any]) -> NDArray[np.float32]:
    """RGB values on the reference's 0..255 scale, float32 (uint16 is divided by 257)."""
    if image.dtype == np.uint8:
        return image.astype(np.float32)
    if image.dtype == np.uint16:
        return image.astype(np.float32) * np.float32(1 / 257)
    return (np.clip(image, 0.0, 1.0) * 255.0).astype(np.float32)


def measurement_view(image: NDArray[Any], size: int = REFERENCE_SIZE) -> NDArray[np.float32]:
    """The photo as the reference's data preparation measured it: stretched, 0..255 float32."""
    return to_255(stretch(image[..., :3], size))


def srgb_decode(values: F64) -> F64:
    """sRGB-encoded values in [0, 1] to linear light, as colour-science's ``eotf_sRGB``."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(v <= _DECODE_KNEE, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def cct_hernandez_andres(x: F64, y: F64) -> F64:
    """CCT (kelvin) of CIE 1931 chromaticities by Hernández-Andrés et al. (1999), unclamped.

    Their first formula covers 3,000 to 50,000 K; above 50,000 K its result is replaced by the
    second formula's, as colour-science's ``xy_to_CCT(xy, "hernandez1999")`` does.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        n = (x - 0.3366) / (y - 0.1735)
        cct = (
            -949.86315
            + 6253.80338 * np.exp(-n / 0.92159)
            + 28.70599 * np.exp(-n / 0.20039)
            + 0.00004 * np.exp(-n / 0.07125)
        )
        high = (x - 0.3356) / (y - 0.1691)
        second = (
            36284.48953 + 0.00228 * np.exp(-high / 0.07861) + 5.4535e-36 * np.exp(-high / 0.01543)
        )
    return np.where(cct > 50_000, second, cct)


def temperature_of_means(means_255: F64) -> F64:
    """−CCT of mean gamma-encoded colours ``(..., 3)`` on the 0..255 scale."""
    rgb = np.clip(np.asarray(means_255, dtype=np.float64) / 255.0, *RGB_CLIP)
    xyz = srgb_decode(rgb) @ SRGB_TO_XYZ.T
    total = xyz.sum(axis=-1)
    return -cct_hernandez_andres(xyz[..., 0] / total, xyz[..., 1] / total)


def reference_raw_metrics(view: NDArray[np.floating], masks: NDArray[np.bool_]) -> F64:
    """Raw metrics ``(R, 4)`` of binary regions ``(R, H, W)`` of an ``(H, W, 3)`` RGB view in 0..255.

    Channel order: colorfulness, contrast, temperature (−CCT), brightness. Empty regions are 0.

    Example:
        >>> view = measurement_view(np.full((300, 400, 3), 128, np.uint8))
        >>> raw = reference_raw_metrics(view, np.ones((1, 512, 512), bool))  # the whole photo
        >>> raw.shape, float(raw[0, 1])   # one region, four metrics; a flat photo has no contrast
        ((1, 4), 0.0)
    """
    rgb = np.asarray(view, dtype=np.float64)
    masks = np.asarray(masks, dtype=bool)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or masks.ndim != 3 or masks.shape[1:] != rgb.shape[:2]:
        raise ValueError(
            f"expected an (H, W, 3) view and (R, H, W) masks of its size, got {rgb.shape} and {masks.shape}"
        )
    r, g, b = (rgb[..., c] for c in range(3))
    rg, yb = np.abs(r - g), np.abs(0.5 * (r + g) - b)
    features = np.stack([r, g, b, rg, yb, rg**2, yb**2], axis=-1)  # (H, W, 7)
    # Neighbour differences once per axis; -1 shifts visit the pairs +1 shifts do (each from its
    # other pixel), so the two shifts below, counted twice, give the four-shift sums.
    differences = [np.square(rgb - np.roll(rgb, 1, axis=axis)).sum(axis=2) for axis in (0, 1)]
    values = np.zeros((masks.shape[0], 4))
    for index, mask in enumerate(masks):
        count = int(mask.sum())
        if count == 0:
            continue  # an empty region measures 0 on every attribute
        moments = features[mask].mean(axis=0)
        means, (mean_rg, mean_yb, mean_rg2, mean_yb2) = moments[:3], moments[3:]
        variance = max(mean_rg2 - mean_rg**2, 0.0) + max(mean_yb2 - mean_yb**2, 0.0)
        total, pairs = 0.0, 0
        for axis, difference in enumerate(differences):
            valid = mask & np.roll(mask, 1, axis=axis)
            total += 2.0 * float(difference[valid].sum())
            pairs += 2 * int(valid.sum())
        values[index] = (
            np.sqrt(variance) + 0.3 * np.hypot(mean_rg, mean_yb),
            min(total / (4.0 * max(pairs, 1)), CONTRAST_CAP),
            temperature_of_means(means),
            np.sqrt(means**2 @ _HSP),
        )
    return values
