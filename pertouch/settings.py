"""Settings: every choice of how PerTouch runs, read from ``PERTOUCH_*`` variables in one place.

:class:`Settings` is plain, validated data; :meth:`Settings.from_env` is the only code in the
package that reads the environment (the table of variables is in README.md). Surfaces add their
options on top (``Settings.from_env(renderer="diffusion")``) and hand the result to
:func:`pertouch.services.open_services`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Literal, get_args

from pertouch.core.errors import PerTouchError

SegmenterName = Literal["offline", "sam3"]
RendererName = Literal["parametric", "diffusion"]

DEFAULT_HOME = Path("~/.cache/pertouch")
DEFAULT_SAM3_CHECKPOINT = Path("~/.cache/pertouch/sam3.pt")
#: The image store's default size: about 40 agent turns on 12 MP photos.
DEFAULT_STORE_BUDGET = 2 * 2**30


class SettingsError(PerTouchError):
    """A setting (a ``PERTOUCH_*`` variable or an option) has a value that cannot be used."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything that chooses how PerTouch runs; each field names its environment variable."""

    home: Path = DEFAULT_HOME
    """PERTOUCH_HOME: the thread database and the image store live here."""

    model: str = "offline"
    """PERTOUCH_MODEL: "offline", or a provider string such as "openai:gpt-4o"."""

    model_base_url: str | None = None
    """OPENAI_BASE_URL: an OpenAI-compatible server (vLLM, llama.cpp, LM Studio, Ollama)."""

    model_api_key: str | None = None
    """OPENAI_API_KEY: the key for the model's provider."""

    model_timeout: float = 60.0
    """PERTOUCH_MODEL_TIMEOUT: seconds to wait for one reply of a hosted model."""

    model_budget: float = 20.0
    """PERTOUCH_MODEL_BUDGET: seconds a hosted model may take over one turn, all its calls
    together; after them the offline reader answers the rest of the turn and the reply says so."""

    segmenter: SegmenterName = "offline"
    """PERTOUCH_SEGMENTER: "offline" (bundled models) or "sam3" (its extra and checkpoint)."""

    sam3_checkpoint: Path = DEFAULT_SAM3_CHECKPOINT
    """PERTOUCH_SAM3_CHECKPOINT: SAM3's weights, for ``segmenter="sam3"``."""

    device: str | None = None
    """PERTOUCH_DEVICE: torch device for SAM3 and diffusion (default: CUDA when present, else CPU)."""

    renderer: RendererName = "parametric"
    """PERTOUCH_RENDERER: "parametric" (CPU, full resolution) or "diffusion" (the PerTouch model)."""

    base_model: Path | None = None
    """PERTOUCH_BASE_MODEL: Stable Diffusion 2.1 in diffusers layout, for the diffusion renderer."""

    checkpoint: Path | None = None
    """PERTOUCH_CHECKPOINT: the PerTouch checkpoint folder, for the diffusion renderer."""

    diffusion_profile: str = "fast"
    """PERTOUCH_DIFFUSION_PROFILE: "fast" or "reference" (exactly what the published weights saw)."""

    diffusion_scheduler: str | None = None
    """PERTOUCH_DIFFUSION_SCHEDULER: ddim, dpm++2m, unipc or euler (default: the profile's)."""

    diffusion_steps: int | None = None
    """PERTOUCH_DIFFUSION_STEPS: sampler steps (default: the profile's)."""

    diffusion_seed: int | None = None
    """PERTOUCH_DIFFUSION_SEED: the noise seed (default: the profile's)."""

    diffusion_dtype: str | None = None
    """PERTOUCH_DIFFUSION_DTYPE: auto, float32, float16 or bfloat16 (default: the profile's)."""

    diffusion_output: str | None = None
    """PERTOUCH_DIFFUSION_OUTPUT: "lift" (edit carried to full resolution) or "model" pixels."""

    scale: Path | None = None
    """PERTOUCH_SCALE: a level scale from ``pertouch fit-scale`` (default: the bundled one)."""

    memory: str | None = None
    """Where the scene memory lives (a folder or a ``http://`` Chroma server), or None for none.
    Surfaces that remember taste use PERTOUCH_MEMORY, else :func:`default_memory_location`."""

    rounds: int = 3
    """PERTOUCH_ROUNDS: render-critique rounds per turn (1 to 10)."""

    send_images: bool = True
    """Show previews of the photo to vision models."""

    workers: int = 2
    """PERTOUCH_WORKERS: turns the app runs at once (1 to 32); each has its own segmenter."""

    served_models: tuple[str, ...] = ()
    """PERTOUCH_SERVED_MODELS: comma-separated models a served run may choose besides "offline"
    and ``model``; "*" allows any. A remote client spends the server's API key, so it is a list."""

    served_memories: tuple[str, ...] = ()
    """PERTOUCH_SERVED_MEMORIES: comma-separated memory locations a served run may choose besides
    ``memory`` and "none" (a client naming any folder would write the server's disk)."""

    fetch_private: bool = False
    """PERTOUCH_FETCH_PRIVATE: let a served run give a photo URL on a loopback or private
    address (a trusted network only; by default such URLs are refused)."""
    store_budget: int | None = DEFAULT_STORE_BUDGET
    """PERTOUCH_STORE_BUDGET: bytes the image store may hold ("2G", "500M"; "none": no limit);
    the least recently used images are evicted beyond it."""

    thread_days: float = 30.0
    """PERTOUCH_THREAD_DAYS: threads not continued for this many days are pruned (0: never)."""

    memory_budget: int | None = None
    """PERTOUCH_MEMORY_BUDGET: memory one photo may take to retouch ("4G"); a larger photo is
    refused before it is decoded. None ("auto"): 80% of the memory available at the time; 0
    ("none"): no check."""

    def __post_init__(self) -> None:
        if self.segmenter not in get_args(SegmenterName):
            raise SettingsError(f'Unknown segmenter {self.segmenter!r}; use "offline" or "sam3".')
        if self.renderer not in get_args(RendererName):
            raise SettingsError(
                f'Unknown renderer {self.renderer!r}; use "parametric" or "diffusion".'
            )
        if self.diffusion_profile not in ("fast", "reference"):
            raise SettingsError(
                f'Unknown diffusion profile {self.diffusion_profile!r}; use "fast" or "reference".'
            )
        if not 1 <= self.workers <= 32:
            raise SettingsError(f"workers must be between 1 and 32, got {self.workers}.")
        if not 1 <= self.rounds <= 10:
            raise SettingsError(f"rounds must be between 1 and 10, got {self.rounds}.")
        if not 0 < self.model_timeout <= 3600:
            raise SettingsError(
                f"The model timeout must be between 0 and 3600 seconds, got {self.model_timeout}."
            )
        if not 0 < self.model_budget <= 3600:
            raise SettingsError(
                f"The model budget must be more than 0 and at most 3600 seconds, got {self.model_budget}."
            )
        if self.store_budget is not None and self.store_budget <= 0:
            raise SettingsError(
                f"The image store budget must be a positive size such as 2G, got {self.store_budget}."
            )
        if self.memory_budget is not None and self.memory_budget < 0:
            raise SettingsError(f"The memory budget must be a size such as 4G, got {self.memory_budget}.")
        if not 0 <= self.thread_days <= 36_500:
            raise SettingsError(
                f"Threads are kept between 0 (for ever) and 36500 days, got {self.thread_days}."
            )
        if self.memory is not None and "://" in self.memory:
            scheme = self.memory.split("://", 1)[0].lower()
            if scheme not in ("http", "https"):
                raise SettingsError(
                    f"The memory {self.memory!r} is neither a folder nor an http(s):// Chroma server."
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``PERTOUCH_*`` variables, with ``overrides`` (None values ignored) on top.

        ``memory`` is not read here: whether a surface remembers taste is its choice; pass
        ``memory=default_memory_location(environ)`` to use the configured store.
        """
        env = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise SettingsError(f"Unknown setting {unknown[0]!r}.")
        values: dict[str, Any] = {}
        for name, variable, parse in _VARIABLES:
            text = env.get(variable, "").strip()
            if text:
                values[name] = parse(variable, text)
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("home", "sam3_checkpoint", "base_model", "checkpoint", "scale"):
            if isinstance(values.get(name), str):
                values[name] = Path(values[name])
        for name in ("served_models", "served_memories"):
            if isinstance(values.get(name), str):
                values[name] = _names(name, values[name])
        return cls(**values)


def _text(variable: str, text: str) -> str:
    return text


def _path(variable: str, text: str) -> Path:
    return Path(text).expanduser()


def _number(variable: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SettingsError(f"{variable} must be a number of seconds, not {text!r}.") from None


def _size(variable: str, text: str) -> int | None:
    """A size in bytes: "2G", "500M", "1.5GB", "4096"; "none" (or "0") for no limit."""
    if text.lower() in ("none", "0", "unlimited"):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?", text.lower())
    if match is None:
        raise SettingsError(f"{variable} must be a size such as 2G or 500M, not {text!r}.")
    number, unit = match.groups()
    return int(float(number) * 1024 ** " kmgt".index(unit or " "))


def _memory(variable: str, text: str) -> int | None:
    """A memory budget: a size, "auto" (None: a share of what is available) or "none" (0)."""
    if text.lower() == "auto":
        return None
    return _size(variable, text) or 0


def _days(variable: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SettingsError(f"{variable} must be a number of days, not {text!r}.") from None


def _count(variable: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{variable} must be a whole number, not {text!r}.") from None


def _switch(variable: str, text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{variable} must be 1 or 0 (true or false), not {text!r}.")


def _names(variable: str, text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


_VARIABLES: tuple[tuple[str, str, Callable[[str, str], Any]], ...] = (
    ("home", "PERTOUCH_HOME", _path),
    ("model", "PERTOUCH_MODEL", _text),
    ("model_base_url", "OPENAI_BASE_URL", _text),
    ("model_api_key", "OPENAI_API_KEY", _text),
    ("model_timeout", "PERTOUCH_MODEL_TIMEOUT", _number),
    ("model_budget", "PERTOUCH_MODEL_BUDGET", _number),
    ("segmenter", "PERTOUCH_SEGMENTER", _text),
    ("sam3_checkpoint", "PERTOUCH_SAM3_CHECKPOINT", _path),
    ("device", "PERTOUCH_DEVICE", _text),
    ("renderer", "PERTOUCH_RENDERER", _text),
    ("base_model", "PERTOUCH_BASE_MODEL", _path),
    ("checkpoint", "PERTOUCH_CHECKPOINT", _path),
    ("diffusion_profile", "PERTOUCH_DIFFUSION_PROFILE", _text),
    ("diffusion_scheduler", "PERTOUCH_DIFFUSION_SCHEDULER", _text),
    ("diffusion_steps", "PERTOUCH_DIFFUSION_STEPS", _count),
    ("diffusion_seed", "PERTOUCH_DIFFUSION_SEED", _count),
    ("diffusion_dtype", "PERTOUCH_DIFFUSION_DTYPE", _text),
    ("diffusion_output", "PERTOUCH_DIFFUSION_OUTPUT", _text),
    ("scale", "PERTOUCH_SCALE", _path),
    ("rounds", "PERTOUCH_ROUNDS", _count),
    ("workers", "PERTOUCH_WORKERS", _count),
    ("served_models", "PERTOUCH_SERVED_MODELS", _names),
    ("served_memories", "PERTOUCH_SERVED_MEMORIES", _names),
    ("fetch_private", "PERTOUCH_FETCH_PRIVATE", _switch),
    ("store_budget", "PERTOUCH_STORE_BUDGET", _size),
    ("thread_days", "PERTOUCH_THREAD_DAYS", _days),
    ("memory_budget", "PERTOUCH_MEMORY_BUDGET", _memory),
)


def default_memory_location(environ: Mapping[str, str] | None = None) -> str:
    """``$PERTOUCH_MEMORY``, else ``$XDG_DATA_HOME/pertouch/memory`` (``~/.local/share``)."""
    env = os.environ if environ is None else environ
    if env.get("PERTOUCH_MEMORY", "").strip():
        return env["PERTOUCH_MEMORY"].strip()
    data_home = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return str(Path(data_home) / "pertouch" / "memory")
