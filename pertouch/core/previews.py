"""Small copies of a photo for screens and for models: what the app, MCP and reports show.

Full-resolution results are written with :func:`pertouch.core.imageio.save_photo`; these are for
looking at, so they are always 8-bit RGB and never larger than asked.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import to_float_rgb

#: Long side in pixels of the pictures sent to a browser; downloads keep full resolution.
PREVIEW_SIZE = 1280


def preview(pixels: NDArray[np.generic], size: int = PREVIEW_SIZE) -> NDArray[np.uint8]:
    """An ``(h, w, 3)`` uint8 copy of ``pixels`` whose long side is at most ``size``."""
    rgb = (to_float_rgb(pixels) * 255.0 + 0.5).astype(np.uint8)
    height, width = rgb.shape[:2]
    factor = size / max(height, width)
    if factor >= 1.0:
        return rgb
    shape = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, shape, interpolation=cv2.INTER_AREA), np.uint8)
