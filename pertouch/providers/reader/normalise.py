"""From what people type to the words the grammar reads.

Lower case; contractions expanded ("it's" -> "it is", also typed without the apostrophe: "isnt"); chat shorthand expanded ("pls", "bg",
"kinda"); slider and exposure numbers written as words ("highlights -50" -> "highlights down by 0.5
levels", "+0.7 EV" -> "up by 0.35 levels"); phrases that hold an "and" kept whole ("black and white"
-> "monochrome") so the clause splitter does not cut them; slang made plain ("it's giving washed
out", "lowkey too bright", "a lil extra"); negations that complain ("shouldn't be this dark", "not
so much contrast") said as complaints; "to" or "2" that means "too" restored ("its to dark"); then
every token goes through the speller. Afterwards the rewrites of :mod:`passes` run over the
tokens ("pull the highlights" lowers them, "bring out the clouds" makes them pop, a complaint typed
straight into its remedy is cut).
Punctuation that ends clauses is kept.
"""

from __future__ import annotations

import re

from pertouch.core.degrees import percent_to_levels, stops_to_levels
from pertouch.providers.reader import passes
from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.spelling import Speller
from pertouch.providers.reader.words import SHORTHAND

#: "bring out the", "recover some", "show more": the start of a wish to see detail.
_SEE_DETAIL = r"\b(?:bring out|recover|show|reveal|get back|see)(?: the| some| more)? "

