"""The offline reader: normalise, recognise whole-request forms, read clauses, combine, account.

Three layers, each for what it does best: the normaliser and speller turn what people type into the
vocabulary ("brigthen pls" -> "brighten please"); the grammar reads what it can place exactly
(:mod:`~pertouch.providers.reader.cues`); the learned fallback
(:mod:`~pertouch.providers.reader.fallback`) reads the clauses the grammar cannot place, and the
reading asks a question where neither is sure.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Mapping

from pertouch.core.degrees import DEFAULT_DEGREE, DEGREES
from pertouch.core.regions import REGION_CLASSES
from pertouch.providers.reader import words as W
from pertouch.providers.reader.clauses import clause_around, split_clauses
from pertouch.providers.reader.colours import CAST_WORDS, RANGE_NOUNS, RANGES, WB_POLES
from pertouch.providers.reader.combine import Combined, combine
from pertouch.providers.reader.cues import Clause, Senses, read_clause
from pertouch.providers.reader.fallback import Guess, default_classifier, default_senses
from pertouch.providers.reader.forms import (
    APPROVE_FILLER,
    APPROVE_WORDS,
    BARE_FIX,
    COMMAND,
    RESET,
    UNDO,
    find_style,
    guard,
    refine_factor,
    unsupported_label,
)
from pertouch.providers.reader.lexicon import CUES, Cue
from pertouch.providers.reader.mentions import find_regions
from pertouch.providers.reader.normalise import normalise
from pertouch.providers.reader.sizes import degree
from pertouch.providers.reader.spelling import Speller
from pertouch.providers.reader.stance import COPULA, has, starts_with_adjective
from pertouch.providers.reader.types import ClauseReading, Intent, Kind, Reading
from pertouch.providers.styles import PRESETS, STYLE_WORDS

#: Words of requests the speller should know beyond the grammar's own tables.
_REQUEST_WORDS = """
make please photo picture image shot could would want bit little lot sky sharpen sharper blur
blurry crop rotate straighten flip remove erase delete noise grain grainy denoise resize upscale
teeth whiten smooth skin wrinkles blemishes monochrome sepia caption text watermark replace swap
undo revert reset original approve thanks thank perfect great good nice love looks look improve
enhance fix correct retouch edit adjust change tweak everything whole entire overall just only
except keep leave alone natural background foreground subject face faces people person colour
color colours colors brightness contrast saturation warmth temperature exposure highlights
shadows midtones
"""
Fallback = Callable[[str], Guess | None]
#: Explicit changes on this many attributes spell a look out; the look word is then only its mood.
_SPELLED_OUT = 2
_LOOK_NOUNS = {"look", "style", "vibe", "vibes", "feel", "grade", "edit", "effect", "aesthetic"}
_LOOK_NOUNS |= {"filter", "finish", "tones", "mood"}
#: What is left of a clause once its look is taken out when it only framed the look.
_LOOK_FRAME = _LOOK_NOUNS | W.FILLER | {"look", "looks", "looking", "give", "go", "turn", "more"}
_LOOK_FRAME |= {"something", "bit", "kind", "of", "ish", "sort", "vibe", "feeling", "a", "an"}
#: A look named right after one of these is complained about or taken away, not asked for.
_TAKEN_AWAY = ("too", "so", "overly", "less", "not", "no", "nor", "without")
#: Words that make a copula before a look part of a request ("can it look more cinematic").
_ASKED = {"more", "can", "could", "would", "please", "will", "should", "to", "bit", "little"}
#: The scene as it was, against which the photo is measured ("more like what I saw").
_REMEMBERED = re.compile(
    r"\b(what i saw|what i remember|i remember|remember it|in real life|irl|in reality|in person"
    r"|when i was there|how it (really )?(was|looked)|what it (really )?looked like)\b"
)
#: Hedges that, right before a look word, describe a state ("kinda faded"), not ask for a look.
_HEDGES = {"kind of", "sort of", "rather", "pretty", "fairly", "quite", "bit of a", "almost"}
_HEDGES |= {"nearly", "practically", "basically", "virtually", "bordering on", "verging on"}
#: Verbs that, shortly before a look word, describe the photo as it is ("it looks old and faded").
_DESCRIBING = COPULA | {"appears", "got", "came", "gone", "went", "turned", "seems"}


@functools.lru_cache(maxsize=1)
def default_speller() -> Speller:
    """A speller over every word the reader reads (built once: a few hundred milliseconds)."""
    vocabulary: set[str] = set(_REQUEST_WORDS.split())
    phrases = [*CUES, *STYLE_WORDS, *WB_POLES, *RANGES, *CAST_WORDS, *RANGE_NOUNS]
    phrases += [p for p, _ in DEGREES] + [s for c in REGION_CLASSES for s in c.synonyms]
    for group in (W.RAISE, W.LOWER, W.COMPLAINT, W.WISH, W.POSITIVE, W.VAGUE, W.NEUTRAL_CHANGE):
        phrases += list(group)
    phrases += [*W.FIX, *W.MOVE, *W.PROTECT, *W.DEGREE_WORDS, *W.FILLER]
    for phrase in phrases:
        vocabulary.update(phrase.split())
    verbs = [w for w, c in CUES.items() if c.form in ("verb", "adj", "cmp") and " " not in w]
    verbs += [w.split()[0] for w in (*W.MOVE, *W.RAISE, *W.LOWER, *W.FIX)] + ["tone"]
    preferred = [w for phrase in (*CUES, *W.RAISE, *W.LOWER) for w in phrase.split()]
    preferred += [w for phrase, _ in DEGREES for w in phrase.split()]
    return Speller(vocabulary, lemmas=verbs, preferred=set(preferred) - W.FILLER)


def learned_senses(word: str) -> tuple[Cue, float] | None:
    """A cue word's sense lent to ``word`` by the bundled MiniLM; None when it is missing."""
    senses = default_senses()
    return senses(word) if senses is not None else None


