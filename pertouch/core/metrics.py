"""Raw attribute metrics of image regions under soft masks.

The four metrics follow the reference: colorfulness by Hasler–Süsstrunk, contrast as the mean
squared difference between 4-neighbours of luma, temperature as −CCT of the region's mean colour
(McCamy or Hernández-Andrés), brightness as mean HSP brightness sqrt(.241R² + .691G² + .068B²).

Contrast depends on resolution (neighbour differences shrink as pixels multiply), so every metric
is defined at one *analysis resolution*: the photo and its masks are area-downsampled until the
long side is at most :data:`ANALYSIS_SIZE` pixels. The renderer's solver and every measurement use
the same view, so a level means the same thing for a 0.3 MP thumbnail and a 12 MP original.

It is longer than 300 lines because the four metrics, their soft-mask forms and the analysis view
must stay exactly consistent with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import MaskError

ANALYSIS_SIZE = 512

FloatArray = NDArray[np.float32]

# sRGB (D65) linear RGB -> CIE XYZ.
_SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ],
    dtype=np.float64,
)
_D65_XY = (0.31271, 0.32902)
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
_HSP = np.array([0.241, 0.691, 0.068], dtype=np.float32)
CCT_RANGE = (1_600.0, 40_000.0)
#: CCTs at which McCamy's formula is clamped (see :func:`cct_from_xy`); metrics there are saturated.
MCCAMY_LIMITS = (1_660.0, 36_850.0)

CCTMethod = Literal["mccamy", "hernandez-andres"]


def to_float_rgb(image: NDArray[np.generic]) -> FloatArray:
    """Convert an image to float32 RGB in [0, 1].

    Args:
        image: ``(H, W)`` grey or ``(H, W, 3|4)`` colour, uint8, uint16 or float in [0, 1].
            An alpha channel is dropped.

    Returns:
        ``(H, W, 3)`` float32 array in [0, 1].
    """
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[2] not in (1, 3, 4):
        raise ValueError(
            f"expected an (H, W), (H, W, 3) or (H, W, 4) image, got shape {image.shape}"
        )
    image = image[..., :3] if image.shape[2] >= 3 else np.repeat(image, 3, axis=2)
    if image.dtype == np.uint8:
        return image.astype(np.float32) * np.float32(1 / 255)
    if image.dtype == np.uint16:
        return image.astype(np.float32) * np.float32(1 / 65535)
    if np.issubdtype(image.dtype, np.floating):
        return np.clip(image, 0.0, 1.0).astype(np.float32, copy=False)
    raise ValueError(f"unsupported image dtype {image.dtype}; use uint8, uint16 or float")


def mask_to_float(mask: NDArray[np.generic]) -> FloatArray:
    """Convert a mask (bool, uint8, uint16 or float) to float32 weights in [0, 1]."""
    if mask.dtype == np.bool_:
        return mask.astype(np.float32)
    if mask.dtype == np.uint8:
        return mask.astype(np.float32) * np.float32(1 / 255)
    if mask.dtype == np.uint16:
        return mask.astype(np.float32) * np.float32(1 / 65535)
    return np.clip(mask, 0.0, 1.0).astype(np.float32, copy=False)


def analysis_shape(height: int, width: int, size: int = ANALYSIS_SIZE) -> tuple[int, int]:
    """Shape ``(h, w)`` of the analysis view of an ``height x width`` photo (never upsampled)."""
    scale = min(1.0, size / max(height, width))
    return max(1, round(height * scale)), max(1, round(width * scale))


def resize_area(array: NDArray[Any], shape: tuple[int, int]) -> FloatArray:
    """Area-average ``array`` (``(H, W)`` or ``(H, W, C)``) to ``shape``; float32 out."""
    values = np.asarray(array, dtype=np.float32)
    if values.shape[:2] == shape:
        return values
    out = cv2.resize(values, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return np.asarray(out, dtype=np.float32).reshape(shape + values.shape[2:])


def analysis_view(
    image: NDArray[np.generic], masks: Mapping[str, NDArray[np.generic]], size: int = ANALYSIS_SIZE
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Downsample a photo and its masks to the analysis resolution.

    Masks are area-averaged in their own dtype (uint8 masks of a 12 MP photo never become 48 MB
    float arrays) and converted to float weights in [0, 1] once small.

    Raises:
        MaskError: if a mask's shape differs from the photo's ``(H, W)``.
    """
    h, w = image.shape[:2]
    for name, mask in masks.items():
        if mask.shape[:2] != (h, w) or mask.ndim != 2:
            raise MaskError(
                f"The mask for region {name!r} is {_describe(mask.shape)} "
                f"but the photo is {w}x{h}; give a single-channel mask of the photo's size."
            )
    shape = analysis_shape(h, w, size)
    rgb = to_float_rgb(_resize_native(image, shape))
    small = {}
    for name, mask in masks.items():
        native = mask.view(np.uint8) if mask.dtype == np.bool_ else mask
        weights = mask_to_float(_resize_native(native, shape))
        small[name] = (
            weights if mask.dtype != np.bool_ else np.clip(weights * np.float32(255.0), 0.0, 1.0)
        )
    return rgb, small


