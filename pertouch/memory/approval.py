"""What the graph does with a finished retouch: remember it if approved, nothing otherwise.

The agent keeps a :class:`PendingRetouch` in its thread while the person looks at the result. Their
verdict settles it: "approved" writes exactly one record (a retried approval of the same retouch
replaces it, by its key), "rejected" and "abandoned" write nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import PerTouchError
from pertouch.memory.scene import SceneDescription
from pertouch.memory.store import SceneMemory

Verdict = Literal["approved", "rejected", "abandoned"]
VERDICTS: tuple[str, ...] = ("approved", "rejected", "abandoned")


@dataclass(frozen=True)
class PendingRetouch:
    """A retouch shown to the user and not yet judged.

    Attributes:
        user: whose taste it is.
        scene: what perceive found.
        state: the adjustment state as rendered.
        instruction: the person's words.
        key: identifies this retouch (thread id and photo), so it is remembered at most once.
        photo: the photo's file name, so later suggestions can say which photo they follow.
    """

    user: str
    scene: SceneDescription
    state: AdjustmentState
    instruction: str
    key: str
    photo: str = ""


def settle(memory: SceneMemory, pending: PendingRetouch, verdict: Verdict) -> str | None:
    """Remember ``pending`` if approved; returns the record id, or None when nothing was stored."""
    if verdict not in VERDICTS:
        raise PerTouchError(f"Unknown verdict {verdict!r}; use one of: {', '.join(VERDICTS)}.")
    if verdict != "approved":
        return None
    memory.users.ensure(pending.user)
    return memory.remember(
        pending.user,
        pending.scene,
        pending.state,
        pending.instruction,
        key=pending.key,
        photo=pending.photo,
    )