def learned_fallback(text: str) -> Guess | None:
    """The packaged phrase-bank classifier, loaded on first use; None when MiniLM is missing."""
    classifier = default_classifier()
    return classifier(text) if classifier is not None else None


def read_instruction(
    text: str,
    region_words: Mapping[str, str],
    *,
    speller: Speller | None = None,
    fallback: Fallback | None = learned_fallback,
    senses: Senses | None = learned_senses,
) -> Reading:
    """Read ``text`` into a :class:`Reading`; ``region_words`` maps phrases to region classes.

    Args:
        text: the instruction as typed.
        region_words: normalised phrase -> region class (the segmentation lexicon's words).
        speller: the spelling corrector; the default one over the reader's vocabulary if None.
        fallback: reads clauses the grammar cannot place; None turns the learned layer off.
        senses: lends unknown words the sense of their nearest cue word; None turns that off.
    """
    kept, reasons = guard(text)
    words = normalise(kept, speller or default_speller())
    flat = " ".join(re.sub(r"[,;:!?]|(?<!\d)\.(?!\d)", " ", words).split())
    if not flat:
        return Reading("unsupported", reasons=(*reasons, "There is no retouching request here."))
    if RESET.search(flat):
        return Reading("undo", reset=True, reasons=("Going back to the original photo.",))
    if UNDO.search(flat):
        return Reading("undo", reasons=("Undoing the last change.",))
    tokens = set(flat.split())
    if tokens & APPROVE_WORDS and tokens <= APPROVE_WORDS | APPROVE_FILLER:
        return Reading("approve", reasons=("The result is approved.",))
    style, factor, words, purpose = _style(words, region_words)
    clauses: list[Clause] = []
    pieces = split_clauses(words)
    remedy_at = max((i for i, p in enumerate(pieces) if BARE_FIX.match(p.text)), default=-1)
    for index, piece in enumerate(pieces):
        if style and set(piece.text.split()) <= _LOOK_FRAME:
            continue  # "make it look | faded": the frame of the look, accounted for with it
        last = clauses[-1] if clauses else None
        # "she is just black": a clause cut after its copula goes on with its predicate
        dangling = last is not None and last.tokens[-1:] != [] and last.tokens[-1] in COPULA
        continued = (
            last is not None
            and (piece.connector == "and" or dangling)
            and starts_with_adjective(piece.text)
            and not COMMAND.match(piece.text)
        )
        complaint = continued and last is not None and (last.complained or dangling)
        # "dark, cold and flat. fix please": bare adjectives before a bare fix are what is wrong
        complaint = complaint or (index < remedy_at and starts_with_adjective(piece.text))
        remembered = bool(_REMEMBERED.search(flat))
        clause = read_clause(
            piece, region_words, complaint, senses, remembered, _topic(last, piece.text)
        )
        if continued and last is not None and last.negated:
            clause.negated = True  # "rather than warm and orange"
        clauses.append(clause)
    if not style:
        factor_of_refine = _refine(clauses, flat)
        if factor_of_refine is not None:
            reason = f"Scaling the last change by {factor_of_refine:g}."
            return Reading("refine", factor=factor_of_refine, reasons=(reason,))
    combined = combine(clauses, fallback)
    return _reading(combined, style, factor, reasons, purpose)


def _topic(last: Clause | None, text: str) -> tuple[str, ...]:
    """The attribute a short bare clause goes on about: "colours too strong, | please soft"."""
    tokens = text.split()
    words = [w for w in tokens if w not in W.FILLER]
    if last is None or not last.hits or len(set(last.about)) != 1 or len(words) > 2:
        return ()
    if any(w in W.PRONOUNS for w in tokens) or _has_object(tokens):
        return ()  # "make it brighter", "make the photo brighter": the photo, not the colours
    if any(w in CUES and CUES[w].form == "noun" for w in words):
        return ()
    return tuple(dict.fromkeys(last.about))


def _has_object(tokens: list[str]) -> bool:
    """True when "make" or "get" takes an object ("make the photo"); "make more soft" has none."""
    return any(
        w in ("make", "get") and tokens[i + 1 : i + 2] in (["the"], ["this"], ["everything"])
        for i, w in enumerate(tokens)
    )


