"""One place that reads the configuration and builds what every surface shares.

    settings = Settings.from_env(renderer="diffusion")     # PERTOUCH_* variables, then overrides
    with open_services(settings) as services:
        graph = services.graph                             # the agent, with every dependency

The command line, the Python API, the app, the MCP server and ``langgraph.json`` all start here, so
they run the same agent: the same chat model and its fallback, the same segmenter (with the bundled
MiniLM lexicon), the same renderer (parametric or diffusion), memory, image store and threads.
:class:`Settings` is plain data; :meth:`Settings.from_env` is the only code in the package that
reads ``PERTOUCH_*`` variables (the table is in README.md). Building is separate from reading, so
tests hand in settings, or ready-made objects, without touching the environment.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from pertouch.core.errors import PerTouchError
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.store import ImageStore

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

    from pertouch.backbone.base import Renderer
    from pertouch.graph.context import Context
    from pertouch.memory.store import SceneMemory
    from pertouch.tools.segmentation.types import Segmenter

SegmenterName = Literal["offline", "sam3"]
RendererName = Literal["parametric", "diffusion"]

DEFAULT_HOME = Path("~/.cache/pertouch")
DEFAULT_SAM3_CHECKPOINT = Path("~/.cache/pertouch/sam3.pt")
#: How long a turn waits for another process that holds the thread database, in seconds.
THREADS_LOCK_TIMEOUT_S = 10.0


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

    scale: Path | None = None
    """PERTOUCH_SCALE: a level scale from ``pertouch fit-scale`` (default: the bundled one)."""

    memory: str | None = None
    """Where the scene memory lives (a folder or a ``http://`` Chroma server), or None for none.
    Surfaces that remember taste use PERTOUCH_MEMORY, else :func:`default_memory_location`."""

    rounds: int = 3
    """PERTOUCH_ROUNDS: render-critique rounds per turn (1 to 10)."""

    send_images: bool = True
    """Show previews of the photo to vision models."""

    def __post_init__(self) -> None:
        if self.segmenter not in get_args(SegmenterName):
            raise SettingsError(f'Unknown segmenter {self.segmenter!r}; use "offline" or "sam3".')
        if self.renderer not in get_args(RendererName):
            raise SettingsError(
                f'Unknown renderer {self.renderer!r}; use "parametric" or "diffusion".'
            )
        if not 1 <= self.rounds <= 10:
            raise SettingsError(f"rounds must be between 1 and 10, got {self.rounds}.")
        if not 0 < self.model_timeout <= 3600:
            raise SettingsError(
                f"The model timeout must be between 0 and 3600 seconds, got {self.model_timeout}."
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


def _count(variable: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{variable} must be a whole number, not {text!r}.") from None


_VARIABLES: tuple[tuple[str, str, Callable[[str, str], Any]], ...] = (
    ("home", "PERTOUCH_HOME", _path),
    ("model", "PERTOUCH_MODEL", _text),
    ("model_base_url", "OPENAI_BASE_URL", _text),
    ("model_api_key", "OPENAI_API_KEY", _text),
    ("model_timeout", "PERTOUCH_MODEL_TIMEOUT", _number),
    ("segmenter", "PERTOUCH_SEGMENTER", _text),
    ("sam3_checkpoint", "PERTOUCH_SAM3_CHECKPOINT", _path),
    ("device", "PERTOUCH_DEVICE", _text),
    ("renderer", "PERTOUCH_RENDERER", _text),
    ("base_model", "PERTOUCH_BASE_MODEL", _path),
    ("checkpoint", "PERTOUCH_CHECKPOINT", _path),
    ("scale", "PERTOUCH_SCALE", _path),
    ("rounds", "PERTOUCH_ROUNDS", _count),
)


def default_memory_location(environ: Mapping[str, str] | None = None) -> str:
    """``$PERTOUCH_MEMORY``, else ``$XDG_DATA_HOME/pertouch/memory`` (``~/.local/share``)."""
    env = os.environ if environ is None else environ
    if env.get("PERTOUCH_MEMORY", "").strip():
        return env["PERTOUCH_MEMORY"].strip()
    data_home = env.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return str(Path(data_home) / "pertouch" / "memory")


@dataclass
class Services:
    """The agent's dependencies, built once from :class:`Settings`; close it when done."""

    settings: Settings
    model: BaseChatModel
    fallback: BaseChatModel
    segmenter: Segmenter
    renderer: Renderer
    scale: LevelScale
    store: ImageStore
    checkpointer: Checkpointer
    memory: SceneMemory | None
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @cached_property
    def graph(self) -> CompiledStateGraph[Any, Any, Any, Any]:
        """The agent wired to these services (built on first use)."""
        from pertouch.graph.graph import build_graph

        return build_graph(
            model=self.model,
            fallback=self.fallback,
            segmenter=self.segmenter,
            renderer=self.renderer,
            memory=self.memory,
            checkpointer=self.checkpointer,
            store=self.store,
            scale=self.scale,
        )

    def context(self, **overrides: Any) -> Context:
        """The per-run settings of the graph that these settings imply."""
        from pertouch.graph.context import Context

        base = Context(max_rounds=self.settings.rounds, send_images=self.settings.send_images)
        return replace(base, **overrides)

    def close(self) -> None:
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_services(
    settings: Settings,
    *,
    model: BaseChatModel | None = None,
    segmenter: Segmenter | None = None,
    renderer: Renderer | None = None,
    memory: SceneMemory | None = None,
    checkpointer: Checkpointer | None = None,
    store: ImageStore | None = None,
) -> Services:
    """Build every service ``settings`` names; objects given here are used as they are."""
    from pertouch.providers.offline import OfflineChatModel

    home = _ready_home(settings.home)
    scale = LevelScale.load(settings.scale) if settings.scale else default_scale()
    closers: list[Callable[[], None]] = []
    if checkpointer is None:
        checkpointer = open_checkpointer(home / "threads.sqlite", closers)
    return Services(
        settings=settings,
        model=model or build_model(settings),
        fallback=OfflineChatModel(),
        segmenter=segmenter or build_segmenter(settings),
        renderer=renderer or build_renderer(settings, scale),
        scale=scale,
        store=store or ImageStore(home / "store"),
        checkpointer=checkpointer,
        memory=memory if memory is not None else open_memory(settings.memory),
        _closers=closers,
    )


def build_model(settings: Settings) -> BaseChatModel:
    """The chat model that plans and judges."""
    from pertouch.providers.chat import load_chat_model
    from pertouch.providers.openai import OpenAIConfig

    config = OpenAIConfig(
        base_url=settings.model_base_url,
        api_key=settings.model_api_key,
        timeout=settings.model_timeout,
    )
    return load_chat_model(settings.model, config)


def build_segmenter(settings: Settings) -> Segmenter:
    """The offline segmenter with the MiniLM lexicon, or SAM3 backed by it."""
    from pertouch.providers.embeddings import MiniLMEmbedder
    from pertouch.tools.segmentation import Lexicon, OfflineSegmenter

    lexicon = Lexicon(MiniLMEmbedder())
    offline = OfflineSegmenter(lexicon=lexicon)
    if settings.segmenter == "offline":
        return offline
    from pertouch.tools.segmentation.sam3 import Sam3Segmenter, load_sam3

    device = settings.device or "cpu"
    return Sam3Segmenter(
        load_sam3(settings.sam3_checkpoint.expanduser(), device=device),
        device=device,
        offline=offline,
        lexicon=lexicon,
    )


def build_renderer(settings: Settings, scale: LevelScale | None = None) -> Renderer:
    """The parametric renderer, or the diffusion backbone from local model folders."""
    if settings.renderer == "parametric":
        from pertouch.backbone.parametric import ParametricRenderer

        return ParametricRenderer(scale=scale)
    if settings.base_model is None or settings.checkpoint is None:
        raise SettingsError(
            "The diffusion renderer needs a base model and a checkpoint (--base-model and "
            "--checkpoint, or PERTOUCH_BASE_MODEL and PERTOUCH_CHECKPOINT)."
        )
    from importlib.util import find_spec

    missing = [name for name in ("torch", "diffusers", "transformers") if find_spec(name) is None]
    if missing:
        raise SettingsError(
            f"The diffusion renderer needs the 'diffusion' extra ({missing[0]} is missing): "
            "pip install 'pertouch[diffusion]'."
        )
    from pertouch.backbone.diffusion import build_diffusion_renderer

    return build_diffusion_renderer(
        settings.base_model, settings.checkpoint, device=settings.device, scale=scale
    )


def open_memory(location: str | None) -> SceneMemory | None:
    """The scene memory at ``location`` (a folder or a Chroma server URL); None stays None."""
    if location is None:
        return None
    from pertouch.memory.connection import connect
    from pertouch.memory.store import SceneMemory

    return SceneMemory(connect(location))


def open_checkpointer(path: Path, closers: list[Callable[[], None]]) -> Checkpointer:
    """Threads in SQLite at ``path``; a locked database is waited for a bounded time."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    from pertouch.graph.state import state_serializer

    if path.exists() and not path.is_file():
        raise SettingsError(f"The thread database {str(path)!r} is not a file; move it away.")
    try:
        connection = sqlite3.connect(path, check_same_thread=False, timeout=THREADS_LOCK_TIMEOUT_S)
        saver = SqliteSaver(connection, serde=state_serializer())
        saver.setup()
    except sqlite3.DatabaseError as err:
        raise SettingsError(
            f"The thread database {str(path)!r} cannot be used ({err}); move it away to start afresh."
        ) from None
    closers.append(connection.close)
    return saver


def _ready_home(home: Path) -> Path:
    path = home.expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise SettingsError(f"PERTOUCH_HOME {str(path)!r} is a file, not a folder.") from None
    except OSError as err:
        raise SettingsError(
            f"Cannot create the PerTouch folder {str(path)!r} ({err.strerror or err})."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise SettingsError(f"The PerTouch folder {str(path)!r} is not writable.")
    return path
