"""The reference's level normalisation: one quantile transform per attribute, raw -> [-1, 1].

The reference stores raw metric maps as float16, reads them back with NaN set to 0 and values
clipped to ±20,000, fits scikit-learn's ``QuantileTransformer(output_distribution="uniform",
random_state=0)`` per channel on 1,000 randomly sampled pixels of every training map (of which
the transformer's default subsample keeps 10,000, drawn with that random state), and conditions on
``2 * QT(raw) - 1``. The fitted transformers are not published with the weights, so
``pertouch prepare-data metrics=reference`` fits them and saves them as ``quantile_scale.json``
(plain numbers, no pickle); the reference profile loads that file from the checkpoint folder.

Fitting uses scikit-learn; applying a fitted scale needs only numpy: :meth:`QuantileScale.to_unit`
is scikit-learn's uniform ``transform``, step for step, in the same float32 arithmetic.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES
from pertouch.core.errors import ScaleError

FILE_NAME = "quantile_scale.json"
#: Raw values are clamped to this before the float16 store and clipped to ±RAW_LIMIT after it.
STORE_LIMIT = 30_000.0
RAW_LIMIT = 20_000.0
SAMPLES_PER_MAP = 1000


def stored_raw(raw: NDArray[np.floating]) -> NDArray[np.float32]:
    """Raw metrics as the reference reads them back: float16-rounded, NaN to 0, clipped to ±20,000."""
    values = np.clip(np.asarray(raw, dtype=np.float64), -STORE_LIMIT, STORE_LIMIT)
    values = np.nan_to_num(values.astype(np.float16).astype(np.float32))
    return np.clip(values, -RAW_LIMIT, RAW_LIMIT)


@dataclass(frozen=True)
class QuantileScale:
    """Fitted quantiles per attribute: raw metrics to levels, as the reference normalises them.

    Attributes:
        quantiles: ``(4, K)`` float64, each row the fitted transformer's ``quantiles_`` (non-decreasing),
            at the references ``linspace(0, 1, K)``; channel order of :data:`ATTRIBUTES`.
        source: where the quantiles came from, for humans.
    """

    quantiles: NDArray[np.float64]
    source: str = ""
    references: NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        quantiles = np.asarray(self.quantiles, dtype=np.float64)
        if quantiles.ndim != 2 or quantiles.shape[0] != NUM_ATTRIBUTES or quantiles.shape[1] < 2:
            raise ScaleError(
                f"A quantile scale needs {NUM_ATTRIBUTES} rows of at least 2 quantiles, got shape {quantiles.shape}."
            )
        if not np.isfinite(quantiles).all() or (np.diff(quantiles, axis=1) < 0).any():
            raise ScaleError("A quantile scale's quantiles must be finite and non-decreasing.")
        object.__setattr__(self, "quantiles", quantiles)
        object.__setattr__(self, "references", np.linspace(0.0, 1.0, quantiles.shape[1]))

    def to_unit(self, raw: NDArray[np.floating]) -> NDArray[np.float32]:
        """``QT(raw)`` in [0, 1] for raw metrics ``(..., 4)``, after :func:`stored_raw`."""
        values = stored_raw(raw)
        out = np.empty_like(values)
        for c in range(NUM_ATTRIBUTES):
            out[..., c] = self._transform(values[..., c], self.quantiles[c])
        return out

    def to_level(self, raw: NDArray[np.floating]) -> NDArray[np.float32]:
        """Levels ``2 QT(raw) - 1`` in [-1, 1] for raw metrics ``(..., 4)``, float32."""
        return np.float32(2) * self.to_unit(raw) - np.float32(1)

    def _transform(
        self, column: NDArray[np.float32], quantiles: NDArray[np.float64]
    ) -> NDArray[np.float32]:
        # scikit-learn's uniform forward transform: the mean of interpolating upwards and
        # downwards (so repeated quantiles map to the middle of their span), ends pinned to 0, 1.
        out = column.copy()
        at_low, at_high = column == quantiles[0], column == quantiles[-1]
        out[...] = 0.5 * (
            np.interp(column, quantiles, self.references)
            - np.interp(-column, -quantiles[::-1], -self.references[::-1])
        )
        out[at_high] = 1.0
        out[at_low] = 0.0
        return out

    @classmethod
    def fit(
        cls, samples: Sequence[NDArray[np.floating]], source: str = "", random_state: int = 0
    ) -> QuantileScale:
        """Fit one transformer per attribute on its samples (raw values, :func:`stored_raw` first).

        Args:
            samples: four 1-D arrays, the sampled raw values of each attribute.

        Raises:
            ScaleError: fewer than 4 arrays, or fewer than 10 values in one.
        """
        try:
            from sklearn.preprocessing import QuantileTransformer
        except ImportError:
            raise ScaleError(
                "Fitting the reference's quantile scale needs scikit-learn: pip install 'pertouch[training]'."
            ) from None
        if len(samples) != NUM_ATTRIBUTES or min(np.size(s) for s in samples) < 10:
            raise ScaleError(
                "Fitting a quantile scale needs at least 10 sampled values of each of the 4 attributes."
            )
        rows = []
        for values in samples:
            column = stored_raw(np.asarray(values).reshape(-1, 1))
            transformer = QuantileTransformer(
                n_quantiles=min(1000, column.shape[0]),
                output_distribution="uniform",
                random_state=random_state,
            )
            rows.append(transformer.fit(column).quantiles_[:, 0])
        return cls(np.stack(rows), source=source)

    def to_json(self) -> str:
        data = {
            "kind": "quantile",
            "source": self.source,
            "quantiles": {
                a.value: [float(v) for v in self.quantiles[a.channel]] for a in ATTRIBUTES
            },
        }
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> QuantileScale:
        try:
            data = json.loads(text)
            if data.get("kind") != "quantile":
                raise ValueError("not a quantile scale")
            rows = np.array([data["quantiles"][a.value] for a in ATTRIBUTES], dtype=np.float64)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as err:
            raise ScaleError(
                f"This is not a PerTouch quantile scale ({err}); fit one with `pertouch prepare-data DATA OUT metrics=reference`."
            ) from None
        return cls(rows, source=str(data.get("source", "")))

    @classmethod
    def load(cls, path: str | Path) -> QuantileScale:
        """Read a scale saved with :meth:`save`."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ScaleError(f"Cannot read the quantile scale {str(path)!r}: {err}.") from None
        return cls.from_json(text)

    @classmethod
    def from_checkpoint(cls, directory: str | Path) -> QuantileScale:
        """The scale saved beside a checkpoint (``DIRECTORY/quantile_scale.json``).

        Raises:
            ScaleError: the file is missing (with what to do) or malformed.
        """
        path = Path(directory).expanduser() / FILE_NAME
        if not path.is_file():
            raise ScaleError(
                f"The reference profile needs the quantile normalisation the weights were trained "
                f"with, and {path} is missing: run `pertouch prepare-data DATA OUT metrics=reference` "
                f"and copy OUT/{FILE_NAME} into {path.parent} (the published weights do not ship it)."
            )
        return cls.load(path)

    def save(self, path: str | Path) -> None:
        """Write the scale as JSON, atomically."""
        from pertouch.core.imageio import write_atomic

        write_atomic(Path(path), self.to_json().encode("utf-8"))
