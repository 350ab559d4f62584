"""How the offline model reads an instruction: a lexicon of everyday words and a small grammar.

"too dark, and the sky looks washed out" is read clause by clause. Each clause yields regions
(named with the segmentation lexicon's words), attribute cues with a direction, and a degree:

* An adjective has a pole ("dark" points to less brightness). Said as a wish ("make it dark",
  "darker", "not bright enough") the edit moves towards the pole; said as a complaint ("too dark",
  "the faces are dark", "looks dull") it moves away from it. Flaw words ("washed out",
  "underexposed", "a yellow cast") always ask for the fix.
* A noun ("contrast", "warmth", "exposure") takes its direction from a modifier: "more", "boost",
  "up" raise it; "less", "reduce", "tone down" lower it.
* Degree words, percentages and stops set the size (see :mod:`pertouch.core.degrees`).
* A clause without a region inherits the previous one's when it says "it"/"them" or merely
  continues an "and" ("make the sky bluer and brighter"); a clause without an attribute inherits the
  previous clause's changes ("brighten the faces and the hands"). "except X", "leave X alone",
  "keep X natural" hold a region where it is.

Whole-instruction forms come first: "looks good" (approve), "undo" / "start over", "a bit less" /
"more" (refine the last turn), named looks (weak_style), "make it look better" (weak_optimize).
What PerTouch cannot do (sharpen, crop, remove objects ...) is listed as unsupported, and text
that tries to hand the agent new rules or raw JSON is dropped and reported.

It is longer than 300 lines because the lexicon tables and the clause reader share private helpers;
splitting it is part of the reader issue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pertouch.core.adjustments import GLOBAL
from pertouch.core.degrees import (
    DEFAULT_DEGREE,
    DEGREES,
    MAX_REQUEST,
    percent_to_levels,
    stops_to_levels,
)
from pertouch.providers.styles import PRESETS, STYLE_WORDS

Kind = Literal["weak_optimize", "weak_style", "strong", "unsupported", "refine", "undo", "approve"]
KINDS: tuple[str, ...] = (
    "weak_optimize",
    "weak_style",
    "strong",
    "unsupported",
    "refine",
    "undo",
    "approve",
)
BRI, CON, COL, TEMP = "brightness", "contrast", "colorfulness", "temperature"

# word -> (form, ((attribute, pole sign), ...)); forms: adj, cmp (comparative), verb, noun, flaw
_CUES: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}


def _add(form: str, effects: tuple[tuple[str, int], ...], *words: str) -> None:
    for word in words:
        _CUES[word] = (form, effects)


_add("adj", ((BRI, 1),), "bright", "light", "luminous", "sunny")
_add("adj", ((BRI, -1),), "dark", "dim", "gloomy", "murky", "shadowy")
_add("cmp", ((BRI, 1),), "brighter", "lighter", "sunnier")
_add("cmp", ((BRI, -1),), "darker", "dimmer", "gloomier")
_add("verb", ((BRI, 1),), "brighten", "lighten", "lift", "illuminate", "light up", "brighten up")
_add("verb", ((BRI, -1),), "darken", "dim down", "burn", "deepen", "bring down", "tame")
_add("noun", ((BRI, 1),), "brightness", "exposure", "lightness")
_add("flaw", ((BRI, 1),), "underexposed", "under exposed", "too dim")
_add("flaw", ((BRI, -1),), "overexposed", "over exposed", "blown out", "blown")
_add("adj", ((CON, 1),), "contrasty", "punchy", "crisp", "harsh", "snappy")
_add("adj", ((CON, -1),), "soft", "flat looking")
_add("cmp", ((CON, 1),), "punchier", "crisper", "harsher", "snappier")
_add("cmp", ((CON, -1),), "softer", "gentler")
_add("verb", ((CON, -1),), "soften", "flatten")
_add("verb", ((CON, 1),), "punch up")
_add("noun", ((CON, 1),), "contrast", "punch", "clarity", "depth", "pop")
_add("flaw", ((CON, 1),), "flat", "muddy", "hazy", "foggy", "lacks contrast")
_add("adj", ((COL, 1),), "saturated", "colourful", "colorful", "vivid", "vibrant", "rich", "lush")
_add("adj", ((COL, -1),), "muted", "pale", "desaturated", "subdued", "faded")
_add("cmp", ((COL, 1),), "richer", "livelier", "greener", "more saturated", "lusher")
_add("cmp", ((COL, -1),), "paler", "duller")
_add("verb", ((COL, 1),), "saturate", "intensify")
_add("verb", ((COL, -1),), "desaturate", "mute", "drain")
_add("noun", ((COL, 1),), "saturation", "colour", "color", "colours", "colors", "vibrance")
_add("noun", ((COL, 1),), "vibrancy", "colorfulness", "colourfulness", "chroma")
_add("flaw", ((COL, 1),), "washed out", "dull", "drab", "lifeless", "bland", "dead", "grey", "gray")
_add("flaw", ((COL, -1),), "oversaturated", "over saturated", "garish", "neon bright")
_add("adj", ((TEMP, 1),), "warm", "golden", "yellow", "orange", "red", "amber", "sunlit")
_add("adj", ((TEMP, -1),), "cool", "cold", "icy", "blue", "chilly", "frosty")
_add("cmp", ((TEMP, 1),), "warmer", "yellower", "redder", "more golden", "toastier")
_add("cmp", ((TEMP, -1),), "cooler", "colder", "bluer", "icier")
_add("verb", ((TEMP, 1),), "warm up", "heat up")
_add("verb", ((TEMP, -1),), "cool down", "cool off")
_add("noun", ((TEMP, 1),), "warmth", "temperature", "heat")
_add("flaw", ((TEMP, -1),), "yellowish", "yellow cast", "orange cast", "yellow tint", "too yellow")
_add("flaw", ((TEMP, 1),), "bluish", "blue cast", "blue tint", "cold cast")
_add("cmp", ((COL, 1), (BRI, -1)), "deeper")

_RAISE = {"more", "increase", "boost", "add", "raise", "up", "higher", "extra", "enhance"}
_RAISE |= {"bump", "pump", "crank", "push", "amp", "bring out", "restore", "some", "give"}
_LOWER = {"less", "reduce", "lower", "decrease", "cut", "drop", "remove", "kill", "down"}
_LOWER |= {"tone down", "turn down", "dial back", "dial down", "pull back", "tame", "lessen"}
_LOWER |= {"fewer", "minus", "get rid", "take out", "calm", "without"}
_COMPLAINT = {"too", "so", "overly", "is", "are", "looks", "look", "seems", "seem", "feels"}
_COMPLAINT |= {"feel", "was", "were", "appears", "got", "bit too"}
_NEGATION = {"not", "never", "no", "dont", "do not", "don't"}
_PRONOUNS = {"it", "them", "they", "its", "their", "those", "these"}
_COLOUR_WORDS = {"red", "orange", "yellow", "green", "blue", "purple", "pink", "magenta", "aqua"}
_REGION_STOP = {"light", "lights", "warm", "cool", "back", "behind", "upper", "lower", "all"}
_REGION_STOP |= {"focus", "thing", "things", "model", "figure", "heat", "top notch", "cast"}
_PROTECT = {"leave", "keep", "untouched", "alone", "unchanged", "natural", "except", "excluding"}
_PROTECT |= {"as is", "not", "dont", "don't", "preserve", "protect", "without touching"}

_UNSUPPORTED: tuple[tuple[str, str], ...] = (
    (
        r"\b(sharpen\w*|sharper|sharpness|deblur\w*|unblur|blurry|in focus|into focus|out of focus)\b",
        "sharpening",
    ),
    (r"\b(blur\w*|bokeh|defocus\w*)\b", "blurring"),
    (r"\b(crop\w*|reframe|zoom in)\b", "cropping"),
    (r"\b(rotate|straighten|tilt\w*|level the horizon|flip|mirror)\b", "rotating or flipping"),
    (r"\b(remove|erase|delete|get rid of|clone out|take out)\b", "removing objects"),
    (r"\b(denoise|noise|noisy|grain|grainy)\b", "noise and grain"),
    (r"\b(resize|upscale|enlarge|downscale|super resolution)\b", "resizing"),
    (r"\b(add|put|write) (a |some )?(text|caption|watermark|logo|title)\b", "adding text"),
    (r"\b(replace|swap|change) the (sky|background)\b", "replacing content"),
    (r"\b(red eye|red eyes)\b", "red-eye removal"),
    (
        r"\b(smooth\w* (the )?skin|blemish\w*|wrinkles?|acne|airbrush\w*|pimples?)\b",
        "skin smoothing",
    ),
    (r"\b(teeth|whiten)\b", "whitening teeth"),
    (r"\b(black and white|monochrome|grayscale|greyscale|b w|sepia)\b", "black and white"),
    (r"\b(tint it (pink|green|purple|magenta)|green tint|magenta tint|purple tint)\b", "tints"),
    (
        r"\b(make (him|her|them) smile|add (a |some )?(person|people|object|sun|moon|birds?))\b",
        "changing content",
    ),
)
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\b.{0,40}\b(instruction|rule|prompt|guideline|above|previous)s?"
    r"|system prompt|you are now|new (system )?rules?|developer mode|jailbreak|\bact as\b"
    r"|</?system>|\bsystem\s*:|\bassistant\s*:|tool_calls?|function_call",
    re.IGNORECASE,
)
_JSON_SPAN = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)
_OPTIMIZE = re.compile(
    r"\b(make|let) (it|this|the (photo|image|picture|shot|pic)) (look |looking )?"
    r"(better|nicer|good|great|nice|prettier|professional|amazing|beautiful|stunning|natural|right|best)\b"
    r"|\b(improve|enhance|optimi[sz]e|fix|correct|retouch|polish|edit|touch up|clean up) "
    r"(it|this|the (photo|image|picture|shot|pic|colou?rs|exposure|white balance|lighting))\b"
    r"|\b(clean|touch|fix|tidy|spruce) (it|this) up\b"
    r"|\bauto ?(fix|enhance|correct|adjust|tone|retouch)?\b|\bone click\b|\bdo your (thing|magic)\b"
    r"|\b(white balance|colour balance|color balance)\b|\bjust (improve|enhance|fix)\b"
    r"|^(improve|enhance|fix|optimi[sz]e|better|polish|retouch)( it| this| please)*$"
)
_APPROVE_WORDS = {"good", "great", "perfect", "love", "done", "approve", "approved", "fine"}
_APPROVE_WORDS |= {"thanks", "nice", "ok", "okay", "yes", "excellent", "awesome", "lovely"}
_APPROVE_WORDS |= {"beautiful", "wonderful", "nailed", "spot", "keep", "happy", "finished"}
_APPROVE_FILLER = {"that", "it", "this", "looks", "look", "is", "now", "thank", "you", "i", "am"}
_APPROVE_FILLER |= {"really", "very", "so", "much", "just", "right", "exactly", "all", "on"}
_APPROVE_FILLER |= {"we", "are", "the", "one", "its", "me", "to", "with", "pretty", "that's"}
_UNDO = re.compile(
    r"\b(undo|revert|go back|take (that|it) back|back to (the )?(previous|last|before)|previous version"
    r"|never ?mind|cancel that|scratch that)\b"
)
_RESET = re.compile(
    r"\b(reset|start over|start again|back to (the )?original|original (photo|image|version)"
    r"|remove all (the )?(edits|changes)|from scratch)\b"
)
_LESS = re.compile(
    r"\b(less|too much|overdone|overdid|too strong|weaker|subtler|tone it down|dial it back"
    r"|too far|too heavy|pull it back)\b"
)
_MORE = re.compile(r"\b(more|not enough|stronger|further|push it|go harder|intensify it)\b")
_SPLIT = re.compile(
    r"\s*(?:[,;.!?\n]+|\b(and|but|while|then|also|plus|except|excluding|apart from|other than"
    r"|though|although|whereas)\b)\s*"
)
_NUMBER = re.compile(
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)"
    r"|(?P<stops>one|1|two|2|half a|a half|1/2|a|three|3|a third of a|third of a)\s+stops?"
    r"|\bby (?P<lv>[01](?:\.\d+)?) ?(?:levels?)?\b"
)
_STOP_WORDS = {"one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "a": 1, "half a": 0.5}
_STOP_WORDS |= {"a half": 0.5, "1/2": 0.5, "a third of a": 1 / 3, "third of a": 1 / 3}


@dataclass(frozen=True)
class Intent:
    """One requested change: move ``attribute`` of ``region`` by ``delta`` levels."""

    region: str
    attribute: str
    delta: float

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "attribute": self.attribute, "delta": round(self.delta, 4)}


@dataclass(frozen=True)
class Reading:
    """What an instruction asks for, as plain data.

    Attributes:
        kind: one of :data:`KINDS`.
        intents: requested changes, at most one per (region, attribute).
        protected: regions the words say to leave alone.
        carry_to: regions that should get the last turn's changes ("now the faces").
        unsupported: what was asked that PerTouch cannot do ("sharpening").
        style: the named look, if any.
        factor: for ``refine``, how much of the last turn's changes to keep (0.5 = "less").
        reset: for ``undo``, go back to the original instead of one turn.
        reasons: short sentences on how the instruction was read.
    """

    kind: Kind
    intents: tuple[Intent, ...] = ()
    protected: tuple[str, ...] = ()
    carry_to: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()
    style: str = ""
    factor: float = 1.0
    reset: bool = False
    reasons: tuple[str, ...] = field(default=())

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions to segment: every non-global one named by intents, carries or protections."""
        names = [i.region for i in self.intents] + list(self.carry_to) + list(self.protected)
        return tuple(dict.fromkeys(n for n in names if n != GLOBAL))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "edits": [i.to_dict() for i in self.intents],
            "unsupported": list(self.unsupported),
            "protected": list(self.protected),
            "carry_to": list(self.carry_to),
            "style": self.style,
            "factor": self.factor,
            "reset": self.reset,
            "reasons": list(self.reasons),
        }


