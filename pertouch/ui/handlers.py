"""What happens when a person uploads, types, presses a button or moves a slider.

Each handler takes the shared :class:`~pertouch.studio.Studio`, the tab's
:class:`~pertouch.ui.session.Session` and the inputs, and returns the new session with the page's
new content as a :class:`View` (turned into Gradio updates by ``app.py``). Bad input raises
:class:`~pertouch.core.errors.PerTouchError`; the app shows its sentence.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.api import Result
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import load_photo, save_photo
from pertouch.core.previews import preview
from pertouch.graph.explain import progress_line
from pertouch.studio import APPROVE_WORDS, Studio, state_from_sliders
from pertouch.tools.segmentation.overlay import region_overlay
from pertouch.ui import brush, views
from pertouch.ui.session import ATTRIBUTE_NAMES, MAX_SLIDER_ROWS, Session

Chat = list[dict[str, Any]]


@dataclass
class View:
    """The page's content after a handler ran (None leaves a part as it is)."""

    before: NDArray[np.uint8] | None = None
    after: NDArray[np.uint8] | None = None
    overlay: NDArray[np.uint8] | None = None
    reasoning: str = ""
    download: str | None = None
    regions: list[str] = field(default_factory=list)
    sliders: dict[str, list[float]] = field(default_factory=dict)


def upload(studio: Studio, session: Session | None, path: str | None) -> tuple[Session, View]:
    """Start a new conversation on the uploaded photo (kept at full resolution)."""
    session = session or Session()
    if not path:
        raise PerTouchError("Choose a photo to upload (JPEG, PNG, TIFF or WebP).")
    photo = load_photo(path, memory_budget=studio.services.settings.memory_budget)
    session.start(photo, path)
    picture = preview(photo.pixels)
    return session, View(before=picture, after=picture, regions=["global"], sliders={})


def send(
    studio: Studio,
    session: Session | None,
    text: str,
    user: str,
    chat: Chat,
    use_memory: bool = True,
    painted: Mapping[str, Any] | None = None,
    word: str = "",
) -> Iterator[tuple[Session, Chat, View | None]]:
    """Run one instruction, yielding the chat with live progress, then the finished view.

    ``use_memory=False`` declines the user's remembered taste for the tab's new photo.
    ``painted`` (the brush editor's value) and ``word`` show a region by hand: the painted pixels
    (with a proposed region the person picked) become the mask for ``word`` in this turn and the
    thread's later ones.
    """
    if session is None or session.photo is None:
        raise PerTouchError("Upload a photo first, then say what to change.")
    mask, word = shown(session, painted, word)
    picked = session.picked if mask is not None else None
    masks = {word: mask} if mask is not None else None
    text = (text or "").strip()
    chat = [*chat, {"role": "user", "content": text}]
    steps: list[str] = []
    working = {
        "role": "assistant",
        "content": "",
        "metadata": {"title": "Working…", "status": "pending"},
    }
    yield session, [*chat, working], None

    events: queue.Queue[dict[str, Any] | None] = queue.Queue()
    outcome: dict[str, Any] = {}
    photo = session.photo_path if session.result is None else None
    remembered_before = studio.remembered(user) if text == APPROVE_WORDS else 0

    def work() -> None:
        try:
            outcome["result"] = studio.turn(
                text,
                session.thread_id,
                photo,
                user,
                events.put,
                use_memory=use_memory,
                masks=masks,
            )
        except PerTouchError as err:
            outcome["error"] = str(err)
        except BaseException as err:  # a bug: re-raised below, in the handler's own thread
            outcome["crash"] = err
        finally:
            events.put(None)

    threading.Thread(target=work, daemon=True).start()
    while (event := events.get()) is not None:
        line = progress_line(event)
        if line:
            steps.append(line)
            working = {**working, "content": "\n".join(f"- {s}" for s in steps)}
            yield session, [*chat, working], None
    working = {**working, "metadata": {"title": "Steps", "status": "done"}}
    if "crash" in outcome:
        raise outcome["crash"]
    if "error" in outcome:
        chat = [*chat, working, {"role": "assistant", "content": outcome["error"]}]
        yield session, chat, None
        return
    result: Result = outcome["result"]
    previous = session.result.state if session.result is not None else None
    session.result = result
    if picked is not None:
        session.picked = None  # the picked region went with this turn, as the painting did
    reply = result.response
    if text == APPROVE_WORDS and result.approved:
        reply = _approval_note(studio, user, reply, remembered_before)
    if mask is not None:
        reply = f"{reply} {brush.painted_note(word, mask, brush.changed_regions(previous, result.state))}".strip()
    chat = [*chat, working, {"role": "assistant", "content": reply}]
    yield session, chat, current_view(studio, session)


