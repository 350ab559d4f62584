"""The words of a turn: a target cut off at the end of the level scale is said, not passed over."""

from __future__ import annotations

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.graph.explain import explain_rounds, respond_text
from pertouch.graph.records import Measurement, Round
from pertouch.graph.schemas import Classification
from pertouch.graph.state import State


def one_round(region: str, attribute: str, before: float, target: float, measured: float, delta):
    row = Measurement(
        region=region,
        attribute=attribute,
        before=before,
        target=target,
        measured=measured,
        delta=delta,
    )
    state = AdjustmentState("as_shot", (Edit(region, attribute, delta),))
    return Round(round=1, adjustment=state, measured=(row,), output_ref="")


def reply(*rows) -> str:
    return respond_text(State(classification=Classification(kind="strong"), rounds=list(rows)))


def test_a_face_already_near_the_top_is_said_to_be_raised_to_the_limit():
    text = reply(one_round("face", "brightness", 0.94, 1.0, 0.99, 0.4))

    assert text.endswith(
        "The face was already near the brightest level the scale allows (+0.94 brightness); "
        "I raised it to the limit."
    )


def test_plural_regions_near_the_bottom_are_lowered_to_the_limit():
    text = reply(one_round("shadows", "brightness", -0.9, -1.0, -0.98, -0.3))

    assert "The shadows were already near the darkest level the scale allows" in text
    assert "I lowered them to the limit." in text


def test_a_request_past_the_end_from_far_away_says_so_without_already_near():
    text = reply(one_round("sky", "colorfulness", 0.3, 1.0, 0.97, 0.9))

    assert (
        "The sky colorfulness asked for goes past the most colourful level the scale allows; "
        "I raised it to the limit." in text
    )
    assert "already near" not in text


def test_targets_inside_the_scale_add_no_limit_sentence():
    assert "limit" not in reply(one_round("face", "brightness", 0.1, 0.4, 0.39, 0.3))


def test_explanation_marks_the_row_whose_target_is_at_the_end():
    text = explain_rounds([one_round("face", "brightness", 0.94, 1.0, 0.99, 0.4)])

    assert "measured +0.99  (target at the end of the scale)" in text


def test_a_region_that_did_not_move_is_not_said_to_be_moved_to_the_limit():
    """The water already at the coolest end measured -0.90 -> -0.91: nothing was lowered."""
    text = reply(one_round("water", "temperature", -0.9, -1.0, -0.905, -0.25))

    assert "I lowered" not in text
    assert (
        "The water was already at or near the coolest level the scale allows (-0.90 temperature), "
        "so it could not go further." in text
    )


def test_a_turn_that_found_none_of_its_regions_says_nothing_was_changed():
    note = "I can't pick out 'kite' offline; I can use 'subject' instead."
    state = State(classification=Classification(kind="strong"), notes=[note])

    assert respond_text(state) == f"Nothing was changed. {note}"


def test_the_auto_look_reports_only_what_it_moved():
    still = Measurement(
        region="sky", attribute="contrast", before=0.3, target=0.3, measured=0.302, delta=0.0
    )
    lifted = Measurement(
        region="vegetation",
        attribute="brightness",
        before=-0.17,
        target=-0.02,
        measured=-0.01,
        delta=0.15,
    )
    look = Round(
        round=1, adjustment=AdjustmentState("auto", ()), measured=(still, lifted), output_ref=""
    )
    text = respond_text(State(classification=Classification(kind="weak_optimize"), rounds=[look]))

    assert "vegetation brightness -0.17 -> -0.01 (+0.16)" in text
    assert "sky contrast" not in text
