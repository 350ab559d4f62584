"""Spelling correction against the reader's vocabulary, careful not to "correct" real words.

People type "brigthen", "contrat", "ligher", "saturaton". A token is corrected only when it is not
a word the reader knows and not a common English word (by the word-frequency list that ships with
symspellpy, counts from a large English corpus): "lite" and "dart" are left alone, "contrat" is not
English and becomes "contrast". A rare English word ("bight") is corrected only to a vocabulary word
one edit away that is a hundred times more common. Candidates come from SymSpell (Damerau-OSA edit
distance, so a swapped pair of letters is one edit) over the vocabulary only, must share the first
letter (typing errors rarely hit it), and may be at most 1 edit away for words of up to five
letters, 2 up to eight, 3 beyond when the first four letters agree. At equal distance a photo word
(``preferred``: the words that carry an attribute or a direction) wins over a more common word,
since a slip in a request is most often in the word that matters ("wam it up" is "warm"). A token that is not a word at
all but two known words run together ("alot", "warmup") is split.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

#: English words at least this frequent (in symspellpy's corpus counts) are never corrected.
COMMON_WORD = 1_000_000
#: A rare English word is corrected only towards a word this many times more common.
RARE_RATIO = 100
#: Inflections reduced to a base the grammar reads: suffix, then endings to try on the stem.
_INFLECTIONS = (
    ("ing", ("", "e")),
    ("ed", ("", "e")),
    ("es", ("", "e")),
    ("s", ("",)),
    ("y", ("",)),
)


@functools.lru_cache(maxsize=1)
def english_counts() -> dict[str, int]:
    """Word frequencies of English (symspellpy's frequency_dictionary_en_82_765.txt)."""
    import symspellpy

    path = Path(symspellpy.__file__).parent / "frequency_dictionary_en_82_765.txt"
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            word, _, count = line.partition(" ")
            counts[word] = int(count)
    return counts


class Speller:
    """Corrects tokens towards ``vocabulary`` (the words the reader's grammar reads)."""

    def __init__(
        self, vocabulary: Iterable[str], lemmas: Iterable[str] = (), preferred: Iterable[str] = ()
    ) -> None:
        from symspellpy import SymSpell

        self._english = english_counts()
        self._vocabulary = {w for w in vocabulary if w.isalpha()}
        self._lemmas = {w for w in lemmas if w.isalpha()}
        self._preferred = {w for w in preferred if w.isalpha()}
        self._cache: dict[str, str] = {}
        self._symspell = SymSpell(max_dictionary_edit_distance=3, prefix_length=7)
        for word in self._vocabulary:
            self._symspell.create_dictionary_entry(word, max(1, self._english.get(word, 1)))

    def known(self, token: str) -> bool:
        """True for a vocabulary word or a common English word."""
        return token in self._vocabulary or self._english.get(token, 0) >= COMMON_WORD

    def reads(self, token: str) -> bool:
        """True for a word of the reader's vocabulary (what the grammar has a use for)."""
        return token in self._vocabulary

    def correct(self, token: str) -> str:
        """``token`` corrected, reduced to its base form, split in two, or unchanged."""
        if token not in self._cache:
            self._cache[token] = self._correct(token)
        return self._cache[token]

    def lemma(self, token: str) -> str:
        """The base form of an inflected verb the grammar reads ("toned" -> "tone"), or ""."""
        if token in self._vocabulary:
            return ""
        for suffix, endings in _INFLECTIONS:
            if token.endswith(suffix) and len(token) > len(suffix) + 2:
                stem = token[: -len(suffix)]
                for base in (stem + e for e in endings):
                    if base in self._lemmas:
                        return base
                if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in self._lemmas:
                    return stem[:-1]  # "dimmed" -> "dim"
        return ""

    def _correct(self, token: str) -> str:
        if not token.isalpha() or len(token) < 3:
            return token
        base = self.lemma(token)
        if base:
            return base
        if self.known(token):
            return token
        if token.endswith("r") and token[:-1] + "er" in self._vocabulary:
            return token[:-1] + "er"  # a comparative typed without its "e": "darkr", "coolr"
        count = self._english.get(token, 0)
        best = self._candidate(token, count)
        if best and (count or self._distance(token, best) == 1):
            return best  # one slip of a key beats two words run together ("contrat")
        split = self._split(token) if count == 0 else ""
        if best in self._preferred and not (split and set(split.split()) <= self._vocabulary):
            return best  # "britness": a photo word two slips away, not "brit ness"
        return split or best or token

    def _candidate(self, token: str, count: int) -> str:
        from symspellpy import Verbosity

        limit = 1 if len(token) <= 5 else 2 if len(token) <= 8 else 3
        if count:
            limit = 1
        found = self._symspell.lookup(token, Verbosity.ALL, max_edit_distance=limit)
        options = []
        for item in found:
            word, distance = item.term, item.distance
            if word[0] != token[0] or (distance == 3 and word[:4] != token[:4]):
                continue
            frequency = self._english.get(word, 0)
            if count and frequency < RARE_RATIO * count:
                continue
            # at the same distance a photo word beats a common one: "wam" is "warm", not "was"
            # and one that keeps the typed ending, which carries the inflection: "warmr" is
            # "warmer", not "warm"
            ending = word[-1] != token[-1]
            options.append((distance, word not in self._preferred, ending, -frequency, word))
        return min(options)[4] if options else ""

    def _distance(self, token: str, word: str) -> int:
        from symspellpy import Verbosity

        found = self._symspell.lookup(token, Verbosity.ALL, max_edit_distance=3)
        return next((item.distance for item in found if item.term == word), 99)

    def _split(self, token: str) -> str:
        for cut in range(1, len(token)):
            head, tail = token[:cut], token[cut:]
            if (len(head) >= 2 or head == "a") and len(tail) >= 2:
                if self.known(head) and self.known(tail):
                    return f"{head} {tail}"
        return ""
