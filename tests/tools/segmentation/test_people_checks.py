"""The checks that tell a person from what mediapipe mistakes for one, on made-up landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from pertouch.tools.segmentation import people_checks as checks


def _standing(visible_hips: bool = True) -> np.ndarray:
    """Landmarks of a person standing upright, 100 px torso, in a 400 px high frame."""
    points = np.zeros((33, 3))
    spots = {
        0: (200, 60),  # nose
        11: (230, 100), 12: (170, 100),  # shoulders
        13: (240, 160), 14: (160, 160), 15: (245, 210), 16: (155, 210),  # elbows, wrists
        23: (220, 200), 24: (180, 200),  # hips
        25: (222, 280), 26: (178, 280), 27: (224, 360), 28: (176, 360),  # knees, ankles
    }  # fmt: skip
    for index, (x, y) in spots.items():
        points[index] = (x, y, 0.95)
    if not visible_hips:
        points[[23, 24, 25, 26, 27, 28], 2] = 0.1
    return points


def _turned(points: np.ndarray, degrees: float) -> np.ndarray:
    """The same landmarks turned about the frame's centre."""
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    turned = points.copy()
    turned[:, :2] = (points[:, :2] - 200) @ rotation.T + 200
    return turned


def test_a_standing_person_and_a_leaning_one_are_human():
    assert checks.plausible_skeleton(_standing())
    assert checks.plausible_skeleton(_turned(_standing(), 30))
    assert checks.plausible_skeleton(_standing(visible_hips=False))


def test_a_level_body_like_an_animal_on_four_legs_is_not():
    assert not checks.plausible_skeleton(_turned(_standing(), 85))
    assert not checks.plausible_skeleton(_turned(_standing(), 180))  # head below the hips


def test_limbs_longer_than_a_body_allows_are_not_human():
    points = _standing()
    points[25, :2] = (320, 180)  # a "thigh" of 1.6 torsos, running sideways like a bird's leg
    assert not checks.plausible_skeleton(points)


def test_a_head_below_the_shoulders_or_no_shoulders_is_not_human():
    points = _standing(visible_hips=False)
    points[0, 1] = 150
    assert not checks.plausible_skeleton(points)
    points = _standing()
    points[11, 2] = 0.2
    assert not checks.plausible_skeleton(points)


def test_bad_landmarks_raise():
    with pytest.raises(ValueError, match="33, 3"):
        checks.plausible_skeleton(np.zeros((17, 3)))


def test_a_face_crop_is_a_square_twice_the_box_and_maps_back():
    box = (100.0, 50.0, 140.0, 110.0)  # 40 x 60 px
    crop = checks.face_crop(box, margin=2.0, size=240)
    corners = np.array([[0.0, 0.0], [240.0, 240.0]])
    assert np.allclose(checks.from_crop(corners, crop), [[60.0, 20.0], [180.0, 140.0]])
    with pytest.raises(ValueError, match="non-empty"):
        checks.face_crop((5.0, 5.0, 5.0, 5.0))


def test_within_pose_keeps_the_body_and_drops_ground_of_another_colour():
    rgb = np.zeros((200, 200, 3), np.uint8)
    rgb[:] = (40, 160, 40)  # grass
    rgb[20:180, 80:120] = (200, 40, 160)  # a body in a pink kit
    rgb[20:180, 120:122] = (200, 40, 160)  # its edge, which the pose mask misses
    pose = np.zeros((200, 200), np.float32)
    pose[20:180, 80:120] = 1.0
    person = np.zeros((200, 200), np.float32)
    person[15:195, 70:135] = 1.0  # the selfie mask, spilling onto the grass all round
    trimmed = checks.within_pose(person, pose, rgb)
    assert trimmed[20:180, 80:122].mean() == 1.0  # body and its edge stay
    grass = (person > 0) & np.all(rgb == (40, 160, 40), axis=2)
    assert trimmed[grass].max() == 0.0
