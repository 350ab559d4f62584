"""How the words around a cue decide its direction, and what a clause's stance is.

The order of precedence for an adjective: an explicit lowering ("less", "reduce", "too much",
"get rid of", "take ... out") moves away from its pole; an explicit raising ("more", "add some")
towards it; then a wish ("make it", "I'd like it", "should be") towards it; a complaint ("is too",
"looks", "a bit", "came out") away; a negative word said bare ("gloomy.", "kinda faded") away;
otherwise a bare adjective is a wish ("warm and bright"). Comparatives and verbs move towards
their pole. A noun moves the way its modifier says ("more contrast", "the colours toned down") or,
with none, only names its attribute.
"""

from __future__ import annotations

from collections.abc import Iterable

from pertouch.core.adjustments import GLOBAL
from pertouch.core.degrees import DEGREES
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.providers.reader import words as W
from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.lexicon import CUES, Cue

COPULA = {"is", "are", "was", "were", "looks", "look", "seems", "seem", "feels", "feel"}
#: Before "shadow", these make it darkness rather than the region ("too much shadow on her face").
BEFORE_DARKNESS = {"much", "less", "fewer", "some", "remove", "reduce", "no", "rid", "of", "harsh"}
SKIP_FIRST = {"a", "bit", "touch", "tad", "lot", "notch", "somewhat", "little", "even", "much"}
SKIP_FIRST |= {"slightly", "also", "too", "more", "less", "way", "very", "really", "kind", "of"}
#: Where an adjective stands: after a copula, a degree word, "more"/"less", "it" or "and".
ADJECTIVE_SLOT = COPULA | {"too", "so", "very", "bit", "more", "less", "quite", "rather", "really"}
ADJECTIVE_SLOT |= {"pretty", "it", "and", "looking", "kinda", "abit", "slightly", "somewhat"}
ADJECTIVE_SLOT |= {"overly", "super", "extremely", "getting", "gone", "turned"}
#: Words the grammar knows the job of: never lent a sense.
KNOWN = W.FILLER | W.COMPLAINT | W.WISH | W.RAISE | W.LOWER | W.PRONOUNS | W.POSITIVE | W.VAGUE
KNOWN |= W.FIX | W.PROTECT | set(W.MOVE) | {"enough", "much", "many", "lot", "little", "please"}
KNOWN |= {"brown", "silver", "gold", "golden", "beige", "cream"}  # what a thing is
PREPOSITIONS = {"from", "by", "under", "over", "into", "behind", "near", "through", "across"}
KNOWN |= W.AWAY | PREPOSITIONS | {"done", "ready", "there", "here", "sure", "brownish", "greyish"}
KNOWN |= {w for phrase in (*W.DEGREE_WORDS, *(p for p, _ in DEGREES)) for w in phrase.split()}
DETERMINERS = {"the", "a", "an", "her", "his", "their", "my", "our", "this", "that", "its"}
ADVERBS = {"too", "so", "very", "overly", "rather", "quite", "really", "way"}
#: Said as a wish these mean neutral as much as bright ("make the snow white"): complaints only.
COMPLAINT_ONLY = {"white", "whitish"}
LOWERING_VERBS = {"knock", "pull", "dial", "tone", "scale", "take", "cut", "turn", "roll", "rein"}
LOWERING_VERBS |= {"get"}
#: Phrasal modifiers said after the noun: "the colours toned down", "the warmth turned up".
LOWER_AFTER = {p for p in W.LOWER if " " in p}
#: A direction said after the attribute, past a degree: "saturation lower", "contrast a bit higher".
_POST_DOWN = {"lower", "down", "less", "reduced", "decreased", "lowered"}
_POST_UP = {"higher", "up", "raised", "increased", "boosted", "bumped"}
_DEGREE_FILL = {"a", "bit", "little", "touch", "tad", "slightly", "lot", "much", "way", "tiny"}
RAISE_AFTER = {p for p in W.RAISE if " " in p and p not in W.QUANTITY}
LOOKS = {"look", "feel", "feeling", "one", "tone", "tones", "grade", "vibe", "finish", "effect"}
LOOKS |= {"filter", "mood", "touch", "cast", "tint", "glow", "hue", "wash", "edit", "style"}


def has(tokens: list[str], vocabulary: Iterable[str] | set[str]) -> bool:
    """True when a word or a two- or three-word phrase of ``tokens`` is in ``vocabulary``."""
    vocab = vocabulary if isinstance(vocabulary, (set, dict)) else set(vocabulary)
    for n in (1, 2, 3):
        for i in range(len(tokens) - n + 1):
            if " ".join(tokens[i : i + n]) in vocab:
                return True
    return False


