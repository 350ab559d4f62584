"""Do-no-harm guards: what an edit did to a photo that nobody asked for, and whether it shows.

The critique compares each round's result with the original photo. Measured levels say whether
the renderer hit its targets; these guards say whether the photo got worse on the way: new
clipping, a colour cast on neutral content, an exposure jump, crushed shadows, a sky or skin hue
pulled out of its plausible range; and whether anything visible changed at all.

Limits, and why:

* new clipping 1% of the photo: a blown sky patch that size is visible. A pixel counts when it
  reaches the top from below 253: one already within two code values of it was blown before.
* cast 3 units of a* or b* (photo mean, and the photo's most neutral content): about three
  just-noticeable differences; a grey wall turning that far is a tint people see.
* exposure 6 L*: half of the step between "a little brighter" edits people ask for; more is a
  jump, not a nudge.
* crushed shadows 1% of the photo with shadow detail (L* 6 or more) pushed below L* 3, black
  on any screen; near-black pixels turning black are not counted, nobody sees that.
* sky hue 20 degrees, skin hue 12 degrees (CIELAB hue angle, when the region has colour at all);
  a blue sky turning teal, or skin going green or magenta. Skin hue outside 20-80 degrees and a
  sky in the green-to-teal band (100-200 degrees) are implausible outright.
* visible: a pixel whose CIEDE2000 difference is at least 2 (twice the just-noticeable one, since
  people compare two photos, not two adjacent patches) has visibly changed; an edit is visible
  when at least 1% of the photo has.

A change that was asked for is not harm: :meth:`GuardLimits.for_state` turns off the guard that
measures it (a "warmer" edit moves b*; "brighter" moves L*).

It is longer than 300 lines because every guard's figure, limit and sentence, and the rules that
turn a guard off for what was asked, must be read together to be trusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.colour import chroma, delta_e00, hue_distance, lab_view, mean_hue
from pertouch.core.photo_stats import clipped_mask, most_neutral, near_clipped_mask
from pertouch.core.priors import prior_kind

SKIN_REGIONS = frozenset({"face", "face skin", "skin", "body skin"})
_TONES = frozenset({GLOBAL, "shadows", "midtones", "highlights"})
_SKIN_HUES = (20.0, 80.0)
_SKY_IMPLAUSIBLE = (100.0, 200.0)
_BLACK, _DETAIL = 3.0, 6.0
#: The most neutral tenth of the photo counts as neutral content up to this mean C*ab.
_NEUTRAL_CHROMA = 15.0
_MIN_CHROMA = 8.0


@dataclass(frozen=True)
class GuardLimits:
    """The limit of every guard; ``None`` turns a guard off."""

    new_clipped: float = 0.01
    cast: float | None = 3.0
    #: Whether the cast guard also checks the photo's mean a*/b* (off when colour was asked for:
    #: more saturated greens move the mean a* without any cast).
    mean_cast: bool = True
    exposure: float | None = 6.0
    crushed: float = 0.01
    sky_hue: float | None = 20.0
    skin_hue: float | None = 12.0
    visible_delta_e: float = 2.0
    visible_share: float = 0.01

    @classmethod
    def for_state(cls, state: AdjustmentState) -> GuardLimits:
        """Limits for a result of ``state``: guards that measure what was asked for are off."""
        limits = cls()
        asked = {(e.region, e.attribute.value) for e in state.edits if e.delta != 0.0}
        attributes = {a for _, a in asked}
        look = state.auto if state.baseline == "auto" else None
        if "temperature" in attributes or (look is not None and look.cast):
            limits = replace(limits, cast=None, sky_hue=None, skin_hue=None)
        if "colorfulness" in attributes:
            limits = replace(limits, mean_cast=False)
        if any(r in _TONES and a == "brightness" for r, a in asked) or (
            look is not None and look.exposure != "ok"
        ):
            # brighter colours have larger a* and b*: only neutral content still shows a cast
            limits = replace(limits, exposure=None, mean_cast=False)
        if any(prior_kind(r) == "sky" and a in ("colorfulness", "brightness") for r, a in asked):
            limits = replace(limits, sky_hue=None)
        if any(r in SKIN_REGIONS | {"person"} and a == "colorfulness" for r, a in asked):
            limits = replace(limits, skin_hue=None)
        return limits


@dataclass(frozen=True)
class GuardCheck:
    """One guard's verdict: its figure, its limit (None: the guard was off), a sentence on failure."""

    name: str
    passed: bool
    value: float
    limit: float | None
    sentence: str = ""


