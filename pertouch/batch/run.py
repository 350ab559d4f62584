"""A whole batch: plan the folder, fix the look, run the photos on an engine, record, summarise.

    summary = run_batch(BatchRequest(Path("shoot"), Path("out"), LookRequest(instruction="warmer")),
                        Settings.from_env())

The engine is this process for one worker, a pool of processes for several, or a Ray cluster with
``ray``. Whatever the engine, only this process writes the manifest and prints progress.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from pertouch.batch.look import BatchError, Look, thread_state
from pertouch.batch.manifest import Manifest
from pertouch.batch.photo import BatchOptions, PhotoJob, PhotoOutcome, reference_target
from pertouch.batch.plan import OutputFormat, plan_batch
from pertouch.batch.progress import Progress, Summary
from pertouch.batch.workers import PhotoWorker, crashed, run_here, run_in_pool
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.imageio import write_atomic
from pertouch.core.memory_budget import default_budget
from pertouch.services import Services, Settings, open_services

SUMMARY_NAME = "pertouch-batch-summary.json"
MAX_INSTRUCTION = 2000


@dataclass(frozen=True)
class LookRequest:
    """The look as asked for on the command line, before it is resolved against the services."""

    instruction: str = ""
    state: AdjustmentState | None = None
    thread: str = ""
    user: str = ""
    match: Path | None = None


@dataclass(frozen=True)
class BatchRequest:
    """One batch: the folders, the look, and how to run it."""

    source: Path
    target: Path
    look: LookRequest
    workers: int | None = None
    """None: one here, or one per CPU of a Ray cluster."""
    ray: str | None = None
    output_format: OutputFormat = "same"
    recursive: bool = False
    restart: bool = False
    options: BatchOptions = field(default_factory=BatchOptions)
    show_progress: bool = True
    stream: TextIO = field(default_factory=lambda: sys.stderr)


def resolve_look(request: LookRequest, services: Services, options: BatchOptions) -> Look:
    """The :class:`Look` every photo gets; a match renders and measures its reference here.

    Raises:
        BatchError: no look, or more than one; an unknown or unapproved thread; an empty or
            overlong instruction.
        PerTouchError: an unknown user, an unreadable reference photo.
    """
    text = request.instruction.strip()
    if request.instruction and not text:
        raise BatchError("The instruction is empty; say what to change, e.g. 'a touch warmer'.")
    if len(text) > MAX_INSTRUCTION:
        raise BatchError(
            f"The instruction is {len(text):,} characters long; say it in at most 2,000."
        )
    state, origin = request.state, "an adjustment state"
    if request.thread:
        if state is not None:
            raise BatchError("Give --state or --from-thread, not both.")
        state, origin = thread_state(services.graph, request.thread), f"thread {request.thread}"
    if text and state is not None:
        raise BatchError("Give an instruction or a state (--state, --from-thread), not both.")
    if request.user:
        if services.memory is None:
            raise BatchError("--user needs the scene memory; leave out --no-memory.")
        services.memory.users.get(request.user)  # an unknown user is refused now, not per photo
    if text:
        origin = f"the instruction {text!r}" + (f" for {request.user}" if request.user else "")
    elif state is None:
        origin = f"what {request.user} approved before"
    has_look = bool(text or state is not None or request.user)
    look = (
        Look(instruction=text, state=state, user=request.user, origin=origin) if has_look else None
    )
    if request.match is None:
        if look is None:
            raise BatchError(
                "Give the batch one look: an instruction, --state, --from-thread, --user or --match."
            )
        return look
    target = reference_target(request.match, look, services, options)
    described = f"the levels of {request.match.name}" + (
        f" retouched with {origin}" if look else ""
    )
    return Look(match=target, origin=described)


def run_batch(request: BatchRequest, settings: Settings) -> Summary:
    """Retouch every photo of ``request.source`` into ``request.target``; see the module doc.

    Raises:
        BatchError: no photos, a busy or mismatched output folder, a bad look, an unreachable
            cluster. A photo that fails does not raise: it is recorded and the batch goes on.
    """
    plan = plan_batch(request.source, request.target, request.output_format, request.recursive)
    if not plan.jobs:
        raise BatchError(
            f"There are no photos in {str(request.source)!r} (JPEG, PNG, TIFF, WebP, HEIC or "
            "camera RAW)" + ("." if request.recursive else "; add --recursive for sub-folders.")
        )
    if request.workers is not None and request.workers < 1:
        raise BatchError(f"--workers must be 1 or more, got {request.workers}.")
    options = request.options
    local = request.workers or 1
    if options.memory_budget is None and request.ray is None and local > 1:
        budget = default_budget()  # the workers share this machine's memory
        options = replace(options, memory_budget=None if budget is None else budget // local)
    services = open_services(settings)
    try:
        look = resolve_look(request.look, services, options)
        with Manifest(request.target.expanduser().resolve(), look, request.restart) as manifest:
            return _run(
                request, settings, plan.ignored, plan.jobs, look, options, services, manifest
            )
    finally:
        services.close()


def _run(
    request: BatchRequest,
    settings: Settings,
    ignored: int,
    jobs: tuple[PhotoJob, ...],
    look: Look,
    options: BatchOptions,
    services: Services,
    manifest: Manifest,
) -> Summary:
    todo = [job for job in jobs if not manifest.is_done(job)]
    progress = Progress(
        total=len(jobs),
        skipped=len(jobs) - len(todo),
        show=request.show_progress,
        stream=request.stream,
    )
    peaks: dict[str, float] = {}
    failures: list[dict[str, str]] = []

    def finished(job: PhotoJob, outcome: PhotoOutcome) -> None:
        manifest.record(job, outcome)
        progress.update(outcome)
        if outcome.worker:
            peaks[outcome.worker] = max(peaks.get(outcome.worker, 0.0), outcome.peak_mb)
        if outcome.status == "failed":
            failures.append({"name": job.name, "error": outcome.error})

    for job in [j for j in todo if manifest.crashed_before(j)]:
        todo.remove(job)
        finished(job, crashed(job))
    _prepare_outputs(todo)
    workers = request.workers or 1
    if request.ray is not None:
        from pertouch.batch.ray_runner import run_on_ray

        workers = run_on_ray(
            request.ray, todo, settings, look, options, request.workers, manifest.started, finished
        )
    elif workers == 1:
        run_here(PhotoWorker(settings, look, options, services), todo, manifest.started, finished)
    else:
        run_in_pool(todo, settings, look, options, workers, manifest.started, finished)
    usage = services.store.usage()
    elapsed = progress.clock() - progress.started_at
    rate = progress.rate()
    summary = Summary(
        input=str(request.source),
        output=str(request.target),
        look=look.to_dict(),
        engine="ray" if request.ray is not None else "local",
        workers=workers,
        photos=len(jobs),
        done=progress.done,
        failed=progress.failed,
        skipped=progress.skipped,
        ignored=ignored,
        seconds=round(elapsed, 2),
        photos_per_minute=None if rate is None else round(rate, 2),
        peak_mb_per_worker=peaks,
        failures=failures,
        store_bytes=usage.bytes,
        store_budget=usage.budget,
        manifest=str(manifest.path),
    )
    target = request.target.expanduser().resolve()
    write_atomic(target / SUMMARY_NAME, (json.dumps(summary.to_dict(), indent=2) + "\n").encode())
    return summary


def _prepare_outputs(jobs: list[PhotoJob]) -> None:
    """Make the output folders, and remove temporary files a killed run left beside outputs."""
    for folder in {job.output.parent for job in jobs}:
        folder.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        for stale in job.output.parent.glob(f".{job.output.name}.*.tmp"):
            stale.unlink(missing_ok=True)
