"""Workers that hold the models, and the local pool of them.

A :class:`PhotoWorker` opens the services once (chat model, segmenter, renderer, memory) and then
retouches one photo per call; the local pool runs one per process, Ray one per actor. The pool
hands each worker one photo at a time, so the manifest's ``started`` lines are the photos really
in progress. When a worker process dies (the kernel's out-of-memory killer, a crash inside a
decoder), the photos it may have been working on are run again one at a time: the one that brings
its worker down again is recorded as failed, and the others are done as usual.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from pertouch.batch.look import Look
from pertouch.batch.photo import BatchOptions, PhotoJob, PhotoOutcome, peak_memory_mb, retouch_photo
from pertouch.services import Services, Settings, open_services

Started = Callable[[PhotoJob], None]
Finished = Callable[[PhotoJob, PhotoOutcome], None]
CRASHED = (
    "The worker retouching this photo stopped (out of memory, or a crash while decoding it); "
    "it was left out."
)


class PhotoWorker:
    """The services, built once, and the look: retouches one photo per :meth:`run`."""

    def __init__(
        self,
        settings: Settings,
        look: Look,
        options: BatchOptions,
        services: Services | None = None,
    ) -> None:
        self.services = services or open_services(settings)
        self.look = look
        self.options = options
        self.name = f"{socket.gethostname()}:{os.getpid()}"

    def run(self, job: PhotoJob) -> PhotoOutcome:
        outcome = retouch_photo(job, self.look, self.services, self.options)
        return replace(outcome, worker=self.name, peak_mb=peak_memory_mb())

    def close(self) -> None:
        self.services.close()


def run_here(
    worker: PhotoWorker, jobs: Sequence[PhotoJob], started: Started, finished: Finished
) -> None:
    """One worker, in this process: no start-up cost, nothing to pickle."""
    for job in jobs:
        started(job)
        finished(job, worker.run(job))


def crashed(job: PhotoJob) -> PhotoOutcome:
    """The outcome of a photo whose worker died under it twice."""
    return PhotoOutcome(name=job.name, status="failed", error=CRASHED)


def run_in_pool(
    jobs: Sequence[PhotoJob],
    settings: Settings,
    look: Look,
    options: BatchOptions,
    workers: int,
    started: Started,
    finished: Finished,
) -> None:
    """``workers`` processes, each with its own services, one photo in flight per process."""
    queue = deque(jobs)
    suspects: deque[PhotoJob] = deque()  # in flight when a worker died: run again, one at a time
    context = multiprocessing.get_context("spawn")  # never fork a process holding model threads
    while queue or suspects:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(settings, look, options),
        ) as pool:
            if suspects:
                _run_suspects(pool, suspects, started, finished)
            else:
                _run_parallel(pool, queue, suspects, workers, started, finished)


def _run_parallel(
    pool: ProcessPoolExecutor,
    queue: deque[PhotoJob],
    suspects: deque[PhotoJob],
    workers: int,
    started: Started,
    finished: Finished,
) -> None:
    """Keep every worker busy until the queue is empty, or a worker dies (then: suspects)."""
    running: dict[Future[PhotoOutcome], PhotoJob] = {}
    while queue or running:
        while queue and len(running) < workers:
            try:
                future = pool.submit(_run_job, queue[0])
            except BrokenProcessPool:
                suspects.extend(running.values())
                return
            job = queue.popleft()
            started(job)
            running[future] = job
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        broken = False
        for future in done:
            job = running.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                broken = True
                suspects.append(job)
                continue
            finished(job, outcome)
        if broken:
            suspects.extend(running.values())
            return


def _run_suspects(
    pool: ProcessPoolExecutor, suspects: deque[PhotoJob], started: Started, finished: Finished
) -> None:
    """Run each suspect alone: one that brings its worker down again is the cause."""
    while suspects:
        job = suspects.popleft()
        started(job)
        try:
            outcome = pool.submit(_run_job, job).result()
        except BrokenProcessPool:
            finished(job, crashed(job))
            return  # this pool is gone; the caller starts another for the rest
        finished(job, outcome)


_WORKER: PhotoWorker | None = None


def _start_worker(settings: Settings, look: Look, options: BatchOptions) -> None:
    global _WORKER
    _WORKER = PhotoWorker(settings, look, options)


def _run_job(job: PhotoJob) -> PhotoOutcome:
    assert _WORKER is not None, "the pool's initializer builds the worker"
    return _WORKER.run(job)
