"""The level scale: raw metrics to levels in [-1, 1] and back.

A level is what people and models reason in. Level 0 is the reference look (the median of the
photos the scale was fitted on), ±1 the 1st and 99th percentiles. Each attribute has a monotone,
piecewise-linear map from raw metric to level through quantile knots; beyond the end knots the map
continues linearly, which lets the renderer's solver see how far outside the range a region is
while public levels stay clipped to [-1, 1].
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES, Attribute
from pertouch.core.errors import ScaleError

#: Percentile covered by level -1 (and 100 minus it by +1).
TAIL_PERCENT = 1.0
DEFAULT_KNOTS = 21


@dataclass(frozen=True)
class LevelScale:
    """Per-attribute quantile knots mapping raw metrics to levels.

    Attributes:
        knots: ``(4, K)`` raw metric values at levels ``linspace(-1, 1, K)``, strictly increasing
            along K, in the channel order of :data:`ATTRIBUTES`.
        source: where the knots came from, for humans.
    """

    knots: NDArray[np.float64]
    source: str = ""
    levels: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        knots = np.asarray(self.knots, dtype=np.float64)
        if knots.ndim != 2 or knots.shape[0] != NUM_ATTRIBUTES or knots.shape[1] < 3:
            raise ScaleError(
                f"A level scale needs {NUM_ATTRIBUTES} rows of at least 3 knots, got shape {knots.shape}."
            )
        if not np.isfinite(knots).all() or (np.diff(knots, axis=1) <= 0).any():
            raise ScaleError(
                "A level scale's knots must be finite and strictly increasing for every attribute."
            )
        object.__setattr__(self, "knots", knots)
        object.__setattr__(self, "levels", np.linspace(-1.0, 1.0, knots.shape[1]))

    def to_level(self, raw: NDArray[np.floating], clip: bool = True) -> NDArray[np.float64]:
        """Map raw metrics ``(..., 4)`` to levels ``(..., 4)``; unclipped levels extrapolate linearly."""
        values = np.asarray(raw, dtype=np.float64)
        out = np.empty_like(values)
        for c in range(NUM_ATTRIBUTES):
            out[..., c] = _interp_extrapolate(values[..., c], self.knots[c], self.levels)
        return np.clip(out, -1.0, 1.0) if clip else out

    def to_raw(self, level: NDArray[np.floating]) -> NDArray[np.float64]:
        """Inverse of :meth:`to_level` (unclipped) for levels ``(..., 4)``."""
        values = np.asarray(level, dtype=np.float64)
        out = np.empty_like(values)
        for c in range(NUM_ATTRIBUTES):
            out[..., c] = _interp_extrapolate(values[..., c], self.levels, self.knots[c])
        return out

    def to_json(self) -> str:
        """Serialise as JSON: knots per attribute name plus the source note."""
        data = {
            "source": self.source,
            "tail_percent": TAIL_PERCENT,
            "knots": {a.value: [float(v) for v in self.knots[a.channel]] for a in ATTRIBUTES},
        }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> LevelScale:
        """Parse :meth:`to_json` output, with a clear error for anything malformed."""
        try:
            data = json.loads(text)
            knots = np.array([data["knots"][a.value] for a in ATTRIBUTES], dtype=np.float64)
        except RecursionError:  # json.loads recurses once per level of nesting
            raise ScaleError(
                "This is not a PerTouch level scale file (it is nested far too deeply); refit it "
                "with `pertouch fit-scale`."
            ) from None
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
            raise ScaleError(
                f"This is not a PerTouch level scale file ({err}); refit it with `pertouch fit-scale`."
            ) from None
        return cls(knots=knots, source=str(data.get("source", "")))

    @classmethod
    def load(cls, path: str | Path) -> LevelScale:
        """Read a scale saved with :meth:`save`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ScaleError(f"Cannot read the level scale {str(path)!r}: {err}.") from None
        return cls.from_json(text)

    def save(self, path: str | Path) -> None:
        """Write the scale as JSON, atomically."""
        from pertouch.core.imageio import write_atomic

        write_atomic(Path(path), self.to_json().encode("utf-8"))