def shown(
    session: Session | None, painted: Mapping[str, Any] | None, word: str | None
) -> tuple[brush.BoolMask | None, str]:
    """The region shown by hand for the next turn, at the photo's size, and its name.

    Raises :class:`~pertouch.ui.brush.BrushError` for a painting without a name or a name
    without a painting; the page asks this before the turn, so nothing it shows changes.
    """
    if session is None or session.photo is None:
        return None, ""
    height, width = session.photo.pixels.shape[:2]
    # Undo and Approve send neither the editor nor a word, and leave a pick for the next turn.
    picked = session.picked if painted is not None or (word or "").strip() else None
    mask = brush.shown_mask(painted, picked, (height, width))
    return mask, brush.region_word(word, mask)


def _approval_note(studio: Studio, user: str, reply: str, before: int) -> str:
    """Say whether the approval reached the user's memory (the agent writes it)."""
    if studio.memory is None:
        return f"{reply} (This server keeps no memory.)".strip()
    if not user:
        return f"{reply} Choose a user to have approved edits remembered.".strip()
    if studio.remembered(user) > before:
        return f"{reply} Remembered for {user}: similar photos will start from these edits."
    return (
        f"{reply} Nothing new was remembered for {user}: these edits were already remembered, "
        "or the photo was started without a user (choose one before the first instruction)."
    )


def slide(studio: Studio, session: Session | None, values: Sequence[float]) -> tuple[Session, View]:
    """Re-render the photo with the edit table's values (one slider per region and attribute)."""
    if session is None or session.photo is None or session.result is None:
        raise PerTouchError("Ask for a change in the chat first; the sliders then fine-tune it.")
    numbers = _slider_numbers(values, len(session.regions) * len(ATTRIBUTE_NAMES))
    table = {
        (region, attribute): numbers[row * len(ATTRIBUTE_NAMES) + column]
        for row, region in enumerate(session.regions)
        for column, attribute in enumerate(ATTRIBUTE_NAMES)
    }
    state = state_from_sliders(session.regions, table, session.result.state.baseline)
    pixels = studio.rerender(session.thread_id, session.photo, state)
    moved = (
        ", ".join(f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in state.edits)
        or "no edits"
    )
    session.result = replace(
        session.result,
        image=pixels,
        state=state,
        approved=False,
        notes=[*session.result.notes, f"Set by hand with the sliders: {moved}."],
    )
    return session, current_view(studio, session)


def _slider_numbers(values: Sequence[Any], needed: int) -> list[float]:
    """The slider values as floats in [-1, 1], or one sentence about the first one that is not."""
    if len(values) < needed:
        raise PerTouchError(
            f"Expected {needed} slider values (4 per region row), got {len(values)}."
        )
    numbers = []
    for value in values:
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not -1.0 <= number <= 1.0:  # NaN fails this comparison too
            raise PerTouchError(f"A slider value must be a number from -1 to 1, got {value!r}.")
        numbers.append(float(number))
    return numbers


def current_view(studio: Studio, session: Session) -> View:
    """The page for the session's latest result: comparison, overlay, table, reasoning, download."""
    assert session.photo is not None
    before = preview(session.photo.pixels)
    if session.result is None:
        return View(before=before, after=before, regions=["global"])
    result = session.result
    masks = studio.masks(session.thread_id)
    after = preview(result.image)
    session.regions = views.slider_regions(result.state, masks, MAX_SLIDER_ROWS)
    return View(
        before=before,
        after=after,
        overlay=region_overlay(
            after, {r: m for r, m in masks.items() if r in result.state.regions} or masks
        ),
        reasoning=_reasoning_for(session),
        download=str(_write_download(studio, session)),
        regions=session.regions,
        sliders=views.slider_values(result.state, session.regions),
    )


def _reasoning_for(session: Session) -> str:
    """This turn's reasoning; a command turn (undo, approve) keeps the last turn's below it."""
    assert session.result is not None
    text = reasoning(session.result)
    if session.result.transcript or not session.reasoning:
        session.reasoning = text
        return text
    return f"{text}\n\nEarlier:\n{session.reasoning}"


def reasoning(result: Result) -> str:
    """The agent's reasoning: how it read the words, each round measured, and notes."""
    parts = [f"Instruction read as: {result.kind or 'a command'}."]
    if result.unsupported:
        parts.append(f"Cannot do: {', '.join(result.unsupported)}.")
    if result.transcript:
        parts.append(result.explain())
    parts.extend(result.notes)
    return "\n".join(parts)


def _write_download(studio: Studio, session: Session) -> Path:
    assert session.photo is not None and session.result is not None
    folder = studio.workdir / session.id
    folder.mkdir(parents=True, exist_ok=True)
    photo = session.photo
    return save_photo(
        folder / session.download_name(),
        session.result.image,
        alpha=photo.alpha,
        icc_profile=photo.icc_profile,
        exif=photo.exif,
        grey=photo.grey,
    )
