"""Checks that tell a person from what mediapipe's detectors mistake for one.

The face detector scores a red apple 0.65 and the dandelion seed heads 0.72; the pose model puts a
skeleton at 0.9 mean visibility on a bird and on a running cheetah. Each model is sure of itself,
so the checks here ask what those things cannot give:

* a face is one the face mesh also finds when it looks closely: :func:`face_crop` gives the square
  view of the detection box (twice its size, so small faces fill the mesh's input as a selfie
  would) that the mesh is run on; an apple or a seed head yields no mesh there;
* a pose is a human body: shoulders seen, the torso upright (within :data:`MAX_TORSO_TILT` of
  vertical, hips below shoulders: an animal on four legs is level) with the head beyond the
  shoulders, and no limb longer than :data:`MAX_LIMB_TO_TORSO` times the torso (a bird's "thigh"
  ran to 1.9 times its torso; a person's is about 0.8, and foreshortening only shortens a limb).

:func:`within_pose` then trims the selfie model's spill onto the ground under one body. The
thresholds were set on the dev photos of ``benchmarks/corpus.py``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]

#: BlazePose landmark indices used here.
NOSE, LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP = 0, 11, 12, 23, 24
#: Upper arms, forearms, thighs and shins as pairs of BlazePose landmarks.
LIMBS = ((11, 13), (13, 15), (12, 14), (14, 16), (23, 25), (25, 27), (24, 26), (26, 28))
#: Longest limb a body can show, in torso lengths (shoulder midpoint to hip midpoint); a person's
#: thigh and shin are each about 0.8, an upper arm about 0.6.
MAX_LIMB_TO_TORSO = 1.4
#: Most a torso seen without a face may lean from vertical, in degrees.
MAX_TORSO_TILT = 50.0
#: How much of a landmark's visibility makes it seen.
SEEN = 0.5


def plausible_skeleton(points: NDArray[np.float64]) -> bool:
    """Whether pose landmarks ``(33, 3)`` of ``(x, y, visibility)`` in pixels form a human body.

    Shoulders must be seen. With both hips seen the torso must be upright and every seen limb no
    longer than :data:`MAX_LIMB_TO_TORSO` torsos; without hips (a portrait cut at the chest) the
    nose, when seen, must be above the shoulders.
    """
    if points.shape != (33, 3):
        raise ValueError(f"Pose landmarks must be (33, 3), got {points.shape}.")
    seen = points[:, 2] > SEEN
    if not (seen[LEFT_SHOULDER] and seen[RIGHT_SHOULDER]):
        return False
    xy = points[:, :2]
    shoulders = (xy[LEFT_SHOULDER] + xy[RIGHT_SHOULDER]) / 2
    if not (seen[LEFT_HIP] and seen[RIGHT_HIP]):
        return not seen[NOSE] or bool(xy[NOSE, 1] < shoulders[1])
    axis = shoulders - (xy[LEFT_HIP] + xy[RIGHT_HIP]) / 2
    torso = float(np.hypot(*axis))
    if torso == 0.0 or axis[1] >= 0:
        return False
    if math.degrees(math.atan2(abs(axis[0]), -axis[1])) > MAX_TORSO_TILT:
        return False
    if seen[NOSE] and float(np.dot(xy[NOSE] - shoulders, axis)) <= 0:
        return False
    return all(
        float(np.hypot(*(xy[a] - xy[b]))) <= MAX_LIMB_TO_TORSO * torso
        for a, b in LIMBS
        if seen[a] and seen[b]
    )


def face_crop(
    box: tuple[float, float, float, float], margin: float = 2.0, size: int = 256
) -> NDArray[np.float64]:
    """The ``(2, 3)`` affine map from the photo to a ``size`` square around a face box.

    The square is ``margin`` times the box's longer side, centred on it; parts outside the photo
    come out as border (the map is for ``cv2.warpAffine``), so the face keeps its aspect.
    """
    x0, y0, x1, y1 = box
    side = margin * max(x1 - x0, y1 - y0)
    if side <= 0 or size <= 0:
        raise ValueError(f"A face crop needs a non-empty box and size, got {box} and {size}.")
    scale = size / side
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return np.array(
        [[scale, 0.0, size / 2 - scale * cx], [0.0, scale, size / 2 - scale * cy]], np.float64
    )


def from_crop(points: NDArray[np.float64], crop: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points ``(n, 2)`` in a :func:`face_crop` square, back in photo pixels."""
    scale = crop[0, 0]
    return (points - crop[:, 2]) / scale


def inside(point: NDArray[np.float64], box: tuple[float, float, float, float]) -> bool:
    """Whether an ``(x, y)`` point lies in a box ``(x0, y0, x1, y1)``."""
    x0, y0, x1, y1 = box
    return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)


def within_pose(
    person: FloatArray, pose_mask: FloatArray, rgb: NDArray[np.uint8], grow: float = 0.01
) -> FloatArray:
    """The person mask cut to the pose model's own body mask, grown by ``grow`` of the diagonal.

    The selfie model spills onto what touches a body (grass between a footballer's legs, a ball);
    the pose model's mask follows the limbs it found, a little inside their edge. In the grown
    band a pixel stays only when its colour is nearer the body's beside it than the surroundings'
    (the grass edging a shin goes, the sleeve the pose mask missed stays). ``person`` and
    ``pose_mask`` are ``(h, w)`` float32 in [0, 1], ``rgb`` the ``(h, w, 3)`` uint8 view.
    """
    h, w = person.shape
    radius = max(1, round(grow * math.hypot(h, w)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    core = pose_mask > 0.5
    reach = cv2.dilate(core.astype(np.uint8), kernel) > 0
    lab = np.asarray(cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB), np.float32)
    window = (4 * radius + 1, 4 * radius + 1)
    body = _local_mean(lab, core & (person > 0.5), window)
    around = _local_mean(lab, ~reach, window)
    nearer_body = np.linalg.norm(lab - body, axis=2) <= np.linalg.norm(lab - around, axis=2)
    keep = core | (reach & nearer_body)
    return (person * keep.astype(np.float32)).astype(np.float32)


def _local_mean(
    lab: NDArray[np.float32], where: NDArray[np.bool_], window: tuple[int, int]
) -> NDArray[np.float32]:
    """Mean colour of the ``where`` pixels in a box ``window`` around each pixel (inf where none)."""
    weight = cv2.boxFilter(where.astype(np.float32), -1, window, normalize=False)
    total = cv2.boxFilter(lab * where[..., None], -1, window, normalize=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / weight[..., None]
    mean[weight < 0.5] = np.inf
    return mean.astype(np.float32)
