"""Sizes in words and numbers: "a touch", "a lot", "10%", "half a stop", "by 0.3 levels".

Degree words come from :mod:`pertouch.core.degrees` (one table for the whole agent) and the
reader's own modifiers that carry a size ("crank", "a hair"); numbers are percentages of the level
range, photographic stops, or levels as written by the normaliser for slider values.
"""

from __future__ import annotations

import re

from pertouch.core.degrees import DEGREES, MAX_REQUEST, percent_to_levels, stops_to_levels
from pertouch.providers.reader.words import DEGREE_WORDS

_NUMBER = re.compile(
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)"
    r"|(?P<stops>one|1|two|2|half a|a half|1/2|a|three|3|a third of a|third of a)\s+stops?"
    r"|\bby (?P<lv>[01](?:\.\d+)?) ?(?:levels?)?\b"
)
_STOPS = {"one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3, "a": 1, "half a": 0.5}
_STOPS |= {"a half": 0.5, "1/2": 0.5, "a third of a": 1 / 3, "third of a": 1 / 3}


def degree(text: str) -> float | None:
    """The size a degree phrase gives, in levels ("a touch" 0.1), or None."""
    for phrase, value in (*DEGREE_WORDS.items(), *DEGREES):
        if re.search(rf"\b{re.escape(phrase)}\b", text):
            return value
    return None


def number(text: str) -> float | None:
    """The size a percentage, a number of stops or "by N levels" gives, or None."""
    match = _NUMBER.search(text)
    if not match:
        return None
    if match.group("pct"):
        return percent_to_levels(float(match.group("pct")))
    if match.group("stops"):
        return stops_to_levels(_STOPS[match.group("stops")])
    return min(MAX_REQUEST, float(match.group("lv")))
