"""From the words people use to the region classes PerTouch knows.

"The faces", "her skin", "the greenery", "less red in the shadows": a phrase is normalised (case,
punctuation, articles, possessives), looked up in a synonym lexicon, and, failing that, matched to
the nearest class by a sentence embedding of the class's synonyms. A colour or tonal range said
*in* a region ("the orange in the sky", "the shadows of the trees", "the reds in the shadows") is
that range narrowed to the region: :attr:`Resolution.within` names the region. The catalogue of classes and
synonyms is plain data in :mod:`pertouch.core.regions`, shared with the offline chat model; a
few classes have no offline model and exist so that "the hills" resolves to *mountains* and is
answered as absent, instead of drifting to the nearest class that happens to have a model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.regions import CLASSES_BY_NAME, REGION_CLASSES, normalise
from pertouch.tools.segmentation.types import MatchedBy, RegionError

MAX_PHRASE_CHARS = 200
#: Cosine similarity below which the embedding fallback says "unknown" rather than guess.
EMBEDDING_THRESHOLD = 0.45


_DROP = {
    "the",
    "a",
    "an",
    "my",
    "his",
    "her",
    "their",
    "its",
    "our",
    "your",
    "this",
    "that",
    "these",
    "those",
    "some",
    "all",
    "of",
    "in",
    "photo's",
    "image's",
    "picture's",
}


@dataclass(frozen=True)
class Resolution:
    """How a phrase was understood: a region class (or "" for unknown), by what, how surely."""

    phrase: str
    region: str
    matched_by: MatchedBy
    score: float
    #: The region a colour or tonal range is narrowed to ("sky" in "the orange in the sky").
    within: str = ""

    @property
    def known(self) -> bool:
        return bool(self.region)


_NARROWING = re.compile(r" (?:in|of|on|inside|within|across) ")
#: Kinds of region a range can be narrowed to: the ones that are places in the photo.
_CONTAINERS = {"scene", "people", "subject", "spatial"}


def narrowed_range(phrase: str) -> tuple[str, str] | None:
    """``(range, region)`` for "the orange in the sky"-like phrases, else None."""
    parts = _NARROWING.split(normalise(phrase), maxsplit=1)
    if len(parts) != 2:
        return None
    first, second = lookup(parts[0]), lookup(parts[1])
    if not first or not second:
        return None
    inner, outer = CLASSES_BY_NAME[first].kind, CLASSES_BY_NAME[second].kind
    if inner in ("tone", "colour") and (
        outer in _CONTAINERS or (inner == "colour" and outer == "tone")
    ):
        return first, second
    return None


class TextEmbedder(Protocol):
    """Anything that embeds texts as unit vectors (see pertouch.providers.embeddings)."""

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


def content_words(phrase: str) -> str:
    """The phrase without articles and possessives: "the woman's face" -> "woman face"."""
    words = [w for w in normalise(phrase).split() if w not in _DROP]
    return " ".join(words) or normalise(phrase)


def check_phrase(phrase: object) -> str:
    """Return the stripped phrase, or raise :class:`RegionError` for empty or overlong input."""
    if not isinstance(phrase, str) or not phrase.strip():
        raise RegionError("The region is empty; name a region such as 'the sky' or 'the faces'.")
    if len(phrase) > MAX_PHRASE_CHARS:
        raise RegionError(
            f"The region phrase is {len(phrase)} characters long; name the region in a few words "
            f"(at most {MAX_PHRASE_CHARS} characters)."
        )
    return phrase.strip()


_SYNONYMS = {normalise(s): c.name for c in REGION_CLASSES for s in c.synonyms}
_MAX_WORDS = max(len(s.split()) for s in _SYNONYMS)


def lookup(phrase: str) -> str:
    """The region class a phrase names by the lexicon alone, or "" when it names none.

    The whole phrase is tried first; otherwise the head noun wins: the part before " of " ("the
    face of the woman") and, within it, the longest synonym that ends the phrase ("the woman's
    face"). A phrase whose last word is not a synonym ("the lawn chairs") is not matched here.
    """
    full = normalise(phrase)
    words = [w for w in full.split() if w not in _DROP or w == "all"]
    for text in (full, " ".join(words)):
        if text in _SYNONYMS:
            return _SYNONYMS[text]
    words = [w for w in normalise(phrase).split(" of ")[0].split() if w not in _DROP]
    best = ("", -1, 0)  # (class, end index, length)
    for start in range(len(words)):
        for length in range(min(_MAX_WORDS, len(words) - start), 0, -1):
            name = _SYNONYMS.get(" ".join(words[start : start + length]))
            end = start + length
            if name and (end > best[1] or (end == best[1] and length > best[2])):
                best = (name, end, length)
                break
    # A match must be the head noun: in "the lawn chairs" "lawn" is only a modifier, so the phrase
    # goes to the embedding fallback instead of becoming vegetation.
    return best[0] if best[1] == len(words) else ""


class Lexicon:
    """Resolves phrases to region classes, with an optional embedding fallback.

    Args:
        embedder: used only when the synonym lookup fails; None turns the fallback off.
        threshold: the cosine similarity under which a phrase stays unknown.
    """

    def __init__(
        self, embedder: TextEmbedder | None = None, threshold: float = EMBEDDING_THRESHOLD
    ):
        self._embedder = embedder
        self._threshold = threshold
        self._anchors: NDArray[np.float32] | None = None
        self._anchor_classes = [c.name for c in REGION_CLASSES for _ in c.synonyms]

    def resolve(self, phrase: str) -> Resolution:
        """Understand ``phrase`` as a region class (``region == ""`` when it is not understood)."""
        phrase = check_phrase(phrase)
        narrowed = narrowed_range(phrase)
        if narrowed:
            return Resolution(phrase, narrowed[0], "lexicon", 1.0, within=narrowed[1])
        name = lookup(phrase)
        if name:
            return Resolution(phrase, name, "lexicon", 1.0)
        if self._embedder is None:
            return Resolution(phrase, "", "none", 0.0)
        if self._anchors is None:
            synonyms = [s for c in REGION_CLASSES for s in c.synonyms]
            self._anchors = self._embedder.embed_texts(synonyms)
        query = self._embedder.embed_texts([content_words(phrase)])[0]
        similarity = self._anchors @ query
        best = int(np.argmax(similarity))
        score = float(similarity[best])
        if score < self._threshold:
            return Resolution(phrase, "", "none", score)
        return Resolution(phrase, self._anchor_classes[best], "embedding", score)
