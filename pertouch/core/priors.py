"""What a well-made photo's regions look like, per kind of region: the priors of the auto look.

A blue sky, a meadow and a face sit in very different places on the level scale: skies are smooth
(low contrast) and cool, foliage is textured and colourful, skin is moderate in colour. Pulling
every region to one global level 0 is what turned skies teal-black and sunsets brown; the auto
look (:mod:`pertouch.core.auto_look`) instead moves a region only towards the range its own kind
occupies in well-made photographs.

A prior is stored as quantiles of the *raw* metrics (not levels), so it stays valid when a person
refits the level scale with ``pertouch fit-scale``: it is converted to levels with whatever scale
is in use. ``scripts/make_default_scale.py`` fits the shipped priors on the corpus's dev photos.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES, Attribute
from pertouch.core.errors import ScaleError
from pertouch.core.levels import LevelScale
from pertouch.core.regions import CLASSES_BY_NAME

PriorKind = Literal["sky", "people", "vegetation", "water", "ground", "buildings", "other"]
PRIOR_KINDS: tuple[PriorKind, ...] = get_args(PriorKind)
#: Percentiles every prior stores, per attribute.
PERCENTS: tuple[float, ...] = (10.0, 25.0, 50.0, 75.0, 90.0)
#: Photos a kind needs before its own statistics outweigh the pool of all regions: a kind seen in
#: ``n`` photos gets weight ``n / (n + SHRINK_PHOTOS)`` (empirical-Bayes shrinkage), so one
#: portrait in the corpus cannot set the prior for every face.
SHRINK_PHOTOS = 3.0

_KIND_OF_CLASS: dict[str, PriorKind] = {
    "sky": "sky",
    "vegetation": "vegetation",
    "water": "water",
    "ground": "ground",
    "mountains": "ground",  # rock, scree and snow behave like ground, not like the sky above
    "architecture": "buildings",
}


def prior_kind(region: str) -> PriorKind:
    """The kind of prior a region name uses: people parts are "people", unknown names "other"."""
    name = region.strip().lower()
    found = CLASSES_BY_NAME.get(name)
    if found is None:
        return "other"
    if found.kind == "people":
        return "people"
    return _KIND_OF_CLASS.get(found.name, "other")


@dataclass(frozen=True)
class KindPrior:
    """Raw-metric percentiles (:data:`PERCENTS`) of one kind of region in well-made photos.

    Attributes:
        kind: the kind of region.
        raw: ``(4, len(PERCENTS))`` raw metric values, channel order of :data:`ATTRIBUTES`.
        photos: how many photos the kind was seen in (0: the pool of all regions stands in).
        regions: how many measured regions (whole regions and their tiles) went into it.
    """

    kind: PriorKind
    raw: NDArray[np.float64]
    photos: int = 0
    regions: int = 0

    def levels(self, scale: LevelScale) -> NDArray[np.float64]:
        """The percentiles as levels ``(4, len(PERCENTS))`` on ``scale`` (unclipped)."""
        return scale.to_level(self.raw.T, clip=False).T

    def band(self, scale: LevelScale, attribute: Attribute) -> tuple[float, float, float]:
        """(25th, 50th, 75th) percentile levels of one attribute: the kind's usual range."""
        row = self.levels(scale)[attribute.channel]
        return float(row[1]), float(row[2]), float(row[3])

    def percentile(self, scale: LevelScale, attribute: Attribute, percent: float) -> float:
        """The level of one of :data:`PERCENTS` for one attribute."""
        return float(self.levels(scale)[attribute.channel][PERCENTS.index(percent)])


