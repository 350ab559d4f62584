"""From what people type to the words the grammar reads.

Lower case; contractions expanded ("it's" -> "it is", also typed without the apostrophe: "isnt"); chat shorthand expanded ("pls", "bg",
"kinda"); slider and exposure numbers written as words ("highlights -50" -> "highlights down by 0.5
levels", "+0.7 EV" -> "up by 0.35 levels"); phrases that hold an "and" kept whole ("black and white"
-> "monochrome") so the clause splitter does not cut them; slang made plain ("it's giving washed
out", "lowkey too bright", "a lil extra"); negations that complain ("shouldn't be this dark", "not
so much contrast") said as complaints; "to" or "2" that means "too" restored ("its to dark"); then
every token goes through the speller. Afterwards "pull" without a particle lowers (Lightroom's
"pull the highlights"), and a complaint typed straight into its remedy is cut ("so cold warm it").
Punctuation that ends clauses is kept.
"""

from __future__ import annotations

import re

from pertouch.core.degrees import percent_to_levels, stops_to_levels
from pertouch.providers.reader.colours import RANGES, WB_POLES
from pertouch.providers.reader.lexicon import CUES
from pertouch.providers.reader.spelling import Speller
from pertouch.providers.reader.words import SHORTHAND

_KEEP_WHOLE = (
    (re.compile(r"\bb ?& ?w\b|\bblack (and|&|n) white\b"), " monochrome "),
    (re.compile(r"\beverything but\b"), "everything except"),
    (re.compile(r"\btake (the|some of the) edge off\b"), "tone down"),
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
            r"\b(?:a )?(?:little |tiny )?(?:bit|touch|hint|dash|tad|smidge|splash) of(?! an?\b)"
        ),
        "a little more",
    ),
    # negations that complain ("should not be this dark", "not as bright as they should be")
    (re.compile(r"\b(should|must|need|needs) not be (this|that|so|as) (?=\w)"), "is too "),
    (
        re.compile(
            r"\b(is|are|was|were) not (quite )?(as|so) (\w+) as (\w+ )?(should|could|ought to"
            r"|used to|can|would) be\b"
        ),
        r"\1 not \4 enough",
    ),
    (re.compile(r"\bnot (quite )?(so|as|that|too) much\b"), "less"),
    # "moodier but not too dark": a limit on the change, which the size of a step already keeps
    (re.compile(r"(?<=\w)\s*,? but not (too|overly|excessively) \w+\b"), ""),
    (re.compile(r"\b(do|does|did) not (really )?(stand out|pop)\b"), "lack pop"),
    # detail in the dark parts is seen by lifting them, in the bright parts by pulling them down
    (
        re.compile(
            r"\b(?:bring out|recover|show|reveal|get back|see)( the| some| more)? details? in the"
            r" (shadows|darks|dark areas|dark parts)\b"
        ),
        "lift the shadows",
    ),
    (
        re.compile(
            r"\b(?:bring out|recover|show|reveal|get back|see)( the| some| more)? details? in the"
            r" (highlights|brights|bright areas|bright parts)\b"
        ),
        "pull down the highlights",
    ),
    (
        re.compile(
            r"\b(?:bring out|recover|show|reveal|get back)( the| some| more)? shadows? details?\b"
        ),
        "lift the shadows",
    ),
    (
        re.compile(
            r"\b(?:bring out|recover|show|reveal|get back)( the| some| more)? highlights? details?"
            r" in the (\w+)"
        ),
        r"darken the \2 a little",
    ),
    (
        re.compile(
            r"\b(?:bring out|recover|show|reveal|get back)( the| some| more)? highlights? details?\b"
        ),
        "pull down the highlights",
    ),
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
_EXPOSURE_WORDS = ("exposure", "ev", "expo", "stop", "stops")
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


def normalise(text: str, speller: Speller) -> str:
    """``text`` as the grammar reads it: see the module docstring."""
    tokens: list[str] = []
    for token in basic(text).split():
        word = token.strip(".,;:!?")
        tail = token[len(word) :] if token.startswith(word) else ""
        word = _unstretched(word, speller)
        if word in SHORTHAND:
            word = SHORTHAND[word]
        elif word:
            word = speller.correct(word)
        tokens.extend(part for part in (word, tail) if part)
    _restore_too(tokens)
    _stand_out(tokens)
    _bring_out(tokens)
    _colour_of(tokens)
    _measured_against(tokens)
    _pull_down(tokens)
    _cut_before_a_command(tokens)
    return " ".join(tokens)


#: After "pull", these say which way; without one "pull the highlights" lowers (Lightroom usage).
_PULL_WAYS = {"up", "down", "back", "out", "off", "in", "into", "apart", "together", "away"}
_PULL_WAYS |= {"toward", "towards"}


def _pull_down(tokens: list[str]) -> None:
    """ "pull the highlights" -> "pull down the highlights" when no particle says another way."""
    for i, token in enumerate(tokens):
        if token == "pull" and not set(tokens[i + 1 : i + 4]) & _PULL_WAYS:
            tokens[i] = "pull down"


_OBJECTS = {"it", "them", "this", "that"}
_DEGREE_OR_COPULA = {"is", "are", "its", "looks", "look", "way", "far", "bit", "little", "much"}
#: Colour words, read by rule rather than from the lexicon, that complain like adjectives.
_COLOURS = {*WB_POLES, *RANGES}


def _cut_before_a_command(tokens: list[str]) -> None:
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


def _stand_out(tokens: list[str]) -> None:
    """ "the boats should stand out more" -> "... pop more": to stand out is to pop. Not after
    "so" ("lift her a bit so she stands out"): there it is the purpose of another change."""
    for i in range(len(tokens) - 1):
        if tokens[i] in ("stand", "stands", "standing") and tokens[i + 1] == "out":
            if "so" not in tokens[max(0, i - 3) : i]:
                tokens[i : i + 2] = ["pop"]


def _bring_out(tokens: list[str]) -> None:
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


def _colour_of(tokens: list[str]) -> None:
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


def _measured_against(tokens: list[str]) -> None:
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


def _unstretched(word: str, speller: Speller) -> str:
    """ "sooo" -> "so", "toooo" -> "too", "pleeease" -> "please": letters held down for emphasis."""
    if not re.search(r"([a-z])\1\1", word):
        return word
    double = re.sub(r"([a-z])\1{2,}", r"\1\1", word)
    single = re.sub(r"([a-z])\1{2,}", r"\1", word)
    return next((w for w in (double, single) if speller.known(w)), single)


def _restore_too(tokens: list[str]) -> None:
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
