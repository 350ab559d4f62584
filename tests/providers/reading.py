"""What the reader tests share: the offline reader over the segmenter's region words, and the
(region, attribute, direction) of what it reads."""

from __future__ import annotations

from typing import Any

from pertouch.providers.offline import default_region_words
from pertouch.providers.reader import Reading, read_instruction

WORDS = default_region_words()
G = "global"


def read(text: str, **kwargs: Any) -> Reading:
    return read_instruction(text, WORDS, **kwargs)


def moves(text: str, **kwargs: Any) -> set[tuple[str, str, int]]:
    """(region, attribute, direction) of every edit."""
    return {(i.region, i.attribute, 1 if i.delta > 0 else -1) for i in read(text, **kwargs).intents}
