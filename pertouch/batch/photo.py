"""One photo of a batch: read it, decide its adjustment state from the look, render, write.

:func:`retouch_photo` is a pure function of the job, the look and the services, so the local pool
and Ray run exactly the same code. Every decision (the agent's reading, masks, memory, matching)
is taken on a *proxy*: the photo area-averaged to a long side of 1024 px. Levels are measured
and the renderer solves on a 512 px analysis view anyway, so masks found on the proxy and
stretched to full resolution render nearly the same: on five 12 MP photos, sky, ground and
person masks differed by 0.2 % and the saliency-based "subject" by 3.6 %; the levels reached
differed by 0.001 or less on two, by 0.04-0.05 on the two with a subject, and by 0.15 on an
over-bright photo whose targets were out of reach (the renderer's compromise there is not
unique). It is what makes a 12 MP photo cost one full-resolution pass instead of the agent's
several, and keeps the image store small; the parametric renderer even solves on the proxy and
only applies the plan at full resolution (:mod:`pertouch.batch.render`).

A photo that cannot be retouched becomes a ``failed`` outcome with one sentence; nothing a single
photo does stops the batch.

It is longer than 300 lines because the per-photo steps (read, plan, render, write) share one
error policy: a bad photo is recorded, never raised past the batch.
"""

from __future__ import annotations

import hashlib
import logging
import resource
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

from pertouch.batch.look import Look, MatchTarget
from pertouch.batch.match import (
    U8,
    match_decision,
    match_residual,
    partition,
    target_of,
    to_u8,
)
from pertouch.batch.render import render_photo
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.errors import PerTouchError
from pertouch.core.imageio import Pixels, load_photo, save_photo
from pertouch.core.metrics import analysis_shape
from pertouch.services import Services

log = logging.getLogger(__name__)
#: Long side of the view every decision is taken on (2x the 512 px analysis view).
PROXY_SIZE = 1024
#: How close a matched photo should land to the reference's levels (the renderer's promise).
MATCH_TOLERANCE = 0.05


@dataclass(frozen=True)
class PhotoJob:
    """One photo to do: ``name`` is its path inside the input folder (the manifest's key)."""

    name: str
    source: Path
    output: Path
    fingerprint: str
    """Size and modification time of the source: a changed file is done again."""

    @property
    def thread(self) -> str:
        """The agent thread an instruction look uses for this photo."""
        return (
            "batch-" + hashlib.sha256(f"{self.source}|{self.fingerprint}".encode()).hexdigest()[:20]
        )


@dataclass(frozen=True)
class BatchOptions:
    """How photos are written and how much memory one may take."""

    quality: int = 95
    memory_budget: int | None = None
    """Bytes one photo may take (None: a share of what is available; 0: no check)."""
    proxy_size: int = PROXY_SIZE


@dataclass(frozen=True)
class PhotoOutcome:
    """What became of one photo; plain data for the manifest and the summary."""

    name: str
    status: Literal["done", "failed"]
    output: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    state: dict[str, Any] | None = None
    thread: str = ""
    residual: float | None = None
    """For a match: the largest distance, in levels, between this photo and the reference."""
    worker: str = ""
    peak_mb: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v not in ("", None, (), {})}
        data["notes"] = list(self.notes)
        return data


@dataclass
class Decision:
    """A look applied to one photo: the state to render, its masks on the proxy, and notes."""

    state: AdjustmentState
    masks: dict[str, U8]
    notes: list[str]
    thread: str = ""


def retouch_photo(
    job: PhotoJob, look: Look, services: Services, options: BatchOptions
) -> PhotoOutcome:
    """Retouch ``job``'s photo with ``look`` and write it; a failure becomes a failed outcome."""
    start = time.perf_counter()
    try:
        photo = load_photo(job.source, memory_budget=options.memory_budget)
        proxy = make_proxy(photo.pixels, options.proxy_size)
        decision = decide(proxy, look, services, job.thread)
        rendered = render_photo(
            photo.pixels, proxy, decision.state, decision.masks, services, look.match
        )
        pixels, decision.state = rendered.pixels, rendered.state
        residual = None
        if look.match is not None:
            # measured on the proxy of the result: the same 512 px analysis view, without
            # stretching every mask to full resolution only to shrink it again
            result = make_proxy(pixels, options.proxy_size)
            residual = match_residual(result, decision.masks, look.match, services)
            if residual > MATCH_TOLERANCE:
                decision.notes.append(
                    f"It lands within {residual:.2f} of the reference's levels, not "
                    f"{MATCH_TOLERANCE}: part of that look is out of this photo's reach."
                )
        save_photo(
            job.output,
            pixels,
            alpha=photo.alpha,
            icc_profile=photo.icc_profile,
            exif=photo.exif,
            quality=options.quality,
            fast=True,
        )
    except PerTouchError as err:
        return _failed(job, str(err), start)
    except MemoryError:
        return _failed(job, f"{job.source.name} did not fit in memory.", start)
    except Exception as err:  # one photo's bug must not stop a batch of hundreds: say it, go on
        log.debug("retouching %s failed", job.name, exc_info=True)
        return _failed(
            job,
            f"PerTouch failed on this photo ({type(err).__name__}: {err}); please report it.",
            start,
        )
    return PhotoOutcome(
        name=job.name,
        status="done",
        output=str(job.output),
        notes=tuple(decision.notes),
        seconds=round(time.perf_counter() - start, 3),
        state=decision.state.to_dict(),
        thread=decision.thread,
        residual=None if residual is None else round(residual, 4),
        peak_mb=peak_memory_mb(),
    )


