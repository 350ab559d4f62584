"""Whole-request forms and the asks PerTouch cannot carry out.

Before any clause is read: text that tries to hand the agent new rules, and raw JSON, are dropped
and reported; "undo" / "start over", approval ("looks good") and follow-ups that only scale the
last change ("a bit less", "more!") are recognised as such. Per clause: named looks (weak_style),
general requests (weak_optimize), and the operations outside PerTouch's four attributes
(sharpening, cropping, removing objects ...), each with the label a reply can show.

"Remove" is only unsupported when its object is a thing ("remove the power lines"); said of an
attribute or a cast ("remove the yellow cast", "get rid of the contrast") it asks for less of it,
which the grammar reads.
"""

from __future__ import annotations

import re

from pertouch.providers.reader.colours import CAST_WORDS, RANGES, WB_POLES
from pertouch.providers.reader.lexicon import CUES
from pertouch.providers.styles import STYLE_WORDS

_UNSUPPORTED: tuple[tuple[str, str], ...] = (
    (r"\b(red eyes?|redeye)\b", "red-eye removal"),
    (r"\b(teeth|tooth|whiten\w*)\b", "whitening teeth"),
    (
        r"\b(smooth\w* (out )?(the |her |his |my )?(skin|face)|blemish\w*|wrinkl\w*|acne|airbrush\w*"
        r"|pimples?|spots on (her|his|my) face|dark circles|bags under|blotch\w*|pores|freckles)\b",
        "skin smoothing",
    ),
    (r"\b(denoise\w*|de noise|noise|noisy|grain|grainy)\b", "noise and grain"),
    (
        r"\b(sharpen\w*|sharper|sharpness|sharp|deblur\w*|unblur\w*|blurry|blurred|in focus"
        r"|into focus|out of focus|unfocused)\b",
        "sharpening",
    ),
    (r"\b(blur\w*|bokeh|defocus\w*|depth of field)\b", "blurring"),
    (r"\b(monochrome|grayscale|greyscale|sepia|b w)\b", "black and white"),
    (
        r"\b(add|put|write|insert|type)\b.{0,20}\b(text|caption|watermark|logo|title|words|date"
        r"|quote|signature|says)\b",
        "adding text",
    ),
    (
        r"\b(replace|swap|switch|change)\b.{0,12}\b(sky|background|backdrop)\b.{0,20}\b(with|for|to)\b"
        r"|\b(new|different) (sky|background)\b|\bsky replacement\b",
        "replacing content",
    ),
    (
        r"\b(tint|tinted) (it|the|them)\b|\btint (up|down|slider|towards|toward)\b"
        r"|\b(more|less|reduce|increase|add) tint\b|\bhue (shift|slider)\b|\b(shift|change|rotate)"
        r" the hue\b|\b(add|give it|put) an? (pink|green|purple|magenta|teal|cyan|violet) (tint|cast)\b"
        r"|\bturn\b.{0,15}\b(pink|purple|green|magenta|teal|cyan|violet|red|blue|orange|yellow)\b",
        "tints",
    ),
    (
        r"\bmake (me|him|her|them|us) (look )?(smile|thinner|slimmer|taller|younger|older|skinnier)"
        r"|\b(open|close) (his|her|their|my) eyes\b|\b(add|put) (a |an |some )?(person|people|object"
        r"|sun|moon|birds?|lens flare|flare|rainbow|frame|border|stars|snow|fog)\b|\blens flare\b"
        r"|\b(frame|border) (around|round)\b|\bchange (his|her|their|the) \w+ (to|into)\b"
        r"|\b(slim|reshape|liquify)\w*\b",
        "changing content",
    ),
    (
        r"\b(perspective|distortion|keystone|chromatic aberration|fringing|lens correction\w*"
        r"|barrel|fisheye)\b",
        "lens corrections",
    ),
    (
        r"\b(resize\w*|upscale\w*|enlarge\w*|downscale\w*|super resolution|4k|8k|\d{3,4} (wide|px|pixels)"
        r"|higher resolution|bigger|larger|smaller|megapixels?)\b",
        "resizing",
    ),
    (r"\b(crop\w*|reframe|zoom in|zoom out|aspect ratio|square format)\b", "cropping"),
    (
        r"\b(rotate\w*|straighten\w*|tilt\w*|level the horizon|crooked|flip\w*|mirror\w*|upside down)\b",
        "rotating or flipping",
    ),
)
_REMOVE = re.compile(
    r"\b(remove|erase|delete|get rid of|clone out|clone|take out|edit out|photoshop out|cut out)\b"
)
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\b.{0,40}\b(instruction|rule|prompt|guideline|above|previous)s?"
    r"|system prompt|you are now|new (system )?rules?|developer mode|jailbreak|\bact as\b"
    r"|</?system>|\bsystem\s*:|\bassistant\s*:|tool_calls?|function_call",
    re.IGNORECASE,
)
_JSON_SPAN = re.compile(r"\{.*\}|\[.*\]", re.DOTALL)
OPTIMIZE = re.compile(
    r"\b(make|let) (it|this|the (photo|image|picture|shot|pic)) (look |looking )?"
    r"(better|nicer|good|great|nice|prettier|professional|amazing|beautiful|stunning|natural|right|best)\b"
    r"|\b(improve|enhance|optimi[sz]e|fix|correct|retouch|polish|edit|touch up|clean up) "
    r"(it|this|the (photo|image|picture|shot|pic|colou?rs|exposure|white balance|lighting))\b"
    r"|\b(clean|touch|fix|tidy|spruce) (it|this) up\b|\bfor (instagram|insta|social media)\b"
    r"|\bauto ?(fix|enhance|correct|adjust|tone|retouch)?\b|\bone click\b|\bdo your (thing|magic)\b"
    r"|\b(white balance|colou?r balance|the cast|colou?r cast)\b|\bjust (improve|enhance|fix)\b"
    r"|^(improve|enhance|fix|optimi[sz]e|better|polish|retouch)( it| this| please)*$"
)
APPROVE_WORDS = {"good", "great", "perfect", "love", "done", "approve", "approved", "fine"}
APPROVE_WORDS |= {"thanks", "nice", "ok", "okay", "yes", "excellent", "awesome", "lovely"}
APPROVE_WORDS |= {"beautiful", "wonderful", "nailed", "spot", "keep", "happy", "finished"}
#: British and casual thanks and praise ("brilliant, spot on, cheers", "ta, lush").
APPROVE_WORDS |= {"brilliant", "cheers", "ta", "superb", "fab", "fantastic", "sorted", "lush"}
APPROVE_WORDS |= {"smashing", "marvellous", "champion", "ace", "bang", "cracking"}
APPROVE_FILLER = {"that", "it", "this", "looks", "look", "is", "now", "thank", "you", "i", "am"}
APPROVE_FILLER |= {"really", "very", "so", "much", "just", "right", "exactly", "all", "on"}
APPROVE_FILLER |= {"we", "are", "the", "one", "its", "me", "to", "with", "pretty", "that's"}
APPROVE_FILLER |= {"a", "lot", "loads", "heaps", "mate", "guys", "again", "for", "help", "your"}
UNDO = re.compile(
    r"\b(undo|revert|go back|take (that|it) back|back to (the )?(previous|last|before)|previous version"
    r"|never ?mind|cancel that|scratch that|(scrap|ditch|bin|forget) that( change| last one| edit)?"
    r"|(put|change|set|turn) (it|that|this) back)\b"
)
RESET = re.compile(
    r"\b(reset|start over|start again|back to (the )?original|original (photo|image|version)"
    r"|remove all (the )?(edits|changes)|from scratch)\b"
)
LESS = re.compile(
    r"\b(less|too much|overdone|overdid|too strong|weaker|subtler|tone it down|dial it back"
    r"|too far|too heavy|pull it back)\b"
)
MORE = re.compile(r"\b(more|not enough|stronger|further|push it|go harder|intensify it)\b")


