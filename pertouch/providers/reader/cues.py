"""Reading one clause: its regions, its cues with their direction, its degree and its stance.

A cue's direction follows from the words around it, in this order of precedence:

1. an explicit lowering ("less", "reduce", "too much", "get rid of") moves away from the pole;
2. an explicit raising ("more", "add some") moves towards it;
3. a wish ("make it", "I'd like it", "should be") moves towards it;
4. a complaint ("is too", "looks", "a bit", "came out") moves away from it;
5. a negative word said bare ("gloomy.", "kinda faded") is a complaint too;
6. otherwise, a bare adjective is a wish ("warm and bright").

Comparatives and verbs always move towards their pole. A noun ("contrast", "the colours") moves
the way its modifier says ("more contrast", "take the saturation down"); a bare noun only names the
attribute, which narrows a word with several senses ("the colours are washed out" is about colour,
not contrast) and tells a level word which attribute it grades ("the warmth is too strong").
A clause that names an attribute without any direction ("adjust the brightness") is left for the
combiner to ask about, praise ("the sky is fine") to keep, and "fix the exposure" to the auto look.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from pertouch.core.adjustments import GLOBAL
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.reader import words as W
from pertouch.providers.reader.clauses import EXCEPT, Piece
from pertouch.providers.reader.colours import HUE_OF, WB_POLES, hue, read_colours
from pertouch.providers.reader.forms import OPTIMIZE, unsupported_label
from pertouch.providers.reader.lexicon import (
    BRI,
    COL,
    CON,
    CONDITIONS,
    CUES,
    MAX_CUE_WORDS,
    Cue,
    Effect,
)
from pertouch.providers.reader.mentions import find_regions
from pertouch.providers.reader.sizes import degree, number
from pertouch.providers.reader.types import RegionMention


class Hit(NamedTuple):
    """One attribute move a clause asks for."""

    attribute: str
    sign: int
    weight: float = 1.0
    region: str = ""  # a region the cue itself names ("too green": the greens); "" = the clause's
    hue: str = ""  # the colour named, so "bluer" on the sky also means more colour
    at: int = -1  # token position, to pair cues with regions in "brighter face darker background"


_COPULA = {"is", "are", "was", "were", "looks", "look", "seems", "seem", "feels", "feel"}
_QUANTITY = {"much", "less", "fewer", "some", "remove", "reduce", "no", "rid", "of", "harsh"}
_SKIP_FIRST = {"a", "bit", "touch", "tad", "lot", "notch", "somewhat", "little", "even", "much"}
_SKIP_FIRST |= {"slightly", "also", "too", "more", "less", "way", "very", "really", "kind", "of"}
_DARKNESS = Cue("noun", ((BRI, -1, 1.0),), negative=True)
Senses = Callable[[str], "tuple[Cue, float] | None"]
#: Where an adjective stands: after a copula, a degree word, "more"/"less", "it" or "and".
_ADJECTIVE_SLOT = _COPULA | {
    "too",
    "so",
    "very",
    "bit",
    "more",
    "less",
    "quite",
    "rather",
    "really",
}
_ADJECTIVE_SLOT |= {"pretty", "it", "and", "looking", "kinda", "abit", "slightly", "somewhat"}
_ADJECTIVE_SLOT |= {"overly", "super", "extremely", "getting", "gone", "turned"}
#: Words the grammar knows the job of: never lent a sense.
_KNOWN = W.FILLER | W.COMPLAINT | W.WISH | W.RAISE | W.LOWER | W.PRONOUNS | W.POSITIVE | W.VAGUE
_KNOWN |= W.FIX | W.PROTECT | set(W.MOVE) | {"enough", "much", "many", "lot", "little", "please"}
_KNOWN |= {"black", "brown", "silver", "gold", "golden", "beige", "cream"}  # what a thing is
_KNOWN |= W.AWAY | {"from", "by", "under", "over", "into", "behind", "near", "through", "across"}
_KNOWN |= {"done", "ready", "there", "here", "sure", "brownish", "blackish", "greyish"}
_DETERMINERS = {"the", "a", "an", "her", "his", "their", "my", "our", "this", "that", "its"}
_ADVERBS = {"too", "so", "very", "overly", "rather", "quite", "really", "way"}
_PREPOSITIONS = {"from", "by", "under", "over", "into", "behind", "near", "through", "across"}
#: Said as a wish these mean neutral as much as bright ("make the snow white"): complaints only.
_COMPLAINT_ONLY = {"white", "whitish"}
_LOWERING_VERBS = {"knock", "pull", "dial", "tone", "scale", "take", "cut", "turn", "roll", "rein"}
_LOWERING_VERBS |= {"get"}
#: Phrasal modifiers said after the noun: "the colours toned down", "the warmth turned up".
_LOWER_AFTER = {p for p in W.LOWER if " " in p}
_RAISE_AFTER = {p for p in W.RAISE if " " in p and p not in W.QUANTITY}
_LOOKS = {"look", "feel", "feeling", "one", "tone", "tones", "grade", "vibe", "finish", "effect"}
_LOOKS |= {"filter", "mood", "touch", "cast", "tint", "glow", "hue", "wash", "edit", "style"}


@dataclass
class Clause:
    """What one clause says, before clauses are combined."""

    connector: str
    text: str
    tokens: list[str]
    mentions: list[RegionMention] = field(default_factory=list)
    mention_at: list[int] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    named: list[str] = field(default_factory=list)  # attributes named without a direction
    degree: float | None = None
    negated: bool = False
    protect: bool = False
    pronoun: bool = False
    continues: bool = False
    positive: bool = False
    vague: bool = False
    neutral: bool = False
    fix: bool = False
    optimize: bool = False
    modifier: int = 0  # a direction said without an attribute ("tone it down")
    move: int = 0  # a movement said of a region alone ("bring down the sky")
    unsupported: str = ""
    complained: bool = False  # an adjective read as a complaint: "and blue" continues it
    dropped: bool = False  # a cue set aside on purpose ("make it white"): not for the fallback
    borrowed: float = 0.0  # similarity of a word whose sense was borrowed (0: none)

    @property
    def regions(self) -> list[str]:
        return list(dict.fromkeys(m.region for m in self.mentions))


def has(tokens: list[str], vocabulary: Iterable[str] | set[str]) -> bool:
    """True when a word or a two- or three-word phrase of ``tokens`` is in ``vocabulary``."""
    vocab = vocabulary if isinstance(vocabulary, (set, dict)) else set(vocabulary)
    for n in (1, 2, 3):
        for i in range(len(tokens) - n + 1):
            if " ".join(tokens[i : i + n]) in vocab:
                return True
    return False


def read_clause(
    piece: Piece,
    region_words: Mapping[str, str],
    complaint: bool = False,
    senses: Senses | None = None,
) -> Clause:
    """Read one clause; ``complaint`` when it continues a complaint ("is cold and blue");
    ``senses`` lends a sense to an unknown word in an adjective's place ("a bit dismal")."""
    tokens = piece.text.split()
    clause = Clause(piece.connector, piece.text, tokens)
    clause.unsupported = unsupported_label(piece.text)
    if clause.unsupported:  # nothing to do here, but "it" in the next clause may mean its region
        clause.mentions = find_regions(tokens, [False] * len(tokens), region_words)
        clause.complained = has(tokens, W.COMPLAINT) and not has(tokens, W.WISH)
        return clause
    used = [False] * len(tokens)
    found = _cue_spans(tokens, used, min_words=2)  # "in shadow", "blown out" before regions
    found += _darkness_spans(tokens, used)
    for at, mention in find_regions(tokens, used, region_words, positions=True):
        clause.mentions.append(mention)
        clause.mention_at.append(at)
    for colour in read_colours(tokens, used, clause.regions, region_words):
        if colour.cue is None:
            clause.mentions.append(RegionMention(tokens[colour.start], colour.region))
            clause.mention_at.append(colour.start)
        else:
            found.append((colour.start, colour.width, colour.cue, colour.region))
    found += _cue_spans(tokens, used, min_words=1)
    if senses is not None:
        found += _borrowed(clause, tokens, used, senses, region_words)
    _read_hits(clause, sorted(found, key=lambda f: f[0]), complaint)
    _read_stance(clause, piece)
    return clause