def decide(proxy: Pixels, look: Look, services: Services, thread: str) -> Decision:
    """The adjustment state ``look`` means for this photo, with its masks on ``proxy``."""
    if look.instruction:
        return _ask_agent(proxy, look, services, thread)
    if look.match is not None:
        return Decision(*match_decision(proxy, look.match, services))
    if look.state is not None:
        return _with_masks(look.state, proxy, services, [])
    return _remembered(proxy, look.user, services)


def make_proxy(pixels: Pixels, size: int) -> Pixels:
    """``pixels`` area-averaged to a long side of ``size`` (never enlarged), same dtype."""
    height, width = pixels.shape[:2]
    shape = analysis_shape(height, width, size)
    if shape == (height, width):
        return pixels
    return cv2.resize(pixels, (shape[1], shape[0]), interpolation=cv2.INTER_AREA)


def _with_masks(
    state: AdjustmentState, proxy: Pixels, services: Services, notes: list[str]
) -> Decision:
    """Find each region ``state`` names in this photo; edits of regions it lacks are left out."""
    masks: dict[str, U8] = {}
    missing: list[str] = []
    for region in state.regions:
        found = services.segmenter.segment(proxy, region)
        if found.found:
            masks[region] = to_u8(found.mask)
        else:
            missing.append(region)
    if missing:
        notes.append(f"No {', '.join(missing)} found in this photo; those edits were left out.")
        kept = tuple(e for e in state.edits if e.region not in missing)
        state = AdjustmentState(state.baseline, kept)
    return Decision(state, masks, notes)


def _remembered(proxy: Pixels, user: str, services: Services) -> Decision:
    """Where ``user``'s memory suggests this photo start, from the scenes they approved."""
    from pertouch.memory.scene import describe

    if services.memory is None:
        raise PerTouchError("A remembered look needs the scene memory; do not pass --no-memory.")
    scene = describe(proxy, services.segmenter.propose(proxy))
    suggestion = services.memory.recall(user, scene)
    if suggestion.empty:
        note = f"Nothing {user} approved looks like this photo, so it was written unchanged."
        return Decision(AdjustmentState(), {}, [note])
    return _with_masks(suggestion.to_state(), proxy, services, [suggestion.reason])


def _ask_agent(proxy: Pixels, look: Look, services: Services, thread: str) -> Decision:
    """Run the agent on the proxy in a fresh thread of its own; take the state it rendered."""
    from pertouch.graph.state import InputState

    config: Any = {"configurable": {"thread_id": thread}, "recursion_limit": 60}
    delete = getattr(services.checkpointer, "delete_thread", None)
    if callable(delete):
        delete(thread)  # a rerun starts over, it does not continue the last attempt
    payload = InputState(
        instruction=look.instruction, photo=services.store.put(proxy), user=look.user
    )
    context = services.context(use_memory=bool(look.user))
    services.graph.invoke(payload, config, context=context)
    values = services.graph.get_state(config).values
    if values.get("error"):
        raise PerTouchError(values["error"])
    state = values["rendered"] if values.get("output_ref") else AdjustmentState()
    masks = {
        name: np.asarray(services.store.get(ref), dtype=np.uint8)
        for name, ref in values.get("masks", {}).items()
        if name in state.regions
    }
    reply = values.get("response", "")  # the agent's reply already says what its notes say
    return Decision(state, masks, [reply] if reply else list(values.get("notes", [])), thread)


def reference_target(
    path: Path, look: Look | None, services: Services, options: BatchOptions
) -> MatchTarget:
    """The per-region levels of the reference photo's result: the photo itself, or the photo
    retouched with ``look`` when one is given (the set then matches that retouch).

    Raises:
        PerTouchError: the reference cannot be read, or ``look`` fails on it.
    """
    photo = load_photo(path, memory_budget=options.memory_budget)
    proxy = make_proxy(photo.pixels, options.proxy_size)
    result = photo.pixels
    if look is not None:
        thread = "batch-reference-" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
        decision = decide(proxy, look, services, thread)
        result = render_photo(photo.pixels, proxy, decision.state, decision.masks, services).pixels
    stat = path.stat()
    source = f"{path.resolve()}|{stat.st_size}:{stat.st_mtime_ns}|{look.key() if look else ''}"
    result = make_proxy(result, options.proxy_size)  # measured at 512 px either way
    return replace(
        target_of(result, partition(proxy, services), services, path.name), source=source
    )


def peak_memory_mb() -> float:
    """This process's peak resident memory so far, in MB: VmHWM where Linux has it, because the
    ``ru_maxrss`` of a process the pool started also counts the parent it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _failed(job: PhotoJob, error: str, start: float) -> PhotoOutcome:
    return PhotoOutcome(
        name=job.name,
        status="failed",
        error=error,
        seconds=round(time.perf_counter() - start, 3),
        peak_mb=peak_memory_mb(),
    )