_KEEP_WHOLE = (
    (re.compile(r"\bb ?& ?w\b|\bblack (and|&|n) white\b"), " monochrome "),
    (re.compile(r"\beverything but\b"), "everything except"),
    (re.compile(r"\b(take|takes|taking|took) (the|some of the) edge off\b"), "tone down"),
    (re.compile(r"\b(is|are|does|do) not (look |seem )?(quite )?right\b"), r"\1 wrong"),
    (re.compile(r"\b(is|are|looks?|seems?) not (natural|realistic)\b"), r"\1 wrong"),
    (re.compile(r"\b(is|are|looks?|seems?) not (good|great|nice|ideal|ok|okay)\b"), r"\1 bad"),
    (re.compile(r"\b(do not|dont|did not|really do not) (like|love)\b"), "dislike"),
    (re.compile(r"\b(am|are|is) not (keen on|a fan of|happy with|sure about)\b"), "dislike"),
    (re.compile(r"\b(can not|cannot|could not|cant) (really )?(see|make out)\b"), "hardly see"),
    (re.compile(r"\bon the (\w+) side\b"), r"a bit \1"),
    # a quantity of a colour is a noun to add, not a colour the photo has: "add a bit of blue"
    (
        re.compile(
            r"\b(?:a )?(?:little |tiny )?(?:bit|touch|hint|dash|tad|smidge|splash) of\b(?! an?\b)"
        ),
        "a little more",
    ),
    # a quantity after a verb that adds is more of a noun, not a slight state: "add a little
    # yellow to the sand" (not "a little yellow"), "put a touch of warmth in"
    (
        re.compile(
            r"\b(add|put|give|inject|throw in) (?:a )?(?:little|touch|tad|hint|smidge)\b(?! more)"
        ),
        r"\1 a little more",
    ),
    # a toned look said of the photo as it is, is a warm cast: "it has gone a bit sepia"
    (
        re.compile(
            r"\b(is|are|looks?|looking|gone|turned|seems?|come out|came out) ((?:a |all )?"
            r"(?:bit |little |slightly |rather |quite |very |kind of |sort of )?)sepia(?: ?ish| toned)?\b"
        ),
        r"\1 \2yellowish",
    ),
    # a flat one lives in is a place (British), not a lack of contrast: "taken in our flat"
    (
        re.compile(
            r"\b(in|at|from|outside|inside|of|near|round|to) (our|my|his|her|their|your|a|the)"
            r" ((?!(?:so|too|very|quite|really|bit|little|rather|pretty)\b)[a-z']+ )?flat\b"
        ),
        r"\1 \2 \3apartment",
    ),
    # the named hours of the day a photo was taken at are when, not a colour or a look
    (re.compile(r"\b(at|during|in) (the )?(blue|golden|magic) hour\b"), r"\1 dusk"),
    # to "pop" something into a place is to put it there (British): "pop some warmth into it"
    (re.compile(r"\bpop (?=(?:[a-z]+ ){1,5}?(?:into|onto|in to)\b)"), "put "),
    # negations that complain ("should not be this dark", "not as bright as they should be")
    (re.compile(r"\b(should|must|need|needs) not be (this|that|so|as) (?=\w)"), "is too "),
    (
        re.compile(
            r"\b(is|are|was|were) not (quite )?(as|so) (\w+) as (\w+ )?(should|could|ought to"
            r"|used to|can|would) be\b"
        ),
        r"\1 not \4 enough",
    ),
    # "moodier but not too dark", "warmer but not too much": a limit on the change, which the
    # size of a step already keeps
    (re.compile(r"(?<=\w)\s*,? but not (too|overly|excessively) \w+\b"), ""),
    (re.compile(r"\bnot (quite )?(so|as|that|too) much\b"), "less"),
    (re.compile(r"\b(do|does|did) not (really )?(stand out|pop)\b"), "lack pop"),
    # detail in the dark parts is seen by lifting them, in the bright parts by pulling them down
    (
        re.compile(_SEE_DETAIL + r"details? in the (shadows|darks|dark areas|dark parts)\b"),
        "lift the shadows",
    ),
    (
        re.compile(
            _SEE_DETAIL + r"details? in the (highlights|brights|bright areas|bright parts)\b"
        ),
        "pull down the highlights",
    ),
    (re.compile(_SEE_DETAIL + r"shadows? details?\b"), "lift the shadows"),
    (re.compile(_SEE_DETAIL + r"highlights? details? in the (\w+)"), r"darken the \1 a little"),
    (re.compile(_SEE_DETAIL + r"highlights? details?\b"), "pull down the highlights"),
    (
        re.compile(r"\b(do not|dont|did not) want (it|this|them|that) (so|this|that|as|too) "),
        r"want \2 less ",
    ),
    # "everything except the faces should be darker": the predicate belongs to "everything"
    (
        re.compile(
            r"\b(everything|the whole thing|the rest) (except|apart from|other than) ((?:the |her "
            r"|his |their |my )?\w+) ((?:should|could|needs to|must) be \w+)"
        ),
        r"\1 \4 \2 \3",
    ),
    # slang: "it's giving washed out" looks washed out; "lowkey too bright" is a hedge, no look
    (
        re.compile(
            r"\b(is|are) giving (?!(nothing|me|us|you|him|her|it|them|off|a|an|some|more|the|this"
            r"|that)\b)"
        ),
        r"\1 looking ",
    ),
    (
        re.compile(
            r"\b(low|high) ?key (?=(too|so|kind of|kinda|a bit|really|very|pretty|quite)\b)"
        ),
        "",
    ),
    (
        re.compile(
            r"\b(is|are|looks?|a (little|bit)|little|lil|bit|kind of|kinda|so|way) extra"
            r"(?=\s*($|[,.;!?]|\b(and|but|tbh|imo|now|ngl)\b))"
        ),
        r"\1 too strong",
    ),
    # sizes whose words name a region: "a hair" is a touch, "a couple hundred" (kelvin) a bit
    (re.compile(r"\ba hair\b(?! (colou?r|dye|cut|style|line)\b)"), "a touch"),
    (re.compile(r"\ba couple (of )?hundred\b"), "a bit"),
    (re.compile(r"\ba couple (of )?stops\b"), "two stops"),
    (re.compile(r"\bsort (it|this|that)( out)?\b"), "fix it"),
    (re.compile(r"\bw/o\b"), "without"),
    (re.compile(r"\bw/"), "with "),
    (re.compile(r"(?<=[a-z])\+(?=[a-z])"), " and "),
    (re.compile(r"\+\+|\bup up\b"), " up a lot "),
    (re.compile(r"(?<=[a-z] )--|(?<=[a-z])--"), " down a lot "),
    (re.compile(r"\b\d{3,5} ?(k|kelvin)\b"), " kelvin "),
)
#: Contractions typed without the apostrophe ("isnt", "doesnt", "dont"); "cant" is done apart.
_BARE_NOT = re.compile(r"\b(is|are|was|were|do|does|did|has|have|had|could|would|should)nt\b")
_SIGNED = re.compile(r"(?:(?<=\s)|^)([+-])\s?(\d+(?:\.\d+)?)\s*(%|percent|ev|stops?)?")
#: Colour names that, after a region's "'s", are the colour it has ("the sea's green").
_COLOUR_NAMES = "|".join(sorted({*WB_POLES, *RANGES}, key=len, reverse=True))
_EXPOSURE_WORDS = ("exposure", "ev", "expo", "stop", "stops")


