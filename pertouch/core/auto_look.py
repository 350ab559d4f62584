"""The auto look behind "make it look better": scene-aware, conservative, explained.

A careful retoucher (or Lightroom's Auto) fixes what is measurably wrong and otherwise nudges; it
never flattens a scene's character. So, per region:

* **Weak moves, bounded by** :data:`WEAK_BOUND` **(0.15 level) and** :data:`PUNCH_BOUND` **(0.25).**
  Colour (and, on textured regions, contrast) rises only when a region sits below the median of
  its own kind in well-made photographs (:mod:`pertouch.core.priors`), and then halfway towards
  it, by at most 0.25, the degree of a plain "more contrast" (:mod:`pertouch.core.degrees`); a
  region within its kind's usual range gets a :data:`TOUCH` of 0.2. Smaller steps do not show:
  with 0.15 and 0.1, 21 of 46 dev photos changed visibly on less than 1% of their pixels, which
  "make it look better" must not answer with. Nothing is pulled down towards a prior, so a
  saturated sunset and a deep-blue sky keep what makes them; grey content is not coloured; tones
  near white are not boosted into clipping; the renderer holds the touch to a small move of the
  mean colour (:mod:`pertouch.backbone.colour_budget`). Faces darker than people usually are, and
  photos a little dark, are lifted by at most 0.15 ("a little"): brightness shows at once.
* **Measured needs, bounded by** :data:`NEED_BOUND` **(0.5 level, about one stop).** Exposure moves
  further only when the histogram shows the photo under- or over-exposed, white balance only when
  near-neutral content carries a consistent cast (:mod:`pertouch.core.scene_reading`). A stop is
  the most a one-click fix should risk without a person asking.
* **Character is protected.** Dusk and night are not brightened or contrasted, a warm sky's warmth is not
  corrected, a misty scene keeps its softness, a black-and-white photo its (absent) colour.

:func:`plan_auto` is the pure decision on measured numbers; :func:`auto_look` measures a photo and
its region masks and calls it.

It is longer than 300 lines because each attribute's bounded move and its reason are written
side by side, so the rule and the words that explain it cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES, Attribute
from pertouch.core.auto_moves import GLOBAL, AutoLook, RegionLook
from pertouch.core.colour import chroma, lab_of_rgb
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.photo_stats import PhotoStats, measure_photo
from pertouch.core.priors import PriorKind, RegionPriors, default_priors, prior_kind
from pertouch.core.scene_reading import SceneReading, read_scene

WEAK_BOUND = 0.15
PUNCH_BOUND = 0.25
NEED_BOUND = 0.5
#: Weak moves go this share of the way to the kind's median.
APPROACH = 0.5
#: Weak moves smaller than the renderer's tolerance are noise, not a look: they are dropped.
MIN_MOVE = 0.05
#: A region already between its kind's median and 75th percentile still gets a touch (0.2 level,
#: about a fifth more colourfulness) of colour or texture, as Lightroom's Auto adds vibrance to a
#: well-made photo: enough to show (the guards' visible measure; 0.1 did not), too little to change
#: its character. Above the 75th percentile a region is already rich and is left alone.
TOUCH = 0.2
#: A region with more than 2% of its pixels within 5% of the top (a channel at 242 of 255 or
#: above) gets no contrast or colour boost: the renderer's curves would push those to the edge.
NEAR_TOP, MAX_NEAR_TOP = 242.0 / 255.0, 0.02
_REACH = 8  # analysis pixels around a region counted for NEAR_TOP
#: A region whose mean C*ab is under 8 is grey content (an overcast sky, concrete, a grey wall):
#: more colour would only tint it.
GREY_CHROMA = 8.0
#: Kinds whose contrast may be raised: textured surfaces. Skies and water are smooth by nature,
#: and "other" (the subject, what no mask covers) mixes smooth and textured parts; a contrast
#: curve solved for such a region differs from its neighbours' and shows as a seam across smooth
#: gradients (seen on dusk skies and fog).
TEXTURED = frozenset({"vegetation", "ground", "buildings", "people"})
#: A colour boost may move a region's mean a*/b* by at most this many units: more reads as a cast
#: (the do-no-harm guard allows 3 on the whole photo).
MAX_COLOUR_SHIFT = 2.0
#: People regions whose brightness may be lifted: skin. Hair and clothes are as dark as they are.
_SKIN = frozenset({"face", "face skin", "skin", "body skin"})
_MIN_SHARE = 0.002


@dataclass(frozen=True)
class RegionMeasure:
    """One region as measured.

    Attributes:
        kind: the kind of prior it is judged against.
        raw: raw metrics ``(4,)``.
        share: the share of the photo it covers.
        near_top: the share of its pixels (and those just around it) with a channel at
            :data:`NEAR_TOP` or above.
        chroma: its mean C*ab.
        mean_colour: the length of its mean (a*, b*): how far more colour moves its average.
    """

    kind: PriorKind
    raw: NDArray[np.float64]
    share: float
    near_top: float = 0.0
    chroma: float = 100.0
    mean_colour: float = 0.0


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
    from pertouch.core.metrics import analysis_view, mask_to_float, measure_raw

    scale = scale or default_scale()
    priors = priors or default_priors()
    named = {n: m for n, m in (masks or {}).items() if n != GLOBAL}
    own = {n: m for n, m in named.items() if prior_kind(n) in ("sky", "people")}
    stats = measure_photo(image, own)
    covered = (
        np.maximum.reduce([mask_to_float(m) for m in named.values()])
        if named
        else np.zeros(image.shape[:2], np.float32)
    )
    regions = {**named, GLOBAL: np.clip(1.0 - covered, 0.0, 1.0).astype(np.float32)}
    shares = {n: float(mask_to_float(m).mean()) for n, m in regions.items()}
    regions = {n: m for n, m in regions.items() if shares[n] >= _MIN_SHARE}
    whole = np.full(image.shape[:2], 255, np.uint8)
    raw = measure_raw(image, {"(whole)": whole, **regions})
    rgb, small = analysis_view(image, regions)
    top = (rgb.max(axis=2) >= NEAR_TOP).astype(np.float32)
    lab = lab_of_rgb(rgb)
    colour = chroma(lab)

    def mean(values: NDArray[np.float32], name: str) -> float:
        return float((small[name] * values).sum() / max(float(small[name].sum()), 1e-6))

    def near_top(name: str) -> float:
        # the renderer's strengths reach a little past a mask's edge: look there too
        around = cv2.dilate(small[name], np.ones((2 * _REACH + 1,) * 2, np.uint8))
        return float((around * top).sum() / max(float(around.sum()), 1e-6))

    measures = {
        n: RegionMeasure(
            "other" if n == GLOBAL else prior_kind(n),
            raw[n],
            shares[n],
            near_top(n),
            mean(colour, n),
            float(np.hypot(mean(lab[..., 1], n), mean(lab[..., 2], n))),
        )
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
    reading = read_scene(regions, whole, stats, scale, priors)
    looks = tuple(_region_look(n, m, scale, priors, reading) for n, m in regions.items())
    return AutoLook(looks, reading.exposure, reading.cast, reading.character, reading.notes)


def _region_look(
    name: str, m: RegionMeasure, scale: LevelScale, priors: RegionPriors, reading: SceneReading
) -> RegionLook:
    levels = scale.to_level(m.raw, clip=False)
    percentiles = priors.kinds[m.kind].levels(scale)
    deltas, reasons = [0.0] * NUM_ATTRIBUTES, [""] * NUM_ATTRIBUTES
    for attribute in ATTRIBUTES:
        c = attribute.channel
        level = float(levels[c])
        if attribute is Attribute.TEMPERATURE:
            delta, reason = _white_balance(m, scale, level, reading.mireds)
        elif attribute is Attribute.BRIGHTNESS:
            # a region that gains contrast is not also opened: the two together push its
            # light colours into clipping (seen on saturated cups on a table)
            opens = reading.lift_room and deltas[Attribute.CONTRAST.channel] == 0.0
            delta, reason = _brightness(name, m, scale, level, percentiles[c], reading, opens)
        else:
            delta, reason = _boost(attribute, m, scale, level, percentiles[c], reading)
        deltas[c], reasons[c] = round(delta, 4), reason
    return RegionLook(name, m.kind, tuple(deltas), tuple(reasons))


def _boost(
    attribute: Attribute,
    m: RegionMeasure,
    scale: LevelScale,
    level: float,
    percentiles: NDArray[np.float64],
    reading: SceneReading,
) -> tuple[float, str]:
    """Colour or contrast: a bounded rise towards the kind's median, a touch within its usual
    range, or nothing, and why."""
    character = reading.character
    median, high = float(percentiles[2]), float(percentiles[4])
    label = f"{attribute.value} {level:+.2f}"
    colour = attribute is Attribute.COLORFULNESS
    if "misty and soft" in character:
        return 0.0, f"{label}: kept soft (misty scene)"
    if colour and "black and white" in character:
        return 0.0, "black and white: colour left alone"
    # colour's headroom is judged on the region and just around it (m.near_top), not on the
    # whole photo: a bright sky elsewhere leaves a meadow's colour as much room as it had (the
    # photo-wide rule left 9 of 46 dev photos untouched, lakes and meadows under bright sky)
    room = m.near_top <= MAX_NEAR_TOP
    stretch = not colour and reading.compressed and room and m.kind == "other"
    if not colour and m.kind not in TEXTURED and not stretch:
        return 0.0, f"{label}: {m.kind} kept smooth (a boost would band at its edges)"
    if not colour and "dusk or night" in character:
        return 0.0, f"{label}: kept (dusk or night)"
    if not colour and "bright and near clipping" in character:
        # contrast pushes the lit areas beside a region too (the curve's feather reaches past
        # its mask): with a fifth of the photo near white a grey still life's lamps blew 1.3%
        return 0.0, f"{label}: kept, no headroom (much of the photo is near white)"
    if colour and m.kind == "people" and _bounded(level - high):
        return -_bounded(level - high), f"{label}: above natural skin and clothes, toned down"
    move, why = (
        _bounded(median - level, PUNCH_BOUND),
        f"below the {m.kind} median ({median:+.2f}), raised",
    )
    if not move and room and level < float(percentiles[3]):
        move, why = TOUCH, f"in the usual {m.kind} range, a touch more"
    if move < TOUCH and not colour and reading.compressed and room:
        move, why = TOUCH, "tones compressed, a touch more"
    if not move and not room:
        return 0.0, f"{label}: {m.near_top:.0%} of it near white, a boost would clip; kept"
    if not move:
        return 0.0, f"{label}: in the upper {m.kind} range ({float(percentiles[3]):+.2f}), kept"
    if colour and m.chroma < GREY_CHROMA:
        return 0.0, f"{label}: grey content (C* {m.chroma:.0f}), kept grey"
    if m.near_top > MAX_NEAR_TOP:
        return 0.0, f"{label}: {m.near_top:.0%} of it near white, a boost would clip; kept"
    if colour and m.mean_colour > 0:
        # colourfulness grows with chroma: cap the gain so the mean colour moves <= 2 units
        c = attribute.channel
        gain = 1.0 + MAX_COLOUR_SHIFT / m.mean_colour
        ceiling = float(scale.to_level(_with(m.raw, c, float(m.raw[c]) * gain), clip=False)[c])
        move = round(min(move, ceiling - level), 4)
        if move < MIN_MOVE:
            return 0.0, f"{label}: more colour would shift its tint; kept"
    return move, f"{label}: {why}"


def _brightness(
    name: str,
    m: RegionMeasure,
    scale: LevelScale,
    level: float,
    percentiles: NDArray[np.float64],
    reading: SceneReading,
    opens: bool = True,
) -> tuple[float, str]:
    """Exposure from the reading, a touch of shadow/highlight balance (dark regions opened only
    when ``opens``), and a lift for skin darker than people usually are."""
    c = Attribute.BRIGHTNESS.channel
    delta, reason = 0.0, f"brightness {level:+.2f}: exposure fine, kept"
    if reading.stops:
        moved = _brightness_after(float(m.raw[c]), reading.stops)
        delta = float(scale.to_level(_with(m.raw, c, moved), clip=False)[c] - level)
        bound = WEAK_BOUND if reading.weak_stops else NEED_BOUND
        delta = float(np.clip(delta, -bound, bound))
        verb = "lifted" if reading.stops > 0 else "lowered"
        reason = f"exposure {verb} {abs(reading.stops):.2f} stop"
    elif "dusk or night" not in reading.character:
        delta, reason = _balance(m, level, percentiles, reason, opens)
    median = float(percentiles[2])
    if m.kind == "people" and name in _SKIN and _bounded(median - level - delta):
        lift = _bounded(median - level - delta)
        delta += lift
        reason = f"brightness {level:+.2f}: darker than people usually are ({median:+.2f}), lifted"
    return delta, reason


def _balance(
    m: RegionMeasure, level: float, percentiles: NDArray[np.float64], kept: str, lift_room: bool
) -> tuple[float, str]:
    """A touch of shadow balance, as a retoucher's shadows slider.

    A region darker than three quarters of its kind is opened a touch. Skies are never lifted (a
    dark sky is weather, not a flaw). Nothing is darkened: pulling down a bright region near white
    turned blown lamps and highlights into flat grey patches (seen on a lamp and a water drop).
    """
    low = float(percentiles[1])
    if level < low and m.kind != "sky" and lift_room and m.near_top <= MAX_NEAR_TOP:
        return (
            TOUCH,
            f"brightness {level:+.2f}: darker than most {m.kind} ({low:+.2f}), opened a touch",
        )
    return 0.0, kept


def _white_balance(
    m: RegionMeasure, scale: LevelScale, level: float, mireds: float
) -> tuple[float, str]:
    """The reading's white-balance shift as this region's temperature move."""
    if not mireds:
        return 0.0, "white balance kept: no cast measured on neutral content"
    c = Attribute.TEMPERATURE.channel
    cct = -float(m.raw[c])
    moved = -1e6 / max(1e6 / cct - mireds, 1e6 / 40_000.0)
    delta = float(scale.to_level(_with(m.raw, c, moved), clip=False)[c] - level)
    verb = "cooled" if mireds > 0 else "warmed"
    return float(np.clip(delta, -NEED_BOUND, NEED_BOUND)), f"white balance {verb} to ease the cast"


def _bounded(gap: float, bound: float = WEAK_BOUND) -> float:
    """A weak move closing part of ``gap``: at most ``bound``, 0 below :data:`MIN_MOVE`."""
    move = min(bound, APPROACH * gap)
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
