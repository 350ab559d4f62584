"""Each node alone: a hand-built state in, the node's partial update out (issue 4).

The dependencies are the offline ones (chat model, segmenter, parametric renderer) and the photo is
scikit-image's astronaut, whose face is already bright (+0.94), so the render test darkens it.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.runtime import Runtime

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.core.attributes import Attribute
from pertouch.core.degrees import accepted_band
from pertouch.graph.context import Context
from pertouch.graph.nodes.classify import classify
from pertouch.graph.nodes.critique import critique
from pertouch.graph.nodes.deps import Deps
from pertouch.graph.nodes.perceive import perceive
from pertouch.graph.nodes.plan import plan, tools
from pertouch.graph.nodes.render import render
from pertouch.graph.nodes.respond import respond
from pertouch.graph.records import Measurement, Round, Snapshot
from pertouch.graph.schemas import Classification
from pertouch.graph.state import State
from tests.graph.scripted import call

DARKER_FACE = AdjustmentState("as_shot", (Edit("face", Attribute.BRIGHTNESS, -0.3),))
STRONG = Classification(kind="strong")


class Nodes:
    """The node functions bound to one set of dependencies, as ``build_graph`` binds them."""

    def __init__(self, deps: Deps) -> None:
        self.deps, self.store, self.segmenter = deps, deps.store, deps.segmenter
        for node in (perceive, classify, plan, tools, render, critique, respond):
            setattr(self, node.__name__, lambda state, rt, node=node: node(state, rt, deps))


@pytest.fixture(scope="module")
def nodes(agent_segmenter, tmp_path_factory) -> Nodes:
    from pertouch.backbone.parametric import ParametricRenderer
    from pertouch.core.levels import default_scale
    from pertouch.core.store import ImageStore
    from pertouch.providers.offline import OfflineChatModel

    store = ImageStore(tmp_path_factory.mktemp("node-store"))
    scale = default_scale()
    model = OfflineChatModel()
    renderer = ParametricRenderer(scale=scale)
    return Nodes(Deps(model, model, agent_segmenter, renderer, store, scale))


@pytest.fixture(scope="module")
def photo_ref(nodes, astronaut) -> str:
    return nodes.store.put(astronaut)


@pytest.fixture(scope="module")
def face_ref(nodes, astronaut) -> str:
    answer = nodes.segmenter.segment(astronaut, "face")
    assert answer.found
    return nodes.store.put(np.round(answer.mask * 255).astype(np.uint8))


def runtime(events: list | None = None, **context) -> Runtime[Context]:
    writer = events.append if events is not None else (lambda _: None)
    return Runtime(context=Context(**context), stream_writer=writer)


def measured_row(before: float, target: float, measured: float, delta: float) -> Measurement:
    return Measurement(
        region="face",
        attribute="brightness",
        before=before,
        target=target,
        measured=measured,
        delta=delta,
    )


def rendered_round(*rows: Measurement) -> Round:
    edits = tuple(Edit(r.region, Attribute(r.attribute), r.delta) for r in rows)
    return Round(
        round=1,
        adjustment=AdjustmentState("as_shot", edits),
        measured=tuple(rows),
        output_ref="sha256:" + "0" * 64,
    )


# -- perceive -----------------------------------------------------------------------------------
def test_perceive_stores_the_photo_by_reference_and_lists_its_regions(
    nodes, photo_files, astronaut
):
    events: list = []
    state = State(instruction="brighten the face", photo=photo_files["astronaut"])

    update = nodes.perceive(state, runtime(events))

    ref = update["photo_ref"]
    assert ref.startswith("sha256:") and np.array_equal(nodes.store.get(ref), astronaut)
    assert "face" in update["regions"] and update["scene"] == "portrait"
    assert update["source"] == photo_files["astronaut"] and update["error"] == ""
    assert update["round"] == 0 and update["rounds"] == [] and update["masks"] == {}
    assert [m.content for m in update["messages"]] == ["brighten the face"]
    assert not any(isinstance(v, np.ndarray) for v in update.values())  # references, no arrays
    assert events == [{"node": "perceive", "regions": update["regions"], "scene": "portrait"}]


def test_perceive_answers_an_empty_instruction_with_one_sentence(nodes, photo_files):
    update = nodes.perceive(State(instruction="  ", photo=photo_files["astronaut"]), runtime())

    assert update["error"].startswith("The instruction is empty")
    assert "photo_ref" not in update and "messages" not in update


# -- classify -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("instruction", "kind"),
    [("brighten the face a little", "strong"), ("enhance this photo", "weak_optimize")],
)
def test_classify_sets_the_kind_with_reasons(nodes, photo_ref, instruction, kind):
    state = State(instruction=instruction, photo_ref=photo_ref, regions=["person", "face"])
    update = nodes.classify(state, runtime())

    found = update["classification"]
    assert found.kind == kind
    assert found.reasons and all(isinstance(r, str) and r for r in found.reasons)
    if kind == "weak_optimize":  # the photo's own auto look, per region kind, kept in the state
        look = update["planned"].auto
        assert update["adjustment"].baseline == "auto" == update["planned"].baseline
        assert look is not None and {"person", "face"} <= {r.region for r in look.regions}
        assert set(update["masks"]) >= {"person", "face"}


def test_classify_carries_out_approval_itself(nodes):
    update = nodes.classify(State(instruction="looks good"), runtime())

    assert update["classification"].kind == "approve" and update["status"] == "approved"


# -- plan ---------------------------------------------------------------------------------------
def test_plan_segments_a_named_region_before_editing_it(nodes):
    state = State(
        instruction="brighten the face",
        regions=["person", "face", "sky"],
        classification=STRONG,
        messages=[HumanMessage("brighten the face")],
    )

    update = nodes.plan(state, runtime())

    (reply,) = update["messages"]
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("segment", {"region": "face"})]
    assert update["steps"] == 1


def test_plan_sets_edits_and_asks_to_render_once_the_region_is_segmented(nodes, face_ref):
    state = State(
        instruction="brighten the face",
        masks={"face": face_ref},
        classification=STRONG,
        messages=[HumanMessage("brighten the face")],
    )

    (reply,) = nodes.plan(state, runtime())["messages"]

    names = [c["name"] for c in reply.tool_calls]
    assert names == ["set_edit", "render"]
    edit = reply.tool_calls[0]["args"]
    assert (edit["region"], edit["attribute"]) == ("face", "brightness") and edit["delta"] > 0


def test_plan_stops_at_its_step_budget(nodes):
    state = State(instruction="brighten the face", steps=2, messages=[HumanMessage("x")])

    update = nodes.plan(state, runtime(max_steps=2))

    assert not update["messages"][0].tool_calls
    assert update["notes"] == ["The planner hit its step limit."]


# -- tools --------------------------------------------------------------------------------------
def test_tools_segment_and_set_the_edit_on_the_state(nodes, photo_ref):
    calls = [
        call("segment", "c1", region="the face"),
        call("set_edit", "c2", region="face", attribute="brightness", delta=-0.3),
        call("render", "c3"),
    ]
    state = State(photo_ref=photo_ref, messages=[AIMessage("", tool_calls=calls)])

    update = nodes.tools(state, runtime())

    answers = update["messages"]
    assert all(isinstance(m, ToolMessage) for m in answers)
    assert [m.tool_call_id for m in answers] == ["c1", "c2", "c3"]
    assert json.loads(answers[0].content)["found"] is True
    mask = nodes.store.get(update["masks"]["face"])
    assert mask.dtype == np.uint8 and mask.shape == (512, 512) and 0 < mask.mean() < 128
    assert update["adjustment"] == DARKER_FACE
    assert update["planned"] == DARKER_FACE  # round 0: what the words asked


def test_tools_answer_a_bad_call_with_an_error_and_change_nothing(nodes, photo_ref):
    calls = [call("set_edit", "c1", region="sky", attribute="brightness", delta=0.2)]
    state = State(photo_ref=photo_ref, messages=[AIMessage("", tool_calls=calls)])

    update = nodes.tools(state, runtime())

    assert update["messages"][0].content.startswith("Error: Region 'sky' has no mask")
    assert update["adjustment"] == AdjustmentState() and update["masks"] == {}


# -- render -------------------------------------------------------------------------------------
def test_render_stores_the_result_and_measures_the_edit(nodes, photo_ref, face_ref, astronaut):
    state = State(
        photo_ref=photo_ref, masks={"face": face_ref}, adjustment=DARKER_FACE, planned=DARKER_FACE
    )

    update = nodes.render(state, runtime())

    output = nodes.store.get(update["output_ref"])
    assert output.shape == astronaut.shape and output.dtype == astronaut.dtype
    assert not np.array_equal(output, astronaut)
    assert update["round"] == 1 and update["rendered"] == DARKER_FACE
    (record,) = update["rounds"]
    (row,) = record.measured
    assert (row.region, row.attribute, row.delta) == ("face", "brightness", -0.3)
    assert row.target == pytest.approx(row.before - 0.3, abs=1e-3)
    low, high = accepted_band(-0.3)
    assert low <= row.measured - row.before <= high


# -- critique -----------------------------------------------------------------------------------
def test_critique_accepts_a_measured_change_within_tolerance(nodes):
    state = State(round=1, rounds=[rendered_round(measured_row(0.1, 0.4, 0.39, 0.3))])

    update = nodes.critique(state, runtime())

    assert update["verdict"].satisfied is True and update["verdict"].corrections == ()
    assert update["rounds"][-1].verdict == update["verdict"]
    assert "messages" not in update  # nothing to send back to plan


def test_critique_corrects_a_missed_target_by_the_remaining_error(nodes):
    state = State(round=1, rounds=[rendered_round(measured_row(0.1, 0.4, 0.2, 0.3))])

    update = nodes.critique(state, runtime())

    assert update["verdict"].satisfied is False
    (fix,) = update["verdict"].corrections
    assert (fix.region, fix.attribute, fix.delta) == (
        "face",
        Attribute.BRIGHTNESS,
        pytest.approx(0.5),
    )
    (feedback,) = update["messages"]
    assert feedback.name == "critique" and "<corrections>" in feedback.content


# -- respond ------------------------------------------------------------------------------------
def test_respond_writes_the_reply_and_records_the_turn_for_undo(nodes):
    row = measured_row(0.94, 0.64, 0.66, -0.3)
    start = Snapshot()
    state = State(
        classification=STRONG,
        rounds=[rendered_round(row)],
        output_ref="sha256:" + "1" * 64,
        start=start,
        planned=DARKER_FACE,
    )

    update = nodes.respond(state, runtime())

    assert update["response"].startswith("Done in 1 round (strong): face brightness -0.30.")
    assert "face brightness +0.94 -> +0.66" in update["response"]
    assert [m.content for m in update["messages"]] == [update["response"]]
    assert update["history"] == [start]
    assert update["last_change"] == (Edit("face", Attribute.BRIGHTNESS, -0.3),)


def test_respond_says_the_error_when_the_turn_failed(nodes):
    update = nodes.respond(State(error="The photo cannot be read."), runtime())

    assert update["response"] == "The photo cannot be read." and "history" not in update


# -- a target at the end of the scale -----------------------------------------------------------
def test_critique_accepts_a_target_at_the_end_of_the_scale_and_says_why(nodes):
    state = State(round=1, rounds=[rendered_round(measured_row(0.94, 1.0, 0.945, 0.4))])

    verdict = nodes.critique(state, runtime())["verdict"]

    assert verdict.satisfied is True and verdict.corrections == ()
    assert "as far as it can go (face brightness" in verdict.reason


def test_brightening_a_face_already_near_the_top_says_so_in_the_reply(nodes, photo_ref, face_ref):
    brighter = AdjustmentState("as_shot", (Edit("face", Attribute.BRIGHTNESS, 0.4),))
    state = State(
        photo_ref=photo_ref,
        masks={"face": face_ref},
        adjustment=brighter,
        planned=brighter,
        classification=STRONG,
    )
    state = replace(state, **nodes.render(state, runtime()))
    state = replace(state, **nodes.critique(state, runtime()))

    (row,) = state.rounds[-1].measured
    assert row.before > 0.6 and row.target == 1.0  # the astronaut's face is bright already
    assert "I raised it to the limit." in nodes.respond(state, runtime())["response"]


# -- judging the photo: guards and the best round -----------------------------------------------
def _report(harmless: bool, visible: bool):
    from pertouch.core.guards import GuardCheck, GuardReport

    checks = (
        GuardCheck(
            "clipping", harmless, 0.0 if harmless else 0.05, 0.01, "" if harmless else "5% clipped."
        ),
        GuardCheck(
            "visible", visible, 0.2 if visible else 0.0, 0.01, "" if visible else "Nothing visible."
        ),
    )
    return GuardReport(checks, 1.0, 0.2 if visible else 0.0, {})


def test_respond_keeps_an_earlier_round_when_a_later_one_harmed_the_photo(nodes):
    row = measured_row(0.1, 0.4, 0.39, 0.3)
    good = replace(rendered_round(row), output_ref="sha256:" + "1" * 64, guards=_report(True, True))
    bad = replace(
        rendered_round(row), round=2, output_ref="sha256:" + "2" * 64, guards=_report(False, True)
    )
    state = State(classification=STRONG, rounds=[good, bad], output_ref=bad.output_ref)

    update = nodes.respond(state, runtime())

    assert update["output_ref"] == good.output_ref
    assert "Kept round 1" in update["response"]


def test_respond_says_when_nothing_visible_changed(nodes):
    round_ = replace(rendered_round(measured_row(0.1, 0.4, 0.1, 0.3)), guards=_report(True, False))
    update = nodes.respond(State(classification=STRONG, rounds=[round_]), runtime())
    assert update["response"].startswith("Nothing visible changed after 1 round")
    assert "Done" not in update["response"]


def test_respond_calls_a_reached_but_barely_visible_change_subtle(nodes):
    """The lake's trees warmed +0.15 as asked, on 8% of the photo: done, not "nothing changed"."""
    round_ = replace(rendered_round(measured_row(0.1, 0.25, 0.24, 0.15)), guards=_report(True, False))
    update = nodes.respond(State(classification=STRONG, rounds=[round_]), runtime())
    assert update["response"].startswith("Done in 1 round")
    assert "the change is subtle" in update["response"]
    assert "Nothing visible changed" not in update["response"]


def test_critique_attaches_the_guards_to_the_round(nodes, photo_ref, face_ref):
    state = State(
        photo_ref=photo_ref, masks={"face": face_ref}, adjustment=DARKER_FACE, planned=DARKER_FACE
    )
    state = replace(state, **nodes.render(state, runtime()))
    judged = nodes.critique(state, runtime())["rounds"][-1]
    assert judged.guards is not None and judged.guards.visible and judged.guards.harmless
