"""The typed records a thread keeps: snapshots for undo, measured rounds, the critique's verdict.

They are frozen dataclasses of plain values (strings, numbers, tuples, core's :class:`Edit` and
:class:`AdjustmentState`), so the checkpointer stores them exactly and a reader of the state sees
their shape here rather than in a docstring. ``to_dict`` gives the JSON that ``--json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.core.guards import GuardReport


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """A result the user saw: what "undo" goes back to."""

    adjustment: AdjustmentState = field(default_factory=AdjustmentState)
    output_ref: str = ""
    """The rendered result in the image store ("" for the photo as shot)."""
    last_change: tuple[Edit, ...] = ()
    """What the turn that made it changed, for "a bit less" and "now the faces"."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "adjustment": self.adjustment.to_dict(),
            "output_ref": self.output_ref,
            "last_change": [e.to_dict() for e in self.last_change],
        }


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One planned edit, measured: the level before, the target the words asked for, the result."""

    region: str
    attribute: str
    before: float
    target: float
    measured: float
    delta: float
    """The edit's delta in the rendered state (what the renderer was asked for)."""
    held: bool = False
    """The renderer held this level short of its target to do no harm (a white balance that
    would clip the highlights, an auto colour touch that would tint neutral content): as far as
    it harmlessly goes, so not a miss to correct."""

    @property
    def miss(self) -> float:
        return 0.0 if self.held else abs(self.target - self.measured)

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "attribute": self.attribute,
            "before": self.before,
            "target": self.target,
            "measured": self.measured,
            "delta": self.delta,
            "held": self.held,
        }


@dataclass(frozen=True, kw_only=True)
class Judgement:
    """The critique of one round: accepted, or corrections (new total deltas) for the next."""

    satisfied: bool
    reason: str = ""
    corrections: tuple[Edit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "satisfied": self.satisfied,
            "reason": self.reason,
            "corrections": [c.to_dict() for c in self.corrections],
        }


@dataclass(frozen=True, kw_only=True)
class Round:
    """One render of a turn: the state rendered, what was measured, and the verdict on it."""

    round: int
    adjustment: AdjustmentState
    measured: tuple[Measurement, ...]
    output_ref: str
    verdict: Judgement | None = None
    guards: GuardReport | None = None
    """The do-no-harm guards on this round's result against the original photo."""

    @property
    def edits(self) -> tuple[Edit, ...]:
        return self.adjustment.edits

    @property
    def baseline(self) -> str:
        return self.adjustment.baseline

    @property
    def miss(self) -> float:
        """Total distance between targets and measured levels."""
        return float(sum(m.miss for m in self.measured))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "round": self.round,
            "baseline": self.baseline,
            "edits": [e.to_dict() for e in self.edits],
            "measured": [m.to_dict() for m in self.measured],
            "output_ref": self.output_ref,
        }
        if self.verdict is not None:
            out["verdict"] = self.verdict.to_dict()
        if self.guards is not None:
            out["guards"] = self.guards.to_dict()
        return out


def change(before: AdjustmentState, after: AdjustmentState) -> tuple[Edit, ...]:
    """The edits that take ``before`` to ``after``: per (region, attribute), the delta's change."""
    old = {(e.region, e.attribute): e.delta for e in before.edits}
    new = {(e.region, e.attribute): e.delta for e in after.edits}
    out = []
    for key in dict.fromkeys([*new, *old]):
        moved = round(new.get(key, 0.0) - old.get(key, 0.0), 4)
        if moved != 0.0:
            out.append(Edit(key[0], key[1], max(-2.0, min(2.0, moved))))
    return tuple(out)
