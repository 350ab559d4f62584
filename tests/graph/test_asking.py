"""A turn whose only outcome is a question (or nothing understood) asks, and leaves the photo as it
is: nothing is rendered, no result is recorded for undo."""

from __future__ import annotations

from langchain_core.messages import AIMessage

from tests.graph.conftest import run_turn
from tests.graph.scripted import ScriptedChatModel, call


def test_offline_questions_ask_and_render_nothing(make_graph, photo_files):
    graph = make_graph()
    for thread, text, asks in (
        ("a", "adjust the warmth", "Warmer or cooler?"),
        ("b", "the sky looks weird", "brightness, contrast, colour or warmth?"),
    ):
        values, events = run_turn(graph, thread, text, photo_files["rocket"])
        assert values["rounds"] == [] and values["output_ref"] == ""
        assert not any(e.get("node") == "render" for e in events)
        assert asks in values["response"] and values["response"].count(asks) == 1
        assert "Done" not in values["response"] and "nothing to change" not in values["response"]
        assert values["history"] == []


def test_a_question_after_an_edit_keeps_the_result_on_screen(make_graph, photo_files):
    graph = make_graph()
    first, _ = run_turn(graph, "t", "a bit brighter", photo_files["rocket"])
    assert first["output_ref"] and len(first["history"]) == 1
    second, events = run_turn(graph, "t", "adjust the warmth")
    assert second["rounds"] == [] and not any(e.get("node") == "render" for e in events)
    assert second["output_ref"] == first["output_ref"]
    assert second["adjustment"] == first["adjustment"] and len(second["history"]) == 1
    assert "Warmer or cooler?" in second["response"]


def test_a_model_that_asks_and_still_calls_render_renders_nothing(make_graph, photo_files):
    model = ScriptedChatModel(
        script=[
            AIMessage(
                "",
                tool_calls=[
                    call("classify", kind="strong", questions=["Warmer or cooler?"]),
                ],
            ),
            AIMessage("", tool_calls=[call("render")]),  # no edit: nothing to show
        ]
    )
    values, events = run_turn(make_graph(model), "t", "change the mood", photo_files["rocket"])
    assert values["rounds"] == [] and values["output_ref"] == ""
    assert not any(e.get("node") == "render" for e in events)
    assert "Warmer or cooler?" in values["response"]
    assert not values["model_fell_back"] and model.script == []