def noun_sign(tokens: list[str], start: int, width: int, cue: Cue) -> int:
    """+1 / -1 from the noun's modifier, or 0 when nothing says which way."""
    before = tokens[max(0, start - 4) : start]
    after = tokens[start + width : start + width + 2]
    if "enough" in before[-2:] or "enough" in after[:1]:
        return 1
    later = [t for t in tokens[start + width : start + width + 4] if t not in _DEGREE_FILL]
    told = has(before, W.LOWER) or has(before[-3:], W.RAISE)
    if later[:1] and later[0] in _POST_DOWN | _POST_UP and not told:
        return -1 if later[0] in _POST_DOWN else 1  # "contrast a bit lower", "exposure up"
    taken = taken_away(tokens, start, width)
    if has(before, W.LOWER) or after[:1] in (["down"], ["off"]) or has(after, LOWER_AFTER) or taken:
        return -1
    if after[:1] == ["back"]:
        return 1  # "I'd like the colours back", "bring the life back"
    previous = CUES.get(before[-1]) if before else None
    if previous is not None and previous.form in ("adj", "cmp"):
        return 0  # "warm colour": the adjective says it, the noun is its subject
    if before and before[-1] in W.CORRECT:
        return 0  # "more natural colour", "real colours": correct it, not more of it
    if has(before[-3:], W.RAISE) or after[:1] == ["up"] or has(after, RAISE_AFTER):
        return 1
    if cue.region:
        return 1  # "a vignette please": a noun that names where and how is asked for
    return -1 if cue.negative else 0


def taken_away(tokens: list[str], start: int, width: int) -> bool:
    """ "take some magenta out", "knock the saturation back": a verb before, a particle after."""
    after = tokens[start + width : start + width + 4]
    return bool(W.AWAY & set(after)) and bool(LOWERING_VERBS & set(tokens[:start]))