def _interp_extrapolate(
    x: NDArray[np.float64], xp: NDArray[np.float64], fp: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Piecewise-linear interpolation that continues the end segments' slopes beyond the ends."""
    y = np.interp(x, xp, fp)
    lo_slope = (fp[1] - fp[0]) / (xp[1] - xp[0])
    hi_slope = (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    y = np.where(x < xp[0], fp[0] + (x - xp[0]) * lo_slope, y)
    return np.where(x > xp[-1], fp[-1] + (x - xp[-1]) * hi_slope, y)


def fit_scale(
    samples: NDArray[np.floating], num_knots: int = DEFAULT_KNOTS, source: str = ""
) -> LevelScale:
    """Fit a scale to raw metric samples ``(N, 4)`` by quantiles.

    Level ``l`` maps to the quantile ``TAIL + (100 - 2 TAIL) (l + 1) / 2`` percent, so the median is
    level 0 and the 1st/99th percentiles are ±1. Ties are broken by a tiny increasing offset so the
    map stays invertible.
    """
    table = np.asarray(samples, dtype=np.float64)
    table = table[np.isfinite(table).all(axis=1)] if table.ndim == 2 else table
    if table.ndim != 2 or table.shape[1] != NUM_ATTRIBUTES or table.shape[0] < 10:
        raise ScaleError(
            "Fitting a level scale needs at least 10 measured regions; give a folder with more photos."
        )
    levels = np.linspace(-1.0, 1.0, num_knots)
    knots = np.stack([_quantiles(table[:, c], levels, c) for c in range(NUM_ATTRIBUTES)])
    for row in knots:
        spread = max(float(row[-1] - row[0]), 1e-9)
        row += np.arange(num_knots) * spread * 1e-6
        np.maximum.accumulate(row, out=row)
    return LevelScale(knots=knots, source=source)


def _quantiles(
    values: NDArray[np.float64], levels: NDArray[np.float64], channel: int
) -> NDArray[np.float64]:
    """Raw values at each level's percentile.

    Temperatures at the clamps of the CCT formula are saturated colours, not measurements of a
    white balance; they are left out so that ±1 stay reachable by the white-balance operator.
    """
    from pertouch.core.metrics import MCCAMY_LIMITS

    if channel == ATTRIBUTES.index(Attribute.TEMPERATURE):
        inside = (values < -MCCAMY_LIMITS[0] - 1.0) & (values > -MCCAMY_LIMITS[1] + 1.0)
        values = values[inside] if inside.sum() >= 10 else values
    percents = TAIL_PERCENT + (100.0 - 2 * TAIL_PERCENT) * (levels + 1.0) / 2.0
    return np.percentile(values, percents)


def sample_regions(
    height: int, width: int, grids: Sequence[int] = (1, 2, 3, 4)
) -> Iterable[NDArray[np.float32]]:
    """Hard masks of grid tiles at several sizes: the regions a scale is fitted on."""
    for g in grids:
        rows = np.linspace(0, height, g + 1).astype(int)
        cols = np.linspace(0, width, g + 1).astype(int)
        for i in range(g):
            for j in range(g):
                mask = np.zeros((height, width), dtype=np.float32)
                mask[rows[i] : rows[i + 1], cols[j] : cols[j + 1]] = 1.0
                yield mask


def default_scale() -> LevelScale:
    """The scale shipped with the package (see ``core/data/default_scale.json`` for its source)."""
    text = (
        resources.files("pertouch.core")
        .joinpath("data/default_scale.json")
        .read_text(encoding="utf-8")
    )
    return LevelScale.from_json(text)


def measure_samples(
    image: NDArray[np.generic], grids: Sequence[int] = (1, 2, 3, 4, 5)
) -> NDArray[np.float64]:
    """Raw metrics ``(N, 4)`` of grid tiles of one photo, measured at the analysis resolution."""
    from pertouch.core.metrics import analysis_shape, raw_metrics, resize_area, to_float_rgb

    shape = analysis_shape(*image.shape[:2])
    rgb = resize_area(to_float_rgb(image), shape)
    masks = np.stack(list(sample_regions(*shape, grids=grids)))
    return raw_metrics(rgb, masks)


def fit_scale_from_folder(folder: str | Path, num_knots: int = DEFAULT_KNOTS) -> LevelScale:
    """Fit a scale on every readable photo in ``folder`` (unreadable files are skipped).

    Raises:
        ScaleError: if the folder does not exist or holds too few photos.
    """
    from pertouch.core.errors import ImageReadError
    from pertouch.core.imageio import load_photo

    root = Path(folder)
    if not root.is_dir():
        raise ScaleError(f"{str(root)!r} is not a folder of photos.")
    samples, used = [], 0
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        try:
            photo = load_photo(path)
        except ImageReadError:
            continue
        samples.append(measure_samples(photo.pixels))
        used += 1
    if not samples:
        raise ScaleError(
            f"No readable photos in {str(root)!r}; a scale needs JPEG, PNG, TIFF or WebP photos."
        )
    return fit_scale(
        np.concatenate(samples), num_knots, source=f"fitted on {used} photos in {root.name}"
    )