def _style(words: str, region_words: Mapping[str, str]) -> tuple[str, float, str, bool]:
    """The named look, its degree, the words without it, and whether it is said as the purpose of
    the changes ("crush the shadows for a moody look"); no look where it describes a region ("make
    the sky dramatic") or the photo as it is ("it looks kind of faded")."""
    style, start, end = find_style(words)
    if not style:
        return "", 1.0, words, False
    around = clause_around(words, start, end).split()
    mentions = find_regions(around, [False] * len(around), region_words)
    before, after = words[:start].split()[-2:], words[end:].split()[:2]
    sentence = re.split(r"[.!?;]", words[:start])[-1].split()[-4:]
    named = any(m.region != "global" for m in mentions)
    purpose = before[-1:] == ["for"] or before[:1] == ["for"]
    if not set(after) & _LOOK_NOUNS:  # "neon city look", "a film look" are always looks
        if words[start:end] in CUES and named:
            return "", 1.0, words, False  # "make the sky more dramatic": an adjective for the sky
        if after[:1] and find_regions(after[:1], [False], region_words):
            return "", 1.0, words, False  # "the autumn trees": a season, not a look
        if before[-1:] and before[-1] in _TAKEN_AWAY:
            return "", 1.0, words, False  # "a bit too moody now", "less moody": away from a look
        if set(sentence) & _DESCRIBING and not has(sentence, W.WISH | _ASKED):
            return "", 1.0, words, False  # "it looks kind of faded", "old and faded": the problem
        if has(before, _HEDGES) and not has(sentence, W.WISH):
            return "", 1.0, words, False  # "kinda faded", "pretty washed out": a state, said bare
        if unsupported_label(clause_around(words, start, end)):
            return "", 1.0, words, False  # "add a caption saying summer 2024"
    size = degree(words[max(0, start - 30) : start])
    factor = 1.0 if size is None else size / DEFAULT_DEGREE
    return style, round(min(factor, 2.0), 3), words[:start] + " " + words[end:], purpose


def _refine(clauses: list[Clause], flat: str) -> float | None:
    """A follow-up that only scales the last change ("a bit less"), or None."""
    for clause in clauses:
        if clause.hits or clause.named or clause.optimize or clause.unsupported:
            return None
        if clause.regions and not clause.protect:
            return None
    speller = default_speller()
    words = flat.split()
    for before, word in itertools.pairwise(words):
        if before in ("less", "more", "too") and word.isalpha() and not speller.reads(word):
            return None  # "make it less blah": "less" of something the grammar cannot name
        if before in ("less", "more") and word == "like":
            return None  # "more like spring": like something, not more of the last change
        if word in ("less", "more") and before.isalpha() and not speller.reads(before):
            return None  # "it needs to breathe more": more of what the grammar cannot name
    return refine_factor(flat, degree(flat))


def _reading(
    combined: Combined, style: str, factor: float, reasons: list[str], purpose: bool = False
) -> Reading:
    intents = combined.intents
    spelled = _SPELLED_OUT if not purpose else 1  # "cool blue tones for a winter feel"
    if style and len({i.attribute for i in intents}) >= spelled:
        reasons.append(f'"{style}" describes the changes asked for; making those, not the look.')
        style = ""  # "moody, a little darker with cooler tones": the words say how
    if style:
        merged = {(i.region, i.attribute): i for i in intents}
        for region, attribute, delta in PRESETS[style]:
            step = Intent(region, attribute, round(delta * factor, 4))
            merged.setdefault((region, attribute), step)
        intents = list(merged.values())
        reasons.append(f"A named look: {style}.")
    if combined.optimize and not style:
        reasons.append("A general request: start from the reference look (auto baseline).")
    unsupported = tuple(dict.fromkeys(u for c in combined.accounts for u in c.unsupported))
    if unsupported:
        reasons.append("Not something PerTouch can do: " + ", ".join(unsupported) + ".")
    for asked in combined.questions:
        reasons.append(f'Asking rather than guessing about "{asked.clause}": {asked.text}')
    for clause in combined.accounts:
        if clause.status == "not_understood":
            reasons.append(f'Not understood: "{clause.text}".')
    kind: Kind
    if style:
        kind = "weak_style"
    elif combined.optimize:
        kind = "weak_optimize"
    elif intents or combined.carry or combined.questions:
        kind = "strong"
    else:
        kind = "unsupported"
        if not unsupported:
            reasons.append("No change to colour, contrast, warmth or brightness was recognised.")
    if kind == "strong" and (intents or combined.carry):
        reasons.append("Specific changes to regions or attributes.")
    accounts = tuple(combined.accounts)
    if style:  # the look's words were taken out of their clause; account for them first
        accounts = (ClauseReading(style, "style"), *accounts)
    return Reading(
        kind,
        tuple(intents),
        tuple(combined.protected),
        tuple(combined.carry),
        unsupported,
        style,
        reasons=tuple(reasons),
        questions=tuple(combined.questions),
        clauses=accounts,
    )