def _describe(shape: tuple[int, ...]) -> str:
    return f"{shape[1]}x{shape[0]}" if len(shape) == 2 else f"of shape {shape}"


def _resize_native(array: NDArray[Any], shape: tuple[int, int]) -> NDArray[Any]:
    """Area-average in the array's own dtype (uint8, uint16 or float), rounding integers."""
    if array.shape[:2] == shape:
        return array
    if array.dtype not in (np.uint8, np.uint16, np.float32):
        array = array.astype(np.float32)
    out = cv2.resize(array, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)
    return np.asarray(out).reshape(shape + array.shape[2:])


def cct_from_xy(
    x: NDArray[np.float64], y: NDArray[np.float64], method: CCTMethod = "mccamy"
) -> NDArray[np.float64]:
    """Correlated colour temperature (kelvin) of CIE 1931 chromaticities, clamped to :data:`CCT_RANGE`.

    McCamy's cubic is accurate from about 2,000 K to 12,500 K; Hernández-Andrés et al. (1999) extend
    it to 50,000 K. Outside the ranges where the formulas stay monotone the result is clamped, so
    the metric never folds back on itself for extreme colours.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if method == "mccamy":
        denom = 0.1858 - y
        # Below the epicentre line the cubic's variable changes sign: treat as the coldest end.
        n = np.where(denom < -1e-6, (x - 0.3320) / np.minimum(denom, -1e-6), 2.0)
        n = np.clip(n, -1.2, 2.0)  # the cubic decreases for n < -1.28; 2.0 is about 37,000 K.
        cct = ((449.0 * n + 3525.0) * n + 6823.3) * n + 5520.33
    elif method == "hernandez-andres":
        n = (x - 0.3366) / np.where(np.abs(y - 0.1735) < 1e-6, 1e-6, y - 0.1735)
        cct = (
            -949.86315
            + 6253.80338 * np.exp(-n / 0.92159)
            + 28.70599 * np.exp(-n / 0.20039)
            + 0.00004 * np.exp(-n / 0.07125)
        )
    else:
        raise ValueError(f"unknown CCT method {method!r}; use 'mccamy' or 'hernandez-andres'")
    return np.clip(cct, *CCT_RANGE)


def srgb_to_linear(values: NDArray[np.floating]) -> NDArray[np.floating]:
    """Decode sRGB-encoded values in [0, 1] to linear light (IEC 61966-2-1)."""
    v = np.asarray(values)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


_LUT_SIZE = 4096
_LINEAR_LUT = srgb_to_linear(np.linspace(0.0, 1.0, _LUT_SIZE)).astype(np.float32)


def _srgb_to_linear_fast(values: FloatArray) -> FloatArray:
    """:func:`srgb_to_linear` through a 4096-entry table; errors under 3e-4, averaged away in means."""
    index = (np.clip(values, 0.0, 1.0) * np.float32(_LUT_SIZE - 1) + np.float32(0.5)).astype(
        np.intp
    )
    return _LINEAR_LUT[index]


def cct_of_linear_rgb(
    rgb: NDArray[np.floating], method: CCTMethod = "mccamy"
) -> NDArray[np.float64]:
    """CCT (kelvin) of linear sRGB colours ``(..., 3)``; black maps to D65's temperature."""
    xyz = np.asarray(rgb, dtype=np.float64) @ _SRGB_TO_XYZ.T
    total = xyz.sum(axis=-1)
    safe = np.where(total > 1e-9, total, 1.0)
    x = np.where(total > 1e-9, xyz[..., 0] / safe, _D65_XY[0])
    y = np.where(total > 1e-9, xyz[..., 1] / safe, _D65_XY[1])
    return cct_from_xy(x, y, method)


