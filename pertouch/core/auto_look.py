"""The auto look behind "make it look better": scene-aware, conservative, explained.

A careful retoucher (or Lightroom's Auto) fixes what is measurably wrong and otherwise nudges; it
never flattens a scene's character. So, per region:

* **Weak moves, bounded by** :data:`WEAK_BOUND` **(0.15 level).** Colour and contrast rise only
  when a region sits below the usual range of its own kind (the 25th percentile of that kind in
  well-made photos, :mod:`pertouch.core.priors`), and then halfway to it. 0.15 is "a little" on
  the degree scale (:mod:`pertouch.core.degrees`), three times the renderer's 0.05 tolerance so
  the change is real, and well under the 0.25 of a plain "more contrast": a photo that was fine
  stays close to itself. Nothing is ever pulled down towards a prior, so a saturated sunset and a
  deep-blue sky keep what makes them. Faces too dark for their kind are lifted the same way.
* **Measured needs, bounded by** :data:`NEED_BOUND` **(0.5 level, about one stop).** Exposure moves
  only when the histogram shows the photo under- or over-exposed, white balance only when
  near-neutral content (sky and people left out) carries a consistent cast, and then by
  :data:`CAST_CORRECTION` of it, so the light's mood survives. A stop is the most a one-click fix
  should risk without a person asking.
* **Character is protected.** A dark, blue scene is dusk or night and is not brightened or warmed;
  a warm sky is a sunset and its warmth is not corrected; a misty, low-contrast scene keeps its
  softness; a black-and-white photo keeps its (absent) colour.

:func:`plan_auto` is the pure decision on measured numbers; :func:`auto_look` measures a photo
and its region masks and calls it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES, Attribute
from pertouch.core.auto_moves import GLOBAL, AutoLook, Cast, Exposure, RegionLook
from pertouch.core.colour import luminance_of_lightness
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.photo_stats import PhotoStats, measure_photo
from pertouch.core.priors import PriorKind, RegionPriors, default_priors, prior_kind

WEAK_BOUND = 0.15
NEED_BOUND = 0.5
#: Weak moves go this share of the way to the edge of the kind's usual range.
APPROACH = 0.5
#: Weak moves smaller than the renderer's tolerance are noise, not a look: they are dropped.
MIN_MOVE = 0.05
#: Share of a measured cast that is corrected (in mireds): enough to clean greys, not to neutralise.
CAST_CORRECTION = 0.6
#: A cast is read off the photo's most neutral content (:func:`pertouch.core.photo_stats.most_neutral`):
#: at least 30% of the photo must be content that could be neutral, its least chromatic tenth must
#: be near grey (C*ab at most 12: a pale-yellow wood or a cat's fur is not a grey under a cast) yet
#: at least 6 b* units off the axis, 80% of it on the same side.
CAST_MIN_SHARE, CAST_MAX_CHROMA, CAST_MIN_B, CAST_MIN_AGREEMENT = 0.30, 12.0, 6.0, 0.80
#: Under-exposed: nothing reaches L* 80 and the mean is below 35; lifted until the 99th percentile
#: reaches L* 82 or the mean L* 50, at most one stop.
UNDER_TOP, UNDER_MEAN, UNDER_TARGET_TOP, UNDER_TARGET_MEAN = 80.0, 35.0, 82.0, 50.0
#: Over-exposed: over 3% blown and a mean above L* 70; lowered until the mean is L* 62.
OVER_CLIPPED, OVER_MEAN, OVER_TARGET_MEAN = 0.03, 70.0, 62.0
#: Dusk or night: a dark (mean L* under 38) and blue (mean b* under -6) photo.
DUSK_MEAN, DUSK_B = 38.0, -6.0
#: Misty: the tones span less than 70 L* and the photo is smoother than most regions.
MISTY_RANGE = 70.0
_D65 = 6504.0
#: People regions whose brightness may be lifted: skin. Hair and clothes are as dark as they are.
_SKIN = frozenset({"face", "face skin", "skin", "body skin"})
_MIN_SHARE = 0.002


@dataclass(frozen=True)
class RegionMeasure:
    """One region as measured: its kind, raw metrics ``(4,)`` and share of the photo."""

    kind: PriorKind
    raw: NDArray[np.float64]
    share: float


def auto_look(
    image: NDArray[np.generic],
    masks: Mapping[str, NDArray[np.generic]] | None = None,
    scale: LevelScale | None = None,
    priors: RegionPriors | None = None,
) -> AutoLook:
    """The auto look of a photo with (optionally) its semantic region masks.

    Args:
        image: ``(H, W, 3)`` uint8 or uint16 RGB.
        masks: region name to ``(H, W)`` mask; names map to kinds by
            :func:`pertouch.core.priors.prior_kind` (the segmenter's "sky", "face", ...). What
            no mask covers becomes the region ``global``.
    """
    from pertouch.core.metrics import mask_to_float, measure_raw

    scale = scale or default_scale()
    priors = priors or default_priors()
    named = {n: m for n, m in (masks or {}).items() if n != GLOBAL}
    own = {n: m for n, m in named.items() if prior_kind(n) in ("sky", "people")}
    stats = measure_photo(image, own)
    whole = np.full(image.shape[:2], 255, np.uint8)
    covered = (
        np.maximum.reduce([mask_to_float(m) for m in named.values()])
        if named
        else np.zeros(image.shape[:2], np.float32)
    )
    rest = np.clip(1.0 - covered, 0.0, 1.0).astype(np.float32)
    regions = {**named, GLOBAL: rest} if float(rest.mean()) >= _MIN_SHARE else dict(named)
    shares = {n: float(mask_to_float(m).mean()) for n, m in regions.items()}
    regions = {n: m for n, m in regions.items() if shares[n] >= _MIN_SHARE}
    raw = measure_raw(image, {"(whole)": whole, **regions})
    measures = {
        n: RegionMeasure("other" if n == GLOBAL else prior_kind(n), raw[n], shares[n])
        for n in regions
    }
    return plan_auto(measures, raw["(whole)"], stats, scale, priors)


def resolve_auto(
    state: AdjustmentState,
    image: NDArray[np.generic],
    masks: Mapping[str, NDArray[np.generic]],
    scale: LevelScale | None = None,
) -> AdjustmentState:
    """``state`` with its auto look computed when the baseline is "auto" and it has none yet.

    Renderers call this so a state written by hand (``{"baseline": "auto"}``) renders the photo's
    auto look; the agent computes the look itself, with the segmenter's regions, and stores it.
    """
    if state.baseline != "auto" or state.auto is not None:
        return state
    return state.with_auto(auto_look(image, masks, scale))


def plan_auto(
    regions: Mapping[str, RegionMeasure],
    whole: NDArray[np.float64],
    stats: PhotoStats,
    scale: LevelScale,
    priors: RegionPriors,
) -> AutoLook:
    """Bounded per-region moves, each with its reason, from measured numbers alone.

    Args:
        regions: region name to its measure.
        whole: raw metrics ``(4,)`` of the whole photo.
        stats: photo-wide statistics (:func:`pertouch.core.photo_stats.measure_photo`).
    """
    character = _character(regions, whole, stats, scale, priors)
    exposure, stops, exposure_note = _exposure(stats, character)
    cast, mireds, cast_note = _cast(stats, character)
    looks = tuple(
        _region_look(name, m, scale, priors, stops, mireds, character)
        for name, m in regions.items()
    )
    notes = tuple(n for n in (exposure_note, cast_note) if n)
    if character:
        notes += (f"Kept the scene's character: {', '.join(character)}.",)
    return AutoLook(looks, exposure, cast, character, notes)


def _character(
    regions: Mapping[str, RegionMeasure],
    whole: NDArray[np.float64],
    stats: PhotoStats,
    scale: LevelScale,
    priors: RegionPriors,
) -> tuple[str, ...]:
    found = []
    if stats.mean_lightness < DUSK_MEAN and stats.mean_b < DUSK_B:
        found.append("dusk or night")
    sky = priors.kinds["sky"]
    for m in regions.values():
        if m.kind == "sky" and m.share >= 0.05:
            warm = scale.to_level(m.raw, clip=False)[Attribute.TEMPERATURE.channel]
            if warm > sky.percentile(scale, Attribute.TEMPERATURE, 90.0):
                found.append("warm sky")
                break
    contrast = scale.to_level(whole, clip=False)[Attribute.CONTRAST.channel]
    tonal_range = stats.percentile(99.0) - stats.percentile(1.0)
    usual = priors.kinds["other"].percentile(scale, Attribute.CONTRAST, 10.0)
    if tonal_range < MISTY_RANGE and contrast < usual:
        found.append("misty and soft")
    if stats.monochrome:
        found.append("black and white")
    return tuple(found)


def _exposure(stats: PhotoStats, character: tuple[str, ...]) -> tuple[Exposure, float, str]:
    """Stops of exposure the photo measurably needs (0 when it does not), and why."""
    top, mean = stats.percentile(99.0), stats.mean_lightness
    if top < UNDER_TOP and mean < UNDER_MEAN:
        if "dusk or night" in character:
            return "ok", 0.0, ""
        stops = min(
            _stops(top, UNDER_TARGET_TOP), _stops(mean, UNDER_TARGET_MEAN), 1.0
        )  # never past one stop
        note = (
            f"Under-exposed (mean L* {mean:.0f}, brightest 1% below L* {top:.0f}): "
            f"lifted about {stops:.1f} stop."
        )
        return "under", stops, note
    if stats.clipped > OVER_CLIPPED and mean > OVER_MEAN:
        stops = max(_stops(mean, OVER_TARGET_MEAN), -1.0)
        note = (
            f"Over-exposed (mean L* {mean:.0f}, {stats.clipped:.0%} blown): "
            f"lowered about {-stops:.1f} stop."
        )
        return "over", stops, note
    return "ok", 0.0, ""


def _stops(lightness: float, target: float) -> float:
    """Stops that move a lightness to the target (positive brightens)."""
    ratio = luminance_of_lightness(target) / max(float(luminance_of_lightness(lightness)), 1e-4)
    return float(np.log2(ratio))


def _cast(stats: PhotoStats, character: tuple[str, ...]) -> tuple[Cast, float, str]:
    """The mired shift that corrects a measured cast on near-neutral content (0: none), and why."""
    if (
        stats.monochrome
        or stats.neutral_share < CAST_MIN_SHARE
        or stats.neutral_chroma > CAST_MAX_CHROMA
        or abs(stats.neutral_b) < CAST_MIN_B
        or stats.neutral_agreement < CAST_MIN_AGREEMENT
    ):
        return "", 0.0, ""
    cast: Cast = "warm" if stats.neutral_b > 0 else "cool"
    if cast == "warm" and "warm sky" in character:
        return "", 0.0, ""
    if cast == "cool" and "dusk or night" in character:
        return "", 0.0, ""
    shift = CAST_CORRECTION * (1e6 / stats.neutral_cct - 1e6 / _D65)
    note = (
        f"A {cast} cast on the most neutral areas (b* {stats.neutral_b:+.1f}, "
        f"about {stats.neutral_cct:,.0f} K): "
        f"{'cooled' if cast == 'warm' else 'warmed'} by {CAST_CORRECTION:.0%} of it."
    )
    return cast, float(shift), note


def _region_look(
    name: str,
    m: RegionMeasure,
    scale: LevelScale,
    priors: RegionPriors,
    stops: float,
    mireds: float,
    character: tuple[str, ...],
) -> RegionLook:
    levels = scale.to_level(m.raw, clip=False)
    prior = priors.kinds[m.kind]
    deltas = [0.0] * NUM_ATTRIBUTES
    reasons = [""] * NUM_ATTRIBUTES
    for attribute in ATTRIBUTES:
        c = attribute.channel
        delta, reason = _weak(
            attribute, m.kind, name, float(levels[c]), prior.levels(scale)[c], character
        )
        if attribute is Attribute.BRIGHTNESS and stops:
            moved = _brightness_after(m.raw[c], stops)
            need = float(scale.to_level(_with(m.raw, c, moved), clip=False)[c] - levels[c])
            delta = float(np.clip(delta + need, -NEED_BOUND, NEED_BOUND))
            reason = f"exposure {'lifted' if stops > 0 else 'lowered'} {abs(stops):.1f} stop"
        if attribute is Attribute.TEMPERATURE and mireds:
            cct = -m.raw[c]
            moved = -1e6 / max(1e6 / cct - mireds, 1e6 / 40_000.0)
            need = float(scale.to_level(_with(m.raw, c, moved), clip=False)[c] - levels[c])
            delta = float(np.clip(need, -NEED_BOUND, NEED_BOUND))
            reason = f"white balance: {'cooled' if mireds > 0 else 'warmed'} to ease the cast"
        deltas[c], reasons[c] = round(delta, 4), reason
    return RegionLook(name, m.kind, tuple(deltas), tuple(reasons))


def _weak(
    attribute: Attribute,
    kind: PriorKind,
    region: str,
    level: float,
    percentiles: NDArray[np.float64],
    character: tuple[str, ...],
) -> tuple[float, str]:
    """A bounded nudge of one attribute towards its kind's usual range, or none, and why."""
    low, high90 = float(percentiles[1]), float(percentiles[4])
    label = f"{attribute.value} {level:+.2f}"
    if attribute is Attribute.TEMPERATURE:
        return 0.0, "white balance kept: no cast measured on neutral content"
    if attribute in (Attribute.COLORFULNESS, Attribute.CONTRAST):
        if "misty and soft" in character:
            return 0.0, f"{label}: kept soft (misty scene)"
        if attribute is Attribute.COLORFULNESS and "black and white" in character:
            return 0.0, "black and white: colour left alone"
        if kind == "people" and attribute is Attribute.COLORFULNESS and level > high90:
            move = _bounded(level - high90)
            if move:
                return -move, f"{label}: above natural skin and clothes ({high90:+.2f}), toned down"
        if level < low and _bounded(low - level):
            return _bounded(
                low - level
            ), f"{label}: below the usual {kind} range ({low:+.2f}), raised"
        return 0.0, f"{label}: within the usual {kind} range, kept"
    if kind == "people" and region in _SKIN and level < low and _bounded(low - level):
        return _bounded(
            low - level
        ), f"{label}: darker than people usually are ({low:+.2f}), lifted"
    return 0.0, f"{label}: exposure fine, kept"


def _bounded(gap: float) -> float:
    """A weak move that closes part of ``gap``: at most :data:`WEAK_BOUND`, 0 below :data:`MIN_MOVE`."""
    move = min(WEAK_BOUND, APPROACH * gap)
    return round(move, 4) if move >= MIN_MOVE else 0.0


def _brightness_after(raw: float, stops: float) -> float:
    """HSP brightness after ``stops`` of exposure (encoded values scale by 2^(stops/2.2)).

    Brightening eases into white as the renderer's highlight shoulder does.
    """
    moved = raw * 2.0 ** (stops / 2.2)
    if stops > 0 and moved > 0.8:
        moved = 0.8 + 0.2 * (1.0 - np.exp(-(moved - 0.8) / 0.2))
    return float(max(moved, raw) if stops > 0 else moved)


def _with(raw: NDArray[np.float64], channel: int, value: float) -> NDArray[np.float64]:
    out = np.array(raw, dtype=np.float64)
    out[channel] = value
    return out
