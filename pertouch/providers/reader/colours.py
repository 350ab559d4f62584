"""Colour names, read by rule: white-balance colours move temperature, the others a colour range.

People talk about white balance in colours: "too yellow", "add some yellow", "less blue cast",
"the orange glow from the street lamps". Yellow, orange, red and gold sit at the warm pole of
temperature and blue at the cool pole, so those names read as temperature cues. Green, purple,
magenta, pink and cyan are off that axis; PerTouch has no tint control, so "too green" or "reduce the
green channel" reads as less colour in that colour range (the greens), the nearest change it can
make. A colour name does other jobs too, told apart by the next word:

* before a region it is only a modifier ("the red car", "her blue dress"): no cue;
* before an attribute noun it names a colour range ("the blue saturation", "orange luminance");
* before a cast word ("a yellow cast", "a blue tint", "an orange glow") it names a flaw to remove;
* on a region whose natural colour it is ("a bluer sky", "redder lips") it also means more colour.

An intensity word before a colour ("bright orange", "deep red", "pale blue") is about the colour's
strength, so it reads as colourfulness, not brightness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pertouch.providers.reader.lexicon import COL, CUES, TEMP, Cue, Effect
from pertouch.providers.reader.words import SPATIAL

#: White-balance colours and their temperature pole.
WB_POLES: dict[str, int] = {
    "yellow": 1, "yellowish": 1, "yellowy": 1, "orange": 1, "orangey": 1, "orangy": 1,
    "orangish": 1, "red": 1, "reddish": 1, "gold": 1, "blue": -1, "bluish": -1, "blueish": -1,
    "bluey": -1,
}  # fmt: skip
#: Colours off the white-balance axis, and the colour range each names.
RANGES: dict[str, str] = {
    "green": "greens", "greenish": "greens", "purple": "purples", "purplish": "purples",
    "violet": "purples", "magenta": "magentas", "pink": "magentas", "pinkish": "magentas",
    "cyan": "aquas", "teal": "aquas", "turquoise": "aquas", "aqua": "aquas",
}  # fmt: skip
#: The colour range a white-balance colour names when it is a range ("the orange saturation").
WB_RANGES = {"yellow": "yellows", "orange": "oranges", "red": "reds", "gold": "yellows"}
WB_RANGES |= {"blue": "blues"}
CAST_WORDS = {"cast", "tint", "tinge", "hue", "glow", "overtone", "undertone", "wash", "filter"}
CAST_WORDS |= {"colour cast", "color cast", "haze", "look", "sheen", "shade"}
#: Words after a colour that make it a range's attribute ("blue saturation").
RANGE_NOUNS = {"saturation", "luminance", "brightness", "lightness", "vibrance", "tones", "hues"}
#: Words after a colour that make it the subject, a colour range ("green too much", "the blue is
#: too strong"); "the blue" in "remove some of the blue" stays white balance.
SUBJECT_AFTER = {"is", "are", "too", "more", "less", "looks", "look", "seems", "so", "very"}
#: Words after a colour that add nothing ("the green channel").
IGNORED_AFTER = {"channel", "channels", "colour", "color", "colours", "colors", "tone"}
#: Before a colour, words that make it describe the noun after it ("the red buses").
_DETERMINERS = {"the", "a", "an", "her", "his", "their", "my", "our", "this", "that", "its"}
#: Nouns after a colour that name the areas of that colour, not a thing it describes.
_AREAS = {"bits", "parts", "areas", "stuff", "ones", "patches", "spots", "bit", "part", "area"}
_AREAS |= {"light", "lights", "hour"}
#: Words after a colour that are no noun of a thing (verbs, particles, conjunctions).
_NOT_THINGS = {"and", "or", "but", "to", "in", "on", "at", "of", "with", "for", "from", "by"}
_NOT_THINGS |= {"please", "now", "instead", "again", "then", "there", "here", "it", "them"}
_NOT_THINGS |= {"has", "have", "had", "was", "were", "be", "been", "should", "could", "would"}
_NOT_THINGS |= {"can", "will", "needs", "need", "a", "an", "the", "one", "colour", "color"}
_NOT_THINGS |= {"out", "off", "away", "back", "down", "up", "into", "over", "through", "overall"}
_NOT_THINGS |= {"everywhere", "bit", "right", "slightly", "just", "only", "even", "also", "though"}


def _unknown_noun(word: str) -> bool:
    """True when ``word`` can be the noun a colour describes: a word that is no cue, no colour
    and no function word ("buses", "umbrella", "paint")."""
    return (
        word.isalpha()
        and len(word) > 2
        and word not in CUES
        and word not in WB_POLES
        and word not in RANGES
        and word not in _AREAS
        and word not in _NOT_THINGS
        and word not in SUBJECT_AFTER
        and word not in CAST_WORDS
        and word not in RANGE_NOUNS
        and word not in IGNORED_AFTER
        and not word.endswith(("ish", "ly"))
    )


#: The natural colour of regions, so "bluer" on the sky also means more colour there.
NATURAL_HUE = {"sky": "blue", "water": "blue", "blues": "blue", "vegetation": "green"}
NATURAL_HUE |= {"greens": "green", "lips": "red", "reds": "red", "oranges": "orange"}
NATURAL_HUE |= {"yellows": "yellow"}
#: Comparatives of colour names and the colour they compare.
HUE_OF = {"bluer": "blue", "yellower": "yellow", "redder": "red", "greener": "green"}
#: Intensity words that, before a colour, speak of its strength (+1 stronger, -1 weaker).
INTENSITY = {"bright": 1, "deep": 1, "rich": 1, "vivid": 1, "strong": 1, "intense": 1, "hot": 1}
_BASES = ("yellow", "orange", "red", "blue", "green", "purple", "pink", "magenta", "cyan", "teal")
INTENSITY |= {"pale": -1, "light": -1, "soft": -1, "faint": -1, "pastel": -1, "muted": -1}


@dataclass(frozen=True)
class ColourCue:
    """A cue read from colour words at ``start`` (``width`` tokens), on ``region`` if set."""

    start: int
    width: int
    cue: Cue | None
    region: str = ""


def hue(word: str) -> str:
    """The colour a colour word or comparative names ("bluish" -> "blue"), or ""."""
    if word in HUE_OF:
        return HUE_OF[word]
    return next((base for base in _BASES if word.startswith(base)), "")


def natural_sign(colour: str, region: str, temperature_sign: int) -> int:
    """For a move of temperature towards (+) or away from (-) ``colour``'s pole on ``region``:
    +1 or -1 colour as well when ``colour`` is the region's natural colour, else 0."""
    if not colour or NATURAL_HUE.get(region) != colour or colour not in WB_POLES:
        return 0
    return 1 if temperature_sign == WB_POLES[colour] else -1


