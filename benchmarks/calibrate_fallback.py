"""Where to set the learned fallback's thresholds: leave-one-out over the phrase bank.

Each phrase of ``pertouch/providers/reader/data/phrase_bank.jsonl`` is read by the classifier
built on all the others. For every (k, share, similarity) setting, the table shows how often the
classifier acts (coverage), how often what it acts on is right (precision), and how often it asks.
The corpus of requests is not used here, so these thresholds are not fitted to any request split.

Run: python benchmarks/calibrate_fallback.py
"""

from __future__ import annotations

import itertools

import numpy as np

from pertouch.providers.embeddings import MiniLMEmbedder
from pertouch.providers.reader import fallback
from pertouch.providers.reader.fallback import Phrase, PhraseClassifier, load_bank


class _Fixed:
    """An embedder that serves precomputed vectors by text (the bank is embedded once)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self._vectors = vectors

    def embed_texts(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])


def main() -> int:
    bank = load_bank()
    vectors = MiniLMEmbedder().embed_texts([p.text for p in bank])
    lookup = {p.text: v for p, v in zip(bank, vectors, strict=True)}
    print(f"{len(bank)} phrases; leave-one-out")
    print(" k  share  sim   acts  right  asks  silent")
    for k, share, similarity in itertools.product((5, 7, 9), (0.5, 0.6, 0.7), (0.35, 0.45, 0.55)):
        fallback.K, fallback.MIN_SHARE, fallback.MIN_SIMILARITY = k, share, similarity
        acted = right = asked = 0
        for i, phrase in enumerate(bank):
            rest: list[Phrase] = bank[:i] + bank[i + 1 :]
            guess = PhraseClassifier(_Fixed(lookup), rest)(phrase.text)
            wanted = {(p[:-1], 1 if p[-1] == "+" else -1) for p in phrase.label}
            if guess.hits or guess.nothing:
                acted += 1
                right += set(guess.hits) == wanted
            elif guess.attribute:
                asked += 1
        n = len(bank)
        precision = right / max(1, acted)
        print(
            f"{k:2d}  {share:.2f}  {similarity:.2f}  {acted / n:5.1%}  {precision:5.1%}"
            f"  {asked / n:5.1%}  {(n - acted - asked) / n:5.1%}"
        )
    _word_senses()
    return 0


def _word_senses() -> None:
    """Leave-one-out over the single-word adjectives: does the nearest lend the right sense?"""
    from pertouch.providers.reader.lexicon import CUES

    words = [w for w, c in CUES.items() if " " not in w and c.form in ("adj", "cmp")]
    senses = [tuple(sorted((a, p) for a, p, _ in CUES[w].effects)) for w in words]
    vectors = MiniLMEmbedder().embed_texts(words)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    print(f"\n{len(words)} cue words, each lent a sense by the others")
    print(" rule                       lends  right")
    for agree, threshold in itertools.product((1, 2), (0.45, 0.5, 0.6, 0.7)):
        lent = right = 0
        for i in range(len(words)):
            nearest = np.argsort(-similarity[i])[:agree]
            if similarity[i, nearest[0]] >= threshold and len({senses[j] for j in nearest}) == 1:
                lent += 1
                right += senses[nearest[0]] == senses[i]
        rule = f"{agree} agreeing, sim >= {threshold:.2f}"
        print(f" {rule:<26} {lent / len(words):5.1%}  {right / max(1, lent):5.1%}")


if __name__ == "__main__":
    raise SystemExit(main())
