"""Named looks ("film", "faded", "moody" ...) as a table: region edits in levels, and why.

Each look is what a photographer means by the word, written with the four attributes PerTouch
controls and only regions every photo has (the whole photo and its tonal ranges, "shadows" and
"highlights"), so a look never depends on a segmenter finding something. A fade (less contrast)
pulls the tones towards the midtone, which is what lifts blacks to grey: the renderer's exposure
is a gain, and no gain lifts a pure black, so faded, matte, vintage and film fade rather than
brighten the shadows. Tonal ranges are used where a look is about them (cinematic's split
toning, low-key's lit highlights, hdr's compression, moody's matte toe). Warmth is the temperature attribute, which
the renderer treats as the white balance.

Magnitudes use the scale of :mod:`pertouch.core.degrees` (a touch 0.1, a little 0.15, default
0.25, a lot 0.4); a degree word in front of a look ("a touch cinematic", "very moody") scales the
whole look. ``tests/providers/test_styles.py`` renders every look on real photos and checks that it
moves the attributes the way its steps say.
"""

from __future__ import annotations

from dataclasses import dataclass

from pertouch.core.adjustments import GLOBAL

Step = tuple[str, str, float]  # (region, attribute, delta in levels)
SHADOWS, HIGHLIGHTS = "shadows", "highlights"


@dataclass(frozen=True)
class Look:
    """A named look: its edits and the one-line reason a photographer would give for them."""

    name: str
    steps: tuple[Step, ...]
    reason: str


def _look(name: str, reason: str, *steps: Step) -> Look:
    return Look(name, steps, reason)


_TABLE: tuple[Look, ...] = (
    _look(
        "film",
        "negative film's soft toe and shoulder: a gentle fade (blacks lift a little), a little "
        "warm and less saturated than digital",
        (GLOBAL, "contrast", -0.2),
        (GLOBAL, "colorfulness", -0.15),
        (GLOBAL, "temperature", 0.1),
    ),
    _look(
        "vintage",
        "an aged print: faded (lifted blacks, less contrast, less colour) and warm",
        (GLOBAL, "contrast", -0.3),
        (GLOBAL, "colorfulness", -0.3),
        (GLOBAL, "temperature", 0.2),
    ),
    _look(
        "faded",
        "sun-bleached: less saturation, and a fade that lifts the blacks to grey and lowers "
        "contrast",
        (GLOBAL, "colorfulness", -0.3),
        (GLOBAL, "contrast", -0.35),
    ),
    _look(
        "matte",
        "a matte print: blacks lifted to grey by a strong fade, colour left alone",
        (GLOBAL, "contrast", -0.35),
    ),
    _look(
        "cinematic",
        "the teal-and-orange grade: cool shadows, warm highlights where skin sits, firmer "
        "midtone contrast, restrained colour, darker midtones over shadows that keep their detail",
        (GLOBAL, "contrast", 0.2),
        (GLOBAL, "colorfulness", -0.1),
        (GLOBAL, "brightness", -0.1),
        (SHADOWS, "temperature", -0.3),
        (HIGHLIGHTS, "temperature", 0.2),
        # the contrast lives in the midtones; inside the narrow shadow and highlight bands it
        # would fight their grade
        (SHADOWS, "contrast", -0.2),
        (HIGHLIGHTS, "contrast", -0.2),
        # the shadows keep their brightness: darker midtones and firmer contrast would
        # otherwise push shadow detail into black
        (SHADOWS, "brightness", 0.1),
    ),
    _look(
        "moody",
        "darker, cooler and desaturated, the shadows darkened least (a matte toe) so it turns "
        "brooding, not muddy, and no detail sinks into black",
        (GLOBAL, "brightness", -0.25),
        (GLOBAL, "colorfulness", -0.2),
        (GLOBAL, "temperature", -0.15),
        (SHADOWS, "brightness", 0.15),
    ),
    _look(
        "airy",
        "bright and airy: lighter, soft contrast (open shadows), gentle colour, a hint of warmth "
        "so white does not go clinical",
        (GLOBAL, "brightness", 0.3),
        (GLOBAL, "contrast", -0.25),
        (GLOBAL, "colorfulness", -0.1),
        (GLOBAL, "temperature", 0.05),
    ),
    _look(
        "high-key",
        "mostly light tones in pale colour: much brighter overall with low contrast, so shadows "
        "open up, and colour eased so brightened whites do not pick up a tint",
        (GLOBAL, "brightness", 0.4),
        (GLOBAL, "contrast", -0.3),
        (GLOBAL, "colorfulness", -0.1),
    ),
    _look(
        "low-key",
        "mostly dark tones with deep blacks and firmer contrast; the highlights darken least, "
        "so what is lit stands out",
        (GLOBAL, "brightness", -0.35),
        (GLOBAL, "contrast", 0.2),
        (SHADOWS, "brightness", -0.1),
        (HIGHLIGHTS, "brightness", 0.15),
    ),
    _look(
        "warm",
        "white balance towards amber, as late sun or tungsten light",
        (GLOBAL, "temperature", 0.3),
    ),
    _look(
        "cool",
        "white balance towards blue, as shade, overcast or dusk light",
        (GLOBAL, "temperature", -0.3),
    ),
    _look("muted", "colour held back, tones left as they are", (GLOBAL, "colorfulness", -0.35)),
    _look(
        "vivid",
        "rich colour with a little extra punch",
        (GLOBAL, "colorfulness", 0.35),
        (GLOBAL, "contrast", 0.1),
    ),
    _look(
        "dramatic",
        "strong contrast, a little darker, a little more colour",
        (GLOBAL, "contrast", 0.35),
        (GLOBAL, "brightness", -0.1),
        (GLOBAL, "colorfulness", 0.1),
    ),
    _look(
        "soft",
        "gentle tonal transitions: less contrast, nothing harsh, colour as it is",
        (GLOBAL, "contrast", -0.3),
    ),
    _look(
        "cyberpunk",
        "neon: saturated, punchy contrast, cold overall with darker surroundings",
        (GLOBAL, "colorfulness", 0.35),
        (GLOBAL, "contrast", 0.25),
        (GLOBAL, "temperature", -0.3),
        (GLOBAL, "brightness", -0.1),
    ),
    _look(
        "dreamy",
        "soft and bright with colour eased, as through a diffusion filter",
        (GLOBAL, "contrast", -0.3),
        (GLOBAL, "brightness", 0.2),
        (GLOBAL, "colorfulness", -0.1),
    ),
    _look(
        "pastel",
        "bright, soft and pale: light tones in gentle colour",
        (GLOBAL, "colorfulness", -0.2),
        (GLOBAL, "brightness", 0.2),
        (GLOBAL, "contrast", -0.2),
    ),
    _look(
        "golden hour",
        "late-afternoon sun: warm, a little brighter and more colourful",
        (GLOBAL, "temperature", 0.3),
        (GLOBAL, "brightness", 0.1),
        (GLOBAL, "colorfulness", 0.1),
    ),
    _look(
        "hdr",
        "compressed tones (shadows up, highlights down) with more midtone contrast and colour",
        (GLOBAL, "contrast", 0.25),
        (GLOBAL, "colorfulness", 0.15),
        (SHADOWS, "brightness", 0.2),
        (HIGHLIGHTS, "brightness", -0.2),
        (SHADOWS, "contrast", -0.25),
        (HIGHLIGHTS, "contrast", -0.25),
    ),
    _look(
        "autumn",
        "warm and rich, like turning leaves",
        (GLOBAL, "temperature", 0.25),
        (GLOBAL, "colorfulness", 0.2),
    ),
    _look(
        "summer",
        "bright, warm and colourful, like midday sun",
        (GLOBAL, "brightness", 0.15),
        (GLOBAL, "temperature", 0.15),
        (GLOBAL, "colorfulness", 0.15),
    ),
    _look(
        "winter",
        "cold, a little brighter and paler, like snow light",
        (GLOBAL, "temperature", -0.25),
        (GLOBAL, "brightness", 0.1),
        (GLOBAL, "colorfulness", -0.1),
    ),
)

