"""Rewrites over the normalised tokens of a request, each for one way people write.

They run after spelling correction, in :data:`IN_ORDER`, and change the token list in place:
"to dark" becomes "too dark", "stand out" becomes "pop", "bring out the clouds" becomes "make the
clouds pop", "the green of the trees" speaks of their colour, "darker than I remember" is a
complaint, "pull the highlights" lowers them, and "so cold warm it" is cut before its command.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.lexicon import CUES
from pertouch.providers.reader.spelling import Speller

_NOT_TOO_AFTER = {
    "it",
    "them",
    "the",
    "this",
    "that",
    "up",
    "down",
    "a",
    "make",
    "be",
    "look",
    "get",
}


#: After "pull", these say which way; without one "pull the highlights" lowers (Lightroom usage).
_PULL_WAYS = {"up", "down", "back", "out", "off", "in", "into", "apart", "together", "away"}
_PULL_WAYS |= {"toward", "towards"}


def pull_down(tokens: list[str]) -> None:
    """ "pull the highlights" -> "pull down the highlights" when no particle says another way."""
    for i, token in enumerate(tokens):
        if token == "pull" and not set(tokens[i + 1 : i + 4]) & _PULL_WAYS:
            tokens[i] = "pull down"


_OBJECTS = {"it", "them", "this", "that"}
_DEGREE_OR_COPULA = {"is", "are", "its", "looks", "look", "way", "far", "bit", "little", "much"}
#: Colour words, read by rule rather than from the lexicon, that complain like adjectives.
_COLOURS = {*WB_POLES, *RANGES}


def cut_before_a_command(tokens: list[str]) -> None:
    """ "so cold warm it" -> "so cold , warm it": a complaint typed straight into its remedy.

    Only where an adjective cue ends the complaint and a verb cue with a pronoun object starts the
    wish, so "make it warm" and "a warm it" stay whole."""
    for i in range(len(tokens) - 2, 0, -1):
        verb, before = tokens[i], tokens[i - 1]
        if tokens[i + 1] not in _OBJECTS or before in ("make", "get", "keep", "leave", "and"):
            continue
        said = CUES.get(before)
        adjective = before in _COLOURS or (said is not None and said.form in ("adj", "level"))
        if not adjective or verb not in _COMMANDS:
            continue
        tokens.insert(i, ",")


#: Verbs that take the photo as object and carry a direction ("warm it", "brighten it").
_COMMANDS = {w for w, c in CUES.items() if c.form == "verb" and " " not in w}
_COMMANDS |= {"warm", "cool", "lift", "fix", "lighten", "darken", "brighten", "tone", "calm"}


#: Words that end the object of "bring out".
_CLAUSE_ENDS = {",", ".", ";", ":", "!", "?", "and", "but", "then", "so", "while"}


def stand_out(tokens: list[str]) -> None:
    """ "the boats should stand out more" -> "... pop more": to stand out is to pop. Not after
    "so" ("lift her a bit so she stands out"): there it is the purpose of another change."""
    for i in range(len(tokens) - 1):
        if tokens[i] in ("stand", "stands", "standing") and tokens[i + 1] == "out":
            if "so" not in tokens[max(0, i - 3) : i]:
                tokens[i : i + 2] = ["pop"]


def bring_out(tokens: list[str]) -> None:
    """ "bring out the clouds" -> "make the clouds pop": brought out with no attribute named, a
    region is made to pop; "bring out the colours in the sky" names one and is left alone."""
    for i in range(len(tokens) - 2):
        if tokens[i] != "bring" or tokens[i + 1] != "out":
            continue
        span = []
        for token in tokens[i + 2 : i + 8]:
            if token in _CLAUSE_ENDS:
                break
            span.append(token)
        if not span or any(t in CUES or t in _COLOURS for t in span):
            continue
        tokens[i : i + 2 + len(span)] = ["make", *span, "pop"]


def colour_of(tokens: list[str]) -> None:
    """ "the green of the trees is too much" -> "the colour of the trees ...": a colour named as
    the noun of a region's colour speaks of its strength, not of a cast."""
    for i in range(1, len(tokens) - 2):
        if tokens[i - 1] == "the" and tokens[i] in _COLOURS and tokens[i + 1] == "of":
            if tokens[i + 2] in ("the", "her", "his", "my", "their", "our", "this", "that"):
                tokens[i] = "colour"


#: What a photo is measured against when it "is darker than" it: the scene, or the photo before.
_STANDARDS = {
    "i",
    "it",
    "what",
    "in",
    "they",
    "we",
    "she",
    "he",
    "real",
    "reality",
    "how",
    "before",
}
_LINKS = {"is", "are", "looks", "look", "seems", "seem", "was", "were", "much", "way", "far"}
_LINKS |= {"bit", "a", "lot", "little", "even", "slightly", "came", "out", "now", "got", "gone"}
_COPULAS = {"is", "are", "looks", "look", "seems", "seem", "was", "were", "came", "got", "gone"}


def measured_against(tokens: list[str]) -> None:
    """ "the whole thing is darker than I remember" -> "... is too dark than ...": a comparative
    said of how the photo is, against the scene or how it was, is a complaint, not a wish."""
    for i in range(1, len(tokens) - 2):
        cue = CUES.get(tokens[i])
        if tokens[i + 1] != "than" or tokens[i + 2] not in _STANDARDS:
            continue
        if not ((cue is not None and cue.form == "cmp") or _base(tokens[i]) in _COLOURS):
            continue
        if tokens[i - 1] in _LINKS and set(tokens[max(0, i - 4) : i]) & _COPULAS:
            tokens[i] = f"too {_base(tokens[i])}" if _base(tokens[i]) else tokens[i]


def _base(comparative: str) -> str:
    """The adjective of a comparative ("darker" -> "dark", "paler" -> "pale"), or ""."""
    stem = comparative[:-2] if comparative.endswith("er") else ""
    for base in (stem, stem + "e", stem[:-1], stem[:-1] + "y" if stem.endswith("i") else ""):
        if base and (base in CUES or base in _COLOURS):
            return base
    return ""


def unstretched(word: str, speller: Speller) -> str:
    """ "sooo" -> "so", "toooo" -> "too", "pleeease" -> "please": letters held down for emphasis."""
    if not re.search(r"([a-z])\1\1", word):
        return word
    double = re.sub(r"([a-z])\1{2,}", r"\1\1", word)
    single = re.sub(r"([a-z])\1{2,}", r"\1", word)
    return next((w for w in (double, single) if speller.known(w)), single)


def restore_too(tokens: list[str]) -> None:
    """ "to dark" -> "too dark" when an adjective or "much" follows and no verb phrase does."""
    for i, token in enumerate(tokens[:-1]):
        following = tokens[i + 1]
        cue = CUES.get(following)
        # a colour after "to" is "too" only where no verb could take it ("change it to red")
        said = token == "2" or i == 0 or tokens[i - 1] in _DEGREE_OR_COPULA
        colour = following in _COLOURS and said
        is_adjective = colour or (cue is not None and cue.form in ("adj", "level"))
        if token in ("to", "2") and (is_adjective or following in ("much", "many")):
            after = tokens[i + 2] if i + 2 < len(tokens) else ""
            if after not in _NOT_TOO_AFTER:
                tokens[i] = "too"


#: The rewrites :func:`pertouch.providers.reader.normalise.normalise` runs, in order.
IN_ORDER: tuple[Callable[[list[str]], None], ...] = (
    restore_too,
    stand_out,
    bring_out,
    colour_of,
    measured_against,
    pull_down,
    cut_before_a_command,
)
