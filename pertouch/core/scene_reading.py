"""Reading a photo before the auto look touches it: its character, its exposure, its white balance.

The auto look (:mod:`pertouch.core.auto_look`) must tell a flaw from a choice. A dark blue photo is
dusk, not an under-exposure; a warm sky is a sunset, not a cast; a soft grey scene is mist, not a
flat photo. This module turns photo statistics and region measures into that reading, with a
sentence for every finding, and into the two photo-wide corrections the look may make: stops of
exposure and a white-balance shift in mireds.

Thresholds are in CIELAB, where one unit is about one just-noticeable step; they were set on the
corpus's dev photos and are documented next to each constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import Attribute
from pertouch.core.auto_moves import Cast, Exposure
from pertouch.core.colour import luminance_of_lightness
from pertouch.core.levels import LevelScale
from pertouch.core.photo_stats import PhotoStats
from pertouch.core.priors import RegionPriors

#: Under-exposed: nothing reaches L* 80 and the mean is below 35. Lifted until the brightest 1%
#: reaches L* 82 or the mean L* 50, at most one stop: a measured need.
UNDER_TOP, UNDER_MEAN, UNDER_TARGET_TOP, UNDER_TARGET_MEAN = 80.0, 35.0, 82.0, 50.0
#: A little dark: mean under L* 42 with the brightest 1% under L* 92. Lifted towards a mean of 48
#: without the brightest 1% passing L* 92, within the weak bound: a nudge, not a need.
DARKISH_MEAN, DARKISH_TOP, DARKISH_TARGET_MEAN = 45.0, 92.0, 48.0
#: Brightening stops before the brightest 1% of channel values pass 0.98: exposure scales encoded
#: values by about 2^(stops/2.2), and a channel pushed past the top clips.
HEADROOM = 0.98
#: A photo with more than a fifth of its pixels near white (a channel at 242 of 255 or above) has
#: no room for more contrast anywhere: the curves push those pixels into clipping, in the
#: region and around it.
CROWDED_TOP = 0.2
#: Compressed tones: the darkest and brightest 1% lie less than 75 L* apart (a well-made photo
#: spans 85 or more), so a touch of contrast stretches them; misty scenes are soft on purpose.
COMPRESSED_RANGE = 75.0
#: Optional touches (:data:`pertouch.core.auto_look.TOUCH`) need headroom: with more than a tenth
#: of the photo near white (a channel at 242 of 255 or above), even a touch of contrast or colour
#: pushes some of it, in the region or just around it, into clipping.
TOUCH_NEAR_WHITE = 0.1
#: Opening a dark region a touch brightens its surroundings a little too (the renderer feathers
#: its strengths past the mask's edge): only done with almost nothing near white (3%).
LIFT_NEAR_WHITE = 0.03
#: Over-exposed: over 3% of the photo blown and a mean above L* 70; lowered to a mean of L* 62.
OVER_CLIPPED, OVER_MEAN, OVER_TARGET_MEAN = 0.03, 70.0, 62.0
#: Dusk or night: a dark (mean L* under 38) and blue (mean b* under -6) photo whose brightest 1%
#: stays below L* 85. A deep-blue daytime sky is as dark and blue on average, but its sunlit clouds
#: reach higher (a test photo's: L* 88.8); dusk light does not (the dev dusk photos: 77.6 and 77.8,
#: so 85 leaves them a margin).
DUSK_MEAN, DUSK_B, DUSK_TOP = 38.0, -6.0, 85.0
#: Misty: the tones span less than 70 L* and the photo is smoother than 90% of regions.
MISTY_RANGE = 70.0
#: A cast is read off the photo's most neutral content (:func:`pertouch.core.photo_stats.most_neutral`):
#: at least 30% of the photo must be content that could be neutral, its least chromatic tenth at
#: least 6 b* units off the axis, 80% of it on the same side. That tenth must be near grey (C*ab
#: at most 12) or, for a strong cast (up to 20), the photo must keep colours on the far side of
#: the tint (2% of it): a pale-yellow wood or a cat's fur is a material, not a grey under a cast.
CAST_MIN_SHARE, CAST_MIN_B, CAST_MIN_AGREEMENT = 0.30, 6.0, 0.80
CAST_MAX_CHROMA, STRONG_CAST_MAX_CHROMA, STRONG_CAST_CONTRARY = 12.0, 20.0, 0.02
#: A white-balance (temperature) move shifts greys along the blue-amber axis only. A tint whose
#: green-magenta part (a*) outweighs its blue-amber part (b*) is not a cast it can ease: on real
#: photos it is the content's own colour (dark foliage bokeh behind a dahlia read as "cool",
#: a* -15, b* -10), and warming it tinted the photo and clipped its bright subject.
CAST_MAX_TINT_RATIO = 1.0
#: Share of a measured cast that is corrected (in mireds): enough to clean greys, not to neutralise
#: the light's mood.
CAST_CORRECTION = 0.6
_D65 = 6504.0


class Measured(Protocol):
    """What the reading needs of a region (see :class:`pertouch.core.auto_look.RegionMeasure`)."""

    @property
    def kind(self) -> str: ...
    @property
    def raw(self) -> NDArray[np.float64]: ...
    @property
    def share(self) -> float: ...


@dataclass(frozen=True)
class SceneReading:
    """What the photo is and what it needs, photo-wide.

    Attributes:
        character: what must be kept ("dusk or night", "warm sky", "misty and soft",
            "black and white", "bright and near clipping").
        exposure: "under" or "over" when measured so.
        stops: exposure change to make (0: none); ``weak_stops`` marks a nudge bounded like
            the other weak moves rather than a measured need.
        cast: "warm" or "cool" when a cast on neutral content is corrected.
        mireds: the white-balance shift that corrects it (positive cools).
        notes: one sentence per finding.
        headroom: whether optional touches are safe (little of the photo near white).
        compressed: whether the tones span too little (:data:`COMPRESSED_RANGE`).
        lift_room: whether a dark region may be opened (:data:`LIFT_NEAR_WHITE`).
    """

    character: tuple[str, ...] = ()
    exposure: Exposure = "ok"
    stops: float = 0.0
    weak_stops: bool = False
    cast: Cast = ""
    mireds: float = 0.0
    notes: tuple[str, ...] = ()
    headroom: bool = True
    compressed: bool = False
    lift_room: bool = False


def read_scene(
    regions: Mapping[str, Measured],
    whole: NDArray[np.float64],
    stats: PhotoStats,
    scale: LevelScale,
    priors: RegionPriors,
) -> SceneReading:
    """The reading of one photo from its statistics and measured regions."""
    character = _character(regions, whole, stats, scale, priors)
    exposure, stops, weak, exposure_note = _exposure(stats, character)
    cast, mireds, cast_note = _cast(stats, character)
    notes = tuple(n for n in (exposure_note, cast_note) if n)
    if character:
        notes += (f"Kept the scene's character: {', '.join(character)}.",)
    headroom = stats.near_white <= TOUCH_NEAR_WHITE
    tonal_range = stats.percentile(99.0) - stats.percentile(1.0)
    compressed = tonal_range < COMPRESSED_RANGE and "misty and soft" not in character
    if compressed and headroom and "dusk or night" not in character:
        notes += (f"Tones span only {tonal_range:.0f} L*: a touch more contrast.",)
    return SceneReading(
        character,
        exposure,
        stops,
        weak,
        cast,
        mireds,
        notes,
        headroom,
        compressed,
        stats.near_white <= LIFT_NEAR_WHITE,
    )


def _character(
    regions: Mapping[str, Measured],
    whole: NDArray[np.float64],
    stats: PhotoStats,
    scale: LevelScale,
    priors: RegionPriors,
) -> tuple[str, ...]:
    found = []
    if (
        stats.mean_lightness < DUSK_MEAN
        and stats.mean_b < DUSK_B
        and stats.percentile(99.0) < DUSK_TOP
    ):
        found.append("dusk or night")
    warmest_sky = priors.kinds["sky"].percentile(scale, Attribute.TEMPERATURE, 90.0)
    for m in regions.values():
        if m.kind == "sky" and m.share >= 0.05:
            if scale.to_level(m.raw, clip=False)[Attribute.TEMPERATURE.channel] > warmest_sky:
                found.append("warm sky")
                break
    contrast = scale.to_level(whole, clip=False)[Attribute.CONTRAST.channel]
    tonal_range = stats.percentile(99.0) - stats.percentile(1.0)
    smooth = priors.kinds["other"].percentile(scale, Attribute.CONTRAST, 10.0)
    if tonal_range < MISTY_RANGE and contrast < smooth:
        found.append("misty and soft")
    if stats.monochrome:
        found.append("black and white")
    if stats.near_white > CROWDED_TOP:
        found.append("bright and near clipping")
    return tuple(found)


def _exposure(stats: PhotoStats, character: tuple[str, ...]) -> tuple[Exposure, float, bool, str]:
    """(exposure, stops, weak, sentence): the exposure the photo measurably needs."""
    top, mean = stats.percentile(99.0), stats.mean_lightness
    dark_scene = "dusk or night" in character
    room = 2.2 * float(np.log2(HEADROOM / max(stats.top_channel, 1e-3)))
    if top < UNDER_TOP and mean < UNDER_MEAN and not dark_scene:
        stops = min(_stops(top, UNDER_TARGET_TOP), _stops(mean, UNDER_TARGET_MEAN), 1.0, room)
        if stops < 0.05:
            return (
                "ok",
                0.0,
                False,
                (
                    f"Dark (mean L* {mean:.0f}) but its brightest colours are at the top of the "
                    "range: not brightened, it would clip them."
                ),
            )
        return (
            "under",
            stops,
            False,
            f"Under-exposed (mean L* {mean:.0f}, brightest 1% below L* {top:.0f}): "
            f"lifted about {stops:.1f} stop.",
        )
    if stats.clipped > OVER_CLIPPED and mean > OVER_MEAN:
        stops = max(_stops(mean, OVER_TARGET_MEAN), -1.0)
        return (
            "over",
            stops,
            False,
            f"Over-exposed (mean L* {mean:.0f}, {stats.clipped:.0%} blown): "
            f"lowered about {-stops:.1f} stop.",
        )
    if mean < DARKISH_MEAN and top < DARKISH_TOP and not dark_scene:
        stops = min(_stops(top, DARKISH_TOP), _stops(mean, DARKISH_TARGET_MEAN), 0.5, room)
        if stops > 0.05:
            return "ok", stops, True, f"A little dark (mean L* {mean:.0f}): lifted slightly."
    return "ok", 0.0, False, ""


def _stops(lightness: float, target: float) -> float:
    """Stops that move a lightness to the target (positive brightens)."""
    ratio = luminance_of_lightness(target) / max(float(luminance_of_lightness(lightness)), 1e-4)
    return float(np.log2(ratio))


def _cast(stats: PhotoStats, character: tuple[str, ...]) -> tuple[Cast, float, str]:
    """(cast, mireds, sentence): the white-balance shift that eases a measured cast."""
    if (
        stats.monochrome
        or stats.neutral_share < CAST_MIN_SHARE
        or stats.neutral_chroma > STRONG_CAST_MAX_CHROMA
        or (stats.neutral_chroma > CAST_MAX_CHROMA and stats.contrary < STRONG_CAST_CONTRARY)
        or abs(stats.neutral_b) < CAST_MIN_B
        or abs(stats.neutral_a) > CAST_MAX_TINT_RATIO * abs(stats.neutral_b)
        or stats.neutral_agreement < CAST_MIN_AGREEMENT
    ):
        return "", 0.0, ""
    cast: Cast = "warm" if stats.neutral_b > 0 else "cool"
    if (cast == "warm" and "warm sky" in character) or (
        cast == "cool" and "dusk or night" in character
    ):
        return "", 0.0, ""
    shift = CAST_CORRECTION * (1e6 / stats.neutral_cct - 1e6 / _D65)
    note = (
        f"A {cast} cast on the most neutral areas (b* {stats.neutral_b:+.1f}, "
        f"about {stats.neutral_cct:,.0f} K): "
        f"{'cooled' if cast == 'warm' else 'warmed'} by {CAST_CORRECTION:.0%} of it."
    )
    return cast, float(shift), note