def basic(text: str) -> str:
    """Lower case, expand contractions, keep words, digits, %, / and sentence punctuation."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("´", "'")
    text = re.sub(r"\b(it|that|what|there|here|he|she|who)'s\b", r"\1 is", text)
    text = re.sub(r"\b(can)'t\b", r"\1 not", text).replace("won't", "will not")
    text = re.sub(r"n't\b", " not", text).replace("'re", " are").replace("'d", " would")
    text = text.replace("'ll", " will").replace("'ve", " have").replace("i'm", "i am")
    # "the sky's too bright", "the whole thing's gone magenta": a verb, not a possessive
    text = re.sub(r"(\w)'s (?=(gone|got|been|become|lost|turned|come)\b)", r"\1 has ", text)
    text = re.sub(
        r"(\w)'s (?=(a|too|so|very|really|way|quite|rather|kind|bit|looking|getting|not|all|just"
        r"|still|pretty|far|slightly|much|overly|a bit|completely|totally|almost)\b)",
        r"\1 is ",
        text,
    )
    # "the sky's blue is weak": the colour a region has, spoken of as its strength
    text = re.sub(
        rf"(\w)'s (?:{_COLOUR_NAMES}) (?=(is|are|looks?|seems?|needs?|could|should)\b)",
        r"\1 colour ",
        text,
    )
    text = re.sub(r"(\w)'s\b", r"\1", text)
    text = _BARE_NOT.sub(r"\1 not", text).replace("cant ", "can not ")
    for pattern, replacement in _KEEP_WHOLE:
        text = pattern.sub(replacement, text)
    text = _SIGNED.sub(_signed_words, text)
    text = re.sub(r"[^a-z0-9%/.,;:!?\n+ -]+", " ", text).replace("-", " ")
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", " ", text)
    text = re.sub(r"(?<![\d])[.](?![\d])", " . ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _signed_words(match: re.Match[str]) -> str:
    """ "+20" -> "up by 0.2 levels": slider units are hundredths; stops and EV are stops."""
    sign, value, unit = match.group(1), float(match.group(2)), (match.group(3) or "")
    word = "up" if sign == "+" else "down"
    before = match.string[max(0, match.start() - 12) : match.start()]
    after = match.string[match.end() : match.end() + 12]
    exposure = before.rstrip().endswith(_EXPOSURE_WORDS) or bool(re.match(r"\s*expo", after))
    if unit in ("%", "percent"):
        levels = percent_to_levels(value)
    elif unit.startswith(("ev", "stop")) or (value <= 5 and exposure):  # "+0.3 exposure"
        levels = stops_to_levels(value)
    else:
        levels = min(1.0, value / 100.0)
    noun = "exposure " if unit.startswith(("ev", "stop")) else ""
    return f" {noun}{word} by {levels:.2f} levels "


def _edits(word: str, other: str) -> int:
    """Optimal-string-alignment distance (a swapped pair of letters is one edit)."""
    from symspellpy.editdistance import DistanceAlgorithm, EditDistance

    distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA).compare(word, other, 3)
    return 4 if distance < 0 else int(distance)


def names(text: str) -> set[str]:
    """Capitalised words inside a sentence ("on the beach at Whitby", "in Lisbon"): names of
    places, people and pets, which the speller must not turn into a vocabulary word ("white")."""
    return {m.group(1).lower() for m in re.finditer(r"(?<=[a-z,;:] )([A-Z][a-z]{2,})\b", text)}


def normalise(text: str, speller: Speller) -> str:
    """``text`` as the grammar reads it: see the module docstring."""
    tokens: list[str] = []
    named = names(text)
    for token in basic(text).split():
        word = token.strip(".,;:!?")
        tail = token[len(word) :] if token.startswith(word) else ""
        word = passes.unstretched(word, speller)
        if word in SHORTHAND:
            word = SHORTHAND[word]
        elif word:
            corrected = speller.correct(word)
            # a name is kept unless one slip away from a word ("the Sky is too Brigth")
            word = word if word in named and _edits(word, corrected) > 1 else corrected
        tokens.extend(part for part in (word, tail) if part)
    for rewrite in passes.IN_ORDER:
        rewrite(tokens)
    return " ".join(tokens)
