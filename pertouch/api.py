"""``pertouch.retouch``: one instruction in, the retouched photo and the agent's reasoning out.

    result = pertouch.retouch("photo.jpg", "the sky is dull, make it bluer", output="out.jpg")
    print(result.response)          # what was done, measured
    print(result.explain())         # every round: edits, levels before/target/measured, verdict

A :class:`Retoucher` keeps threads (SQLite under ``PERTOUCH_HOME``, by default
``~/.cache/pertouch``) so later turns ("a bit less", "undo", "looks good") act on the current
result. It is built from :class:`pertouch.services.Settings` like every other surface.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Photo, load_photo, save_photo
from pertouch.services import (
    Services,
    Settings,
    open_services,
    threads_waited_for,
    wait_for_threads,
)

if TYPE_CHECKING:
    from langchain_core.runnables import RunnableConfig

    from pertouch.graph.records import Round


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
        model_fell_back: the model failed or ran out of time and the offline reader stood in
            for some step (the notes say which); strict callers treat the turn as failed.
    """

    image: NDArray[np.generic] = field(repr=False)
    state: AdjustmentState
    transcript: tuple[Round, ...]
    response: str
    kind: str
    unsupported: list[str]
    notes: list[str]
    thread_id: str
    approved: bool
    model_fell_back: bool = False

    def explain(self) -> str:
        """Round by round: the edits, measured before/target/after levels and the verdict."""
        from pertouch.graph.explain import explain_rounds

        return explain_rounds(self.transcript)


