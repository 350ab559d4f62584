"""``pertouch.retouch``: one instruction in, the retouched photo and the agent's reasoning out.

    result = pertouch.retouch("photo.jpg", "the sky is dull, make it bluer", output="out.jpg")
    print(result.response)          # what was done, measured
    print(result.explain())         # every round: edits, levels before/target/measured, verdict

A :class:`Retoucher` keeps threads (SQLite under ``home`` by default) so later turns ("a bit
less", "undo", "looks good") act on the current result.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo, load_photo, save_photo
from pertouch.core.store import ImageStore

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

DEFAULT_HOME = Path("~/.cache/pertouch")


@dataclass(frozen=True)
class Result:
    """The outcome of one turn.

    Attributes:
        image: the current result ``(H, W, 3)`` (the original when nothing was rendered).
        state: the adjustment state now in force.
        transcript: this turn's rounds: edits, measured levels, verdicts.
        response: the agent's reply.
        kind: how the instruction was classified.
        unsupported: parts of the instruction PerTouch cannot do.
        notes: absent regions, clamped values, model fallbacks.
        thread_id: pass it back to continue the conversation.
        approved: the user approved the result.
    """

    image: NDArray[np.generic] = field(repr=False)
    state: AdjustmentState
    transcript: list[dict[str, Any]]
    response: str
    kind: str
    unsupported: list[str]
    notes: list[str]
    thread_id: str
    approved: bool

    def explain(self) -> str:
        """Round by round: the edits, measured before/target/after levels and the verdict."""
        from pertouch.graph.explain import explain_rounds

        return explain_rounds(self.transcript)


class Retoucher:
    """The agent with its dependencies, holding threads across turns.

    Args:
        model: "offline", "openai:MODEL", or a LangChain chat model.
        segmenter: "offline", "sam3", or a segmenter object.
        renderer: "parametric" or a renderer object.
        rounds: render-critique rounds per turn (default 3).
        home: folder for the image store and the thread database (default ~/.cache/pertouch).
        checkpointer: a LangGraph checkpointer (default: SQLite in ``home``).
        openai: an :class:`~pertouch.providers.openai.OpenAIConfig` for "openai:" models.
        send_images: show previews to vision models.
        memory: a :class:`~pertouch.memory.store.SceneMemory`, or a folder / ``http://`` URL of
            one; with it, a user's new photos start from what they approved on similar scenes,
            and "looks good" remembers the retouch. ``None``: nothing is recalled or remembered.
    """

    def __init__(
        self,
        model: Any = "offline",
        segmenter: Any = "offline",
        renderer: Any = "parametric",
        rounds: int = 3,
        home: str | Path | None = None,
        checkpointer: Any = None,
        openai: Any = None,
        send_images: bool = True,
        memory: Any = None,
    ) -> None:
        from pertouch.graph.context import Context
        from pertouch.graph.graph import build_graph
        from pertouch.providers.chat import load_chat_model

        if not 1 <= int(rounds) <= 10:
            raise PerTouchError(f"rounds must be between 1 and 10, got {rounds}.")
        self.home = Path(home or DEFAULT_HOME).expanduser()
        self.store = ImageStore(self.home / "store")
        self._connection: sqlite3.Connection | None = None
        if checkpointer is None:
            from langgraph.checkpoint.sqlite import SqliteSaver

            self.home.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                self.home / "threads.sqlite", check_same_thread=False
            )
            checkpointer = SqliteSaver(self._connection)
        self.context = Context(max_rounds=int(rounds), send_images=send_images)
        self.memory = _memory(memory)
        self.graph = build_graph(
            model=load_chat_model(model, openai) if isinstance(model, str) else model,
            segmenter=_segmenter(segmenter),
            renderer=_renderer(renderer),
            checkpointer=checkpointer,
            store=self.store,
            memory=self.memory,
        )
        self._photos: dict[str, Photo] = {}

    def turn(
        self,
        instruction: str,
        photo: str | Path | None = None,
        thread_id: str | None = None,
        user: str | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        use_memory: bool = True,
    ) -> Result:
        """Run one instruction; ``photo`` starts a thread, ``thread_id`` continues one.

        ``use_memory=False`` declines the user's remembered taste for a new photo.
        """
        from pertouch.graph.state import InputState

        thread_id = thread_id or uuid.uuid4().hex
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": 60}
        photo_ref = ""  # no photo: the thread keeps the one it started with
        if photo is not None:
            loaded = load_photo(photo)
            photo_ref = self.store.put(loaded.pixels)
            self._photos[thread_id] = loaded
        elif not self.graph.get_state(config).values.get("photo_ref"):
            raise PerTouchError("No photo yet; give a photo with the first instruction.")
        payload = InputState(instruction=instruction, photo=photo_ref, user=user or "")
        context = self.context if use_memory else replace(self.context, use_memory=False)
        for event in self.graph.stream(payload, config, context=context, stream_mode="custom"):
            if on_event is not None:
                on_event(event)
        values = self.graph.get_state(config).values
        if values.get("error"):
            raise PerTouchError(values["error"])
        ref = values.get("output_ref") or values["photo_ref"]
        found = values.get("classification") or {}
        return Result(
            image=self.store.get(ref),
            state=AdjustmentState.from_dict(values["adjustment"]),
            transcript=list(values.get("rounds", [])),
            response=values.get("response", ""),
            kind=found.get("kind", ""),
            unsupported=list(found.get("unsupported", [])),
            notes=list(values.get("notes", [])),
            thread_id=thread_id,
            approved=values.get("status") == "approved",
        )

    def save(self, result: Result, path: str | Path, quality: int = 95) -> None:
        """Write ``result.image`` keeping the original's ICC profile and EXIF when known."""
        original = self._photos.get(result.thread_id)
        save_photo(
            path,
            result.image,
            alpha=original.alpha if original else None,
            icc_profile=original.icc_profile if original else None,
            exif=original.exif if original else None,
            quality=quality,
        )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Retoucher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def retouch(
    photo: str | Path | None,
    instruction: str,
    user: str | None = None,
    **options: Any,
) -> Result:
    """Retouch ``photo`` as ``instruction`` says; see :class:`Retoucher` for the options.

    Extra options: ``thread_id`` (continue a thread; ``photo`` may then be None), ``output``
    (write the result there), ``on_event`` (called with each progress event).
    """
    thread_id = options.pop("thread_id", None)
    output = options.pop("output", None)
    on_event = options.pop("on_event", None)
    with Retoucher(**options) as agent:
        result = agent.turn(instruction, photo, thread_id=thread_id, user=user, on_event=on_event)
        if output is not None:
            agent.save(result, output)
        return result


def _segmenter(choice: Any) -> Any:
    if not isinstance(choice, str):
        return choice
    if choice == "offline":
        from pertouch.tools.segmentation import OfflineSegmenter

        return OfflineSegmenter()
    if choice == "sam3":
        from pertouch.tools.segment_cli import build_segmenter

        return build_segmenter("sam3")
    raise PerTouchError(f'Unknown segmenter {choice!r}; use "offline" or "sam3".')


def _renderer(choice: Any) -> Any:
    if not isinstance(choice, str):
        return choice
    if choice == "parametric":
        from pertouch.backbone.parametric import ParametricRenderer

        return ParametricRenderer()
    raise PerTouchError(f'Unknown renderer {choice!r}; "parametric" is the one available now.')


def _memory(memory: Any) -> Any:
    """A SceneMemory from an object, a folder or a server URL (``None`` stays ``None``)."""
    if memory is None or not isinstance(memory, str | Path):
        return memory
    from pertouch.memory.connection import connect
    from pertouch.memory.store import SceneMemory

    return SceneMemory(connect(memory))
