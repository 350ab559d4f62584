"""Real-looking region masks made from the test photos themselves."""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage import data, feature


def face_mask(photo: np.ndarray) -> np.ndarray:
    """An ellipse in the box scikit-image's LBP face detector finds (uint8, 0/255)."""
    detector = feature.Cascade(data.lbp_frontal_face_cascade_filename())
    (box,) = detector.detect_multi_scale(
        img=photo, scale_factor=1.2, step_ratio=1, min_size=(60, 60), max_size=(200, 200)
    )
    h, w = photo.shape[:2]
    yy, xx = np.ogrid[:h, :w]
    cy, cx = box["r"] + box["height"] / 2, box["c"] + box["width"] / 2
    inside = ((yy - cy) / (0.6 * box["height"])) ** 2 + ((xx - cx) / (0.45 * box["width"])) ** 2 < 1
    return inside.astype(np.uint8) * 255


def sky_mask(photo: np.ndarray) -> np.ndarray:
    """Bluish pixels connected to the top edge, with holes filled (uint8, 0/255)."""
    rgb = photo.astype(np.float32) / 255
    bluish = (rgb[..., 2] > 1.3 * rgb[..., 0] + 0.02) & (rgb[..., 2] > rgb[..., 1] + 0.03)
    labels, _ = ndimage.label(ndimage.binary_opening(bluish, iterations=2))
    top = set(np.unique(labels[0])) - {0}
    sky = ndimage.binary_fill_holes(np.isin(labels, list(top)))
    return sky.astype(np.uint8) * 255


def ellipse_mask(
    shape: tuple[int, int], centre: tuple[float, float], radii: tuple[float, float]
) -> np.ndarray:
    h, w = shape
    yy, xx = np.ogrid[:h, :w]
    inside = ((yy - centre[0] * h) / (radii[0] * h)) ** 2 + (
        (xx - centre[1] * w) / (radii[1] * w)
    ) ** 2 < 1
    return inside.astype(np.uint8) * 255