def _cue_spans(
    tokens: list[str], used: list[bool], min_words: int
) -> list[tuple[int, int, Cue, str]]:
    spans = []
    for n in range(MAX_CUE_WORDS, min_words - 1, -1):
        for start in range(len(tokens) - n + 1):
            phrase = " ".join(tokens[start : start + n])
            if phrase in CUES and not any(used[start : start + n]):
                spans.append((start, n, CUES[phrase], CUES[phrase].region))
                used[start : start + n] = [True] * n
    return spans


def _borrowed(
    clause: Clause,
    tokens: list[str],
    used: list[bool],
    senses: Senses,
    region_words: Mapping[str, str],
) -> list[tuple[int, int, Cue, str]]:
    """Unknown words in an adjective's place ("looks dismal", "too lurid") with a lent sense."""
    spans = []
    for i, token in enumerate(tokens):
        if used[i] or not i or tokens[i - 1] not in _ADJECTIVE_SLOT or len(token) < 4:
            continue
        if not token.isalpha() or token in _KNOWN or region_words.get(token):
            continue
        if tokens[i + 1 : i + 2] == ["to"]:
            continue  # "hard to see": about the viewer, not the photo
        lent = senses(token)
        if lent is not None:
            spans.append((i, 1, lent[0], ""))
            used[i] = True
            clause.borrowed = max(clause.borrowed, lent[1])
    return spans


