"""Scene descriptions from pixels: the words recall compares, and their JSON round trip."""

from __future__ import annotations

import numpy as np
import pytest

from pertouch.memory.scene import SceneDescription, SceneError, colour_cast, colour_name, describe


def _bands(height, colours):
    """A photo of horizontal bands, top to bottom, with a mask per band."""
    rows = np.array_split(np.arange(height), len(colours))
    image = np.zeros((height, 120, 3), dtype=np.uint8)
    masks = {}
    for (name, rgb), index in zip(colours, rows, strict=True):
        image[index] = rgb
        mask = np.zeros((height, 120), dtype=np.float32)
        mask[index] = 1.0
        masks[name] = mask
    return image, masks


def test_a_beach_and_a_snow_scene_from_pixels():
    image, masks = _bands(
        90, [("sky", (140, 190, 240)), ("water", (30, 90, 170)), ("ground", (225, 200, 160))]
    )
    beach = describe(image, masks)
    assert beach.kind == "beach" and beach.setting == "outdoor" and beach.time_of_day == "day"
    assert dict((r.name, r.colour) for r in beach.regions)["ground"] == "beige"
    image, masks = _bands(
        90, [("sky", (150, 190, 235)), ("ground", (238, 242, 250)), ("vegetation", (30, 70, 35))]
    )
    snow = describe(image, masks)
    assert snow.kind == "snow" and snow.text().startswith("snow scene: snow with")


def test_night_indoor_and_casts():
    image, masks = _bands(60, [("sky", (5, 8, 25)), ("ground", (20, 20, 22))])
    assert describe(image, masks).kind == "night"
    warm = np.full((40, 40, 3), (200, 140, 80), dtype=np.uint8)
    indoor = describe(warm, {"subject": np.ones((40, 40), np.float32)})
    assert (indoor.setting, indoor.colour_cast, indoor.kind) == ("indoor", "warm", "indoor")
    assert colour_cast(np.full((10, 3), (0.5, 0.6, 0.9))) == "cool"
    assert colour_name(np.array([0.95, 0.95, 0.95])) == "white"
    assert colour_name(np.array([0.1, 0.5, 0.1])) == "green"


def test_a_real_portrait_through_the_offline_segmenter(astronaut):
    from pertouch.tools.segmentation import OfflineSegmenter

    with OfflineSegmenter(cache_size=1) as segmenter:
        scene = describe(astronaut, segmenter.propose(astronaut))
    assert scene.kind == "portrait" and scene.people == "portrait"
    assert "face" in scene.classes and "region:face" in scene.tags


def test_json_round_trip_and_bad_input():
    image, masks = _bands(60, [("sky", (140, 190, 240)), ("ground", (90, 120, 60))])
    scene = describe(image, masks, words="a field under a clear sky")
    assert SceneDescription.from_dict(scene.to_dict()) == scene
    assert scene.text().endswith("a field under a clear sky")
    with pytest.raises(SceneError, match="Unknown scene field"):
        SceneDescription.from_dict({"colour": "red"})
    with pytest.raises(SceneError, match="between 0 and 1"):
        SceneDescription.from_dict({"regions": [{"name": "sky", "area": 2}]})
    with pytest.raises(SceneError, match="under 500"):
        scene.with_words("x" * 600)