def adjective_sign(
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
    if before[-1:] == ["not"] and len(before) > 1 and before[-2] in COPULA:
        return 1, True  # "the sky is not blue": a lack, so towards
    if text_before.endswith(("not as", "not so", "not too")) or has(before[-4:], W.LOWER):
        return -1, False
    if taken_away(tokens, start, width) or has(before[-3:], W.FIX):
        return -1, False  # "take the yellow out", "fix the yellow"
    if before[-1:] == ["more"] or has(before[-2:], W.RAISE - W.QUANTITY):
        return 1, False
    if caused(before):
        return -1, True  # "the lamps make everything orange": a cause described, not a wish
    if has(before, W.WISH):
        return 1, False
    verb = width == 1 and tokens[start] in _ALSO_VERBS and after[:1] and after[0] in _OBJECTS
    if verb and not set(before[-1:]) & (COPULA | set(ADVERBS) | {"how"}):
        return 1, False  # "now warm the faces": an adjective with an object is a verb, a command
    if complaint or has(before, W.COMPLAINT | DISLIKE) or cue.negative:
        return -1, True
    if before[-1:] == ["how"]:
        return -1, True  # "not keen on how yellow the walls look": an exclamation
    return 1, False


#: Words that, right after an adjective, make it a verb with an object ("warm the faces").
_OBJECTS = {"the", "her", "his", "their", "my", "it", "them", "this", "that", "everything"}
_OBJECTS |= {"those", "these", "our", "your", "things"}
#: Adjectives that are verbs too ("warm the faces", "cool it", "dim the lamps").
_ALSO_VERBS = {"warm", "cool", "dim", "clear", "clean", "calm", "mellow", "mute", "soften"}
#: Words before "make" that leave it a request ("can you make", "please make", "to make").
_ASKING = W.FILLER | W.WISH | {"to", "and", "then", "but", "or", "pls", "lets", "should", "must"}
_ASKING |= {"will", "cant", "cannot", "might", "also", "simply", "maybe", "possibly", "kindly"}


def caused(before: list[str]) -> bool:
    """True when "make" has a thing for its subject ("the stage lights make everything purple",
    "this filter make it too warm"): a complaint about a cause, not a request. A bare noun before
    it is not enough: terse writers put the region first ("sky make blue")."""
    at = max((i for i, t in enumerate(before) if t in ("make", "makes")), default=-1)
    if at < 0:
        return False
    subject = before[max(0, at - 3) : at]
    if not subject or not subject[-1].isalpha() or subject[-1] in _ASKING:
        return False
    return before[at] == "makes" or bool(set(subject[:-1]) & DETERMINERS)


def attributive(tokens: list[str], start: int, width: int, cue: Cue) -> bool:
    """An adjective between a determiner and a noun describes the noun ("the bright window")."""
    word = " ".join(tokens[start : start + width])
    if cue.form != "adj" or word not in CUES or start == 0 or tokens[start - 1] not in DETERMINERS:
        return False
    following = tokens[start + width] if start + width < len(tokens) else ""
    return (
        following.isalpha()
        and following not in CUES
        and following not in W.FILLER
        and following not in W.COMPLAINT
        and following not in PREPOSITIONS
        and following not in ("and", "or", "but", "enough")
        and following not in LOOKS
    )


def starts_with_adjective(text: str) -> bool:
    """True when a clause opens with an adjective or colour ("and blue"), continuing a copula."""
    first = next((t for t in text.split() if t not in SKIP_FIRST), "")
    cue = CUES.get(first)
    return (
        (cue is not None and cue.form in ("adj", "level")) or first in WB_POLES or first in RANGES
    )


def modifier(tokens: list[str]) -> int:
    """A direction said with no attribute: "tone it down", "bring them up", "... and less"."""
    content = [t for t in tokens if t not in W.FILLER]
    if has(tokens, {"down", "back", "less", "fewer"}) or content[-1:] == ["less"]:
        return -1
    if has(tokens, {"up", "more"}):
        return 1
    # a two-word verb said around its object: "rein them in", "ease it off"
    if any(split_phrase(tokens, p) for p in _SPLIT_LOWER):
        return -1
    return 0


_SPLIT_LOWER = [p for p in W.LOWER if " " in p and p.split()[1] in ("in", "off", "out", "away")]


def move(tokens: list[str], regions: list[str]) -> int:
    if not regions or GLOBAL in regions:
        return 0
    for phrase, sign in W.MOVE.items():
        if has(tokens, {phrase}) or split_phrase(tokens, phrase):
            if sign:
                return sign
            return -1 if set(regions) & W.BRIGHT_TONES else 1 if set(regions) & W.DARK_TONES else 0
    if all(r in CLASSES_BY_NAME and CLASSES_BY_NAME[r].kind == "colour" for r in regions):
        # colour ranges alone have one thing to give: "the greens could use more", "less of the
        # reds", "pump the teals"
        if has(tokens, W.LOWER):
            return -1
        if has(tokens, W.RAISE - W.QUANTITY) or has(tokens, W.QUANTITY):
            return 1
    return 0


def split_phrase(tokens: list[str], phrase: str) -> bool:
    """A two-word verb said around its object: "bring the blacks up"."""
    verb, _, particle = phrase.partition(" ")
    if not particle or verb not in tokens:
        return False
    at = tokens.index(verb)
    return particle in tokens[at + 2 : at + 6]


#: Dislike said with a negation: a complaint about what follows, not a negated request.
DISLIKE = {"not keen", "not a fan", "not happy", "dont like", "do not like", "not loving"}
DISLIKE |= {"not liking", "not sure about", "not too keen", "not crazy about"}


def negated(tokens: list[str]) -> bool:
    if "enough" in tokens or has(tokens, DISLIKE):
        return False
    cut = purpose_at(tokens)
    if cut > 0 and any(t in CUES for t in tokens[:cut]):
        tokens = tokens[:cut]  # "darker so it does not compete": the purpose is not negated
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in ("dont", "never") or " ".join(tokens[i : i + 2]) in ("do not", "no need"):
            return True
        if token == "not" and nxt not in ("so", "as", "too", "enough"):
            copula = i > 0 and tokens[i - 1] in COPULA
            cue = CUES.get(nxt)
            if not (copula and cue is not None and cue.form in ("adj", "level")):
                return True
    return False


#: Words that, after a purpose "so" or "for", start the state the change is for.
_PURPOSE_STARTS = {"the", "it", "they", "she", "he", "that", "her", "his", "their", "everything"}
_PURPOSE_STARTS |= {"a", "an", "more", "some"}
#: A viewer who can then see something ("so you can see the detail") starts a purpose too.
_PURPOSE_SUBJECTS = [[who, verb] for who in ("you", "we", "people") for verb in ("can", "could")]
#: Degree words that may stand between "already" and what it concedes ("already quite bright").
_CONCEDED = {"quite", "very", "pretty", "fairly", "rather", "really", "nice", "nicely", "so"}


def said_for_its_own_sake(
    tokens: list[str], found: list[tuple[int, int, Cue, str]]
) -> list[tuple[int, int, Cue, str]]:
    """Cues that ask for nothing: the state a change is for ("add contrast so the fruit looks
    crisp", "warm it up for a softer feel") once a cue before it asked for the change, and a state
    conceded with "already" ("it is already colourful, but ...")."""
    kept = []
    starts = sorted(f[0] for f in found)
    for span in found:
        at = span[0]
        purpose = purpose_at(tokens[: at + 1])
        if purpose > 0 and starts[0] < purpose:
            continue
        before = [t for t in tokens[max(0, at - 3) : at] if t not in _CONCEDED]
        if before[-1:] == ["already"]:
            continue
        kept.append(span)
    return kept


def purpose_at(tokens: list[str]) -> int:
    """Where the purpose of a change starts ("... so it does not compete"), or -1."""
    return next(
        (
            i
            for i in range(1, len(tokens) - 1)
            if tokens[i] in ("so", "for")
            and (tokens[i + 1] in _PURPOSE_STARTS or tokens[i + 1 : i + 3] in _PURPOSE_SUBJECTS)
        ),
        -1,
    )
