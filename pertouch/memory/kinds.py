"""The kind of scene a photo is, from measured cues, with how sure the cues are.

Personal taste carries between photos of one kind: a look approved on landscapes suits the next
landscape, not a portrait or a flower seen close. The four kinds are those people name:

- ``people``: a portrait or a group (a face of 1 % of the frame or more, about a head and
  shoulders in a 4 x 6 print; people filling a quarter of it; or two faces and more);
  :mod:`pertouch.memory.framing` tells portrait from group by the number of faces;
- ``landscape``: an open view: sky or water, or a horizon across the frame (lakes, sea, hills,
  night skies over land);
- ``cityscape``: something built: long straight edges that are not level (towers, cables, walls);
- ``close-up``: a subject seen close (macro, still life, an animal filling the frame), which is
  what remains: no open view, no built lines, often a blurred background.

Each test is a logistic step on one measurement of :mod:`pertouch.memory.measure`, centred on a
threshold read off the dev photos of ``benchmarks/corpus.py`` (``benchmarks/eval_scenes.py``
prints how often the kind is right on dev and test). The result is a probability per kind, so a
photo near a threshold counts partly as both kinds, and the scene vector
(:mod:`pertouch.memory.space`) carries that doubt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

KINDS: tuple[str, ...] = ("people", "landscape", "cityscape", "close-up")

#: Long non-level straight edges, in diagonals, from which a scene is built (dev: the bridge's
#: cables 3.2 and the launch towers 1.4; wood grain 0.8 and a clock's hands 0.6 stay below).
BUILT_LINES = 1.0
#: A level edge over half the width: a horizon or shore (dev: the storm's road 0.99, the sunset's
#: hills 0.45 with sky; the water drop's rim 0.38).
HORIZON = 0.5
#: Sky and water from which a frame is open when the lower part is in focus (dev: the aitzgorri
#: meadow 0.15 to 0.26; ivy against the sky 0.11; close-ups against a smooth grey backdrop read as
#: sky too, but their lower part is out of focus).
SKY_OR_WATER = 0.12
#: Out-of-focus share of the lower frame that marks a blurred backdrop (dev: landscapes 0 to
#: 0.17, the clock 0.27, the water drop 0.65).
DEFOCUS = 0.25


def probabilities(m: Mapping[str, float]) -> dict[str, float]:
    """Probability of each of :data:`KINDS` for one photo's measurements (they sum to 1)."""
    faces = round(m["face_count"] * 4)
    group = faces >= 2 and m["people_share"] >= 0.03
    people = float(m["largest_face"] >= 0.01 or m["people_share"] >= 0.25 or group)
    built = _step(m["straight_lines"], BUILT_LINES, 0.25)
    backdrop_in_focus = _step(DEFOCUS, m["defocus"], 0.04)
    open_view = max(
        _step(m["horizon"], HORIZON, 0.06),
        _step(m["sky_share"] + m["water_share"], SKY_OR_WATER, 0.02) * backdrop_in_focus,
    )
    rest = 1.0 - people
    return {
        "people": people,
        "landscape": rest * (1.0 - built) * open_view,
        "cityscape": rest * built,
        "close-up": rest * (1.0 - built) * (1.0 - open_view),
    }


def kind_of(m: Mapping[str, float]) -> str:
    """The most probable kind."""
    p = probabilities(m)
    return max(KINDS, key=lambda k: p[k])


def _step(value: float, threshold: float, softness: float) -> float:
    """A logistic step: 0.5 at ``threshold``, 0.88 one ``softness`` above it."""
    return 1.0 / (1.0 + math.exp(-(value - threshold) / softness))


def in_words(m: Mapping[str, float]) -> str:
    """The kinds in plain words, surest first: "landscape 0.87, close-up 0.11" (none under 0.05)."""
    chances = sorted(probabilities(m).items(), key=lambda kv: -kv[1])
    return ", ".join(f"{kind} {p:.2f}" for kind, p in chances if p >= 0.05)
