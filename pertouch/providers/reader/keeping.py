"""What a clause keeps: the things someone wants left as they are, or says they like.

In a story people say what to keep as well as what to change: "keep the warm glow on the
stone", "I actually like the gloomy mood", "a pink glow which I want to keep". The cue words in
such a clause describe what stays, so the clause asks for no change; with a region named it
holds that region (see :mod:`~pertouch.providers.reader.combine`).
"""

from __future__ import annotations

from pertouch.providers.reader import words as W
from pertouch.providers.reader.stance import has

#: What someone wants kept or says they like: the cues after it describe what stays, not a change
#: ("keep the warm glow on the stone", "I actually like the gloomy mood", "which I want to keep").
_KEPT = {"want to keep", "like to keep", "which i like", "which i love", "i like", "i love"}
_KEPT |= {"i actually like", "i really like", "i do like", "i quite like", "i actually love"}
_KEPT |= {"i really love", "do not mind", "dont mind", "i am happy with", "i like how"}
_KEPT |= {"i love how", "we like", "we love"}
_KEEP_VERBS = {"keep", "preserve", "retain", "maintain", "keeping", "preserving", "retaining"}
#: Words that, in the same clause, make it a change after all ("keep it warm but brighter").
_CHANGING = {"too", "more", "less", "make", "than", "but", "not"}


def kept(tokens: list[str]) -> bool:
    """True when a clause only says what to keep or what is liked, so its cues ask for nothing."""
    if has(tokens, _CHANGING - {"not"}) or ("not" in tokens and not has(tokens, _KEPT)):
        return False
    first = next((t for t in tokens if t not in W.FILLER and t not in ("but", "and")), "")
    return first in _KEEP_VERBS or has(tokens, _KEPT)