@dataclass(frozen=True)
class GuardReport:
    """Every guard's verdict on one result, and the figures behind them."""

    checks: tuple[GuardCheck, ...]
    mean_delta_e: float
    changed_share: float
    figures: dict[str, float]

    @property
    def harmless(self) -> bool:
        """No do-no-harm guard failed (a change that does not show is not harm)."""
        return all(c.passed for c in self.checks if c.name != "visible")

    @property
    def visible(self) -> bool:
        return next(c.passed for c in self.checks if c.name == "visible")

    @property
    def failures(self) -> tuple[str, ...]:
        """One sentence per failed guard, "nothing visible changed" included."""
        return tuple(c.sentence for c in self.checks if not c.passed)

    @property
    def harm(self) -> float:
        """How far past their limits the failed guards are, summed (0 when harmless)."""
        return float(
            sum(
                c.value / c.limit
                for c in self.checks
                if not c.passed and c.name != "visible" and c.limit
            )
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GuardReport:
        """Rebuild a report from :meth:`to_dict` (the graph keeps reports as plain data)."""
        return cls(
            tuple(GuardCheck(**c) for c in data["checks"]),
            float(data["mean_delta_e"]),
            float(data["changed_share"]),
            {str(k): float(v) for k, v in data["figures"].items()},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "harmless": self.harmless,
            "visible": self.visible,
            "mean_delta_e": round(self.mean_delta_e, 3),
            "changed_share": round(self.changed_share, 4),
            "checks": [asdict(c) for c in self.checks],
            "figures": {k: round(v, 4) for k, v in self.figures.items()},
        }


def check_guards(
    original: NDArray[np.generic],
    result: NDArray[np.generic],
    masks: Mapping[str, NDArray[np.generic]] | None = None,
    limits: GuardLimits | None = None,
) -> GuardReport:
    """Compare a result with its original photo.

    Args:
        original, result: ``(H, W, 3)`` uint8 or uint16 RGB of the same size.
        masks: region name to ``(H, W)`` mask; sky masks (by :func:`prior_kind`) and skin masks
            (:data:`SKIN_REGIONS`) enable the hue guards.
        limits: defaults to :class:`GuardLimits` (use :meth:`GuardLimits.for_state`).

    Raises:
        ValueError: if the two photos differ in shape.
    """
    if original.shape != result.shape:
        raise ValueError(f"the result {result.shape} does not match the original {original.shape}")
    limits = limits or GuardLimits()
    regions = {
        n: m for n, m in (masks or {}).items() if prior_kind(n) == "sky" or n in SKIN_REGIONS
    }
    before, small = lab_view(original, regions)
    after, _ = lab_view(result, {})
    diff = delta_e00(before, after)
    changed = float((diff >= limits.visible_delta_e).mean())
    neutral, _share = most_neutral(before, [small[n] for n in regions if n not in SKIN_REGIONS])
    if neutral.any() and float(chroma(before)[neutral].mean()) > _NEUTRAL_CHROMA:
        neutral = np.zeros_like(neutral)  # nothing in the photo is near grey: no neutral figure
    fig = {
        "new_clipped": float((clipped_mask(result) & ~near_clipped_mask(original)).mean()),
        "mean_da": float(after[..., 1].mean() - before[..., 1].mean()),
        "mean_db": float(after[..., 2].mean() - before[..., 2].mean()),
        "neutral_da": _shift(before, after, neutral, 1),
        "neutral_db": _shift(before, after, neutral, 2),
        "cast_neutral": _cast_offset(before, after, neutral),
        "cast_mean": _cast_offset(before, after, np.ones(before.shape[:2], bool)),
        "mean_dl": float(after[..., 0].mean() - before[..., 0].mean()),
        "crushed": float(((after[..., 0] < _BLACK) & (before[..., 0] >= _DETAIL)).mean()),
    }
    checks = [
        _check(
            "clipping",
            fig["new_clipped"],
            limits.new_clipped,
            "{v:.1%} of the photo newly clipped (limit {l:.0%}).",
        ),
        _cast_check(fig, limits),
        _check(
            "exposure",
            abs(fig["mean_dl"]),
            limits.exposure,
            "Mean lightness moved {v:.1f} L* (limit {l:g}).",
        ),
        _check(
            "shadows",
            fig["crushed"],
            limits.crushed,
            "{v:.1%} of the photo crushed to black (limit {l:.0%}).",
        ),
    ]
    for kind, names in (
        ("sky", [n for n in regions if n not in SKIN_REGIONS]),
        ("skin", [n for n in regions if n in SKIN_REGIONS]),
    ):
        weights = np.max([small[n] for n in names], axis=0) if names else None
        checks.append(_hue_check(kind, before, after, weights, limits, fig))
    visible = changed >= limits.visible_share
    checks.append(
        GuardCheck(
            "visible",
            visible,
            changed,
            limits.visible_share,
            ""
            if visible
            else f"Nothing visible changed: {changed:.1%} of the photo moved by a visible amount (mean ΔE00 {float(diff.mean()):.2f}).",
        )
    )
    return GuardReport(tuple(checks), float(diff.mean()), changed, fig)


def best_round(reports: Sequence[GuardReport], misses: Sequence[float] | None = None) -> int:
    """Index of the round to keep: harmless before harmful, then least harm, visible before
    invisible, then the smallest miss of its targets (``misses``), then the earliest."""
    if not reports:
        raise ValueError("best_round needs at least one round")
    gaps = list(misses) if misses is not None else [0.0] * len(reports)
    return min(
        range(len(reports)),
        key=lambda i: (
            not reports[i].harmless,
            reports[i].harm,
            not reports[i].visible,
            gaps[i],
            i,
        ),
    )


def _check(name: str, value: float, limit: float | None, text: str) -> GuardCheck:
    if limit is None:
        return GuardCheck(name, True, value, None)
    passed = value <= limit
    return GuardCheck(name, passed, value, limit, "" if passed else text.format(v=value, l=limit))


def _cast_check(fig: dict[str, float], limits: GuardLimits) -> GuardCheck:
    neutral = fig["cast_neutral"]
    mean = fig["cast_mean"] if limits.mean_cast else 0.0
    value = max(neutral, mean)
    which = "the most neutral areas" if neutral >= mean else "the photo's colours"
    text = f"A colour cast: {which} shifted {{v:.1f}} units of a*/b* (limit {{l:g}})."
    return _check("cast", value, limits.cast, text)


def _cast_offset(
    before: NDArray[np.float32], after: NDArray[np.float32], where: NDArray[np.bool_]
) -> float:
    """How far the colours of ``where`` shifted in one direction, in a*/b* units.

    More or less colour scales every (a*, b*) about the grey axis; a cast adds the same offset to
    all of them. Fitting ``after = k * before + offset`` over the pixels separates the two, so a
    faded or vivid look is not taken for a cast, and a white-balance shift is. A cast also moves
    the mean colour itself, so the figure is never more than that move (a photo of one hue gives
    the fit little to go on).
    """
    if not where.any():
        return 0.0
    old = before[..., 1:][where].astype(np.float64)
    new = after[..., 1:][where].astype(np.float64)
    centred = old - old.mean(axis=0)
    k = float((centred * (new - new.mean(axis=0))).sum() / max(float((centred**2).sum()), 1e-9))
    offset = new.mean(axis=0) - k * old.mean(axis=0)
    moved = new.mean(axis=0) - old.mean(axis=0)
    return float(min(np.abs(offset).max(), np.abs(moved).max()))


def _hue_check(
    kind: str,
    before: NDArray[np.float32],
    after: NDArray[np.float32],
    weights: NDArray[np.float32] | None,
    limits: GuardLimits,
    fig: dict[str, float],
) -> GuardCheck:
    limit = limits.sky_hue if kind == "sky" else limits.skin_hue
    if weights is None or limit is None or float(weights.mean()) < 0.002:
        return GuardCheck(f"{kind} hue", True, 0.0, limit)
    hue0, chroma0 = mean_hue(before, weights)
    hue1, chroma1 = mean_hue(after, weights)
    shift = hue_distance(hue0, hue1) if min(chroma0, chroma1) >= _MIN_CHROMA else 0.0
    fig[f"{kind}_hue_shift"] = shift
    if kind == "sky":
        low, high = _SKY_IMPLAUSIBLE
        left = chroma1 >= _MIN_CHROMA and low <= hue1 <= high and not low <= hue0 <= high
        where = f"into green-teal ({hue1:.0f}°)"
    else:
        low, high = _SKIN_HUES
        left = chroma1 >= _MIN_CHROMA and low <= hue0 <= high and not low <= hue1 <= high
        where = f"out of natural skin tones ({hue1:.0f}°)"
    if left:
        return GuardCheck(
            f"{kind} hue", False, max(shift, limit + 1.0), limit, f"The {kind} hue moved {where}."
        )
    text = f"The {kind} hue turned {{v:.0f}}° (limit {{l:g}}°)."
    return _check(f"{kind} hue", shift, limit, text)


def _shift(
    before: NDArray[np.float32], after: NDArray[np.float32], where: NDArray[np.bool_], channel: int
) -> float:
    if not where.any():
        return 0.0
    return float(after[..., channel][where].mean() - before[..., channel][where].mean())