#: Every named look by name.
LOOKS: dict[str, Look] = {look.name: look for look in _TABLE}
#: The edits of every look by name (what the grammar reads).
PRESETS: dict[str, tuple[Step, ...]] = {look.name: look.steps for look in _TABLE}


def look_reason(name: str) -> str:
    """The one-line reason of a named look, for the reply ("faded: sun-bleached: ...")."""
    return LOOKS[name].reason


def look_steps(name: str, factor: float = 1.0) -> tuple[Step, ...]:
    """The edits of a named look, each delta scaled by ``factor`` (a degree word's)."""
    return tuple((r, a, round(d * factor, 4)) for r, a, d in LOOKS[name].steps)


#: Words people use for each look (matched as whole words, longest first).
STYLE_WORDS: dict[str, str] = {
    "film": "film",
    "filmic": "film",
    "analog": "film",
    "analogue": "film",
    "film look": "film",
    "kodak": "film",
    "portra": "film",
    "cinematic": "cinematic",
    "movie": "cinematic",
    "hollywood": "cinematic",
    "teal and orange": "cinematic",
    "orange and teal": "cinematic",
    "moody": "moody",
    "dark and moody": "moody",
    "brooding": "moody",
    "airy": "airy",
    "light and airy": "airy",
    "bright and airy": "airy",
    "vintage": "vintage",
    "retro": "vintage",
    "old school": "vintage",
    "old fashioned": "vintage",
    "nostalgic": "vintage",
    "seventies": "vintage",
    "70s": "vintage",
    "cyberpunk": "cyberpunk",
    "neon": "cyberpunk",
    "blade runner": "cyberpunk",
    "dramatic": "dramatic",
    "epic": "dramatic",
    "dreamy": "dreamy",
    "ethereal": "dreamy",
    "matte": "matte",
    "matte look": "matte",
    "matte finish": "matte",
    "faded": "faded",
    "faded look": "faded",
    "sun bleached": "faded",
    "high key": "high-key",
    "highkey": "high-key",
    "low key": "low-key",
    "lowkey": "low-key",
    "warm look": "warm",
    "cool look": "cool",
    "cold look": "cool",
    "muted look": "muted",
    "vivid look": "vivid",
    "soft look": "soft",
    "pastel": "pastel",
    "golden hour": "golden hour",
    "sunset look": "golden hour",
    "hdr": "hdr",
    "autumn": "autumn",
    "autumnal": "autumn",
    "fall colors": "autumn",
    "fall colours": "autumn",
    "summer": "summer",
    "summery": "summer",
    "winter": "winter",
    "wintry": "winter",
    "wintery": "winter",
}
