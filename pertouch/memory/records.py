"""One remembered retouch: the scene, the accepted edits, the words of the instruction, the time.

A record is stored in Chroma as the scene's vector (from its measurements), its sentence (the
document, for people reading the store) and flat metadata; the same record is one JSON line in an
export. Both forms round-trip exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pertouch.core.adjustments import BASELINES, AdjustmentState, Edit
from pertouch.core.errors import PerTouchError, StateError
from pertouch.memory.scene import SceneDescription, SceneError

MAX_INSTRUCTION_CHARS = 2000
MAX_PHOTO_CHARS = 200


class RecordError(PerTouchError):
    """A memory record (from the store or an import file) is malformed."""


@dataclass(frozen=True)
class MemoryRecord:
    """One approved retouch of one user.

    Attributes:
        id: the record's id in the store.
        scene: what the photo showed.
        edits: the accepted edits, by region class.
        instruction: what the person asked for, in their words.
        created_at: when it was approved, seconds since the epoch.
        baseline: the adjustment state's baseline ("as_shot" or "auto").
        photo: a short name for the photo (its file name), so a suggestion can say which one.
    """

    id: str
    scene: SceneDescription
    edits: tuple[Edit, ...]
    instruction: str
    created_at: float
    baseline: str = "as_shot"
    photo: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise RecordError("A memory record needs a non-empty id.")
        if len(self.instruction) > MAX_INSTRUCTION_CHARS:
            raise RecordError(
                f"The instruction is {len(self.instruction)} characters; memory keeps at most "
                f"{MAX_INSTRUCTION_CHARS}."
            )
        if not isinstance(self.created_at, int | float) or not math.isfinite(self.created_at):
            raise RecordError(f"Record {self.id} has no valid time.")
        if self.baseline not in BASELINES:
            raise RecordError(f"Record {self.id} has an unknown baseline {self.baseline!r}.")
        if len(self.photo) > MAX_PHOTO_CHARS:
            raise RecordError(
                f"A photo name of record {self.id} is over {MAX_PHOTO_CHARS} characters."
            )
        object.__setattr__(self, "edits", tuple(self.edits))
        object.__setattr__(self, "created_at", float(self.created_at))

    # -- Chroma -----------------------------------------------------------------------------
    def document(self) -> str:
        """The scene's sentence, stored beside its vector for people reading the store."""
        return self.scene.text()

    def metadata(self) -> dict[str, str | float | bool]:
        """Flat metadata for Chroma (which stores only scalars): JSON for the nested parts."""
        return {
            "created_at": self.created_at,
            "instruction": self.instruction,
            "baseline": self.baseline,
            "kind": self.scene.kind,
            "measured": self.scene.measured,
            "photo": self.photo,
            "tags": " ".join(self.scene.tags),
            "scene": json.dumps(self.scene.to_dict(), sort_keys=True),
            "edits": json.dumps([e.to_dict() for e in self.edits]),
        }

    @classmethod
    def from_metadata(cls, record_id: str, metadata: Mapping[str, Any]) -> MemoryRecord:
        try:
            return cls(
                id=record_id,
                scene=SceneDescription.from_dict(json.loads(metadata["scene"])),
                edits=_edits(json.loads(metadata["edits"])),
                instruction=str(metadata.get("instruction", "")),
                created_at=float(metadata["created_at"]),
                baseline=str(metadata.get("baseline", "as_shot")),
                photo=str(metadata.get("photo", "")),
            )
        except (KeyError, TypeError, json.JSONDecodeError, SceneError, StateError) as err:
            raise RecordError(f"Memory record {record_id} is damaged ({err}).") from None

    # -- JSON lines -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "instruction": self.instruction,
            "baseline": self.baseline,
            "scene": self.scene.to_dict(),
            "edits": [e.to_dict() for e in self.edits],
            "photo": self.photo,
        }

    @classmethod
    def from_dict(cls, data: Any) -> MemoryRecord:
        if not isinstance(data, Mapping):
            raise RecordError("Each memory line must be a JSON object.")
        try:
            return cls(
                id=str(data["id"]),
                scene=SceneDescription.from_dict(data["scene"]),
                edits=_edits(data.get("edits", [])),
                instruction=str(data.get("instruction", "")),
                created_at=float(data["created_at"]),
                baseline=str(data.get("baseline", "as_shot")),
                photo=str(data.get("photo", "")),
            )
        except KeyError as err:
            raise RecordError(f"A memory line lacks its {err.args[0]!r} field.") from None
        except (TypeError, ValueError) as err:
            raise RecordError(f"A memory line is malformed ({err}).") from None


def _edits(items: Any) -> tuple[Edit, ...]:
    return AdjustmentState.from_dict({"edits": items}).edits


def edits_of(edits: AdjustmentState | Iterable[Edit | Mapping[str, Any]]) -> tuple[Edit, ...]:
    """Accept an adjustment state, edits, or plain ``{region, attribute, delta}`` dicts."""
    if isinstance(edits, AdjustmentState):
        return edits.edits
    out = []
    for item in edits:
        out.append(item if isinstance(item, Edit) else _edits([dict(item)])[0])
    return tuple(out)
