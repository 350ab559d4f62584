"""One place that builds what every surface shares, from :class:`~pertouch.settings.Settings`.

    settings = Settings.from_env(renderer="diffusion")     # PERTOUCH_* variables, then overrides
    with open_services(settings) as services:
        graph = services.graph                             # the agent, with every dependency

The command line, the Python API, the app, the MCP server and ``langgraph.json`` all start here, so
they run the same agent: the same chat model and its fallback, the same segmenter (with the bundled
MiniLM lexicon), the same renderer (parametric or diffusion), memory, image store and threads.
Building is separate from reading the configuration (:mod:`pertouch.settings`), so tests hand in
settings, or ready-made objects, without touching the environment.

It is longer than 300 lines because the threads database's opening and busy-waiting belong with
the services that own it, beside the builders of every other shared part.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.store import ImageStore
from pertouch.settings import Settings, SettingsError, default_memory_location

__all__ = [
    "Services",
    "Settings",
    "SettingsError",
    "ThreadsBusyError",
    "build_model",
    "build_renderer",
    "build_segmenter",
    "default_memory_location",
    "open_services",
]

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langgraph.graph.state import CompiledStateGraph
    from langgraph.types import Checkpointer

    from pertouch.backbone.base import Renderer
    from pertouch.graph.context import Context
    from pertouch.memory.store import SceneMemory
    from pertouch.tools.segmentation.types import Segmenter

#: How long a turn waits for another process that holds the thread database, in seconds.
THREADS_LOCK_TIMEOUT_S = 10.0


class ThreadsBusyError(SettingsError):
    """Another process held the thread database for longer than a turn waits."""


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
        """The agent wired to these services and their thread database (built on first use)."""
        from pertouch.core.sources import PhotoSources
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
            photos=PhotoSources(memory_budget=self.settings.memory_budget),
            model_budget_s=self.settings.model_budget,
        )

    def context(self, **overrides: Any) -> Context:
        """The per-run settings of the graph that these settings imply."""
        from pertouch.graph.context import Context

        base = Context(
            max_rounds=self.settings.rounds,
            send_images=self.settings.send_images,
            model_budget_s=self.settings.model_budget,
        )
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
        if settings.thread_days:
            from pertouch.graph.threads import prune_threads

            prune_threads(checkpointer, settings.thread_days * 86_400)
    chosen = model or build_model(settings)
    return Services(
        settings=settings,
        model=chosen,
        # the offline model is its own fallback: no time budget, no "stood in" notes
        fallback=chosen if isinstance(chosen, OfflineChatModel) else OfflineChatModel(),
        segmenter=segmenter or build_segmenter(settings),
        renderer=renderer or build_renderer(settings, scale),
        scale=scale,
        store=store or _open_store(home / "store", settings.store_budget),
        checkpointer=checkpointer,
        memory=memory if memory is not None else open_memory(settings.memory),
        _closers=closers,
    )


def build_model(settings: Settings) -> BaseChatModel:
    """The chat model that plans and judges."""
    from pertouch.providers.chat import ModelConfig, load_chat_model

    config = ModelConfig(
        base_url=settings.model_base_url,
        api_key=settings.model_api_key,
        # one request never outlasts the turn's whole budget
        timeout=min(settings.model_timeout, settings.model_budget),
    )
    return load_chat_model(settings.model, config)


def build_segmenter(settings: Settings) -> Segmenter:
    """The offline segmenter with the MiniLM lexicon, or SAM3 backed by it, safe for threads.

    Turns run on several threads at once (the app's workers, a server's runs), and a segmenter
    serves one at a time, so this is a pool: up to ``settings.workers`` offline segmenters that
    share one lexicon, or the one SAM3 model behind a lock (it is too large to copy).
    """
    from pertouch.providers.embeddings import MiniLMEmbedder
    from pertouch.tools.segmentation import Lexicon, OfflineSegmenter
    from pertouch.tools.segmentation.pool import SegmenterPool

    lexicon = Lexicon(MiniLMEmbedder())
    if settings.segmenter == "offline":
        return SegmenterPool(lambda: OfflineSegmenter(lexicon=lexicon), settings.workers)
    from pertouch.tools.segmentation.sam3 import Sam3Segmenter, load_sam3

    device = settings.device or "cpu"
    sam3 = Sam3Segmenter(
        load_sam3(settings.sam3_checkpoint.expanduser(), device=device),
        device=device,
        offline=OfflineSegmenter(lexicon=lexicon),
        lexicon=lexicon,
    )
    return SegmenterPool(lambda: sam3, 1)


def build_renderer(settings: Settings, scale: LevelScale | None = None) -> Renderer:
    """The parametric renderer (safe for threads), or the diffusion backbone from local model
    folders (behind a lock)."""
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
    from pertouch.backbone.base import OneAtATime
    from pertouch.backbone.diffusion import build_diffusion_renderer
    from pertouch.backbone.diffusion.options import DiffusionOptions

    options = DiffusionOptions.for_profile(
        settings.diffusion_profile,
        scheduler=settings.diffusion_scheduler,
        steps=settings.diffusion_steps,
        seed=settings.diffusion_seed,
        dtype=settings.diffusion_dtype,
        output=settings.diffusion_output,
    )
    # one diffusion pipeline on one device: concurrent turns take turns at rendering
    return OneAtATime(
        build_diffusion_renderer(
            settings.base_model,
            settings.checkpoint,
            scale=scale,
            options=options,
            device=settings.device,
        )
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
        with threads_waited_for(path):
            saver = SqliteSaver(connection, serde=state_serializer())
            saver.setup()
    except sqlite3.DatabaseError as err:
        raise SettingsError(
            f"The thread database {str(path)!r} cannot be used ({err}); move it away to start afresh."
        ) from None
    closers.append(connection.close)
    return saver


@contextmanager
def threads_waited_for(path: Path) -> Iterator[None]:
    """Turn SQLite's "database is locked" (after its bounded wait) into one sentence.

    Each statement waits up to :data:`THREADS_LOCK_TIMEOUT_S` for another process's lock; the
    first one that gives up ends the turn here, instead of in a traceback from LangGraph's
    checkpoint writer.
    """
    try:
        yield
    except sqlite3.OperationalError as err:
        if "locked" not in str(err) and "busy" not in str(err):
            raise
        raise ThreadsBusyError(
            f"The thread database {str(path)!r} stayed busy for {THREADS_LOCK_TIMEOUT_S:g} s "
            "(another PerTouch is writing to it); try again when it has finished."
        ) from None


def wait_for_threads(checkpointer: Checkpointer, path: Path) -> None:
    """Before a turn: wait (boundedly) until the thread database can be written, or say why not.

    LangGraph writes checkpoints in the background and reports a failed write only when the turn
    ends, so without this a locked database costs a whole turn of work, each write waiting its own
    timeout, before the error comes (over a minute). Taking and dropping the write lock first
    bounds the wait to one :data:`THREADS_LOCK_TIMEOUT_S`. Other checkpointers are left alone.
    """
    connection = getattr(checkpointer, "conn", None)
    lock = getattr(checkpointer, "lock", None)
    if not isinstance(connection, sqlite3.Connection) or lock is None:
        return
    with threads_waited_for(path), lock:
        if not connection.in_transaction:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")


def _open_store(path: Path, budget: int | None) -> ImageStore:
    """The image store under ``PERTOUCH_HOME``, or one sentence if its folder cannot be made."""
    try:
        return ImageStore(path, budget=budget)
    except (FileExistsError, NotADirectoryError):
        raise SettingsError(
            f"The image store {str(path)!r} is a file, not a folder; move it away."
        ) from None
    except OSError as err:
        raise SettingsError(
            f"Cannot create the image store {str(path)!r} ({err.strerror or err})."
        ) from None


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
