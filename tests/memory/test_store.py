"""SceneMemory end to end, on an embedded store and on a real Chroma server (``location``)."""

from __future__ import annotations

import pytest

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.core.attributes import Attribute
from pertouch.memory.approval import PendingRetouch, settle
from pertouch.memory.explain import NOTHING_SIMILAR
from pertouch.memory.records import RecordError
from pertouch.memory.users import UserError
from tests.memory.conftest import ASTRONAUT, CAT, CUP, CUP_NEXT, LAUNCH, LAUNCH_NEXT

WARM = [Edit("global", "temperature", 0.3)]
COOL = [Edit("global", "temperature", -0.3), Edit("subject", "brightness", 0.2)]


def _script_history(memory, clock, user="ana"):
    """A person who always warms launch pads and cools cups of coffee, over a few weeks."""
    memory.users.ensure(user)
    for _ in range(3):
        memory.remember(user, LAUNCH, WARM, "make it warmer", photo="pad.jpg")
        clock.advance(2)
        memory.remember(user, CUP, COOL, "cooler, brighter cup")
        clock.advance(5)


def _delta(suggestion, region, attribute):
    return sum(e.delta for e in suggestion.edits if e.region == region and e.attribute == attribute)


def test_recall_follows_the_scripted_taste(memory, clock):
    _script_history(memory, clock)
    pad = memory.recall("ana", LAUNCH_NEXT)
    cup = memory.recall("ana", CUP_NEXT)
    assert _delta(pad, "global", Attribute.TEMPERATURE) > 0.1
    assert _delta(cup, "global", Attribute.TEMPERATURE) < -0.1
    assert _delta(cup, "subject", Attribute.BRIGHTNESS) > 0.05
    assert not any(e.attribute == Attribute.BRIGHTNESS for e in pad.edits)  # the cups' habit only
    assert pad.reason.startswith("You warmed 3 approved photos that look like this one")
    assert "pad.jpg 0.9" in pad.reason
    assert cup.reason.startswith("You cooled 3 approved photos that look like this one")
    portrait = memory.recall("ana", ASTRONAUT)
    assert portrait.empty and portrait.reason.startswith(NOTHING_SIMILAR)
    # A cat's face: the segmenter finds a subject on only a sixth of the frame, too weak to be
    # sure it is a close-up, so it borrows nothing; above all not the launch pads' warmth.
    cat = memory.recall("ana", CAT)
    assert _delta(cat, "global", Attribute.TEMPERATURE) <= 0 and "pad.jpg" not in cat.reason


def test_recency_weighs_the_latest_habit_more(memory, clock):
    memory.users.create("ana")
    memory.remember("ana", LAUNCH, [Edit("global", "temperature", -0.4)], "cooler")
    clock.advance(720)  # four half-lives later the person has changed their mind
    memory.remember("ana", LAUNCH, [Edit("global", "temperature", 0.4)], "warmer")
    assert _delta(memory.recall("ana", LAUNCH_NEXT), "global", Attribute.TEMPERATURE) > 0.1


def test_approval_writes_exactly_one_record_and_rejection_none(memory):
    pending = PendingRetouch(
        "ana", LAUNCH, AdjustmentState("as_shot", tuple(WARM)), "warmer", key="thread-1/photo"
    )
    assert settle(memory, pending, "rejected") is None
    assert settle(memory, pending, "abandoned") is None
    assert memory.users.list() == []  # nothing at all is written for a rejected retouch
    first = settle(memory, pending, "approved")
    again = settle(memory, pending, "approved")  # a retried approval of the same retouch
    assert first == again
    [record] = memory.records("ana")
    assert record.id == first and record.edits == tuple(WARM) and record.instruction == "warmer"
    assert record.scene == LAUNCH


def test_users_cannot_see_or_change_each_others_records(memory, clock):
    _script_history(memory, clock, "ana")
    memory.users.create("bob")
    assert memory.recall("bob", LAUNCH_NEXT).empty
    ana_ids = [r.id for r in memory.records("ana")]
    assert not memory.forget("bob", ana_ids[0])  # bob cannot delete ana's record by its id
    memory.remember("bob", LAUNCH, [Edit("global", "temperature", -0.5)], "colder")
    assert memory.count("ana") == 6 and memory.count("bob") == 1
    assert memory.users.delete("bob") == 1
    assert [r.id for r in memory.records("ana")] == ana_ids
    with pytest.raises(UserError, match="no user called 'bob'"):
        memory.recall("bob", LAUNCH)


def test_user_lifecycle(memory):
    ana = memory.users.create("Ana")
    with pytest.raises(UserError, match="already a user"):
        memory.users.create("ana")
    memory.remember("Ana", LAUNCH, WARM, "warmer")
    renamed = memory.users.rename("ana", "Ana P.")
    assert renamed.id == ana.id and [u.name for u in memory.users.list()] == ["Ana P."]
    assert memory.count("Ana P.") == 1  # memories follow the rename
    with pytest.raises(UserError, match="1 to 64 printable"):
        memory.users.create("x" * 65)
    assert memory.users.delete("ana p.") == 1
    assert memory.users.list() == []


def test_export_import_round_trip(memory, clock):
    _script_history(memory, clock)
    lines = list(memory.users.export("ana"))
    user, count = memory.users.import_lines(lines, name="ana-copy")
    assert count == 6 and user.name == "ana-copy"
    assert [r.to_dict() for r in memory.records("ana-copy")] == [
        r.to_dict() for r in memory.records("ana")
    ]
    copy = memory.recall("ana-copy", LAUNCH_NEXT)
    assert copy.edits == memory.recall("ana", LAUNCH_NEXT).edits
    with pytest.raises(UserError, match="already a user"):
        memory.users.import_lines(lines)  # "ana" exists
    with pytest.raises(RecordError, match="not a PerTouch memory export"):
        memory.users.import_lines(['{"id": 1}'])
    broken = [lines[0], lines[1], '{"id": "x", "scene": {}}']
    with pytest.raises(RecordError, match="created_at"):
        memory.users.import_lines(broken, name="broken")
    assert "broken" not in [u.name for u in memory.users.list()]  # all or nothing


def test_recall_rejects_bad_k_and_unknown_users(memory):
    memory.users.create("ana")
    assert memory.recall("ana", LAUNCH).empty  # no history yet
    with pytest.raises(RecordError, match="1 to 50"):
        memory.recall("ana", LAUNCH, k=0)
    with pytest.raises(UserError, match="users: 'ana'"):
        memory.remember("nobody", LAUNCH, WARM, "warmer")
