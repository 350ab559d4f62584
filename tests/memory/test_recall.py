"""The arithmetic of recall and the sentences it says, on scenes measured from real photos."""

from __future__ import annotations

import pytest

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.memory.explain import NOTHING_SIMILAR
from pertouch.memory.recall import MIN_SIMILARITY, Match, Suggestion, suggest, weight
from pertouch.memory.records import MemoryRecord
from tests.memory.conftest import ASTRONAUT, CAT, CUP, DAY, LAUNCH, LAUNCH_NEXT


def _match(scene, edits, similarity=0.95, age_days=0.0, photo="", fits=True):
    record = MemoryRecord("r", scene, tuple(edits), "", 0.0, photo=photo)
    return Match(record, similarity, weight(similarity, age_days * DAY) if fits else 0.0, fits)


def test_weight_floor_and_half_life():
    assert weight(MIN_SIMILARITY - 0.01, 0.0) == 0.0
    assert weight(1.0, 0.0) == pytest.approx(1.0)
    assert weight(1.0, 180 * DAY) == pytest.approx(0.5)
    assert weight(0.9, 0.0) < weight(0.99, 0.0)


def test_one_record_is_shrunk_and_consistent_records_approach_their_delta():
    warm = [Edit("global", "temperature", 0.4)]
    one = suggest(LAUNCH_NEXT, [_match(LAUNCH, warm, 1.0, photo="pad.jpg")])
    many = suggest(LAUNCH_NEXT, [_match(LAUNCH, warm, 1.0)] * 6)
    assert one.edits[0].delta == pytest.approx(0.4 / 1.5, abs=1e-3)
    assert 0.35 < many.edits[0].delta < 0.4
    assert one.reason.startswith("You warmed the approved photo that looks like this one")
    assert "pad.jpg 1.00" in one.reason and "starts warmer" in one.reason
    assert "6 approved photos" in many.reason and "and 3 more" in many.reason


def test_the_reason_names_what_the_photos_share():
    warm = [Edit("global", "temperature", 0.4)]
    reason = suggest(LAUNCH_NEXT, [_match(LAUNCH, warm, 0.97)] * 2).reason
    assert f"all {LAUNCH.framing}s" in reason and "with sky" in reason
    assert "(similarity: a cityscape 0.97, a cityscape 0.97; like this one," in reason


def test_only_regions_this_photo_has_are_suggested():
    edits = [Edit("mountains", "brightness", 0.5), Edit("sky", "temperature", -0.4)]
    suggestion = suggest(LAUNCH_NEXT, [_match(LAUNCH, edits)] * 3)
    assert {e.region for e in suggestion.edits} == {"sky"}  # the launch pad has no mountains
    assert suggestion.reason.startswith("You cooled the sky in 3 approved photos")
    assert "this one's sky starts cooler" in suggestion.reason


def test_mixed_evidence_is_reported_honestly():
    warm, cool = [Edit("global", "temperature", 0.5)], [Edit("global", "temperature", -0.1)]
    suggestion = suggest(LAUNCH_NEXT, [_match(LAUNCH, warm)] * 3 + [_match(LAUNCH, cool)])
    assert "You warmed 3 of the 4 approved photos" in suggestion.reason


def test_dissimilar_matches_suggest_nothing_and_say_so():
    far = _match(CUP, [Edit("global", "temperature", -0.5)], 0.31, photo="cup.jpg")
    suggestion = suggest(LAUNCH_NEXT, [far])
    assert suggestion.empty and len(suggestion.matches) == 1
    assert suggestion.reason.startswith(NOTHING_SIMILAR)
    assert "cup.jpg (a close-up, and this looks like a cityscape), is 0.31 similar" in (
        suggestion.reason
    )
    assert suggest(LAUNCH_NEXT, []).reason == ""  # nothing remembered: nothing to say


def test_a_portrait_never_inherits_a_landscape_look():
    landscape = _match(LAUNCH, [Edit("global", "temperature", 0.5)], 0.99, fits=False)
    suggestion = suggest(ASTRONAUT, [landscape] * 3)
    assert suggestion.empty
    assert suggestion.reason == (
        f"{NOTHING_SIMILAR}: it shows people and none you approved did, so it starts as shot."
    )
    as_shot = suggest(CAT, [_match(CUP, [Edit("global", "temperature", 0.01)], 0.9)])
    assert as_shot.empty and "kept close to how they were shot" in as_shot.reason


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
    cooler = memory.merged_with([Edit("global", "temperature", -0.2)])  # names it everywhere
    assert [e for e in cooler.edits if e.attribute.value == "temperature"] == [
        Edit("global", "temperature", -0.2)
    ]
    assert memory.merged_with([]).edits == memory.edits  # a weak instruction leans on memory