class Retoucher:
    """The agent with its dependencies, holding threads across turns.

    Args:
        model: "offline", a provider string ("openai:gpt-4o", ...), or a LangChain chat model.
        segmenter: "offline", "sam3", or a segmenter object.
        renderer: "parametric", "diffusion" (with ``base_model`` and ``checkpoint``), or a
            renderer object.
        rounds: render-critique rounds per turn (default 3).
        home: folder for the image store and the thread database (default ``PERTOUCH_HOME``,
            else ``~/.cache/pertouch``).
        checkpointer: a LangGraph checkpointer (default: SQLite in ``home``).
        openai: an :class:`~pertouch.providers.openai.OpenAIConfig` for hosted models.
        send_images: show previews to vision models.
        memory: a :class:`~pertouch.memory.store.SceneMemory`, or a folder / ``http://`` URL of
            one; with it, a user's new photos start from what they approved on similar scenes,
            and "looks good" remembers the retouch. ``None``: nothing is recalled or remembered.
        settings: start from these settings instead of ``Settings.from_env()``; the arguments
            above override them.
        services: ready-built services (then every other argument is ignored).
        **options: any other :class:`~pertouch.services.Settings` field (``base_model``,
            ``checkpoint``, ``scale``, ``device`` ...).
    """

    def __init__(
        self,
        model: Any = None,
        segmenter: Any = None,
        renderer: Any = None,
        rounds: int | None = None,
        home: str | Path | None = None,
        checkpointer: Any = None,
        openai: Any = None,
        send_images: bool | None = None,
        memory: Any = None,
        settings: Settings | None = None,
        services: Services | None = None,
        **options: Any,
    ) -> None:
        if services is None:
            names = {
                "model": model if isinstance(model, str) else None,
                "segmenter": segmenter if isinstance(segmenter, str) else None,
                "renderer": renderer if isinstance(renderer, str) else None,
                "rounds": int(rounds) if rounds is not None else None,
                "home": Path(home) if home is not None else None,
                "send_images": send_images,
                "memory": str(memory) if isinstance(memory, str | Path) else None,
                **options,
            }
            if openai is not None:
                names.update(
                    model_base_url=openai.base_url,
                    model_api_key=openai.api_key,
                    model_timeout=openai.timeout,
                )
            base = settings or Settings.from_env()
            chosen = {k: v for k, v in names.items() if v is not None}
            settings = Settings.from_env({}, **{**_as_overrides(base), **chosen})
            services = open_services(
                settings,
                model=None if isinstance(model, str | None) else model,
                segmenter=None if isinstance(segmenter, str | None) else segmenter,
                renderer=None if isinstance(renderer, str | None) else renderer,
                memory=None if isinstance(memory, str | Path | None) else memory,
                checkpointer=checkpointer,
            )
        self.services = services
        self.home = services.settings.home
        self.store = services.store
        self.memory = services.memory
        self.graph = services.graph
        self.context = services.context()
        self._photos: dict[str, Photo] = {}

    def turn(
        self,
        instruction: str,
        photo: str | Path | None = None,
        thread_id: str | None = None,
        user: str | None = None,
        on_event: Callable[[dict[str, Any]], None] | None = None,
        use_memory: bool = True,
        masks: Mapping[str, Any] | None = None,
    ) -> Result:
        """Run one instruction; ``photo`` starts a thread, ``thread_id`` continues one.

        ``use_memory=False`` declines the user's remembered taste for a new photo. ``masks`` shows
        regions by hand: a word ("water", "the boats") to a mask file or array (grey or a painted
        layer's alpha, any size of the photo's aspect ratio); the word then means that mask in
        this turn and the thread's later turns.
        """
        from pertouch.graph.state import InputState

        thread_id = thread_id or uuid.uuid4().hex
        config: RunnableConfig = {"configurable": {"thread_id": thread_id}, "recursion_limit": 60}
        photo_ref = ""  # no photo: the thread keeps the one it started with
        budget = self.services.settings.memory_budget
        loaded = load_photo(photo, memory_budget=budget) if photo is not None else None
        threads = self.home.expanduser() / "threads.sqlite"
        wait_for_threads(self.services.checkpointer, threads)
        with threads_waited_for(threads):
            if loaded is not None:
                photo_ref = self.store.put(loaded.pixels)
                self._photos[thread_id] = loaded
            elif not self.graph.get_state(config).values.get("photo_ref"):
                raise PerTouchError("No photo yet; give a photo with the first instruction.")
            given = self._mask_refs(masks or {}, photo_ref, config)
            payload = InputState(
                instruction=instruction, photo=photo_ref, user=user or "", user_masks=given
            )
            context = self.services.context(use_memory=use_memory)
            for event in self.graph.stream(payload, config, context=context, stream_mode="custom"):
                if on_event is not None:
                    on_event(event)
            values = self.graph.get_state(config).values
        if values.get("error"):
            raise PerTouchError(values["error"])
        ref = values.get("output_ref") or values["photo_ref"]
        found = values.get("classification")
        return Result(
            image=self.store.get(ref),
            state=values["adjustment"],
            transcript=tuple(values.get("rounds", [])),
            response=values.get("response", ""),
            kind=found.kind if found else "",
            unsupported=list(found.unsupported) if found else [],
            notes=list(values.get("notes", [])),
            thread_id=thread_id,
            approved=values.get("status") == "approved",
            model_fell_back=bool(values.get("model_fell_back", False)),
        )

    def _mask_refs(
        self, masks: Mapping[str, Any], photo_ref: str, config: RunnableConfig
    ) -> dict[str, str]:
        """Each shown mask fitted to the photo and stored as uint8; word to reference."""
        if not masks:
            return {}
        from pertouch.tools.segmentation.user_masks import UserMasks, fit_to, mask_weights

        ref = photo_ref or self.graph.get_state(config).values["photo_ref"]
        height, width = self.store.get(ref).shape[:2]
        checker = UserMasks()
        refs = {}
        for word, mask in masks.items():
            checker.put(word, mask)  # one sentence for an empty or unreadable mask, a bad word
            weights = fit_to(mask_weights(mask), (height, width))
            refs[word.strip()] = self.store.put(np.round(weights * 255).astype(np.uint8))
        return refs

    def save(self, result: Result, path: str | Path, quality: int = 95) -> None:
        """Write ``result.image`` keeping the original's ICC profile, EXIF and greyness when known."""
        original = self._photos.get(result.thread_id)
        save_photo(
            path,
            result.image,
            alpha=original.alpha if original else None,
            icc_profile=original.icc_profile if original else None,
            exif=original.exif if original else None,
            quality=quality,
            grey=original.grey if original else False,
        )

    def close(self) -> None:
        self.services.close()

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


def _as_overrides(settings: Settings) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(settings, f.name) for f in fields(settings)}
