"""What the offline reader makes of an instruction, as plain frozen data that round-trips to JSON.

A :class:`Reading` is the whole answer: its kind, the edits, and, per clause, an account of what
will be done, what cannot be done, what was not understood and which regions were named, so a reply
can speak to every part of a request instead of silently dropping some. Where the words leave a
choice a person would ask about ("change the temperature"), the reading carries a
:class:`Question` and makes no edit there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pertouch.core.adjustments import GLOBAL

Kind = Literal["weak_optimize", "weak_style", "strong", "unsupported", "refine", "undo", "approve"]
KINDS: tuple[str, ...] = (
    "weak_optimize",
    "weak_style",
    "strong",
    "unsupported",
    "refine",
    "undo",
    "approve",
)
#: What became of one clause: edits made, regions held, kept as is (praised), handed the last
#: turn's changes, a named look or a general fix, not possible, asked about, not understood, or
#: nothing to do (a greeting, a filler).
ClauseStatus = Literal[
    "edit",
    "protect",
    "keep",
    "carry",
    "style",
    "optimize",
    "unsupported",
    "question",
    "not_understood",
    "none",
]
#: How a clause was read: by the grammar, by the learned fallback, or not at all.
ReadBy = Literal["grammar", "learned", "none"]


@dataclass(frozen=True)
class Intent:
    """One requested change: move ``attribute`` of ``region`` by ``delta`` levels."""

    region: str
    attribute: str
    delta: float

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "attribute": self.attribute, "delta": round(self.delta, 4)}


@dataclass(frozen=True)
class RegionMention:
    """A region as the person named it ("the boats") and the class it reads as ("vehicles").

    The phrase is kept so a reply can say "I couldn't find the boats" in the person's words.
    """

    phrase: str
    region: str

    def to_dict(self) -> dict[str, str]:
        return {"phrase": self.phrase, "region": self.region}


@dataclass(frozen=True)
class Question:
    """Something the reader asks instead of guessing.

    Attributes:
        text: the question as it can be shown ("Warmer or cooler?").
        clause: the words it is about.
        region: the region concerned (``"global"`` for the whole photo).
        attribute: the attribute concerned, or None when even that is unclear.
        options: short answers the reader understands as a next instruction ("warmer", "cooler").
    """

    text: str
    clause: str
    region: str = GLOBAL
    attribute: str | None = None
    options: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "clause": self.clause,
            "region": self.region,
            "attribute": self.attribute,
            "options": list(self.options),
        }


@dataclass(frozen=True)
class ClauseReading:
    """The account of one clause of the request.

    Attributes:
        text: the clause after normalisation (lower case, spelling corrected).
        status: what became of it (:data:`ClauseStatus`).
        edits: the changes this clause asks for (the reading's ``intents`` merge all clauses).
        regions: the regions it names.
        unsupported: what it asks that PerTouch cannot do.
        read_by: the grammar, the learned fallback, or neither.
        confidence: 1.0 for the grammar; the fallback's vote share otherwise.
    """

    text: str
    status: ClauseStatus
    edits: tuple[Intent, ...] = ()
    regions: tuple[RegionMention, ...] = ()
    unsupported: tuple[str, ...] = ()
    read_by: ReadBy = "grammar"
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "status": self.status,
            "edits": [e.to_dict() for e in self.edits],
            "regions": [m.to_dict() for m in self.regions],
            "unsupported": list(self.unsupported),
            "read_by": self.read_by,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class Reading:
    """What an instruction asks for, as plain data.

    Attributes:
        kind: one of :data:`KINDS`.
        intents: requested changes, at most one per (region, attribute).
        protected: regions the words say to leave alone.
        carry_to: regions that should get the last turn's changes ("now the faces").
        unsupported: what was asked that PerTouch cannot do ("sharpening").
        style: the named look, if any.
        factor: for ``refine``, how much of the last turn's changes to keep (0.5 = "less").
        reset: for ``undo``, go back to the original instead of one turn.
        reasons: short sentences on how the instruction was read.
        questions: what the reader would rather ask than guess; no edit is made for those parts.
        clauses: the account of every clause (empty for undo, approval and refine).
    """

    kind: Kind
    intents: tuple[Intent, ...] = ()
    protected: tuple[str, ...] = ()
    carry_to: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()
    style: str = ""
    factor: float = 1.0
    reset: bool = False
    reasons: tuple[str, ...] = field(default=())
    questions: tuple[Question, ...] = ()
    clauses: tuple[ClauseReading, ...] = ()

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions to segment: every non-global one named by intents, carries or protections."""
        names = [i.region for i in self.intents] + list(self.carry_to) + list(self.protected)
        return tuple(dict.fromkeys(n for n in names if n != GLOBAL))

    @property
    def mentions(self) -> tuple[RegionMention, ...]:
        """Every region named, once, in the order named, with the person's own phrase."""
        seen: dict[tuple[str, str], RegionMention] = {}
        for clause in self.clauses:
            for mention in clause.regions:
                seen.setdefault((mention.phrase, mention.region), mention)
        return tuple(seen.values())

    @property
    def not_understood(self) -> tuple[str, ...]:
        """The clauses neither the grammar nor the fallback could place."""
        return tuple(c.text for c in self.clauses if c.status == "not_understood")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edits": [i.to_dict() for i in self.intents],
            "unsupported": list(self.unsupported),
            "protected": list(self.protected),
            "carry_to": list(self.carry_to),
            "style": self.style,
            "factor": self.factor,
            "reset": self.reset,
            "reasons": list(self.reasons),
            "questions": [q.to_dict() for q in self.questions],
            "clauses": [c.to_dict() for c in self.clauses],
        }