def _darkness_spans(tokens: list[str], used: list[bool]) -> list[tuple[int, int, Cue, str]]:
    """ "too much shadow on the face", "remove the shadows": shadow as darkness, not the region."""
    spans = []
    for i, token in enumerate(tokens):
        if (
            token in ("shadow", "shadows")
            and not used[i]
            and _QUANTITY & set(tokens[max(0, i - 3) : i])
        ):
            spans.append((i, 1, _DARKNESS, ""))
            used[i] = True
    return spans


def _read_hits(clause: Clause, found: list[tuple[int, int, Cue, str]], complaint: bool) -> None:
    tokens = clause.tokens
    kinds: set[str] = {CLASSES_BY_NAME[r].kind for r in clause.regions if r in CLASSES_BY_NAME}
    kinds |= {
        "colour"
        for *_, region in found
        if region and region in CLASSES_BY_NAME and CLASSES_BY_NAME[region].kind == "colour"
    }
    rest = []
    for start, width, cue, region in found:
        if (
            cue.form in ("noun", "verb")
            and tokens[start - 1 : start]
            and tokens[start - 1] in _ADVERBS
        ):
            cue = Cue("adj", cue.effects, cue.negative, cue.region)  # "too light", "too saturate"
        if cue.form == "noun":
            sign = _noun_sign(tokens, start, width, cue)
            if sign == 0:
                clause.named.append(cue.effects[0][0])
                continue
            clause.hits += [Hit(a, sign * pole, w, region, at=start) for a, pole, w in cue.effects]
        else:
            rest.append((start, width, cue, region))
    for start, width, cue, region in rest:
        word = " ".join(tokens[start : start + width])
        if _attributive(tokens, start, width, cue) or (
            word in CONDITIONS and not (start and tokens[start - 1] in _COPULA | {"am"})
        ):
            clause.dropped = True
            continue  # "darken the bright window"; "blue in the shade" is where, not what
        if cue.form == "verb" and tokens[start - 1 : start] in (["a"], ["an"]) and clause.named:
            clause.hits += [Hit(a, 1, at=start) for a in clause.named]  # "a bit of a lift"
            continue
        effects = _effects(cue, word, clause.named, kinds, _tone_pole(clause.regions))
        if not effects:
            continue
        sign, complained = _adjective_sign(tokens, start, width, cue, complaint)
        if word in _COMPLAINT_ONLY and sign > 0:
            clause.dropped = True
            continue
        clause.complained |= complained
        colour = hue(tokens[start]) if tokens[start] in WB_POLES or tokens[start] in HUE_OF else ""
        clause.hits += [Hit(a, sign * p, w, region, colour, start) for a, p, w in effects]
    if any(h.attribute in clause.named for h in clause.hits):
        clause.named = [a for a in clause.named if a not in {h.attribute for h in clause.hits}]


