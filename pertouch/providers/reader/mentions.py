"""Finding the regions a clause names, with the phrase the person used.

Regions are matched longest first ("the dark areas" is a region, not the cue "dark") against the
region words the segmentation lexicon reads, trying the singular or plural form too ("boats" ->
"boat"). A single word that is also a cue or a colour name ("warm", "red") is left to the cue
reader: "the reds" and "warm tones" name colour ranges, "red" and "warm" describe. "her" before a
region is a possessive ("her face" is the face), otherwise it names the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pertouch.core.adjustments import GLOBAL
from pertouch.providers.reader import words as W
from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.lexicon import CUES
from pertouch.providers.reader.types import RegionMention

#: Words the region lexicon knows that, in a request, rarely name a region.
REGION_STOP = {"light", "lights", "warm", "cool", "back", "behind", "upper", "lower", "all"}
REGION_STOP |= {"focus", "thing", "things", "model", "figure", "heat", "cast", "top notch"}
REGION_STOP |= {"shade", "overcast", "body", "head", "iris", "mouth", "gold", "object", "vignette"}
_NOT_NOUNS = W.PROTECT | W.RAISE | W.LOWER | W.FILLER | W.POSITIVE | set(W.MOVE)
_NOT_NOUNS |= {"black", "white", "grey", "gray", "brown"}  # colours, not "the blacks"
_ARTICLES = {"the", "a", "its", "his", "her", "their", "my", "our", "your", "this", "that"}
_WHERE_WHEN = {"at", "during", "from", "by", "near", "after", "before"}
_POSSESSIVE = {"her", "his", "their", "its", "my", "your", "our"}
#: Words that cannot start a region phrase even though a synonym ends with them.
_MAX_WORDS = 3


def _variants(phrase: str) -> tuple[str, ...]:
    if phrase.endswith("ies"):
        return (phrase, phrase[:-3] + "y")
    if phrase.endswith("es"):
        return (phrase, phrase[:-2], phrase[:-1])
    if phrase.endswith("s"):
        return (phrase, phrase[:-1])
    if phrase in _NOT_NOUNS:
        return (phrase,)
    return (phrase, phrase + "s")  # "the wall" -> "walls"


def lookup(phrase: str, region_words: Mapping[str, str]) -> str:
    """The region class ``phrase`` names (plural or singular), or ""."""
    for form in _variants(phrase):
        region = region_words.get(form, "")
        if region:
            return region
    return ""


def find_regions(
    tokens: list[str], used: list[bool], region_words: Mapping[str, str], positions: bool = False
) -> Any:
    """The regions named in ``tokens``, in order; marks the words they take in ``used``.

    Returns mentions, or (position, mention) pairs when ``positions`` is set.
    """
    found: list[tuple[int, RegionMention]] = []
    for n in range(_MAX_WORDS, 0, -1):
        for start in range(len(tokens) - n + 1):
            if any(used[start : start + n]):
                continue
            phrase = " ".join(tokens[start : start + n])
            if n == 1 and (
                phrase in CUES or phrase in WB_POLES or phrase in RANGES or phrase in REGION_STOP
            ):
                continue
            region = lookup(phrase, region_words) if n == 1 else region_words.get(phrase, "")
            if not region or (region == "objects" and phrase in ("thing", "things", "object")):
                continue
            if start and tokens[start - 1] in _WHERE_WHEN and n == 1:
                continue  # "at sunset", "the glow from the street lamps": when or where, not what
            following = tokens[start + n] if start + n < len(tokens) else ""
            if n == 1 and following and lookup(following, region_words) and following not in CUES:
                continue  # "the family photo": the last noun is the head
            if (
                n == 1
                and phrase in ("her", "him", "them")
                and _possessive(tokens, start, region_words)
            ):
                continue
            if (
                n == 1
                and region in W.SPATIAL
                and (start == 0 or tokens[start - 1] not in _ARTICLES)
            ):
                continue  # "right now", "left alone": a spatial word names a region after "the"
            found.append((start, RegionMention(phrase, region)))
            used[start : start + n] = [True] * n
    found.sort(key=lambda item: item[0])
    if len(found) > 1 and any(m.region == GLOBAL for _, m in found):
        found = [(at, m) for at, m in found if m.region != GLOBAL]  # "the top of the image"
    return found if positions else [m for _, m in found]


def _possessive(tokens: list[str], start: int, region_words: Mapping[str, str]) -> bool:
    """True when the word at ``start`` is a possessive before a region ("her face")."""
    if tokens[start] not in _POSSESSIVE or start + 1 >= len(tokens):
        return False
    following = tokens[start + 1]
    return bool(
        lookup(following, region_words) or region_words.get(" ".join(tokens[start + 1 : start + 3]))
    )
