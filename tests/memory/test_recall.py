"""The arithmetic of recall: weights, shrinkage, which regions, and strong instructions overriding."""

from __future__ import annotations

import pytest

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.memory.recall import MIN_SIMILARITY, Match, Suggestion, suggest, weight
from pertouch.memory.records import MemoryRecord
from tests.memory.conftest import BEACH, BEACH_NEW, DAY, SNOW


def _match(scene, edits, similarity=0.95, age_days=0.0):
    record = MemoryRecord("r", scene, tuple(edits), "", 0.0)
    return Match(record, similarity, weight(similarity, age_days * DAY))


def test_weight_floor_and_half_life():
    assert weight(MIN_SIMILARITY - 0.01, 0.0) == 0.0
    assert weight(1.0, 0.0) == pytest.approx(1.0)
    assert weight(1.0, 180 * DAY) == pytest.approx(0.5)
    assert weight(0.9, 0.0) < weight(0.99, 0.0)


def test_one_record_is_shrunk_and_consistent_records_approach_their_delta():
    warm = [Edit("global", "temperature", 0.4)]
    one = suggest(BEACH_NEW, [_match(BEACH, warm, 1.0)])
    many = suggest(BEACH_NEW, [_match(BEACH, warm, 1.0)] * 6)
    assert one.edits[0].delta == pytest.approx(0.4 / 1.5, abs=1e-3)
    assert 0.35 < many.edits[0].delta < 0.4
    assert one.reason.startswith("You warmed a beach photo before")


def test_only_regions_this_photo_has_are_suggested():
    edits = [Edit("mountains", "brightness", 0.5), Edit("sky", "temperature", -0.4)]
    suggestion = suggest(BEACH_NEW, [_match(SNOW, edits)] * 3)
    assert {e.region for e in suggestion.edits} == {"sky"}  # BEACH_NEW has no mountains
    assert "the sky in the last 3 beach photos" in suggestion.reason


def test_mixed_evidence_is_reported_honestly():
    warm, cool = [Edit("global", "temperature", 0.5)], [Edit("global", "temperature", -0.1)]
    suggestion = suggest(BEACH_NEW, [_match(BEACH, warm)] * 3 + [_match(BEACH, cool)])
    assert "3 of your 4 most similar beach photos" in suggestion.reason


def test_dissimilar_matches_suggest_nothing():
    suggestion = suggest(BEACH_NEW, [_match(SNOW, [Edit("global", "temperature", -0.5)], 0.6)])
    assert suggestion.empty and suggestion.reason == "" and len(suggestion.matches) == 1


def test_strong_instructions_override_what_they_name():
    memory = Suggestion(
        (
            Edit("global", "temperature", 0.3),
            Edit("sky", "brightness", 0.2),
            Edit("water", "temperature", -0.1),
        ),
        "because",
    )
    merged = memory.merged_with(AdjustmentState("auto", (Edit("sky", "brightness", -0.4),)))
    assert merged.baseline == "auto"
    assert merged.edits == (
        Edit("global", "temperature", 0.3),
        Edit("water", "temperature", -0.1),
        Edit("sky", "brightness", -0.4),
    )
    cooler = memory.merged_with(
        [Edit("global", "temperature", -0.2)]
    )  # names temperature everywhere
    assert [e for e in cooler.edits if e.attribute.value == "temperature"] == [
        Edit("global", "temperature", -0.2)
    ]
    assert memory.merged_with([]).edits == memory.edits  # a weak instruction leans on memory
