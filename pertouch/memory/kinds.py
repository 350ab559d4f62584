"""The kind of scene a photo is, from measured cues, with how sure the cues are.

Personal taste carries between photos of one kind: a look approved on landscapes suits the next
landscape, not a portrait or a flower seen close. The four kinds are those people name:

- ``people``: a portrait or a group (a face of 1 % of the frame or more, about a head and
  shoulders in a 4 x 6 print; people filling a quarter of it; two faces and more; or a whole
  figure seen from afar, a tenth of the frame with a face found);
  :mod:`pertouch.memory.framing` tells portrait from group by the number of faces;
- ``landscape``: an open view: sky, water or ground in focus, or a horizon across the frame
  (lakes, sea, hills, a stream among rocks, night skies over land);
- ``cityscape``: something built: long straight edges that are not level (towers, cables, walls),
  a building standing against the sky, or a facade filling the frame with straight edges;
- ``close-up``: a subject seen close (macro, still life, an animal filling the frame), with
  evidence of its own: a blurred backdrop, one subject taking a good part of the frame, or one
  texture (leaves, grass, wood) filling it. A photo with no open view, no built lines and none of
  that evidence (the segmenter found little in it) is of no kind: close-up is not a default.

Each test is a logistic step on one measurement of :mod:`pertouch.memory.measure`, centred on a
threshold read off the dev photos of ``benchmarks/corpus.py`` (``benchmarks/eval_scenes.py
--dev-only`` prints how often the kind is right). The result is a probability per kind, so a
photo near a threshold counts partly as both kinds; what evidence leaves unexplained is the chance
that the photo is of none of them (the probabilities sum to 1 or less). Taste is shared only between photos surely of
one kind (:func:`share_kind`): when no kind reaches :data:`SURE` the kind is :data:`UNKNOWN`, and
such a photo neither lends nor borrows a look, because a wrong share (a portrait warmed like a
landscape) is worse than a start as shot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

KINDS: tuple[str, ...] = ("people", "landscape", "cityscape", "close-up")
#: What :func:`sure_kind` says when no kind is probable enough.
UNKNOWN = "unknown"

#: Probability the most probable kind needs before taste is shared by it (:func:`share_kind`).
SURE = 0.7
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
#: People filling this share of the frame with a face found among them: a whole figure seen from
#: afar, such as a player in a stadium (dev: the footballer 0.20; dandelions' false face 0.01).
FIGURE = 0.1
#: A building's share of the frame, with sky behind it, that makes a scene built (dev: the pagoda
#: 0.13, the launch towers 0.10 and 0.05 cropped close, now that the sky between their bars is no
#: longer counted as building; no landscape of dev has any building against its sky; a
#: butterfly's leaf read as a wall, 0.17, has no sky behind it).
BUILDING = 0.03
#: A building's share of the frame that makes a scene built without sky, when half the long
#: straight edges of :data:`BUILT_LINES` run across it (dev: the hotel's facade 0.41 with 0.6; the
#: plant's shelves 0.52 with 0.28, the garage behind the motorcycle 0.81 with none).
FACADE = 0.3
#: Sky that a building must stand against (indoor shelves and garages read as buildings too).
SKY_BEHIND = 0.05
#: Ground in focus that opens a view like sky or water does (dev: the stream's rocks 0.37, the
#: aerial forest 0.82; the bulbs' table 0.47 is out of focus).
GROUND = 0.3
#: Sky over which a view is open whatever else is (or is not) found: a kite against the clouds
#: (dev: the storm 0.62, the sunset 0.46; the water drop's grey backdrop 0.42 and the clock's
#: 0.41 stay under; built scenes against the sky are cityscapes first).
OPEN_SKY = 0.5
#: Share of the frame one subject takes in a close-up (dev: the fig 0.23, the lion on its rock
#: 0.37, the brushes 0.17; no subject at all in the leaf and grass close-ups).
SUBJECT = 0.15
#: Share of the frame one region (leaves, grass, wood) takes when it is the whole picture, as in a
#: close-up of a texture (dev: the leaf, grass and ladybird close-ups 1.0, the wood 0.72).
FILLED = 0.7


#: Regions that fill a close-up of a texture (sky and water filling the frame are open views).
_TEXTURES = ("vegetation", "ground", "architecture")


def probabilities(m: Mapping[str, float]) -> dict[str, float]:
    """Probability of each of :data:`KINDS` for one photo's measurements (they sum to 1 or less:
    the rest is the chance of none, when no kind's evidence is there)."""
    faces = round(m["face_count"] * 4)
    group = faces >= 2 and m["people_share"] >= 0.03
    whole_figure = faces >= 1 and m["people_share"] >= FIGURE
    people = float(m["largest_face"] >= 0.01 or m["people_share"] >= 0.25 or group or whole_figure)
    building = m["architecture_share"]
    against_sky = _step(building, BUILDING, 0.01) * _step(m["sky_share"], SKY_BEHIND, 0.01)
    facade = _step(building, FACADE, 0.03) * _step(m["straight_lines"], BUILT_LINES / 2, 0.05)
    # Each cue is evidence on its own; two weak ones (a cropped tower's lines and a sliver of
    # its frame against the sky) add up, as independent chances do.
    built = 1.0 - (1.0 - _step(m["straight_lines"], BUILT_LINES, 0.25)) * (1.0 - against_sky) * (
        1.0 - facade
    )
    backdrop_in_focus = _step(DEFOCUS, m["defocus"], 0.04)
    open_beyond = max(
        _step(m["sky_share"] + m["water_share"], SKY_OR_WATER, 0.02),
        _step(m["ground_share"], GROUND, 0.04),
    )
    open_view = max(
        _step(m["horizon"], HORIZON, 0.06),
        open_beyond * backdrop_in_focus,
        _step(m["sky_share"], OPEN_SKY, 0.04),
    )
    filled = max(m[f"{name}_share"] for name in _TEXTURES)
    close = max(
        _step(m["defocus"], DEFOCUS, 0.04),
        _step(m["subject_share"], SUBJECT, 0.03),
        _step(filled, FILLED, 0.05),
    )
    rest = 1.0 - people
    return {
        "people": people,
        "landscape": rest * (1.0 - built) * open_view,
        "cityscape": rest * built,
        "close-up": rest * (1.0 - built) * (1.0 - open_view) * close,
    }