def read_colours(
    tokens: Sequence[str],
    used: list[bool],
    regions: Sequence[str],
    region_words: Mapping[str, str],
) -> list[ColourCue]:
    """The colour cues of a clause; marks the tokens they take in ``used``."""
    found: list[ColourCue] = []
    for i, token in enumerate(tokens):
        if used[i] or (token not in WB_POLES and token not in RANGES):
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        after2 = " ".join(tokens[i + 1 : i + 3])
        range_name = RANGES.get(token) or WB_RANGES.get(token, "")
        before = tokens[i - 1] if i > 0 else ""
        if after in RANGE_NOUNS or (before in ("", "the") and after in SUBJECT_AFTER):
            used[i] = True
            found.append(ColourCue(i, 1, None, range_name))
            continue
        named = region_words.get(after) or (
            region_words.get(after2) if after not in ("the", "a", "an", "her", "his") else ""
        )  # "how yellow the walls look": the walls are its subject, not what it describes
        predicative = before in ("too", "so", "very", "more", "less", "overly", "bit")
        if named and named not in SPATIAL and after not in CAST_WORDS and not predicative:
            used[i] = True  # a modifier: "the red car"
            continue
        if before in _DETERMINERS and _unknown_noun(after):
            used[i] = True  # a modifier of a thing no region names: "the red buses", "a red one"
            continue
        width = 2 if after in CAST_WORDS or after in IGNORED_AFTER else 1
        # "-ish" forms describe a cast ("yellowish, fix"); said bare they are a complaint
        descriptive = token.endswith(("ish", "ey", "y")) and token not in ("grey",)
        negative = after in CAST_WORDS or after2 in CAST_WORDS or descriptive
        if token in WB_POLES:
            effects: tuple[Effect, ...] = ((TEMP, WB_POLES[token], 1.0),)
            region = ""
        else:
            effects = ((COL, 1, 1.0),)
            region = "" if any(r != "global" for r in regions) else range_name
        used[i : i + width] = [True] * width
        found.append(ColourCue(i, width, Cue("adj", effects, negative), region))
        if before in INTENSITY and not used[i - 1]:
            used[i - 1] = True
            strength = Cue("adj", ((COL, INTENSITY[before], 1.0),))
            found.append(ColourCue(i - 1, 1, strength, region))
    return found
