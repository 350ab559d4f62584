"""Named looks ("film", "cinematic", "moody" ...) decomposed into region edits in levels.

Each preset is what a colourist would do with the four attributes PerTouch controls, using only
regions every photo has (the whole photo and its tonal ranges), so a look never depends on a
segmenter finding something. The reasoning, per look:

* film: negative film's soft toe and shoulder read as lower contrast with lifted shadows; colour
  negative stock is a little warm and less saturated than digital.
* cinematic: the "teal and orange" grade: cool shadows, warm highlights (skin sits there), a
  firmer contrast and slightly restrained colour, a little darker overall.
* moody: darker, desaturated, cooler, with contrast kept so it does not turn muddy.
* airy: bright, soft contrast, lifted shadows, gentle colour; a hint of warmth keeps white from
  going clinical.
* vintage / retro: faded (low contrast, lifted shadows), warm and desaturated, like aged prints.
* cyberpunk: neon: saturated, punchy contrast, cold overall with darker surroundings.
* dramatic: high contrast, a little darker, a little more colour.
* dreamy: soft and bright.  matte: flattened contrast with lifted blacks.  pastel: bright, soft,
  pale colour.  golden hour: warm, a little brighter and more colourful.  hdr: compressed tones
  (shadows up, highlights down) with more contrast and colour.  autumn: warm and rich.  summer:
  bright, warm, colourful.  winter: cold, a little brighter, paler.

Magnitudes use the scale of :mod:`pertouch.core.degrees` (a touch 0.1, default 0.25,
a lot 0.4); a degree word in front of a look ("a touch cinematic", "very moody") scales the whole
preset.
"""

from __future__ import annotations

from pertouch.core.adjustments import GLOBAL

Step = tuple[str, str, float]  # (region, attribute, delta in levels)

PRESETS: dict[str, tuple[Step, ...]] = {
    "film": (
        (GLOBAL, "contrast", -0.15),
        (GLOBAL, "colorfulness", -0.15),
        (GLOBAL, "temperature", 0.1),
        ("shadows", "brightness", 0.15),
    ),
    "cinematic": (
        (GLOBAL, "contrast", 0.2),
        (GLOBAL, "colorfulness", -0.1),
        (GLOBAL, "brightness", -0.1),
        ("shadows", "temperature", -0.3),
        ("highlights", "temperature", 0.2),
    ),
    "moody": (
        (GLOBAL, "brightness", -0.25),
        (GLOBAL, "colorfulness", -0.2),
        (GLOBAL, "temperature", -0.1),
        (GLOBAL, "contrast", 0.15),
    ),
    "airy": (
        (GLOBAL, "brightness", 0.3),
        (GLOBAL, "contrast", -0.2),
        (GLOBAL, "colorfulness", -0.1),
        (GLOBAL, "temperature", 0.05),
        ("shadows", "brightness", 0.15),
    ),
    "vintage": (
        (GLOBAL, "contrast", -0.2),
        (GLOBAL, "colorfulness", -0.25),
        (GLOBAL, "temperature", 0.25),
        ("shadows", "brightness", 0.15),
    ),
    "cyberpunk": (
        (GLOBAL, "colorfulness", 0.35),
        (GLOBAL, "contrast", 0.25),
        (GLOBAL, "temperature", -0.3),
        (GLOBAL, "brightness", -0.1),
    ),
    "dramatic": (
        (GLOBAL, "contrast", 0.35),
        (GLOBAL, "brightness", -0.1),
        (GLOBAL, "colorfulness", 0.1),
    ),
    "dreamy": (
        (GLOBAL, "contrast", -0.3),
        (GLOBAL, "brightness", 0.2),
        (GLOBAL, "colorfulness", -0.1),
    ),
    "matte": ((GLOBAL, "contrast", -0.25), ("shadows", "brightness", 0.2)),
    "pastel": (
        (GLOBAL, "colorfulness", -0.2),
        (GLOBAL, "brightness", 0.2),
        (GLOBAL, "contrast", -0.2),
    ),
    "golden hour": (
        (GLOBAL, "temperature", 0.3),
        (GLOBAL, "brightness", 0.1),
        (GLOBAL, "colorfulness", 0.1),
    ),
    "hdr": (
        (GLOBAL, "contrast", 0.25),
        (GLOBAL, "colorfulness", 0.15),
        ("shadows", "brightness", 0.2),
        ("highlights", "brightness", -0.2),
    ),
    "autumn": ((GLOBAL, "temperature", 0.25), (GLOBAL, "colorfulness", 0.2)),
    "summer": (
        (GLOBAL, "brightness", 0.15),
        (GLOBAL, "temperature", 0.15),
        (GLOBAL, "colorfulness", 0.15),
    ),
    "winter": (
        (GLOBAL, "temperature", -0.25),
        (GLOBAL, "brightness", 0.1),
        (GLOBAL, "colorfulness", -0.1),
    ),
}

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