def kind_of(m: Mapping[str, float]) -> str:
    """The most probable kind."""
    p = probabilities(m)
    return max(KINDS, key=lambda k: p[k])


def sure_kind(m: Mapping[str, float]) -> str:
    """The most probable kind when its probability reaches :data:`SURE`, else :data:`UNKNOWN`."""
    p = probabilities(m)
    found = max(KINDS, key=lambda k: p[k])
    return found if p[found] >= SURE else UNKNOWN


def share_kind(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    """Whether two scenes are surely of one kind, so that taste may carry from one to the other.

    Sharing a look across kinds is the harm personal taste must not do (a portrait given a
    landscape's warmth), and not sharing costs only a start as shot; so a scene whose kind is
    unsure shares with none.
    """
    kind = sure_kind(a)
    return kind != UNKNOWN and kind == sure_kind(b)


def _step(value: float, threshold: float, softness: float) -> float:
    """A logistic step: 0.5 at ``threshold``, 0.88 one ``softness`` above it."""
    return 1.0 / (1.0 + math.exp(-(value - threshold) / softness))


def in_words(m: Mapping[str, float]) -> str:
    """The kinds in plain words, surest first: "landscape 0.87, close-up 0.11" (none under 0.05)."""
    chances = sorted(probabilities(m).items(), key=lambda kv: -kv[1])
    return ", ".join(f"{kind} {p:.2f}" for kind, p in chances if p >= 0.05)
