"""The adjustment state: a baseline plus region edits, in levels.

An edit says "move this attribute of this region by this many levels". The baseline says where
regions start: ``as_shot`` (the photo's own measured levels) or ``auto``: the photo's auto look
(:mod:`pertouch.core.auto_look`), per region a bounded move from its measured levels towards its
kind's prior, carried as plain data in :attr:`AdjustmentState.auto`. A region's target is
``baseline + global delta + its own delta``, clipped to [-1, 1], so a global change moves every
region with it and regional differences survive.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import NUM_ATTRIBUTES, Attribute, parse_attribute
from pertouch.core.auto_moves import GLOBAL, AutoLook
from pertouch.core.errors import StateError

Baseline = Literal["as_shot", "auto"]
BASELINES: tuple[str, ...] = ("as_shot", "auto")
#: Largest delta an edit may carry: the whole level range, from one extreme to the other.
MAX_DELTA = 2.0
MAX_REGION_NAME = 64


@dataclass(frozen=True)
class Edit:
    """Move ``attribute`` of ``region`` by ``delta`` levels (``region="global"`` moves every region)."""

    region: str
    attribute: Attribute
    delta: float

    def __post_init__(self) -> None:
        region = self.region.strip().lower() if isinstance(self.region, str) else None
        if not region or len(region) > MAX_REGION_NAME:
            raise StateError(
                f"An edit needs a region name of 1 to {MAX_REGION_NAME} characters, got {self.region!r}."
            )
        object.__setattr__(self, "region", region)
        object.__setattr__(self, "attribute", parse_attribute(self.attribute))
        if (
            isinstance(self.delta, bool)
            or not isinstance(self.delta, int | float)
            or not math.isfinite(self.delta)
        ):
            raise StateError(
                f"The delta of {region}/{self.attribute.value} must be a number, got {self.delta!r}."
            )
        if abs(self.delta) > MAX_DELTA:
            raise StateError(
                f"The delta of {region}/{self.attribute.value} is {self.delta}; deltas are in levels, "
                f"between -{MAX_DELTA:g} and {MAX_DELTA:g}."
            )
        object.__setattr__(self, "delta", float(self.delta))

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "attribute": self.attribute.value, "delta": self.delta}


@dataclass(frozen=True)
class AdjustmentState:
    """A baseline and an ordered list of edits; plain data that round-trips through JSON.

    Attributes:
        baseline: "as_shot" or "auto".
        edits: the edits, in order.
        auto: the photo's auto look, used when the baseline is "auto". Without one, "auto" starts
            from the as-shot levels until a renderer computes the look
            (:func:`pertouch.core.auto_look.resolve_auto`).
    """

    baseline: Baseline = "as_shot"
    edits: tuple[Edit, ...] = field(default_factory=tuple)
    auto: AutoLook | None = None

    def __post_init__(self) -> None:
        if self.baseline not in BASELINES:
            raise StateError(f"Unknown baseline {self.baseline!r}; use 'as_shot' or 'auto'.")
        object.__setattr__(self, "edits", tuple(self.edits))

    # -- building ---------------------------------------------------------------------------
    def with_edit(self, region: str, attribute: str | Attribute, delta: float) -> AdjustmentState:
        """A new state with one more edit."""
        edit = Edit(region, parse_attribute(attribute), delta)
        return replace(self, edits=(*self.edits, edit))

    def with_edits(self, edits: Iterable[Edit]) -> AdjustmentState:
        """A new state with these edits instead of the current ones (baseline and look kept)."""
        return replace(self, edits=tuple(edits))

    def with_baseline(self, baseline: Baseline) -> AdjustmentState:
        return replace(self, baseline=baseline)

    def with_auto(self, look: AutoLook | None) -> AdjustmentState:
        """A new state whose "auto" baseline is ``look`` (the baseline itself becomes "auto")."""
        return replace(self, baseline="auto" if look is not None else self.baseline, auto=look)

    def auto_delta(self, region: str) -> NDArray[np.float64]:
        """The auto look's move ``(4,)`` for ``region``; zeros for "as_shot" or without a look."""
        if self.baseline != "auto" or self.auto is None:
            return np.zeros(NUM_ATTRIBUTES)
        return self.auto.delta(region)

    # -- reading ----------------------------------------------------------------------------
    @property
    def regions(self) -> tuple[str, ...]:
        """Regions named by edits, in first-mention order, without ``global``."""
        seen = dict.fromkeys(e.region for e in self.edits if e.region != GLOBAL)
        return tuple(seen)

    def deltas(self) -> dict[str, NDArray[np.float64]]:
        """Summed delta vector (4,) per region name, ``global`` included when edited."""
        out: dict[str, NDArray[np.float64]] = {}
        for edit in self.edits:
            vec = out.setdefault(edit.region, np.zeros(NUM_ATTRIBUTES))
            vec[edit.attribute.channel] += edit.delta
        return out

    def edited(self, region: str) -> NDArray[np.bool_]:
        """Which attributes of ``region`` an edit (its own or a global one) touches."""
        flags = np.zeros(NUM_ATTRIBUTES, dtype=bool)
        for edit in self.edits:
            if edit.region in (region, GLOBAL) and edit.delta != 0.0:
                flags[edit.attribute.channel] = True
        return flags

    def check_masks(self, names: Iterable[str]) -> None:
        """Raise :class:`StateError` if an edit names a region that is not among ``names``."""
        names = list(names)
        missing = [r for r in self.regions if r not in names]
        if missing:
            known = ", ".join(n for n in names if n != GLOBAL) or "none"
            raise StateError(
                f"No mask was given for region {missing[0]!r}; regions with masks: {known}."
            )

    def targets(
        self,
        baseline_levels: Mapping[str, NDArray[np.floating]],
        regions: Iterable[str] | None = None,
    ) -> dict[str, NDArray[np.float64]]:
        """Target levels (4,) for each region, clipped to [-1, 1].

        Args:
            baseline_levels: the measured as-shot levels of every region; with the "auto"
                baseline the auto look's move for each region is added to them.
            regions: regions to compute; defaults to the keys of ``baseline_levels``.

        Raises:
            StateError: if an edited region has no baseline (no mask was given for it).
        """
        names = list(baseline_levels if regions is None else regions)
        self.check_masks(names)
        deltas = self.deltas()
        shared = deltas.get(GLOBAL, np.zeros(NUM_ATTRIBUTES))
        out = {}
        for name in names:
            base = np.asarray(baseline_levels[name], float) + self.auto_delta(name)
            own = (
                deltas.get(name, np.zeros(NUM_ATTRIBUTES))
                if name != GLOBAL
                else np.zeros(NUM_ATTRIBUTES)
            )
            out[name] = np.clip(base + shared + own, -1.0, 1.0)
        return out

    # -- JSON -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "baseline": self.baseline,
            "edits": [e.to_dict() for e in self.edits],
        }
        if self.auto is not None:
            data["auto"] = self.auto.to_dict()
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: Any) -> AdjustmentState:
        """Validate plain data (e.g. parsed JSON or a model's tool call) into a state."""
        if not isinstance(data, Mapping):
            raise StateError(
                "An adjustment state must be a JSON object with 'baseline' and 'edits'."
            )
        unknown = set(data) - {"baseline", "edits", "auto"}
        if unknown:
            raise StateError(
                f"Unknown field {sorted(unknown)[0]!r} in the adjustment state; use 'baseline', 'edits' and 'auto'."
            )
        edits = data.get("edits", [])
        if not isinstance(edits, list):
            raise StateError("'edits' must be a list of {region, attribute, delta} objects.")
        parsed = []
        for i, item in enumerate(edits):
            if not isinstance(item, Mapping) or set(item) != {"region", "attribute", "delta"}:
                raise StateError(
                    f"Edit {i + 1} must be an object with exactly 'region', 'attribute' and 'delta'."
                )
            parsed.append(Edit(item["region"], item["attribute"], item["delta"]))
        look = data.get("auto")
        return cls(
            baseline=data.get("baseline", "as_shot"),
            edits=tuple(parsed),
            auto=AutoLook.from_dict(look) if look is not None else None,
        )

    @classmethod
    def from_json(cls, text: str) -> AdjustmentState:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise StateError(
                f"The adjustment state is not valid JSON ({err.msg} at line {err.lineno})."
            ) from None
        except RecursionError:  # json.loads recurses once per level of nesting
            raise StateError(
                "The adjustment state is nested far too deeply to be one; see README for its shape."
            ) from None
        return cls.from_dict(data)
