"""The learned fallback: clauses the grammar cannot place, read by their nearest labelled phrases.

"It looks like an oven", "clear it up", "she looks like a ghost": no cue word the grammar knows,
but a meaning close to phrases whose meaning is known. The phrase bank
(``data/phrase_bank.jsonl``, written by hand, sharing no sentence with the evaluation corpus) holds
short phrases labelled with the edits they ask for, or with none ("what camera is this",
"thanks"). A clause is embedded with the bundled MiniLM sentence embedder and its k nearest
phrases vote, weighted by cosine similarity. The vote gives a confidence; below it the reader asks
rather than guesses: when the neighbours agree on the attribute but not the direction it asks that
("Warmer or cooler?"), otherwise which change is meant.

The same embedder also lends a sense to a single unknown word in an adjective's place ("it looks
a bit dismal"): the nearest cue word of the grammar ("dreary") lends its attribute, pole and
valence, and the grammar then reads the direction from the words around it as usual.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.providers.reader.lexicon import Cue

BANK = Path(__file__).parent / "data" / "phrase_bank.jsonl"
#: Neighbours that vote, the share of the vote a reading needs to be acted on, and the cosine
#: similarity to the nearest phrase under which a clause is not understood at all. Chosen by
#: leave-one-out over the bank (``benchmarks/calibrate_fallback.py``, 435 phrases): with these it
#: acts on 20% of phrases and is right on 92% of those, and asks about an attribute on another 22%;
#: a share of 0.6 acts on 31% but is right on only 84%. A wrong edit costs more than a question.
K = 7
MIN_SIMILARITY = 0.35
MIN_SHARE = 0.7


class TextEmbedder(Protocol):
    """Anything that embeds texts as unit vectors (see pertouch.providers.embeddings)."""

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


@dataclass(frozen=True)
class Guess:
    """The fallback's reading of one clause.

    Attributes:
        hits: (attribute, direction) pairs to act on; empty when unsure or when nothing is asked.
        nothing: True when the clause confidently asks for no change (a greeting, a question).
        attribute: when unsure of the direction only, the attribute to ask about.
        confidence: the winning share of the similarity-weighted vote, times the top similarity.
    """

    hits: tuple[tuple[str, int], ...] = ()
    nothing: bool = False
    attribute: str | None = None
    confidence: float = 0.0


@dataclass(frozen=True)
class Phrase:
    """One labelled phrase of the bank: the edits it asks for ("temperature-"), or none."""

    text: str
    label: tuple[str, ...]


def load_bank(path: Path = BANK) -> list[Phrase]:
    """The phrase bank: one JSON object per line, {"text": ..., "label": ["temperature-", ...]}."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Phrase(r["text"], tuple(sorted(r["label"]))) for r in rows]


class PhraseClassifier:
    """k-nearest-neighbour reading of a clause over the phrase bank.

    Args:
        embedder: embeds texts as unit vectors; the bank is embedded on the first call.
        bank: the labelled phrases; the packaged bank by default.
    """

    def __init__(self, embedder: TextEmbedder, bank: Sequence[Phrase] | None = None) -> None:
        self._embedder = embedder
        self._bank = list(bank) if bank is not None else load_bank()
        self._vectors: NDArray[np.float32] | None = None

    def __call__(self, text: str) -> Guess:
        """Read one clause."""
        if self._vectors is None:
            self._vectors = self._embedder.embed_texts([p.text for p in self._bank])
        query = self._embedder.embed_texts([text])[0]
        similarity = self._vectors @ query
        nearest = np.argsort(-similarity)[:K]
        top = float(similarity[nearest[0]])
        if top < MIN_SIMILARITY:
            return Guess(confidence=top)
        votes: dict[tuple[str, ...], float] = defaultdict(float)
        by_attribute: dict[str, float] = defaultdict(float)
        for index in nearest:
            weight = max(0.0, float(similarity[index])) ** 2
            label = self._bank[index].label
            votes[label] += weight
            for attribute in {part[:-1] for part in label}:
                by_attribute[attribute] += weight
        total = sum(votes.values()) or 1.0
        label, share = max(votes.items(), key=lambda item: item[1])
        confidence = share / total * top
        if share / total >= MIN_SHARE:
            if not label:
                return Guess(nothing=True, confidence=confidence)
            hits = tuple((part[:-1], 1 if part[-1] == "+" else -1) for part in label)
            return Guess(hits=hits, confidence=confidence)
        attribute, weight = max(by_attribute.items(), key=lambda item: item[1], default=("", 0.0))
        if attribute and weight / total >= MIN_SHARE:
            return Guess(attribute=attribute, confidence=weight / total * top)
        return Guess(confidence=confidence)


#: When a word borrows the sense of its nearest cue word: when that word is this close, or when
#: the two nearest agree and the nearest is at least MIN_AGREED_SIMILARITY close. Leave-one-out
#: over the grammar's 180 single-word adjectives (``benchmarks/calibrate_fallback.py``): the
#: nearest alone at 0.7 lends to 43% with the right attribute and pole 90% of the time; two that
#: agree at 0.45 to 29% at 89%; the nearest alone at 0.5 would be right only 70% of the time.
MIN_WORD_SIMILARITY = 0.7
MIN_AGREED_SIMILARITY = 0.45


class WordSenses:
    """Lends an unknown word the sense (form, attribute, pole, valence) of its nearest cue word."""

    def __init__(self, embedder: TextEmbedder) -> None:
        from pertouch.providers.reader.lexicon import CUES

        self._embedder = embedder
        self._words = [w for w, c in CUES.items() if " " not in w and c.form in ("adj", "cmp")]
        self._cues = [CUES[w] for w in self._words]
        self._vectors: NDArray[np.float32] | None = None
        self._cache: dict[str, tuple[Cue, float] | None] = {}

    def __call__(self, word: str) -> tuple[Cue, float] | None:
        """The borrowed cue and the similarity, or None when no cue word is close enough."""
        if word not in self._cache:
            if self._vectors is None:
                self._vectors = self._embedder.embed_texts(self._words)
            similarity = self._vectors @ self._embedder.embed_texts([word])[0]
            best, second = (int(i) for i in np.argsort(-similarity)[:2])
            score = float(similarity[best])
            agreed = _sense(self._cues[best]) == _sense(self._cues[second])
            lend = score >= MIN_WORD_SIMILARITY or (agreed and score >= MIN_AGREED_SIMILARITY)
            self._cache[word] = (self._cues[best], score) if lend else None
        return self._cache[word]


def _sense(cue: Cue) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((attribute, pole) for attribute, pole, _ in cue.effects))


@functools.lru_cache(maxsize=1)
def bundled_embedder() -> TextEmbedder | None:
    """The bundled MiniLM (loaded on first use), or None when its package is missing."""
    from pertouch.providers.embeddings import EmbedderError, MiniLMEmbedder, bundled_model_dir

    try:
        bundled_model_dir()
    except EmbedderError:
        return None
    return MiniLMEmbedder()


@functools.lru_cache(maxsize=1)
def default_classifier() -> PhraseClassifier | None:
    """The classifier over the packaged bank with the bundled MiniLM, or None when it is missing."""
    embedder = bundled_embedder()
    return PhraseClassifier(embedder) if embedder is not None else None


@functools.lru_cache(maxsize=1)
def default_senses() -> WordSenses | None:
    """Word senses over the grammar's cue words with the bundled MiniLM, or None."""
    embedder = bundled_embedder()
    return WordSenses(embedder) if embedder is not None else None
