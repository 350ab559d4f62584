"""The sentences memory says: why a suggestion applies, or why there is none.

A suggestion names the approved photos it follows (by file name when the record has one), how
similar each is, what they have in common with the new photo, and what it changes. When a person
has approved photos but none is similar enough, the sentence says so and names the closest, so
"nothing happened" is never silent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pertouch.core.adjustments import GLOBAL, Edit
from pertouch.core.attributes import Attribute
from pertouch.memory.composition import MAX_DIFFERENCE, difference
from pertouch.memory.framing import LIGHT_PHRASES
from pertouch.memory.kinds import UNKNOWN, in_words, share_kind, sure_kind
from pertouch.memory.scene import SceneDescription

if TYPE_CHECKING:
    from pertouch.memory.recall import Match

NOTHING_SIMILAR = "Nothing you approved looks like this photo yet"
#: How many matches a sentence names before it says "and N more".
NAMED = 3
#: A region counts as shared when it fills at least this share of every photo compared.
SHARED_AREA = 0.1

_VERBS = {
    Attribute.TEMPERATURE: ("warmed", "cooled", "warmer", "cooler"),
    Attribute.BRIGHTNESS: ("brightened", "darkened", "brighter", "darker"),
    Attribute.CONTRAST: ("added contrast to", "softened", "punchier", "softer"),
    Attribute.COLORFULNESS: ("saturated", "muted", "more colourful", "more muted"),
}
_PLURAL = {"portrait": "portraits", "group": "group photos", "landscape": "landscapes",
           "cityscape": "cityscapes", "close-up": "close-ups"}  # fmt: skip


def explain(
    scene: SceneDescription, edits: Sequence[Edit], lead: Edit, votes: Sequence[tuple[Match, float]]
) -> str:
    """Why ``edits`` apply: "You warmed 3 approved photos that look like this one (...), so ...".

    Args:
        scene: the new photo.
        edits: the suggested edits.
        lead: the largest of them, which the sentence is about.
        votes: each counted match with its own delta for the lead's region and attribute.
    """
    agreeing = [m for m, delta in votes if delta * lead.delta > 0]
    up, down, more, less = _VERBS[lead.attribute]
    if len(agreeing) == len(votes):
        who = (
            "the approved photo that looks"
            if len(votes) == 1
            else f"{len(votes)} approved photos that look"
        )
    else:
        who = f"{len(agreeing)} of the {len(votes)} approved photos that look"
    target = who if lead.region == GLOBAL else f"the {lead.region} in {who}"
    evidence = _evidence(agreeing)
    common = common_ground(scene, [m.record.scene for m in agreeing])
    if common:
        evidence = f"{evidence}; {common}"
    subject = "this one starts" if lead.region == GLOBAL else f"this one's {lead.region} starts"
    detail = ", ".join(f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in edits)
    verb, how = (up, more) if lead.delta > 0 else (down, less)
    return f"You {verb} {target} like this one ({evidence}), so {subject} {how} ({detail})."


def explain_nothing(
    scene: SceneDescription, matches: Sequence[Match], min_similarity: float
) -> str:
    """Why a person with approved photos gets no suggestion for this one."""
    counted = [m for m in matches if m.comparable and m.similarity >= min_similarity]
    if counted:
        return (
            f"The approved photos that look like this one ({_evidence(counted)}) were kept close "
            "to how they were shot, so this one starts as shot too."
        )
    near = [m for m in matches if m.comparable]
    if near:
        best = max(near, key=lambda m: m.similarity)
        kinds = ""
        if best.record.scene.framing != scene.framing:  # the usual reason: another kind of scene
            kinds = f" (a {best.record.scene.framing}, and this looks like a {scene.framing})"
        return (
            f"{NOTHING_SIMILAR}: the closest, {_name(best)}{kinds}, is {best.similarity:.2f} "
            f"similar where {min_similarity:.2f} is needed, so it starts as shot."
        )
    if scene.measured and sure_kind(scene.measurements) == UNKNOWN:
        return (
            f"{NOTHING_SIMILAR}: I cannot tell surely what kind of scene it is "
            f"({in_words(scene.measurements)}), so it borrows no other photo's look and starts "
            "as shot."
        )
    if scene.has_people:
        return (
            f"{NOTHING_SIMILAR}: it shows people and none you approved did, so it starts as shot."
        )
    if all(m.record.scene.has_people for m in matches):
        return f"{NOTHING_SIMILAR}: every photo you approved showed people and this one does not."
    alike = [
        m
        for m in matches
        if scene.measured
        and m.record.scene.measured
        and share_kind(scene.measurements, m.record.scene.measurements)
    ]
    if alike:  # of one kind, but the frames hold other things (composition.share_taste)
        closest = min(
            alike, key=lambda m: difference(scene.measurements, m.record.scene.measurements)
        )
        apart = difference(scene.measurements, closest.record.scene.measurements)
        return (
            f"{NOTHING_SIMILAR}: the closest {scene.framing}, {_name(closest)}, holds other things "
            f"({apart:.0%} of the frame differs in sky, water, leaves, ground, buildings or "
            f"people; at most {MAX_DIFFERENCE:.0%} may), so it starts as shot."
        )
    return (
        f"{NOTHING_SIMILAR}: it looks like a {scene.framing}, and what you approved was another "
        f"kind of scene ({_kinds_of(matches)}), so it starts as shot."
    )


def _kinds_of(matches: Sequence[Match]) -> str:
    """The kinds of the matched photos, most first: "3 landscapes, 1 photo of unsure kind"."""
    counts: dict[str, int] = {}
    for m in matches:
        past = m.record.scene
        kind = sure_kind(past.measurements) if past.measured else past.framing
        name = "photo of unsure kind" if kind == UNKNOWN else past.framing
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    return ", ".join(
        f"{n} {name.replace('photo', 'photos') if 'photo' in name else name + 's'}"
        if n > 1
        else f"1 {name}"
        for name, n in ranked
    )


def common_ground(scene: SceneDescription, past: Sequence[SceneDescription]) -> str:
    """What the new photo and every one of ``past`` share: "like this one, all landscapes, ..."."""
    if not past:
        return ""
    both = [scene, *past]
    traits = []
    if len({s.framing for s in both}) == 1:
        traits.append(f"all {_PLURAL.get(scene.framing, scene.framing + ' photos')}")
    if scene.setting == "outdoors" and all(s.setting == "outdoors" for s in past):
        traits.append("outdoors")
    if scene.time_of_day and all(s.time_of_day == scene.time_of_day for s in past):
        traits.append(LIGHT_PHRASES.get(scene.time_of_day, scene.time_of_day))
    if scene.key != "mid-key" and all(s.key == scene.key for s in past):
        traits.append(scene.key)
    if scene.cast != "neutral" and all(s.cast == scene.cast for s in past):
        traits.append(f"{scene.cast} light")
    regions = [
        r.name
        for r in scene.regions
        if r.name != "subject"  # the segmenter's catch-all: not something photos share
        and r.area >= SHARED_AREA
        and all(_area(s, r.name) >= SHARED_AREA for s in past)
    ]
    if regions:
        traits.append("with " + " and ".join(regions[:3]))
    return "like this one, " + ", ".join(traits) if traits else ""


def _evidence(matches: Sequence[Match]) -> str:
    named = [f"{_name(m)} {m.similarity:.2f}" for m in matches[:NAMED]]
    if len(matches) > NAMED:
        named.append(f"and {len(matches) - NAMED} more")
    return "similarity: " + ", ".join(named)


def _name(match: Match) -> str:
    if match.record.photo:
        return match.record.photo
    framing = match.record.scene.framing
    noun = "group photo" if framing == "group" else framing
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _area(scene: SceneDescription, name: str) -> float:
    return next((r.area for r in scene.regions if r.name == name), 0.0)
