"""Reading one clause: its regions, its cues with their direction, its degree and its stance.

Multi-word cues are found first ("in shadow", "blown out"), then regions, then colour names
(:mod:`.colours`), then single cue words; with the learned layer on, an unknown word in an
adjective's place borrows the sense of its nearest cue word. Each cue's direction comes from the
words around it (:mod:`.stance`). A bare noun only names its attribute, which narrows a word with
several senses ("the colours are washed out" is about colour, not contrast) and tells a level
word which attribute it grades ("the warmth is too strong").
A clause that names an attribute without any direction ("adjust the brightness") is left for the
combiner to ask about, praise ("the sky is fine") to keep, and "fix the exposure" to the auto look.

It is longer than 300 lines because every step reads the same clause's token positions (which
words are taken by a region, a colour or a cue), which one pass over the clause keeps together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.reader import stance as S
from pertouch.providers.reader import words as W
from pertouch.providers.reader.clauses import EXCEPT, Piece
from pertouch.providers.reader.colours import HUE_OF, RANGES, WB_POLES, hue, read_colours
from pertouch.providers.reader.effects import describes, effects_of, of_colour_range, tone_pole
from pertouch.providers.reader.forms import OPTIMIZE, unsupported_label
from pertouch.providers.reader.keeping import kept as only_kept
from pertouch.providers.reader.lexicon import (
    BRI,
    CONDITIONS,
    CUES,
    MAX_CUE_WORDS,
    Cue,
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


_DARKNESS = Cue("noun", ((BRI, -1, 1.0),), negative=True)
#: Level words that are also the verb "become" before an adjective or colour ("gone magenta").
_BECOME = {"gone"}
#: What something can become that names no attribute: "gone a funny colour", "a weird shade".
_HUES = W.VAGUE | {"colour", "color", "shade", "tint", "hue"}
#: Degree words between "gone" and what it became ("gone a bit magenta", "gone really grey").
_GRADES = {"a", "bit", "little", "tad", "touch", "slightly", "very", "really", "quite", "rather"}
_GRADES |= {"so", "all", "kind", "sort", "of", "somewhat", "totally", "completely", "pretty"}

Senses = Callable[[str], "tuple[Cue, float] | None"]


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
    about: list[str] = field(default_factory=list)  # attributes its nouns name ("the colours")

    @property
    def regions(self) -> list[str]:
        return list(dict.fromkeys(m.region for m in self.mentions))


def read_clause(
    piece: Piece,
    region_words: Mapping[str, str],
    complaint: bool = False,
    senses: Senses | None = None,
    remembered: bool = False,
    topic: tuple[str, ...] = (),
) -> Clause:
    """Read one clause; ``complaint`` when it continues a complaint ("is cold and blue");
    ``senses`` lends a sense to an unknown word in an adjective's place ("a bit dismal");
    ``remembered`` when the request compares the photo with the scene as it was ("what I saw"),
    so "the sky was deep blue" says how it should look, not what is wrong; ``topic`` the attributes
    the clause before named, for a bare adjective that goes on about them ("colours too strong,
    please soft")."""
    tokens = piece.text.split()
    clause = Clause(piece.connector, piece.text, tokens)
    clause.unsupported = unsupported_label(piece.text)
    if clause.unsupported:  # nothing to do here, but "it" in the next clause may mean its region
        clause.mentions = find_regions(tokens, [False] * len(tokens), region_words)
        clause.complained = S.has(tokens, W.COMPLAINT) and not S.has(tokens, W.WISH)
        return clause
    used = [False] * len(tokens)
    found = _cue_spans(tokens, used, min_words=2)  # "in shadow", "blown out" before regions
    found += _darkness_spans(tokens, used)
    for at, mention in find_regions(tokens, used, region_words, positions=True):
        clause.mentions.append(mention)
        clause.mention_at.append(at)
    _drop_references(clause)
    for colour in read_colours(tokens, used, clause.regions, region_words):
        if colour.cue is None:
            clause.mentions.append(RegionMention(tokens[colour.start], colour.region))
            clause.mention_at.append(colour.start)
        else:
            found.append((colour.start, colour.width, colour.cue, colour.region))
    found += _cue_spans(tokens, used, min_words=1)
    if senses is not None:
        found += _borrowed(clause, tokens, used, senses, region_words)
    kept = S.said_for_its_own_sake(tokens, found)
    clause.dropped = len(kept) < len(found)  # what was set aside is not for the fallback either
    found = kept
    if piece.connector in EXCEPT and not S.has(tokens, S.COPULA | {"too"}):
        found = []  # "except the red umbrella": what is held, described
    keeping = bool(found) and only_kept(tokens)
    if keeping:
        found, clause.dropped = [], True  # "keep the warm glow on the stone": what stays
    clause.named = list(topic)
    _read_hits(clause, sorted(found, key=lambda f: f[0]), complaint, remembered)
    clause.named = [a for a in clause.named if a not in topic or a in clause.about]
    _read_stance(clause, piece)
    if keeping and not clause.protect:
        clause.positive = True  # "I like the gloomy mood": nothing to change, nothing to ask
    return clause


#: Words after which a region is what another is measured against, or the purpose of the change.
_REFERENCE = {"than", "compared", "against", "relative", "versus", "vs", "so"}


def _drop_references(clause: Clause) -> None:
    """ "the sky is too bright compared to the buildings", "cool the background so the subject
    stands out": the regions after the comparison or the purpose are not changed."""
    cut = next((i for i, t in enumerate(clause.tokens) if i and t in _REFERENCE), -1)
    if cut < 0 or not any(at < cut for at in clause.mention_at):
        return
    kept = [(at, m) for at, m in zip(clause.mention_at, clause.mentions, strict=True) if at < cut]
    clause.mention_at = [at for at, _ in kept]
    clause.mentions = [m for _, m in kept]


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
        if used[i] or not i or tokens[i - 1] not in S.ADJECTIVE_SLOT or len(token) < 4:
            continue
        if not token.isalpha() or token in S.KNOWN or region_words.get(token):
            continue
        if tokens[i + 1 : i + 2] == ["to"]:
            continue  # "hard to see": about the viewer, not the photo
        if tokens[i - 1] in ("it", "he", "she", "they") and token.endswith(("ed", "s")):
            continue  # "it rained", "she smiles": a verb after its subject, not an adjective
        if token.endswith("ing") and tokens[i - 1] in S.COPULA:
            continue  # "they are squinting": what someone does, not how the photo looks
        lent = senses(token)
        if lent is not None:
            spans.append((i, 1, lent[0], ""))
            used[i] = True
            clause.borrowed = max(clause.borrowed, lent[1])
    return spans


#: Nouns of light whose colour an adjective before them can give ("the warm light").
_LIGHT_NOUNS = {"light", "lighting", "sunlight", "daylight", "sunshine", "lamplight", "glow"}


def _coloured_light(tokens: list[str], start: int, cue: Cue) -> bool:
    """True when a light noun follows a colour or warmth word ("golden light", "the blue light"):
    the light's colour is what is spoken of, not how much light there is."""
    if tokens[start] not in _LIGHT_NOUNS or not start or not describes(tokens[start - 1]):
        return False
    said = CUES.get(tokens[start - 1])
    return said is None or BRI not in {a for a, *_ in said.effects}


def _grades_a_colour(cue: Cue, after: str) -> bool:
    """True when an amount or a brightness word stands right before a colour word: "too much
    yellow" is the amount of the colour, "bright red" and "glowing orange" are its shade, so
    neither moves the tone of where it is said; the colour word is read on its own."""
    if not (after in WB_POLES or after in RANGES or hue(after)):
        return False
    return cue.form == "level" or (cue.form == "adj" and {a for a, *_ in cue.effects} == {BRI})


def _colour_taken_out(tokens: list[str], at: int) -> bool:
    """ "pull some blue out of the shadows": a colour taken out of the shadows, which are where."""
    before = tokens[max(0, at - 3) : at]
    out_of = before[-2:] == ["out", "of"] or before[-3:-1] == ["out", "of"]
    return out_of and any(t in WB_POLES or t in RANGES for t in tokens[:at])


def _darkness_spans(tokens: list[str], used: list[bool]) -> list[tuple[int, int, Cue, str]]:
    """ "too much shadow on the face", "remove the shadows": shadow as darkness, not the region."""
    spans = []
    for i, token in enumerate(tokens):
        if (
            token in ("shadow", "shadows")
            and not used[i]
            and S.BEFORE_DARKNESS & set(tokens[max(0, i - 3) : i])
            and not _colour_taken_out(tokens, i)
        ):
            spans.append((i, 1, _DARKNESS, ""))
            used[i] = True
    return spans


def _read_hits(
    clause: Clause, found: list[tuple[int, int, Cue, str]], complaint: bool, remembered: bool
) -> None:
    tokens = clause.tokens
    kinds: set[str] = {CLASSES_BY_NAME[r].kind for r in clause.regions if r in CLASSES_BY_NAME}
    named_kinds = set(kinds)  # of the regions named as nouns ("the blues"), not by a cue
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
            and tokens[start - 1] in S.ADVERBS
            and tokens[: start - 1] != []  # a clause opening "so brighten those": "so" joins
        ):
            cue = Cue("adj", cue.effects, cue.negative, cue.region)  # "too light", "too saturate"
        cue = of_colour_range(cue, " ".join(tokens[start : start + width]), named_kinds)
        if cue.form == "noun" and _coloured_light(tokens, start, cue):
            continue  # "that warm golden light back": the adjective says how the light is
        if cue.form == "noun":
            clause.about.append(cue.effects[0][0])
            sign = S.noun_sign(tokens, start, width, cue)
            if sign == 0:
                clause.named.append(cue.effects[0][0])
                continue
            clause.hits += [Hit(a, sign * pole, w, region, at=start) for a, pole, w in cue.effects]
        else:
            rest.append((start, width, cue, region))
    for start, width, cue, region in rest:
        word = " ".join(tokens[start : start + width])
        following = [t for t in tokens[start + width :] if t not in _GRADES][:1]
        after = tokens[start + width] if start + width < len(tokens) else ""
        if _grades_a_colour(cue, after):
            continue  # "too much yellow in the highlights", "glowing orange": the colour's own
        if word in _BECOME and following and (describes(following[0]) or following[0] in _HUES):
            continue  # "everything's gone magenta": became, not missing
        if S.attributive(tokens, start, width, cue) or (
            word in CONDITIONS and not (start and tokens[start - 1] in S.COPULA | {"am"})
        ):
            clause.dropped = True
            continue  # "darken the bright window"; "blue in the shade" is where, not what
        if cue.form == "verb" and start and describes(tokens[start - 1]):
            continue  # "the warm glow back": a noun, and the adjective before it says how
        if cue.form == "verb" and tokens[start - 1 : start] in (["a"], ["an"]) and clause.named:
            clause.hits += [Hit(a, 1, at=start) for a in clause.named]  # "a bit of a lift"
            continue
        effects = effects_of(cue, word, clause.named, kinds, tone_pole(clause.regions))
        if not effects:
            continue
        sign, complained = S.adjective_sign(tokens, start, width, cue, complaint)
        if remembered and S.has(tokens[:start], {"was", "were"}) and not S.has(tokens, {"too"}):
            sign, complained = 1, False  # "what I saw: the sky was deep blue": towards it
        if word in S.COMPLAINT_ONLY and sign > 0:
            clause.dropped = True
            continue
        clause.complained |= complained
        colour = hue(tokens[start]) if tokens[start] in WB_POLES or tokens[start] in HUE_OF else ""
        clause.hits += [Hit(a, sign * p, w, region, colour, start) for a, p, w in effects]
    if any(h.attribute in clause.named for h in clause.hits):
        clause.named = [a for a in clause.named if a not in {h.attribute for h in clause.hits}]