def _effects(
    cue: Cue, word: str, named: list[str], kinds: set[str], tone_pole: int = 0
) -> tuple[Effect, ...]:
    """The cue's effects, narrowed by what the clause is about."""
    if cue.form == "level":
        if not named and "tone" in kinds and tone_pole:  # "the shadows are too heavy"
            return ((BRI, tone_pole * cue.effects[0][1], 1.0),)
        attributes = named or ([COL] if "colour" in kinds else [])
        return tuple((a, cue.effects[0][1], 1.0) for a in dict.fromkeys(attributes))
    effects = cue.effects
    if tone_pole and not named and cue.negative and [e[0] for e in effects] == [CON]:
        return ((BRI, tone_pole, 1.0),)  # "harsh shadows" are too dark, harsh highlights too bright
    if word == "hot" and (BRI in named or "tone" in kinds):
        effects = ((BRI, 1, 1.0),)
    if set(named) == {COL} and cue.negative and len(effects) == 1 and effects[0][0] != COL:
        return ((COL, effects[0][1], 1.0),)  # "the colours are flat": flat colours
    if len(effects) > 1:
        tone = {BRI} if "tone" in kinds else set()
        for wanted in (set(named), {COL} if "colour" in kinds else set(), tone):
            narrowed = tuple(e for e in effects if e[0] in wanted)
            if narrowed:
                return narrowed
    return effects


def _noun_sign(tokens: list[str], start: int, width: int, cue: Cue) -> int:
    """+1 / -1 from the noun's modifier, or 0 when nothing says which way."""
    before = tokens[max(0, start - 4) : start]
    after = tokens[start + width : start + width + 2]
    if "enough" in before[-2:] or "enough" in after[:1]:
        return 1
    taken = _taken_away(tokens, start, width)
    if (
        has(before, W.LOWER)
        or after[:1] in (["down"], ["off"])
        or has(after, _LOWER_AFTER)
        or taken
    ):
        return -1
    if after[:1] == ["back"]:
        return 1  # "I'd like the colours back", "bring the life back"
    previous = CUES.get(before[-1]) if before else None
    if previous is not None and previous.form in ("adj", "cmp"):
        return 0  # "warm colour": the adjective says it, the noun is its subject
    if has(before[-3:], W.RAISE) or after[:1] == ["up"] or has(after, _RAISE_AFTER):
        return 1
    return -1 if cue.negative else 0


def _tone_pole(regions: list[str]) -> int:
    """Which end of brightness a tone region sits at: shadows low, highlights high."""
    if set(regions) & W.DARK_TONES:
        return -1
    return 1 if {"highlights"} & set(regions) else 0


def _taken_away(tokens: list[str], start: int, width: int) -> bool:
    """ "take some magenta out", "knock the saturation back": a verb before, a particle after."""
    after = tokens[start + width : start + width + 4]
    return bool(W.AWAY & set(after)) and bool(_LOWERING_VERBS & set(tokens[:start]))


def _adjective_sign(
    tokens: list[str], start: int, width: int, cue: Cue, complaint: bool
) -> tuple[int, bool]:
    """+1 towards the cue's pole or -1 away from it, and whether it was read as a complaint."""
    before = tokens[:start]
    after = tokens[start + width : start + width + 2]
    if cue.form in ("cmp", "verb"):
        return (-1 if before[-1:] == ["less"] else 1), False
    text_before = " ".join(before)
    if ("enough" in after or before[-1:] == ["enough"]) and "too" not in before[-2:]:
        return 1, False  # "not bright enough", "not enough bright"
    if before[-1:] == ["not"] and len(before) > 1 and before[-2] in _COPULA:
        return 1, True  # "the sky is not blue": a lack, so towards
    if text_before.endswith(("not as", "not so", "not too")) or has(before[-4:], W.LOWER):
        return -1, False
    if _taken_away(tokens, start, width) or has(before[-3:], W.FIX):
        return -1, False  # "take the yellow out", "fix the yellow"
    if before[-1:] == ["more"] or has(before[-2:], W.RAISE - W.QUANTITY):
        return 1, False
    if has(before, W.WISH):
        return 1, False
    if complaint or has(before, W.COMPLAINT) or cue.negative:
        return -1, True
    return 1, False


