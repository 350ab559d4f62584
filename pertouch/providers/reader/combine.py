"""Combining clauses: inheritance between them, merged edits, and an account of every clause.

"Make the sky bluer and brighter": the second clause has no region and continues the first, so it
inherits the sky. "Brighten the faces and the hands": the second names a region and no change, so
it takes the first's changes. "Too bright, tone it down": the second says only a direction, on the
attribute of the first. "Except the sky" holds a region: a whole-photo change is undone there.

Every clause ends with a status (:data:`~pertouch.providers.reader.types.ClauseStatus`), so a reply
can speak to each part. A clause the grammar cannot place goes to the learned fallback; when that is
unsure, or when the words name a change without a direction ("adjust the warmth"), the reading asks
instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pertouch.core.adjustments import GLOBAL
from pertouch.core.degrees import DEFAULT_DEGREE
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.reader import words as W
from pertouch.providers.reader.asking import drop_answered, question, unknown_predicate
from pertouch.providers.reader.colours import natural_sign
from pertouch.providers.reader.cues import Clause, Hit
from pertouch.providers.reader.fallback import Guess
from pertouch.providers.reader.lexicon import BRI, COL, TEMP
from pertouch.providers.reader.reference import (
    cast_then_wish,
    kept_with,
    referent,
    remedies,
    said_next,
)
from pertouch.providers.reader.stance import has
from pertouch.providers.reader.types import ClauseReading, ClauseStatus, Intent, Question, ReadBy

Fallback = Callable[[str], Guess | None]
#: The warm and cool tones, said alone, move the temperature ("it needs more warm tones").
_TONE_POLES = {"warm tones": 1, "cool tones": -1}


#: Verbs and particles of modifiers, known words that are no predicate of their own.
@dataclass
class Combined:
    """The merged result of all clauses."""

    intents: list[Intent] = field(default_factory=list)
    protected: list[str] = field(default_factory=list)
    carry: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    accounts: list[ClauseReading] = field(default_factory=list)
    optimize: bool = False


def combine(clauses: list[Clause], fallback: Fallback | None = None) -> Combined:
    """Resolve inheritance between clauses, merge their changes, account for each clause."""
    out = Combined()
    merged: dict[tuple[str, str], Intent] = {}
    previous: Clause | None = None
    named_last: Clause | None = None  # the last clause that named a region, for "it" / "them"
    attributes_said = {h.attribute for c in clauses for h in c.hits}
    understood = any(c.hits or c.named or set(c.regions) - {GLOBAL} for c in clauses)
    cast_then_wish(clauses)
    for index, clause in enumerate(clauses):
        status: ClauseStatus = "none"
        edits: list[Intent] = []
        read_by: ReadBy = "grammar"
        confidence = 1.0
        if clause.unsupported:
            status = "unsupported"
        elif clause.protect:
            out.protected += [r for r in clause.regions if r != GLOBAL]
            status = "protect"
        elif clause.negated:
            status = "none"  # "don't make it darker": nothing to do for this clause
        elif clause.optimize and not clause.hits and not remedies(clause, attributes_said):
            status, out.optimize = "optimize", True
        elif clause.hits:
            topic = clauses[index - 1] if index else None
            if topic is not None and topic.mentions and not topic.hits and not topic.protect:
                named_last = topic  # "the colour of the sky is not good, more blue please"
            pointed = referent(clause, clauses[:index], named_last)
            _inherit_region(clause, previous, pointed, topic=topic is named_last)
            edits, status = _edits(clause, clause.hits), "edit"
            previous = clause
        elif clause.named and unknown_predicate(clause):
            hint = clause.named[0]  # "the colours look like a cartoon": what about them?
            learned = _learned(clause, previous, fallback, out, ask=True, attribute=hint)
            status, edits, read_by, confidence = learned
        elif clause.named:
            status, edits = _named_only(clause, out, attributes_said)
        elif clause.regions and not clause.move and unknown_predicate(clause):
            # "the sky has no detail": its own words, not an echo of the last change
            learned = _learned(clause, previous, fallback, out, ask=not understood)
            status, edits, read_by, confidence = learned
        elif clause.regions:
            status, edits = _regions_only(clause, clauses[index + 1 :], previous, out)
            if edits:
                previous = clause
        elif clause.fix:
            after_unsupported = index > 0 and bool(clauses[index - 1].unsupported)
            if after_unsupported or attributes_said:
                status = "none"  # "out of focus, fix that"; "too orange, make it natural"
            else:
                status, out.optimize = "optimize", True
        elif clause.modifier and previous is not None and previous.hits:
            hits = [h._replace(sign=clause.modifier, at=-1) for h in previous.hits]
            clause.mentions = list(previous.mentions)
            edits, status = _edits(clause, hits, previous.degree), "edit"
        elif clause.modifier and clause.pronoun and _names_only(clauses[index - 1 : index]):
            said = clauses[index - 1]  # "the colours look like a filter, tone them down"
            clause.mentions = list(said.mentions)
            hits = [Hit(a, clause.modifier) for a in dict.fromkeys(said.named)]
            edits, status = _edits(clause, hits, clause.degree), "edit"
        elif clause.modifier and clause.pronoun and named_last is not None:
            clause.mentions = list(named_last.mentions)  # "the reds are bleeding, pull them back"
            status, edits = _regions_only(clause, [], None, out)
        elif clause.positive:
            status = "none"
        elif clause.vague or clause.neutral:
            out.questions.append(question(clause, None))
            status = "question"
        elif _has_content(clause) and not clause.dropped:
            learned = _learned(clause, previous, fallback, out, ask=not understood)
            status, edits, read_by, confidence = learned
        for intent in edits:
            _merge(merged, intent)
        if clause.mentions:
            named_last = clause
        if clause.borrowed and read_by == "grammar" and edits:
            read_by, confidence = "learned", clause.borrowed  # a word's sense was lent
        out.accounts.append(
            ClauseReading(
                clause.text,
                status,
                tuple(edits),
                tuple(clause.mentions),
                (clause.unsupported,) if clause.unsupported else (),
                read_by if status not in ("none", "unsupported") else "none",
                confidence,
            )
        )
    out.questions, out.accounts = drop_answered(out.questions, out.accounts, list(merged.values()))
    out.intents = _protect(list(merged.values()), out.protected)
    out.protected = list(dict.fromkeys(out.protected))
    out.carry = list(dict.fromkeys(out.carry))
    return out


def _names_only(before: list[Clause]) -> bool:
    """True when the clause before named an attribute ("the colours") and said nothing of it."""
    return bool(before) and bool(before[0].named) and not before[0].hits


def _inherit_region(
    clause: Clause, previous: Clause | None, named_last: Clause | None = None, topic: bool = False
) -> None:
    """ "it" takes the last region named; a bare "and brighter" the previous change's region;
    a clause that only set the topic ("the sky, ...") hands its region to the next one."""
    if clause.regions:
        return
    if (clause.pronoun or topic) and named_last is not None:
        clause.mentions = list(named_last.mentions)
    elif previous is not None and clause.connector == "and" and clause.continues:
        clause.mentions = list(previous.mentions)


def _edits(clause: Clause, hits: list[Hit], fallback_degree: float | None = None) -> list[Intent]:
    size = clause.degree if clause.degree is not None else fallback_degree
    size = size if size is not None else DEFAULT_DEGREE
    own = len(set(clause.regions)) > 1 and len(clause.mention_at) == len(clause.mentions)
    paired = own and len({(h.attribute, h.sign) for h in hits}) > 1
    edits = []
    for hit in hits:
        if hit.region:
            names = [hit.region]
        elif paired and hit.at >= 0:
            names = [_nearest(clause, hit.at)]
        else:
            names = clause.regions or [GLOBAL]
        for name in names:
            edits.append(Intent(name, hit.attribute, round(hit.sign * hit.weight * size, 4)))
            more = natural_sign(hit.hue, name, hit.sign)
            if more:
                edits.append(Intent(name, COL, round(more * size, 4)))
    return edits


def _nearest(clause: Clause, at: int) -> str:
    """The region named nearest to a cue; on a tie the one after it ("darker background")."""
    pairs = zip(clause.mention_at, clause.mentions, strict=True)
    return min(pairs, key=lambda p: (abs(p[0] - at), p[0] < at))[1].region


def _named_only(clause: Clause, out: Combined, said: set[str]) -> tuple[ClauseStatus, list[Intent]]:
    if clause.positive or has(clause.tokens, W.PROTECT):
        return "keep", []
    if clause.vague or clause.neutral:
        out.questions += [question(clause, a) for a in dict.fromkeys(clause.named)]
        return "question", []
    if clause.fix or clause.optimize:
        if set(clause.named) <= said or remedies(clause, said):
            return "none", []  # "overexposed, fix the brightness": another clause says how
        out.optimize = True
        return "optimize", []
    return "edit", _edits(clause, [Hit(a, 1) for a in dict.fromkeys(clause.named)])


def _regions_only(
    clause: Clause, later: list[Clause], previous: Clause | None, out: Combined
) -> tuple[ClauseStatus, list[Intent]]:
    move = clause.move or (clause.modifier if previous is None or not previous.hits else 0)
    if not move and later[:1] and kept_with(later[0]):
        return "keep", []  # "the sea | and sky look fine": the praise is said of both
    if move and said_next(move, later[:1]):
        return "edit", []  # "tone down the greenery, it is a bit lurid": the complaint says what
    if move:
        if clause.regions and set(clause.regions) <= set(_TONE_POLES):  # "more warm tones"
            hits = [Hit(TEMP, move * _TONE_POLES[r], region=GLOBAL) for r in clause.regions]
            return "edit", _edits(clause, hits)
        kinds = {CLASSES_BY_NAME[r].kind for r in clause.regions if r in CLASSES_BY_NAME}
        # "boost the reds", "bring down the blues in the sky"; but "bring down the sky"
        attribute = COL if "colour" in kinds else BRI
        return "edit", _edits(clause, [Hit(attribute, move)])
    if clause.positive:
        return "keep", []
    if clause.fix and out_said(out, previous):
        return "none", []  # "everyone looks jaundiced, make the skin tones more natural"
    if clause.vague or clause.neutral or (clause.fix and GLOBAL not in clause.regions):
        out.questions.append(question(clause, None))
        return "question", []
    if previous is not None and previous.hits:
        sign = clause.modifier  # "more warmth in the skin but less in the background"
        hits = [h._replace(sign=sign or h.sign, region="", at=-1) for h in previous.hits]
        return "edit", _edits(clause, hits, previous.degree)
    following = next((c for c in later if c.hits or c.named), None)
    if following is not None and following.connector in ("and", "comma") and not following.regions:
        following.mentions = list(clause.mentions)  # "the faces, brighten them"
        return "edit", []
    if GLOBAL in clause.regions:
        return "none", []
    out.carry += [r for r in clause.regions if r != GLOBAL]
    return "carry", []


def out_said(out: Combined, previous: Clause | None) -> bool:
    """True when an earlier clause already asked for a change."""
    return (previous is not None and bool(previous.hits)) or any(a.edits for a in out.accounts)


def _has_content(clause: Clause) -> bool:
    return any(t not in W.FILLER and t.isalpha() for t in clause.tokens)


def _learned(
    clause: Clause,
    previous: Clause | None,
    fallback: Fallback | None,
    out: Combined,
    ask: bool,
    attribute: str | None = None,
) -> tuple[ClauseStatus, list[Intent], ReadBy, float]:
    """The fallback's reading; unsure, it asks only when nothing else in the request was read."""
    guess = fallback(clause.text) if fallback is not None else None
    if guess is None:
        if attribute is not None:
            out.questions.append(question(clause, attribute))
            return "question", [], "none", 0.0
        return "not_understood", [], "none", 0.0
    if guess.hits:
        hits = [Hit(a, s) for a, s in guess.hits]
        _inherit_region(clause, previous, previous)
        return "edit", _edits(clause, hits), "learned", guess.confidence
    if guess.nothing:
        return "none", [], "learned", guess.confidence
    attribute = guess.attribute or attribute
    if attribute is None and not ask:
        return "not_understood", [], "learned", guess.confidence
    out.questions.append(question(clause, attribute))
    return "question", [], "learned", guess.confidence


def _merge(merged: dict[tuple[str, str], Intent], intent: Intent) -> None:
    key = (intent.region, intent.attribute)
    old = merged.get(key)
    if old is None or old.delta * intent.delta < 0 or abs(intent.delta) > abs(old.delta):
        merged[key] = intent


def _protect(intents: list[Intent], protected: list[str]) -> list[Intent]:
    """Undo whole-photo moves on protected regions ("brighten everything except the sky")."""
    global_moves = [i for i in intents if i.region == GLOBAL]
    for region in dict.fromkeys(protected):
        intents = [i for i in intents if i.region != region]
        intents.extend(Intent(region, g.attribute, -g.delta) for g in global_moves)
    return intents