@dataclass
class _Clause:
    connector: str
    tokens: list[str]
    regions: list[str] = field(default_factory=list)
    cues: list[tuple[str, int]] = field(default_factory=list)  # (attribute, sign)
    degree: float | None = None
    protect: bool = False
    negated: bool = False
    pronoun: bool = False
    continues: bool = False  # starts with a bare cue ("and brighter"), so it shares the region


#: Exact region words (normalised phrase -> region class), e.g. the segmentation lexicon's.
RegionWords = Mapping[str, str]


def normalise(text: str) -> str:
    """Lower-case, expand contractions, keep words, digits, %, / and sentence punctuation."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\b(it|that|what|there|here|he|she)'s\b", r"\1 is", text)
    text = re.sub(r"\b(can)'t\b", r"\1 not", text)
    text = re.sub(r"n't\b", " not", text).replace("'re", " are").replace("'d", " would")
    text = re.sub(r"(\w)'s\b", r"\1", text)
    text = re.sub(r"[^a-z0-9%/.,;!?\n+ -]+", " ", text).replace("-", " ")
    text = re.sub(r"(?<=[a-z])\.(?=[a-z])", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def read_instruction(text: str, region_words: RegionWords) -> Reading:
    """Read ``text`` into a :class:`Reading`; ``region_words`` maps phrases to region classes."""
    reasons: list[str] = []
    raw = text
    if _JSON_SPAN.search(raw):
        raw = _JSON_SPAN.sub(" ", raw)
        reasons.append("Ignored JSON in the instruction; edits come from words, not raw data.")
    sentences = re.split(r"(?<=[.!?\n])\s+", raw)
    kept = [s for s in sentences if not _INJECTION.search(s)]
    if len(kept) < len(sentences):
        reasons.append("Ignored text that tries to give the agent new rules.")
    words = normalise(" ".join(kept))
    flat = re.sub(r"[,;.!?]", " ", words).split()
    flat_text = " ".join(flat)
    if not flat:
        return Reading("unsupported", reasons=(*reasons, "There is no retouching request here."))

    if _RESET.search(flat_text):
        return Reading("undo", reset=True, reasons=("Going back to the original photo.",))
    if _UNDO.search(flat_text):
        return Reading("undo", reasons=("Undoing the last change.",))
    words_set = set(flat)
    if words_set & _APPROVE_WORDS and words_set <= _APPROVE_WORDS | _APPROVE_FILLER:
        return Reading("approve", reasons=("The result is approved.",))

    style, style_factor, words = _find_style(words)
    clauses = [_read_clause(c, region_words) for c in _split(words)]
    optimize = bool(_OPTIMIZE.search(flat_text))
    unsupported = []
    for clause in clauses:
        label = _unsupported(" ".join(clause.tokens))
        if label and (not clause.cues or label in ("sharpening", "cropping", "black and white")):
            unsupported.append(label)
            clause.cues, clause.regions = [], []
    has_cues = any(c.cues for c in clauses)
    if not has_cues and not style and not optimize:
        if not any(c.regions for c in clauses) or all(c.protect for c in clauses if c.regions):
            refine = _refine_factor(flat_text)
            if refine is not None and not unsupported:
                return Reading(
                    "refine", factor=refine, reasons=(f"Scaling the last change by {refine:g}.",)
                )
    intents, protected, carry = _combine(clauses)
    if style:
        merged = {(i.region, i.attribute): i for i in intents}
        for region, attribute, delta in PRESETS[style]:
            merged.setdefault(
                (region, attribute), Intent(region, attribute, round(delta * style_factor, 4))
            )
        intents = list(merged.values())
        reasons.append(f"A named look: {style}.")
    if optimize and not style:
        reasons.append("A general request: start from the reference look (auto baseline).")
    if unsupported:
        reasons.append(
            "Not something PerTouch can do: " + ", ".join(dict.fromkeys(unsupported)) + "."
        )
    kind: Kind
    if style:
        kind = "weak_style"
    elif optimize:
        kind = "weak_optimize"
    elif intents or carry:
        kind = "strong"
    else:
        kind = "unsupported"
        if not unsupported:
            reasons.append("No change to colour, contrast, warmth or brightness was recognised.")
    if kind == "strong":
        reasons.append("Specific changes to regions or attributes.")
    return Reading(
        kind,
        tuple(intents),
        tuple(protected),
        tuple(carry),
        tuple(dict.fromkeys(unsupported)),
        style,
        reasons=tuple(reasons),
    )


def _find_style(words: str) -> tuple[str, float, str]:
    for phrase in sorted(STYLE_WORDS, key=len, reverse=True):
        match = re.search(rf"\b{re.escape(phrase)}\b", words)
        if match:
            before = words[max(0, match.start() - 30) : match.start()]
            degree = _degree(before)
            factor = 1.0 if degree is None else degree / DEFAULT_DEGREE
            rest = words[: match.start()] + " " + words[match.end() :]
            return STYLE_WORDS[phrase], round(min(factor, 2.0), 3), rest
    return "", 1.0, words


def _split(words: str) -> list[tuple[str, str]]:
    parts = _SPLIT.split(words)
    clauses: list[tuple[str, str]] = []
    connector = "start"
    # re.split with one group alternates text, connector (None for punctuation), text ...
    for i, part in enumerate(parts):
        if i % 2 == 1:
            connector = part or ("comma" if connector != "start" or clauses else "start")
            if part is None:
                connector = "comma"
            continue
        if part and part.strip():
            clauses.append((connector, part.strip()))
        connector = "comma"
    return clauses


def _read_clause(item: tuple[str, str], region_words: RegionWords) -> _Clause:
    connector, text = item
    tokens = text.split()
    clause = _Clause(connector, tokens)
    used = [False] * len(tokens)
    for n in (3, 2, 1):  # regions first, longest first, so "dark areas" is a region, not a cue
        for start in range(len(tokens) - n + 1):
            if any(used[start : start + n]):
                continue
            phrase = " ".join(tokens[start : start + n])
            if n == 1 and (phrase in _CUES or phrase in _COLOUR_WORDS or phrase in _REGION_STOP):
                continue
            region = region_words.get(phrase, "")
            if n == 1 and phrase in ("her", "his") and start + 1 < len(tokens):
                following = tokens[start + 1]
                if region_words.get(following) or region_words.get(
                    " ".join(tokens[start + 1 : start + 3])
                ):
                    continue  # a possessive: "her face" is the face, not the person
            if region and region not in ("objects",):
                clause.regions.append(region)
                used[start : start + n] = [True] * n
    if len(clause.regions) > 1 and GLOBAL in clause.regions:
        clause.regions.remove(GLOBAL)  # "the top of the image" is the top
    clause.pronoun = any(t in _PRONOUNS for t in tokens)
    clause.degree = _number(text)
    if clause.degree is None:
        clause.degree = _degree(text)
    _read_cues(clause, tokens, used)
    clause.negated = _negated(tokens, used)
    lowered = " ".join(tokens)
    clause.protect = connector in ("except", "excluding", "apart from", "other than") or (
        not clause.cues and any(re.search(rf"\b{p}\b", lowered) for p in _PROTECT)
    )
    if clause.negated and clause.regions and not clause.cues:
        clause.protect = True
    first = next(
        (
            t
            for t in tokens
            if t
            not in {
                "a",
                "bit",
                "touch",
                "tad",
                "lot",
                "notch",
                "somewhat",
                "little",
                "even",
                "much",
                "slightly",
                "and",
                "also",
                "too",
                "more",
                "less",
            }
        ),
        "",
    )
    clause.continues = bool(first) and _CUES.get(first, ("", ()))[0] in ("adj", "cmp", "flaw")
    return clause


def _read_cues(clause: _Clause, tokens: list[str], used: list[bool]) -> None:
    i = 0
    found: dict[str, int] = {}
    forms: dict[str, str] = {}
    while i < len(tokens):
        if used[i]:
            i += 1
            continue
        two = " ".join(tokens[i : i + 2])
        three = " ".join(tokens[i : i + 3])
        key, width = (three, 3) if three in _CUES else (two, 2) if two in _CUES else (tokens[i], 1)
        entry = _CUES.get(key)
        if entry is None:
            i += 1
            continue
        form, effects = entry
        before = tokens[max(0, i - 4) : i]
        after = tokens[i + width : i + width + 2]
        sign = _direction(form, before, after)
        for attribute, pole in effects:
            if (
                form == "cmp"
                and key == "deeper"
                and clause.regions
                and clause.regions[0] == "shadows"
            ):
                if attribute == COL:
                    continue
            if form == "noun" and forms.get(attribute, "noun") != "noun":
                continue  # "mute the colours": the verb decides, the noun only names
            found[attribute] = pole * sign
            forms[attribute] = form
        if key in ("bluer", "blue", "more blue") and sign > 0:
            if any(r in ("sky", "water", "blues") for r in clause.regions):
                found[COL] = 1
        i += width
    clause.cues = list(found.items())


def _direction(form: str, before: list[str], after: list[str]) -> int:
    """+1 to move towards the cue's pole, -1 away from it."""
    text_before = " ".join(before)
    lower = (
        any(w in _LOWER for w in before[-2:])
        or any(
            p in text_before
            for p in (
                "tone down",
                "turn down",
                "dial back",
                "dial down",
                "get rid",
                "pull back",
                "bring down",
                "take out",
            )
        )
        or (after[:1] == ["down"])
    )
    raise_ = any(w in _RAISE for w in before[-2:]) or after[:1] == ["up"]
    if form == "flaw":
        return 1
    if form == "noun":
        return -1 if lower else 1
    if "enough" in after:
        return 1
    if form in ("adj",):
        if before[-1:] == ["less"] or text_before.endswith(("not as", "not so")):
            return -1
        if before[-1:] == ["more"] or (raise_ and not lower):
            return 1
        if any(w in _COMPLAINT for w in before):
            return -1
        return 1
    if before[-1:] == ["less"]:
        return -1
    return 1


