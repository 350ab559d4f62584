"""The scene space: how measured statistics become the vector the memory stores and compares.

A scene's vector has two parts. The first is the probability of each kind of scene
(:mod:`pertouch.memory.kinds`: people, landscape, cityscape, close-up), scaled to unit length: two
scenes sure of one kind share it fully, two of different kinds not at all. The second is every
measurement of :mod:`pertouch.memory.measure`, centred and scaled by its spread on the dev photos
of the real-photo corpus, multiplied by a weight (its group's weight times how well it told scene
kinds apart there), scaled to unit length: it ranks scenes within a kind by content, light and
colour. The parts are weighted by :attr:`SceneSpace.kind_weight` and its complement (squared
lengths), so the whole is a unit vector and two scenes compare by cosine. The numbers, and the similarity below which a past scene does not count, are fitted by
``python benchmarks/eval_scenes.py --fit`` on dev photos and their variants (crops, mirror images,
exposure and white-balance nudges) and shipped as ``data/scene_space.json``; the same script
reports the figures on dev and test. Recall compares only scenes surely of one kind
(:func:`pertouch.memory.kinds.share_kind`) and holding much the same
(:func:`pertouch.memory.composition.share_taste`); the vector ranks and holds to the cut-off
within it.

Changing the measurements or the fit changes :attr:`SceneSpace.version`; stored records keep their
measurements, so the memory re-embeds them on the next open (see :mod:`pertouch.memory.users`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pertouch.core.errors import PerTouchError
from pertouch.memory.kinds import KINDS, probabilities
from pertouch.memory.measure import FEATURES

DEFAULT_SPACE_FILE = Path(__file__).with_name("data") / "scene_space.json"


class SpaceError(PerTouchError):
    """A scene space file is missing, malformed, or does not match the measurements."""


@dataclass(frozen=True)
class SceneSpace:
    """A fitted map from measurements to unit vectors, and the cut-off that calls two scenes alike.

    Attributes:
        version: changes whenever vectors from an older space are no longer comparable.
        features: measurement names, in vector order (must be :data:`measure.FEATURES`).
        centre: each measurement's mean on the dev photos.
        scale: each measurement's standard deviation there.
        weights: each measurement's weight in the vector (0 leaves it out).
        min_similarity: cosine below which a past scene is not similar enough to count.
        kind_weight: share of the cosine that comes from the kinds of scene (0 to 1).
    """

    version: int
    features: tuple[str, ...]
    centre: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    min_similarity: float
    kind_weight: float = 0.0

    def __post_init__(self) -> None:
        n = len(self.features)
        if not n or any(len(v) != n for v in (self.centre, self.scale, self.weights)):
            raise SpaceError("A scene space needs one centre, scale and weight per measurement.")
        if any(not s > 0 for s in self.scale) or not -1.0 < self.min_similarity < 1.0:
            raise SpaceError("A scene space needs positive scales and a cut-off between -1 and 1.")
        if not 0.0 <= self.kind_weight <= 1.0:
            raise SpaceError("A scene space's kind weight is a share between 0 and 1.")

    @property
    def dimensions(self) -> int:
        return len(KINDS) + len(self.features)

    def vector(self, measurements: Mapping[str, float]) -> list[float]:
        """The unit vector of one scene's measurements (all of :attr:`features` are needed): the
        kinds' probabilities, then the weighted measurements."""
        missing = [name for name in self.features if name not in measurements]
        if missing:
            raise SpaceError(f"The scene lacks the measurement {missing[0]!r}; describe it again.")
        values = [
            (float(measurements[name]) - c) / s * w
            for name, c, s, w in zip(
                self.features, self.centre, self.scale, self.weights, strict=True
            )
        ]
        chances = probabilities(measurements)
        kinds = _unit([chances[k] for k in KINDS], math.sqrt(self.kind_weight))
        return kinds + _unit(values, math.sqrt(1.0 - self.kind_weight))

    def similarity(self, a: Mapping[str, float], b: Mapping[str, float]) -> float:
        """Cosine similarity of two scenes' measurements, in [-1, 1]."""
        return sum(x * y for x, y in zip(self.vector(a), self.vector(b), strict=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "min_similarity": round(self.min_similarity, 4),
            "kind_weight": round(self.kind_weight, 4),
            "features": list(self.features),
            "centre": [round(v, 6) for v in self.centre],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 4) for v in self.weights],
        }

    @classmethod
    def from_dict(cls, data: Any) -> SceneSpace:
        try:
            return cls(
                int(data["version"]),
                tuple(str(n) for n in data["features"]),
                _floats(data["centre"]),
                _floats(data["scale"]),
                _floats(data["weights"]),
                float(data["min_similarity"]),
                float(data.get("kind_weight", 0.0)),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise SpaceError(f"The scene space is malformed ({err}).") from None

    @classmethod
    def load(cls, path: str | Path) -> SceneSpace:
        """Read a space written by ``benchmarks/eval_scenes.py --fit``."""
        try:
            space = cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as err:
            raise SpaceError(f"Cannot read the scene space {path} ({err}).") from None
        if space.features != FEATURES:
            raise SpaceError(
                f"The scene space {path} was fitted on other measurements; fit it again."
            )
        return space


def _unit(values: list[float], length: float) -> list[float]:
    """``values`` scaled to ``length`` (a zero vector points along every axis equally)."""
    norm = math.sqrt(sum(v * v for v in values))
    if norm < 1e-9:  # a scene exactly at the centre: any direction is as good as another
        return [length / math.sqrt(len(values))] * len(values)
    return [v / norm * length for v in values]


def _floats(values: Sequence[Any]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@lru_cache(maxsize=1)
def default_space() -> SceneSpace:
    """The space shipped with PerTouch, fitted on the real-photo corpus."""
    return SceneSpace.load(DEFAULT_SPACE_FILE)