def _read_stance(clause: Clause, piece: Piece) -> None:
    tokens, text = clause.tokens, piece.text
    directed = bool(clause.hits)
    clause.pronoun = any(t in W.PRONOUNS for t in tokens)
    clause.degree = number(text)
    if clause.degree is None:
        clause.degree = degree(text)
    clause.negated = S.negated(tokens) or piece.connector in (
        "without",
        "instead of",
        "rather than",
    )
    clause.positive = not directed and S.has(tokens, W.POSITIVE) and not clause.negated
    clause.vague = not directed and S.has(tokens, W.VAGUE)
    clause.neutral = not directed and S.has(tokens, W.NEUTRAL_CHANGE)
    clause.fix = not directed and S.has(tokens, W.CORRECT)
    if not directed and S.has(tokens, W.COMPLAINT) and not S.has(tokens, W.WISH):
        clause.complained = True  # "the skin looks waxy and pale": "and pale" continues it
    clause.optimize = not directed and bool(OPTIMIZE.search(text))
    clause.protect = not directed and (
        piece.connector in EXCEPT or (clause.regions != [] and S.has(tokens, W.PROTECT))
    )
    if clause.negated and clause.regions and not directed:
        clause.protect = True
    if not directed and not clause.named:
        clause.modifier = S.modifier(tokens)
        clause.move = S.move(tokens, clause.regions)
    first = next((t for t in tokens if t not in S.SKIP_FIRST), "")
    cue = CUES.get(first)
    clause.continues = bool(first) and (cue is not None and cue.form in ("adj", "cmp"))
    clause.continues = clause.continues or first in WB_POLES or first in HUE_OF
    clause.continues = clause.continues or (
        any(h.region for h in clause.hits) and not clause.regions
    )
