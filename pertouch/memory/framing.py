"""Words for a measured scene: framing, setting, time of day, key and colour character.

These words are for people (the sentence a record shows, the reason a suggestion gives) and for
one rule of recall: a photo of people never inherits the look of a photo without them. Similarity
itself is the vector of :mod:`pertouch.memory.space`, not these words. Each threshold is on a
measurement of :mod:`pertouch.memory.measure` and says what it means; they were read off the
real-photo corpus (``benchmarks/corpus.py``), not fitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, cast

from pertouch.memory import kinds

Framing = Literal["portrait", "group", "landscape", "cityscape", "close-up"]
FRAMINGS: tuple[str, ...] = ("portrait", "group", "landscape", "cityscape", "close-up")
PEOPLE_FRAMINGS = frozenset({"portrait", "group"})
#: Names of the six hue sectors of the measured hue histogram (CIELAB hue angle, 60 degrees each).
HUE_NAMES = ("red", "yellow", "green", "teal", "blue", "purple")
#: How each time of day reads in a sentence.
LIGHT_PHRASES = {
    "day": "by day",
    "golden hour": "at golden hour",
    "dusk": "at dusk",
    "night": "at night",
}


def framing(m: Mapping[str, float]) -> Framing:
    """What the frame is of: the most probable kind of :mod:`pertouch.memory.kinds`, with people
    named a group when two faces or more are found, else a portrait."""
    found = kinds.kind_of(m)
    if found == "people":
        return (
            "group" if round(m["face_count"] * 4) >= 2 and m["people_share"] >= 0.03 else "portrait"
        )
    return cast(Framing, found)


def setting(m: Mapping[str, float]) -> str:
    """Outdoors when sky, water or vegetation fill a tenth of the frame, else "indoors or close"."""
    outside = m["sky_share"] + m["water_share"] + m["vegetation_share"]
    return "outdoors" if outside >= 0.1 else "indoors or close"


def time_of_day(m: Mapping[str, float]) -> str:
    """From the sky (or the top of the frame without one): night, dusk, golden hour or day.

    A dark frame under a dark sky is night; a dim, blue sky (CIELAB b* below -0.1) is dusk (the
    blue hour); a clearly yellow-orange sky (b* above 0.15) is golden hour. Photos without sky,
    water or vegetation get "" (their light is not the time of day).
    """
    if setting(m) != "outdoors":
        return ""
    sky_l, sky_b = m["sky_lightness"], m["sky_blue_yellow"]
    if m["brightness"] < 0.22 and sky_l < 0.3:
        return "night"
    if sky_l < 0.5 and sky_b < -0.1:
        return "dusk"
    if sky_b > 0.15:
        return "golden hour"
    return "day"


def key(m: Mapping[str, float]) -> str:
    """Low-key when half the frame is near black or it is dark overall; high-key when bright."""
    if m["dark_share"] >= 0.5 or m["brightness"] < 0.25:
        return "low-key"
    if m["bright_share"] >= 0.3 or m["brightness"] > 0.72:
        return "high-key"
    return "mid-key"


def palette(m: Mapping[str, float]) -> str:
    """Hasler and Süsstrunk's colourfulness in words (their thresholds, on a 0-1 scale)."""
    c = m["colourfulness"]
    return "muted" if c < 0.13 else "vivid" if c >= 0.23 else "moderately colourful"


def dominant_hues(m: Mapping[str, float], at_least: float = 0.25) -> tuple[str, ...]:
    """Up to two hue names that hold at least ``at_least`` of the photo's colour, strongest first."""
    if m["saturated_share"] < 0.1:
        return ()
    shares = sorted(((m[f"hue_{i}"], name) for i, name in enumerate(HUE_NAMES)), reverse=True)
    return tuple(name for share, name in shares[:2] if share >= at_least)