def _read_stance(clause: Clause, piece: Piece) -> None:
    tokens, text = clause.tokens, piece.text
    directed = bool(clause.hits)
    clause.pronoun = any(t in W.PRONOUNS for t in tokens)
    clause.degree = number(text)
    if clause.degree is None:
        clause.degree = degree(text)
    clause.negated = _negated(tokens) or piece.connector in ("without", "instead of", "rather than")
    clause.positive = not directed and has(tokens, W.POSITIVE) and not clause.negated
    clause.vague = not directed and has(tokens, W.VAGUE)
    clause.neutral = not directed and has(tokens, W.NEUTRAL_CHANGE)
    clause.fix = not directed and has(tokens, W.FIX)
    if not directed and has(tokens, W.COMPLAINT) and not has(tokens, W.WISH):
        clause.complained = True  # "the skin looks waxy and pale": "and pale" continues it
    clause.optimize = not directed and bool(OPTIMIZE.search(text))
    clause.protect = not directed and (
        piece.connector in EXCEPT or (clause.regions != [] and has(tokens, W.PROTECT))
    )
    if clause.negated and clause.regions and not directed:
        clause.protect = True
    if not directed and not clause.named:
        clause.modifier = _modifier(tokens)
        clause.move = _move(tokens, clause.regions)
    first = next((t for t in tokens if t not in _SKIP_FIRST), "")
    cue = CUES.get(first)
    clause.continues = bool(first) and (cue is not None and cue.form in ("adj", "cmp"))
    clause.continues = clause.continues or first in WB_POLES or first in HUE_OF
    clause.continues = clause.continues or (
        any(h.region for h in clause.hits) and not clause.regions
    )


def _attributive(tokens: list[str], start: int, width: int, cue: Cue) -> bool:
    """An adjective between a determiner and a noun describes the noun ("the bright window")."""
    word = " ".join(tokens[start : start + width])
    if cue.form != "adj" or word not in CUES or start == 0 or tokens[start - 1] not in _DETERMINERS:
        return False
    following = tokens[start + width] if start + width < len(tokens) else ""
    return (
        following.isalpha()
        and following not in CUES
        and following not in W.FILLER
        and following not in W.COMPLAINT
        and following not in _PREPOSITIONS
        and following not in ("and", "or", "but", "enough")
        and following not in _LOOKS
    )


def starts_with_adjective(text: str) -> bool:
    """True when a clause opens with an adjective or colour ("and blue"), continuing a copula."""
    first = next((t for t in text.split() if t not in _SKIP_FIRST), "")
    cue = CUES.get(first)
    return (cue is not None and cue.form in ("adj", "level")) or first in WB_POLES


def _modifier(tokens: list[str]) -> int:
    """A direction said with no attribute: "tone it down", "bring them up", "... and less"."""
    content = [t for t in tokens if t not in W.FILLER]
    if has(tokens, {"down", "back", "less", "fewer"}) or content[-1:] == ["less"]:
        return -1
    if has(tokens, {"up", "more"}):
        return 1
    return 0


def _move(tokens: list[str], regions: list[str]) -> int:
    if not regions or GLOBAL in regions:
        return 0
    for phrase, sign in W.MOVE.items():
        if has(tokens, {phrase}) or _split_phrase(tokens, phrase):
            if sign:
                return sign
            return -1 if set(regions) & W.BRIGHT_TONES else 1 if set(regions) & W.DARK_TONES else 0
    return 0


def _split_phrase(tokens: list[str], phrase: str) -> bool:
    """A two-word verb said around its object: "bring the blacks up"."""
    verb, _, particle = phrase.partition(" ")
    if not particle or verb not in tokens:
        return False
    at = tokens.index(verb)
    return particle in tokens[at + 2 : at + 6]


def _negated(tokens: list[str]) -> bool:
    if "enough" in tokens:
        return False
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in ("dont", "never") or " ".join(tokens[i : i + 2]) in ("do not", "no need"):
            return True
        if token == "not" and nxt not in ("so", "as", "too", "enough"):
            copula = i > 0 and tokens[i - 1] in _COPULA
            cue = CUES.get(nxt)
            if not (copula and cue is not None and cue.form in ("adj", "level")):
                return True
    return False