def guard(text: str) -> tuple[str, list[str]]:
    """``text`` without raw JSON and without sentences that try to give the agent new rules."""
    reasons = []
    if _JSON_SPAN.search(text):
        text = _JSON_SPAN.sub(" ", text)
        reasons.append("Ignored JSON in the instruction; edits come from words, not raw data.")
    sentences = re.split(r"(?<=[.!?\n])\s+", text)
    kept = [s for s in sentences if not _INJECTION.search(s)]
    if len(kept) < len(sentences):
        reasons.append("Ignored text that tries to give the agent new rules.")
    return " ".join(kept), reasons


def unsupported_label(text: str) -> str:
    """What ``text`` (one normalised clause) asks that PerTouch cannot do, or ""."""
    for pattern, label in _UNSUPPORTED:
        if re.search(pattern, text):
            return label
    match = _REMOVE.search(text)
    if match and not _names_an_attribute(text[match.end() :].split()[:6]):
        return "removing objects"
    return ""


def _names_an_attribute(words: list[str]) -> bool:
    for i, word in enumerate(words):
        pair = " ".join(words[i : i + 2])
        if word in CUES or pair in CUES or word in WB_POLES or word in RANGES:
            return True
        if word in CAST_WORDS or word in ("shadow", "shadows", "cast", "tint"):
            return True
    return False


def find_style(words: str) -> tuple[str, int, int]:
    """The first named look in ``words`` (longest phrase at that place) and its span."""
    best: tuple[int, int, str] | None = None
    for phrase, style in STYLE_WORDS.items():
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", words):
            if phrase == "film" and re.match(r"\s+(over|on|of|covering)\b", words[match.end() :]):
                continue  # "a grey film over everything" is a haze, not the film look
            key = (match.start(), -len(phrase), style)
            best = key if best is None or key < best else best
    if best is None:
        return "", -1, -1
    return best[2], best[0], best[0] - best[1]


def refine_factor(text: str, degree: float | None) -> float | None:
    """For a follow-up that only scales the last change: the factor, or None."""
    small = degree in (0.1, 0.15)
    big = (degree or 0) >= 0.35
    if LESS.search(text):
        return 0.25 if big else 0.7 if small else 0.5
    if MORE.search(text):
        return 2.0 if big else 1.25 if small else 1.5
    return None


#: An adjective used as a verb on an object is a command, never more of a complaint ("... and
#: cool it down" after "for a film feel").
COMMAND = re.compile(
    r"^(warm|cool|brighten|darken|lighten|soften|deepen|richen|calm)"
    r" (it|them|this|that|everything|things|the|her|his|up|down|off)\b"
)
#: A clause that only asks to fix what was said ("fix please", "could you sort it").
BARE_FIX = re.compile(
    r"^(please )?((can|could|would|will) you )?(fix|correct|repair|sort out)"
    r"( it| this| that| them| please| up| out| for me)*$"
)
