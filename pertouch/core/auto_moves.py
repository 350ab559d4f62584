"""The auto look as plain data: per region, four bounded moves in levels and a reason for each.

:mod:`pertouch.core.auto_look` decides the moves; this module only holds them, so the adjustment
state can carry a photo's auto look (and round-trip it through JSON) without importing the
measuring code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES
from pertouch.core.errors import StateError

#: The region the auto look gives to whatever no named region covers (the whole photo without masks).
GLOBAL = "global"
Exposure = Literal["under", "over", "ok"]
Cast = Literal["warm", "cool", ""]
_EXPOSURES = ("under", "over", "ok")
_CASTS = ("warm", "cool", "")
#: No move of the auto look may exceed this (levels): the largest measured-need bound, with room.
MAX_MOVE = 1.0


@dataclass(frozen=True)
class RegionLook:
    """The auto look's moves for one region.

    Attributes:
        region: the region name (a mask name, or ``global`` for what no mask covers).
        kind: the kind of prior it was judged against ("sky", "people", ...).
        deltas: the move per attribute in levels, channel order of :data:`ATTRIBUTES`.
        reasons: one short reason per attribute, same order.
    """

    region: str
    kind: str
    deltas: tuple[float, ...]
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.deltas) != NUM_ATTRIBUTES or len(self.reasons) != NUM_ATTRIBUTES:
            raise StateError(
                f"The auto look of {self.region!r} needs one move and one reason per attribute."
            )
        for value in self.deltas:
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise StateError(
                    f"The auto look of {self.region!r} has a move that is not a number."
                )
            if abs(value) > MAX_MOVE:
                raise StateError(
                    f"The auto look of {self.region!r} moves by {value}; auto moves stay within ±{MAX_MOVE:g}."
                )
        object.__setattr__(self, "deltas", tuple(float(v) for v in self.deltas))
        object.__setattr__(self, "reasons", tuple(str(r) for r in self.reasons))

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "kind": self.kind,
            "moves": {
                a.value: {"delta": d, "reason": r}
                for a, d, r in zip(ATTRIBUTES, self.deltas, self.reasons, strict=True)
            },
        }

    @classmethod
    def from_dict(cls, data: Any) -> RegionLook:
        try:
            moves = data["moves"]
            return cls(
                str(data["region"]),
                str(data["kind"]),
                tuple(moves[a.value]["delta"] for a in ATTRIBUTES),
                tuple(moves[a.value]["reason"] for a in ATTRIBUTES),
            )
        except (KeyError, TypeError) as err:
            raise StateError(
                f"An auto-look region needs 'region', 'kind' and a move per attribute ({err})."
            ) from None


@dataclass(frozen=True)
class AutoLook:
    """A photo's auto look: per-region moves, what was measured and what was kept.

    Attributes:
        regions: the moves of every region.
        exposure: "under" or "over" when the photo measured so and exposure was corrected.
        cast: "warm" or "cool" when a cast on near-neutral content was corrected.
        character: what the look protected ("dusk or night", "warm sky", ...).
        notes: sentences for the reply: findings and what was done about them.
    """

    regions: tuple[RegionLook, ...] = ()
    exposure: Exposure = "ok"
    cast: Cast = ""
    character: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.exposure not in _EXPOSURES or self.cast not in _CASTS:
            raise StateError("An auto look's exposure is under/over/ok and its cast warm/cool/''.")
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "character", tuple(self.character))
        object.__setattr__(self, "notes", tuple(self.notes))

    def delta(self, region: str) -> NDArray[np.float64]:
        """The move ``(4,)`` of ``region``; regions the look did not see take ``global``'s."""
        by_name = {r.region: r for r in self.regions}
        found = by_name.get(region) or by_name.get(GLOBAL)
        return np.array(found.deltas if found else (0.0,) * NUM_ATTRIBUTES, dtype=np.float64)

    def region(self, name: str) -> RegionLook | None:
        return next((r for r in self.regions if r.region == name), None)

    @property
    def moved(self) -> bool:
        """Whether any region moves at all."""
        return any(abs(d) > 1e-9 for r in self.regions for d in r.deltas)

    def describe(self) -> list[str]:
        """The notes, then one line per moving (region, attribute): for the reply and the trace."""
        lines = list(self.notes)
        for r in self.regions:
            for a, d, why in zip(ATTRIBUTES, r.deltas, r.reasons, strict=True):
                if abs(d) > 1e-9:
                    lines.append(f"{r.region} {a.value} {d:+.2f}: {why}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "regions": [r.to_dict() for r in self.regions],
            "exposure": self.exposure,
            "cast": self.cast,
            "character": list(self.character),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Any) -> AutoLook:
        if not isinstance(data, Mapping) or not isinstance(data.get("regions", []), list):
            raise StateError("An auto look must be an object with a list of 'regions'.")
        return cls(
            tuple(RegionLook.from_dict(r) for r in data.get("regions", [])),
            cast(Exposure, data.get("exposure", "ok")),
            cast(Cast, data.get("cast", "")),
            tuple(str(c) for c in data.get("character", [])),
            tuple(str(n) for n in data.get("notes", [])),
        )
