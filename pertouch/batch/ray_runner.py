"""The same batch on a Ray cluster, for shoots larger than one machine can do in time.

Each worker is a Ray actor holding a :class:`~pertouch.batch.workers.PhotoWorker` (the models,
loaded once), given one photo at a time; results go straight to the output folder, so the input
and output folders must be on a path every node sees, and ``pertouch`` (with the same extras)
must be installed on every node. Only this process writes the manifest. Ray is an optional extra
(``pip install 'pertouch[ray]'``); nothing here is imported without ``--ray``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

from pertouch.batch.look import BatchError, Look
from pertouch.batch.photo import BatchOptions, PhotoJob, PhotoOutcome
from pertouch.batch.workers import Finished, PhotoWorker, Started, crashed
from pertouch.services import Settings

log = logging.getLogger(__name__)


def run_on_ray(
    address: str,
    jobs: Sequence[PhotoJob],
    settings: Settings,
    look: Look,
    options: BatchOptions,
    workers: int | None,
    started: Started,
    finished: Finished,
) -> int:
    """Run ``jobs`` on the cluster at ``address`` (``"auto"``: the one on this machine).

    Returns the number of actors used: ``workers``, or one per CPU of the cluster, and never more
    actors than the cluster has CPUs (an actor that can never be placed would wait for ever).

    Raises:
        BatchError: Ray is not installed, or the cluster cannot be reached.
    """
    try:
        import ray
    except ImportError:
        raise BatchError("--ray needs the 'ray' extra: pip install 'pertouch[ray]'.") from None
    try:
        ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, ValueError, RuntimeError) as err:
        raise BatchError(f"Cannot reach the Ray cluster at {address!r} ({err}).") from None
    actors: list[Any] = []
    try:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        count = min(workers or cpus, cpus)
        remote = ray.remote(num_cpus=1)(PhotoWorker)
        actors = [remote.remote(settings, look, options) for _ in range(count)]
        _dispatch(ray, remote, actors, jobs, (settings, look, options), started, finished)
        return count
    finally:
        for actor in actors:
            ray.kill(actor)
        ray.shutdown()


def _dispatch(
    ray: Any,
    remote: Any,
    actors: list[Any],
    jobs: Sequence[PhotoJob],
    arguments: tuple[Settings, Look, BatchOptions],
    started: Started,
    finished: Finished,
) -> None:
    """One photo in flight per actor; an actor that dies is replaced and its photo recorded."""
    queue, idle = deque(jobs), deque(actors)
    running: dict[Any, tuple[Any, PhotoJob]] = {}
    while queue or running:
        while queue and idle:
            actor, job = idle.popleft(), queue.popleft()
            started(job)
            running[actor.run.remote(job)] = (actor, job)
        ready, _ = ray.wait(list(running), num_returns=1)
        for ref in ready:
            actor, job = running.pop(ref)
            outcome: PhotoOutcome
            try:
                outcome = ray.get(ref)
            except ray.exceptions.RayActorError:
                log.warning("the Ray actor retouching %s died; starting another", job.name)
                outcome = crashed(job)
                actors.remove(actor)
                actor = remote.remote(*arguments)
                actors.append(actor)
            except ray.exceptions.RayError as err:
                outcome = PhotoOutcome(
                    name=job.name, status="failed", error=f"Ray could not run this photo ({err})."
                )
            finished(job, outcome)
            idle.append(actor)
