"""The look a batch gives every photo, and where it comes from.

One of four sources, fixed before the first photo so every photo gets the same one:

- an **instruction** ("warmer, lift the faces"): the agent reads it on each photo, as
  ``pertouch retouch`` would, with the user's remembered taste when ``user`` is named too;
- an adjustment **state**: from a JSON file, or the approved state of a thread;
- a **user**'s remembered look: each photo starts where their memory suggests for its scene;
- a **match**: every photo lands at the per-region levels of a reference photo's result, which is
  what makes a shoot look consistent (Lightroom's match/sync).

A :class:`Look` is plain, picklable data: it travels to worker processes and Ray actors as it is.
Its :meth:`~Look.key` ties a batch's manifest to it, so a rerun with another look is noticed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES
from pertouch.core.errors import PerTouchError


class BatchError(PerTouchError):
    """A batch cannot start or continue as asked (the look, the folders, the engine)."""


@dataclass(frozen=True)
class MatchTarget:
    """Per-region levels every photo of a matched batch should land at.

    Attributes:
        levels: region name (``"global"`` for the whole photo) to its four levels, in the channel
            order of :data:`pertouch.core.attributes.ATTRIBUTES`.
        reference: the reference photo's file name, for messages and the summary.
    """

    levels: Mapping[str, tuple[float, float, float, float]]
    reference: str
    source: str = ""
    """The reference file (path, size, time) and the look it was retouched with: what makes a
    rerun's target the same one, without trusting the measurement to repeat to the last digit."""

    def to_dict(self) -> dict[str, Any]:
        names = [a.value for a in ATTRIBUTES]
        return {
            "reference": self.reference,
            "levels": {
                region: {n: round(v, 4) for n, v in zip(names, values, strict=True)}
                for region, values in self.levels.items()
            },
        }


@dataclass(frozen=True)
class Look:
    """What every photo of a batch gets: exactly one of ``instruction``, ``state``, ``match``,
    or ``user`` alone (with an instruction, ``user`` names whose memory the agent uses)."""

    instruction: str = ""
    state: AdjustmentState | None = None
    user: str = ""
    match: MatchTarget | None = None
    origin: str = ""
    """Where the look came from, in words ("the approved state of thread 3f2a...")."""
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        sources = [bool(self.instruction), self.state is not None, self.match is not None]
        if sum(sources) > 1 or not (any(sources) or self.user):
            raise BatchError(
                "Give the batch one look: an instruction, --state, --from-thread, --user or --match."
            )

    @property
    def kind(self) -> str:
        """ "instruction", "state", "match" or "user"."""
        if self.instruction:
            return "instruction"
        if self.state is not None:
            return "state"
        return "match" if self.match is not None else "user"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "origin": self.origin}
        if self.instruction:
            data["instruction"] = self.instruction
        if self.user:
            data["user"] = self.user
        if self.state is not None:
            data["state"] = self.state.to_dict()
        if self.match is not None:
            data["match"] = self.match.to_dict()
        return data

    def key(self) -> str:
        """A digest of what the look does (not of where it came from)."""
        data = {k: v for k, v in self.to_dict().items() if k != "origin"}
        if self.match is not None and self.match.source:
            data["match"] = self.match.source
        text = json.dumps(data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def thread_state(graph: Any, thread_id: str) -> AdjustmentState:
    """The approved adjustment state of a thread, for ``--from-thread``.

    Raises:
        BatchError: there is no such thread, or it was never approved.
    """
    values = graph.get_state({"configurable": {"thread_id": thread_id}}).values
    if not values.get("photo_ref"):
        raise BatchError(f"There is no thread {thread_id!r}; `pertouch retouch` prints thread ids.")
    if values.get("status") != "approved":
        raise BatchError(
            f"Thread {thread_id!r} has not been approved; say 'looks good' in it first, "
            "or save its state to a file and pass --state."
        )
    state = values.get("rendered") or values.get("adjustment")
    if not isinstance(state, AdjustmentState) or not (state.edits or state.baseline == "auto"):
        raise BatchError(f"Thread {thread_id!r} was approved without any change to apply.")
    return state