class RegionMeter:
    """Raw metrics of fixed soft-masked regions, for measuring many versions of one image.

    The mask-dependent parts (flattened weights, neighbour-pair weights, their sums) are computed
    once, so the renderer's solver pays only for the image-dependent work on each evaluation.

    Args:
        masks: ``(R, H, W)`` float32 weights in [0, 1].
        method: CCT formula for the temperature metric.
    """

    def __init__(self, masks: FloatArray, method: CCTMethod = "mccamy") -> None:
        masks = np.asarray(masks, dtype=np.float32)
        self.shape = masks.shape[1:]
        self.method: CCTMethod = method
        num = masks.shape[0]
        self._flat = np.ascontiguousarray(masks.reshape(num, -1))
        weight = self._flat.sum(axis=1, dtype=np.float64)
        self._inv_weight = np.where(weight > 0, 1.0 / np.where(weight > 0, weight, 1.0), np.nan)
        self._pairs_h = (masks[:, :, 1:] * masks[:, :, :-1]).reshape(num, -1)
        self._pairs_v = (masks[:, 1:, :] * masks[:, :-1, :]).reshape(num, -1)
        pairs = self._pairs_h.sum(axis=1, dtype=np.float64) + self._pairs_v.sum(
            axis=1, dtype=np.float64
        )
        self._inv_pairs = np.where(pairs > 0, 1.0 / np.where(pairs > 0, pairs, 1.0), 0.0)

    def __call__(self, rgb: FloatArray) -> NDArray[np.float64]:
        """Raw metrics ``(R, 4)`` of ``rgb`` (``(H, W, 3)`` float32 sRGB in [0, 1]); NaN for empty regions.

        Channel order: colorfulness, contrast, temperature as −CCT in kelvin, brightness.
        """
        return self.planar(np.ascontiguousarray(np.moveaxis(rgb, -1, 0), dtype=np.float32))

    def planar(self, planes: FloatArray) -> NDArray[np.float64]:
        """:meth:`__call__` for ``(3, H, W)`` planes, the layout the renderer's solver works in."""
        if planes.shape[1:] != self.shape:
            raise ValueError(
                f"image shape {planes.shape[1:]} does not match the masks' {self.shape}"
            )
        r, g, b = (planes[c].reshape(-1) for c in range(3))
        features = np.empty((8, r.size), dtype=np.float32)
        np.subtract(r, g, out=features[0])
        np.subtract(np.float32(0.5) * (r + g), b, out=features[1])
        np.square(features[0], out=features[2])
        np.square(features[1], out=features[3])
        np.sqrt(
            np.square(r) * _HSP[0] + np.square(g) * _HSP[1] + np.square(b) * _HSP[2],
            out=features[4],
        )
        features[5:8] = _srgb_to_linear_fast(planes.reshape(3, -1))
        sums = (features @ self._flat.T).T.astype(np.float64) * self._inv_weight[:, None]
        mean_rg, mean_yb, mean_rg2, mean_yb2, brightness = sums[:, :5].T
        sigma = np.sqrt(np.maximum(mean_rg2 - mean_rg**2, 0) + np.maximum(mean_yb2 - mean_yb**2, 0))
        colorfulness = sigma + 0.3 * np.sqrt(mean_rg**2 + mean_yb**2)
        temperature = -cct_of_linear_rgb(sums[:, 5:8], self.method)

        luma = (r * _LUMA[0] + g * _LUMA[1] + b * _LUMA[2]).reshape(self.shape)
        dh = np.square(luma[:, 1:] - luma[:, :-1]).reshape(-1)
        dv = np.square(luma[1:, :] - luma[:-1, :]).reshape(-1)
        pair_sum = np.array(
            [
                np.dot(h, dh) + np.dot(v, dv)
                for h, v in zip(self._pairs_h, self._pairs_v, strict=True)
            ]
        )
        contrast = pair_sum * self._inv_pairs
        return np.column_stack([colorfulness, contrast, temperature, brightness])


def raw_metrics(
    rgb: FloatArray, masks: FloatArray, method: CCTMethod = "mccamy"
) -> NDArray[np.float64]:
    """Raw metrics ``(R, 4)`` of soft-masked regions ``(R, H, W)`` of one image; see :class:`RegionMeter`."""
    return RegionMeter(masks, method)(rgb)


def measure_raw(
    image: NDArray[np.generic],
    masks: Mapping[str, NDArray[np.generic]] | None = None,
    method: CCTMethod = "mccamy",
) -> dict[str, NDArray[np.float64]]:
    """Raw metrics of named regions of a photo, measured at the analysis resolution.

    Args:
        image: the photo, any dtype :func:`to_float_rgb` accepts, at full resolution.
        masks: region name to ``(H, W)`` mask of the photo's size; ``None`` measures the whole photo
            as region ``"global"``.

    Returns:
        Region name to its 4 raw metrics (channel order of :data:`ATTRIBUTES`).
    """
    full = {"global": np.ones(image.shape[:2], dtype=np.float32)} if not masks else dict(masks)
    rgb, small = analysis_view(image, full)
    names = list(small)
    values = raw_metrics(rgb, np.stack([small[n] for n in names]), method)
    empty = [n for n, v in zip(names, values, strict=True) if np.isnan(v).any()]
    if empty:
        raise MaskError(
            f"The mask for region {empty[0]!r} is empty; give a mask that covers part of the photo."
        )
    return dict(zip(names, values, strict=True))
