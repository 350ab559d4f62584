import json

import numpy as np
import pytest

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.core.attributes import Attribute, parse_attribute
from pertouch.core.auto_moves import AutoLook, RegionLook
from pertouch.core.errors import StateError


def test_json_round_trip():
    state = (
        AdjustmentState("auto")
        .with_edit("Sky", "temperature", -0.3)
        .with_edit("global", "brightness", 0.1)
    )
    again = AdjustmentState.from_json(state.to_json())
    assert again == state
    assert again.edits[0].region == "sky"  # names are normalised
    assert again.edits[0].attribute is Attribute.TEMPERATURE


def test_targets_combine_baseline_global_and_region():
    state = (
        AdjustmentState()
        .with_edit("global", "brightness", 0.2)
        .with_edit("sky", "brightness", -0.1)
    )
    base = {"sky": np.array([0.1, 0.2, 0.3, 0.4]), "ground": np.array([0.0, 0.0, 0.0, 0.9])}
    targets = state.targets(base)
    np.testing.assert_allclose(targets["sky"], [0.1, 0.2, 0.3, 0.5])
    np.testing.assert_allclose(targets["ground"], [0.0, 0.0, 0.0, 1.0])  # clipped to the range


def _look(**moves):
    return AutoLook(
        tuple(
            RegionLook(region, "other", tuple(deltas), ("why",) * 4)
            for region, deltas in moves.items()
        ),
        notes=("A warm cast, corrected.",),
        cast="warm",
    )


def test_auto_baseline_moves_each_region_from_its_own_levels():
    """Never a pull to level 0: the auto look's move is added to each region's measured levels."""
    look = _look(sky=(0.1, 0.0, 0.0, 0.0), **{"global": (0.0, 0.15, 0.0, 0.0)})
    state = AdjustmentState("auto", auto=look).with_edit("sky", "colorfulness", 0.3)
    base = {"sky": np.array([0.5, -0.6, -0.7, 0.4]), "ground": np.array([0.2, 0.0, 0.1, -0.3])}
    targets = state.targets(base)
    np.testing.assert_allclose(targets["sky"], [0.9, -0.6, -0.7, 0.4])
    np.testing.assert_allclose(targets["ground"], [0.2, 0.15, 0.1, -0.3])  # global's move


def test_auto_without_a_look_starts_as_shot():
    state = AdjustmentState("auto").with_edit("sky", "brightness", 0.1)
    targets = state.targets({"sky": np.array([0.9, 0.9, 0.9, 0.5])})
    np.testing.assert_allclose(targets["sky"], [0.9, 0.9, 0.9, 0.6])


def test_the_look_survives_edits_and_json():
    look = _look(sky=(0.1, 0.0, -0.2, 0.0))
    state = AdjustmentState().with_auto(look).with_edit("sky", "brightness", 0.1)
    assert state.baseline == "auto" and state.auto == look
    assert state.with_edits(()).auto == look
    again = AdjustmentState.from_json(state.to_json())
    assert again == state
    assert again.auto is not None and again.auto.describe()[0] == "A warm cast, corrected."
    assert "auto" not in AdjustmentState("auto").to_dict()  # old states read and write as before
    as_shot = state.with_baseline("as_shot")
    np.testing.assert_allclose(as_shot.auto_delta("sky"), 0.0)


def test_auto_moves_are_bounded_and_complete():
    with pytest.raises(StateError, match="within ±1"):
        RegionLook("sky", "sky", (1.5, 0, 0, 0), ("",) * 4)
    with pytest.raises(StateError, match="one move and one reason"):
        RegionLook("sky", "sky", (0.1,), ("",))
    with pytest.raises(StateError, match="list of 'regions'"):
        AdjustmentState.from_dict({"baseline": "auto", "auto": {"regions": 3}})


def test_edited_flags_include_global_edits():
    state = (
        AdjustmentState().with_edit("global", "contrast", 0.1).with_edit("sky", "temperature", 0.2)
    )
    assert list(state.edited("sky")) == [False, True, True, False]
    assert list(state.edited("ground")) == [False, True, False, False]


def test_edit_for_a_region_without_mask_is_refused():
    state = AdjustmentState().with_edit("sky", "brightness", 0.1)
    with pytest.raises(StateError, match="No mask was given for region 'sky'"):
        state.targets({"ground": np.zeros(4)})


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps({"baseline": "pretty"}), "Unknown baseline"),
        (json.dumps({"edits": {}}), "must be a list"),
        (
            json.dumps({"edits": [{"region": "sky", "attribute": "sharpness", "delta": 0.1}]}),
            "Unknown attribute 'sharpness'",
        ),
        (
            json.dumps({"edits": [{"region": "sky", "attribute": "contrast", "delta": 3}]}),
            "between -2 and 2",
        ),
        (
            json.dumps({"edits": [{"region": "sky", "attribute": "contrast", "delta": "lots"}]}),
            "must be a number",
        ),
        (
            json.dumps(
                {"edits": [{"region": "sky", "attribute": "contrast", "delta": float("nan")}]}
            ),
            "must be a number",
        ),
        (
            json.dumps({"edits": [{"region": "", "attribute": "contrast", "delta": 0.1}]}),
            "region name",
        ),
        (json.dumps({"edits": [{"region": "sky", "attribute": "contrast"}]}), "exactly"),
        (json.dumps({"baseline": "auto", "mood": "happy"}), "Unknown field 'mood'"),
    ],
)
def test_invalid_states_get_one_clear_sentence(payload, message):
    with pytest.raises(StateError, match=message):
        AdjustmentState.from_json(payload)


def test_attribute_names_are_forgiving_but_strict():
    assert parse_attribute(" Brightness ") is Attribute.BRIGHTNESS
    with pytest.raises(StateError, match="colorfulness, contrast, temperature, brightness"):
        parse_attribute("saturation")
    with pytest.raises(StateError):
        Edit("sky", "brightness", True)  # type: ignore[arg-type]
