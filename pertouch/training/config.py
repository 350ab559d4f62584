"""Configuration of data preparation and training: dataclasses with laptop defaults.

One config file (TOML or JSON) plus ``key=value`` overrides from the command line, each checked
against the field's type, so ``lr=abc`` or ``max_step=10`` fails with one sentence before anything
runs. The defaults run on a laptop CPU; :data:`REFERENCE` lists the paper's values.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pertouch.core.errors import PerTouchError


class ConfigError(PerTouchError):
    """A configuration file or override is malformed, unknown or of the wrong type."""


@dataclass(frozen=True)
class PrepareConfig:
    """How ``pertouch prepare-data`` turns before/after pairs into parameter maps."""

    #: Folder with ``input/`` and one folder per expert holding the same file names.
    data: str = ""
    #: Where maps, regions, the level scale and the manifest are written.
    output: str = ""
    #: ``offline`` (CPU, no downloads) or ``sam3`` (needs the sam3 extra and its checkpoint).
    segmenter: str = "offline"
    sam3_checkpoint: str = ""
    device: str = "cpu"
    #: Side of the square maps (and of the resized images they describe).
    map_size: int = 512
    #: Pixels sampled per map to fit the level scale (quantile statistics).
    scale_samples: int = 1000
    #: ``project`` (the metrics and level scale the parametric renderer shares) or ``reference``
    #: (the reference's metric set and quantile normalisation: what the published weights saw,
    #: and what the diffusion renderer's reference profile conditions on).
    metrics: str = "project"
    #: Worker processes; 0 means one per CPU, 1 runs in this process.
    workers: int = 1
    seed: int = 0
    progress: bool = True


@dataclass(frozen=True)
class TrainConfig:
    """How ``pertouch train`` fits the ControlNet and the UNet head.

    Defaults run a few steps on a laptop; the paper used 512 px, batch 16 with accumulation 2,
    lr 5e-5, 30 epochs, fp32 (see :data:`REFERENCE`).
    """

    #: A prepared data folder (the output of ``pertouch prepare-data``).
    data: str = ""
    output_dir: str = "pertouch-training"
    #: Stable Diffusion 2.1 in diffusers layout, or ``random:tiny`` / ``random:sd21`` (random
    #: weights, for tests and benchmarks).
    base_model: str = ""
    #: A PerTouch checkpoint to start from (``controlnet/`` + head); empty: from the UNet.
    init_checkpoint: str = ""
    resolution: int = 512
    batch_size: int = 1
    gradient_accumulation: int = 1
    lr: float = 5e-5
    weight_decay: float = 1e-2
    grad_clip: float = 1.0
    #: Stop after this many optimiser steps, or after ``epochs`` if that comes first.
    max_steps: int = 10
    epochs: int = 30
    #: ``no`` (fp32), ``fp16`` or ``bf16``.
    mixed_precision: str = "no"
    checkpoint_every: int = 1000
    checkpoints_total_limit: int = 3
    #: ``latest``, a checkpoint folder, or empty to start afresh.
    resume: str = ""
    validate_every: int = 0
    num_validation: int = 2
    validation_steps: int = 20
    #: ``tensorboard``, ``wandb`` or ``none``.
    log_with: str = "tensorboard"
    log_every: int = 10
    replacement_alpha: float = 0.05
    replacement_min_area: int = 1024
    perturb: bool = True
    num_workers: int = 0
    seed: int = 0


#: The reference implementation's training values, for a full-size run.
REFERENCE: dict[str, Any] = {
    "resolution": 512,
    "batch_size": 16,
    "gradient_accumulation": 2,
    "lr": 5e-5,
    "epochs": 30,
    "mixed_precision": "no",
    "checkpoint_every": 1000,
    "grad_clip": 1.0,
    "max_steps": 10**9,
}

C = TypeVar("C", PrepareConfig, TrainConfig)


def load_config(cls: type[C], path: str | Path | None = None, overrides: Sequence[str] = ()) -> C:
    """``cls`` from its defaults, then a TOML/JSON file, then ``key=value`` overrides.

    Raises:
        ConfigError: the file is unreadable, or a key is unknown, or a value has the wrong type.
    """
    values: dict[str, Any] = {}
    if path:
        values.update(_read_file(Path(path)))
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip().lstrip("-").replace("-", "_")
        if not sep or not key:
            raise ConfigError(f"Override {item!r} is not of the form key=value.")
        values[key] = text
    return build_config(cls, values)


def build_config(cls: type[C], values: dict[str, Any]) -> C:
    """``cls(**values)`` with every value checked (and strings parsed) against the field type."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = typing.get_type_hints(cls)
    checked = {}
    for key, value in values.items():
        if key not in fields:
            close = ", ".join(sorted(fields))
            raise ConfigError(f"Unknown setting {key!r}; the settings are: {close}.")
        checked[key] = _coerce(key, value, hints[key])
    return cls(**checked)


def to_dict(config: PrepareConfig | TrainConfig) -> dict[str, Any]:
    return dataclasses.asdict(config)


def save_config(config: PrepareConfig | TrainConfig, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_dict(config), indent=1), encoding="utf-8")


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"Cannot read the config file {str(path)!r}: {err}.") from None
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"The config file {str(path)!r} is not valid ({err}).") from None
    if not isinstance(data, dict):
        raise ConfigError(f"The config file {str(path)!r} must hold a table of settings.")
    return data


def _coerce(key: str, value: Any, kind: Any) -> Any:
    if isinstance(kind, types.UnionType):
        kind = next(k for k in typing.get_args(kind) if k is not type(None))
    if isinstance(value, str) and kind is not str:
        value = _parse(key, value, kind)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"Setting {key!r} must be {kind.__name__}, got {value!r} ({type(value).__name__})."
        )
    return value


def _parse(key: str, text: str, kind: Any) -> Any:
    text = text.strip()
    if kind is bool:
        lowered = text.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise ConfigError(f"Setting {key!r} must be true or false, got {text!r}.")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"Setting {key!r} must be {kind.__name__}, got {text!r}.") from None
