"""What a cue word moves, narrowed by what its clause is about.

"Harsh" is contrast, but "harsh shadows" are too dark; "punch" is contrast, but "the blues need some
punch" asks for more colour there (a colour range has no contrast of its own); "hot" said of the
highlights is bright; a level word ("too strong") takes the attribute its noun or region names.
:mod:`.cues` finds the cue words and their direction; this module says which attributes they move.
"""

from __future__ import annotations

from pertouch.providers.reader import words as W
from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.lexicon import BRI, COL, CON, CUES, Cue, Effect

#: Contrast words that name contrast itself, kept as contrast even when said of a colour range.
LITERAL_CONTRAST = {"contrast", "contrasts", "micro contrast", "s curve", "high contrast"}
LITERAL_CONTRAST |= {"low contrast", "clarity", "definition", "texture", "structure", "separation"}
#: Grey said of a tone region speaks of its level, not its colour ("the blacks look grey").
GREYS = {"grey", "gray", "greyish", "grayish", "milky"}


def of_colour_range(cue: Cue, word: str, kinds: set[str]) -> Cue:
    """A contrast word said of colour ranges alone speaks of their strength: "the blues need
    some punch", "the reds look flat" ask for more colour there (a colour range has no contrast
    of its own); words that name contrast itself ("more contrast in the greens") stay contrast."""
    if kinds != {"colour"} or word in LITERAL_CONTRAST or {e[0] for e in cue.effects} != {CON}:
        return cue
    return Cue(cue.form, ((COL, cue.effects[0][1], 1.0),), cue.negative, cue.region)


def describes(word: str) -> bool:
    """True for an adjective or a colour name: what something became ("gone grey")."""
    cue = CUES.get(word)
    return word in WB_POLES or word in RANGES or (cue is not None and cue.form == "adj")


def effects_of(
    cue: Cue, word: str, named: list[str], kinds: set[str], tone_pole: int = 0
) -> tuple[Effect, ...]:
    """The cue's effects, narrowed by what the clause is about."""
    if cue.form == "level":
        if not named and "tone" in kinds and tone_pole:  # "the shadows are too heavy"
            return ((BRI, tone_pole * cue.effects[0][1], 1.0),)
        attributes = named or ([COL] if "colour" in kinds else [])
        return tuple((a, cue.effects[0][1], 1.0) for a in dict.fromkeys(attributes))
    effects = cue.effects
    if tone_pole and not named and word in GREYS:
        return ((BRI, -tone_pole, 1.0),)  # "the blacks look grey": lifted towards the middle
    if tone_pole and not named and cue.negative and [e[0] for e in effects] == [CON]:
        return ((BRI, tone_pole, 1.0),)  # "harsh shadows" are too dark, harsh highlights too bright
    if word == "hot" and (BRI in named or "tone" in kinds):
        effects = ((BRI, 1, 1.0),)
    if set(named) == {COL} and len(effects) == 1 and effects[0][0] != COL:
        attribute, pole, _ = effects[0]
        if (
            cue.negative
            or attribute == CON
            or (attribute == BRI and pole > 0 and word.startswith("bright"))
        ):
            # "the colours are flat", "a punchier colour", "brighten the colours": contrast
            # words, and "bright" (but not "light": pale) said of the colours speak of strength
            return ((COL, pole, 1.0),)
        if attribute == BRI and word.startswith("deep"):
            return ((COL, -pole, 1.0),)  # "deepen the colour of the sea": richer, not darker
    if len(effects) > 1:
        tone = {BRI} if "tone" in kinds else set()
        for wanted in (set(named), {COL} if "colour" in kinds else set(), tone):
            narrowed = tuple(e for e in effects if e[0] in wanted)
            if narrowed:
                return narrowed
    return effects


def tone_pole(regions: list[str]) -> int:
    """Which end of brightness a tone region sits at: shadows low, highlights high."""
    if set(regions) & W.DARK_TONES:
        return -1
    return 1 if {"highlights"} & set(regions) else 0