def _negated(tokens: list[str], used: list[bool]) -> bool:
    text = " ".join(tokens)
    if re.search(r"\benough\b", text):
        return False
    return bool(re.search(r"\b(do not|dont|never|no need to)\b|\bnot\b(?! (so|as|too)\b)", text))


def _degree(text: str) -> float | None:
    for phrase, value in DEGREES:
        if re.search(rf"\b{re.escape(phrase)}\b", text):
            return value
    return None


def _number(text: str) -> float | None:
    match = _NUMBER.search(text)
    if not match:
        return None
    if match.group("pct"):
        return percent_to_levels(float(match.group("pct")))
    if match.group("stops"):
        return stops_to_levels(_STOP_WORDS[match.group("stops")])
    return min(MAX_REQUEST, float(match.group("lv")))


def _unsupported(text: str) -> str:
    for pattern, label in _UNSUPPORTED:
        if re.search(pattern, text):
            return label
    return ""


def _refine_factor(text: str) -> float | None:
    small = _degree(text) in (0.1, 0.15)
    big = (_degree(text) or 0) >= 0.35
    if _LESS.search(text):
        return 0.25 if big else 0.7 if small else 0.5
    if _MORE.search(text):
        return 2.0 if big else 1.25 if small else 1.5
    return None


def _combine(clauses: list[_Clause]) -> tuple[list[Intent], list[str], list[str]]:
    """Resolve inheritance between clauses and merge their changes per (region, attribute)."""
    merged: dict[tuple[str, str], Intent] = {}
    protected: list[str] = []
    carry: list[str] = []
    previous: _Clause | None = None
    for index, clause in enumerate(clauses):
        if clause.protect:
            protected.extend(r for r in clause.regions if r != GLOBAL)
            continue
        if clause.negated and clause.cues:
            continue  # "don't make it darker": nothing to do for this clause
        if clause.cues and not clause.regions and previous is not None and previous.regions:
            if clause.pronoun or (clause.connector == "and" and clause.continues):
                clause.regions = list(previous.regions)
        if clause.regions and not clause.cues:
            source = previous if previous is not None and previous.cues else None
            if source is None:
                later = next((c for c in clauses[index + 1 :] if c.cues), None)
                if later is not None and later.connector == "and" and not later.regions:
                    later.regions = list(clause.regions)
                    continue
                if later is not None and later.connector == "and":
                    source = later
            if source is None:
                carry.extend(r for r in clause.regions if r != GLOBAL)
                continue
            clause.cues, clause.degree = source.cues, clause.degree or source.degree
        if not clause.cues:
            continue
        size = clause.degree if clause.degree is not None else DEFAULT_DEGREE
        for region in clause.regions or [GLOBAL]:
            for attribute, sign in clause.cues:
                intent = Intent(region, attribute, round(sign * size, 4))
                old = merged.get((region, attribute))
                if (
                    old is None
                    or (old.delta * intent.delta < 0)
                    or abs(intent.delta) > abs(old.delta)
                ):
                    merged[(region, attribute)] = intent
        previous = clause
    intents = list(merged.values())
    global_moves = [i for i in intents if i.region == GLOBAL]
    for region in protected:
        intents = [i for i in intents if i.region != region]
        intents.extend(Intent(region, g.attribute, -g.delta) for g in global_moves)
    return intents, list(dict.fromkeys(protected)), list(dict.fromkeys(carry))
