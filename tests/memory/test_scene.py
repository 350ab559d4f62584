"""Scene descriptions measured from real photos: framing, light, colour, and the JSON round trip."""

from __future__ import annotations

import pytest

from pertouch.memory.measure import FEATURES
from pertouch.memory.scene import SceneDescription, SceneError, colour_cast, colour_name
from tests.memory.conftest import ASTRONAUT, CUP, LAUNCH


def test_a_portrait_a_launch_pad_and_a_cup_are_told_apart_in_words():
    assert ASTRONAUT.framing == "portrait" and ASTRONAUT.has_people and "face" in ASTRONAUT.classes
    assert LAUNCH.framing in ("landscape", "cityscape") and LAUNCH.setting == "outdoors"
    assert LAUNCH.time_of_day in ("dusk", "night") and not LAUNCH.has_people
    assert CUP.framing == "close-up" and CUP.cast == "warm" and CUP.time_of_day == ""
    assert set(CUP.measurements) == set(FEATURES) and CUP.measured
    assert LAUNCH.text().startswith(LAUNCH.framing.capitalize() + ", outdoors, at ")


def test_colour_words():
    import numpy as np

    assert colour_cast(np.full((10, 3), (0.5, 0.6, 0.9))) == "cool"
    assert colour_name(np.array([0.95, 0.95, 0.95])) == "white"
    assert colour_name(np.array([0.1, 0.5, 0.1])) == "green"


def test_json_round_trip_bad_input_and_older_scenes():
    scene = LAUNCH.with_words("a rocket on its pad at dusk")
    assert SceneDescription.from_dict(scene.to_dict()) == scene
    assert scene.text().endswith("a rocket on its pad at dusk")
    with pytest.raises(SceneError, match="Unknown scene field"):
        SceneDescription.from_dict({"format": 2, "colour": "red"})
    with pytest.raises(SceneError, match="between 0 and 1"):
        SceneDescription.from_dict({"regions": [{"name": "sky", "area": 2}]})
    with pytest.raises(SceneError, match="finite number"):
        SceneDescription.from_dict({"format": 2, "measurements": {"brightness": "dark"}})
    with pytest.raises(SceneError, match="under 500"):
        scene.with_words("x" * 600)
    old = SceneDescription.from_dict({"kind": "portrait", "people": "portrait", "lighting": "dim"})
    assert old.has_people and old.key == "low-key" and not old.measured