@dataclass(frozen=True)
class RegionPriors:
    """Priors for every kind of region, and where they came from."""

    kinds: dict[PriorKind, KindPrior]
    source: str = ""

    def __post_init__(self) -> None:
        missing = [k for k in PRIOR_KINDS if k not in self.kinds]
        if missing:
            raise ScaleError(f"The region priors lack the kind {missing[0]!r}; refit them.")

    def of(self, region: str) -> KindPrior:
        """The prior of the kind ``region`` belongs to."""
        return self.kinds[prior_kind(region)]

    def to_json(self) -> str:
        data = {
            "source": self.source,
            "percents": list(PERCENTS),
            "kinds": {
                k: {
                    "photos": p.photos,
                    "regions": p.regions,
                    "raw": {a.value: [float(v) for v in p.raw[a.channel]] for a in ATTRIBUTES},
                }
                for k, p in self.kinds.items()
            },
        }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> RegionPriors:
        try:
            data = json.loads(text)
            if tuple(data["percents"]) != PERCENTS:
                raise ValueError("percentiles differ")
            kinds: dict[PriorKind, KindPrior] = {}
            for kind in PRIOR_KINDS:
                entry = data["kinds"][kind]
                raw = np.array([entry["raw"][a.value] for a in ATTRIBUTES], dtype=np.float64)
                if raw.shape != (NUM_ATTRIBUTES, len(PERCENTS)) or not np.isfinite(raw).all():
                    raise ValueError(f"bad values for {kind}")
                kinds[kind] = KindPrior(kind, raw, int(entry["photos"]), int(entry["regions"]))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise ScaleError(
                f"This is not a PerTouch region-priors file ({err}); regenerate it with scripts/make_default_scale.py."
            ) from None
        return cls(kinds, str(data.get("source", "")))


@dataclass(frozen=True)
class RegionSample:
    """One measured region of a fitting photo: its kind, the photo it came from, its raw metrics."""

    kind: PriorKind
    photo: str
    raw: NDArray[np.float64]


def fit_priors(samples: Sequence[RegionSample], source: str = "") -> RegionPriors:
    """Percentiles per kind, each photo weighing the same, shrunk towards the pool of all regions.

    Raises:
        ScaleError: with fewer than 10 samples in all.
    """
    if len(samples) < 10:
        raise ScaleError("Fitting region priors needs at least 10 measured regions.")
    pool = _weighted_percentiles(samples)
    kinds: dict[PriorKind, KindPrior] = {}
    for kind in PRIOR_KINDS:
        own = [s for s in samples if s.kind == kind]
        photos = len({s.photo for s in own})
        if photos == 0:
            kinds[kind] = KindPrior(kind, pool.copy(), 0, 0)
            continue
        weight = photos / (photos + SHRINK_PHOTOS)
        raw = weight * _weighted_percentiles(own) + (1.0 - weight) * pool
        kinds[kind] = KindPrior(kind, raw, photos, len(own))
    return RegionPriors(kinds, source)


def _weighted_percentiles(samples: Sequence[RegionSample]) -> NDArray[np.float64]:
    """``(4, len(PERCENTS))`` percentiles where every photo carries the same total weight.

    Temperatures at the CCT formula's clamps are saturated colours, not white balances, and are
    left out as :func:`pertouch.core.levels.fit_scale` leaves them out.
    """
    from pertouch.core.metrics import MCCAMY_LIMITS

    values = np.stack([s.raw for s in samples])
    photos = [s.photo for s in samples]
    counts = {p: photos.count(p) for p in set(photos)}
    weights = np.array([1.0 / counts[p] for p in photos])
    out = np.empty((NUM_ATTRIBUTES, len(PERCENTS)))
    for c in range(NUM_ATTRIBUTES):
        column, w = values[:, c], weights
        if ATTRIBUTES[c] is Attribute.TEMPERATURE:
            inside = (column < -MCCAMY_LIMITS[0] - 1.0) & (column > -MCCAMY_LIMITS[1] + 1.0)
            if inside.sum() >= 3:
                column, w = column[inside], w[inside]
        order = np.argsort(column)
        cumulative = np.cumsum(w[order]) - 0.5 * w[order]
        out[c] = np.interp(np.array(PERCENTS) / 100.0 * w.sum(), cumulative, column[order])
    return out


def default_priors() -> RegionPriors:
    """The priors shipped with the package (``core/data/region_priors.json``)."""
    text = (
        resources.files("pertouch.core")
        .joinpath("data/region_priors.json")
        .read_text(encoding="utf-8")
    )
    return RegionPriors.from_json(text)
