"""The batch's parts on their own: output names, the manifest, progress, and the pool's handling
of a worker that dies."""

from __future__ import annotations

import io
import json
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from pertouch.batch import workers
from pertouch.batch.look import BatchError, Look
from pertouch.batch.manifest import Manifest
from pertouch.batch.photo import PhotoJob, PhotoOutcome
from pertouch.batch.plan import plan_batch
from pertouch.batch.progress import Progress, eta_text
from pertouch.core.adjustments import AdjustmentState

WARMER = Look(state=AdjustmentState().with_edit("global", "temperature", 0.2), origin="test")


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_outputs_keep_names_and_formats_and_never_collide(tmp_path):
    shoot, out = tmp_path / "shoot", tmp_path / "out"
    _touch(
        shoot,
        "IMG_1.JPG",
        "IMG_1.heic",
        "IMG_2.CR2",
        "IMG_2.jpg",
        "IMG_3.png",
        "IMG_4.nef",
        "notes.txt",
        ".hidden.jpg",
        "day2/IMG_5.dng",
    )
    plan = plan_batch(shoot, out)
    outputs = {job.name: job.output.relative_to(out).as_posix() for job in plan.jobs}
    assert outputs == {
        "IMG_1.JPG": "IMG_1.JPG",
        "IMG_1.heic": "IMG_1-heic.jpg",  # the JPEG beside it keeps the plain name
        "IMG_2.CR2": "IMG_2.tif",  # RAW becomes 16-bit TIFF; no clash with IMG_2.jpg
        "IMG_2.jpg": "IMG_2.jpg",
        "IMG_3.png": "IMG_3.png",
        "IMG_4.nef": "IMG_4.tif",
    }
    assert plan.ignored == 1  # notes.txt; hidden files and sub-folders are not looked at
    deep = plan_batch(shoot, out, output_format="jpeg", recursive=True)
    assert {j.name: j.output.name for j in deep.jobs}["day2/IMG_5.dng"] == "IMG_5.jpg"
    assert {j.name: j.output.name for j in deep.jobs}["IMG_1.JPG"] == "IMG_1.JPG"


def test_results_inside_the_input_folder_are_not_taken_for_photos(tmp_path):
    shoot = tmp_path / "shoot"
    _touch(shoot, "a.jpg", "out/a.jpg")
    assert [j.name for j in plan_batch(shoot, shoot / "out", recursive=True).jobs] == ["a.jpg"]
    with pytest.raises(BatchError, match="must differ"):
        plan_batch(shoot, shoot)
    with pytest.raises(BatchError, match="not a folder"):
        plan_batch(tmp_path / "missing", tmp_path / "out")


def _job(folder: Path, name: str) -> PhotoJob:
    return PhotoJob(
        name=name, source=folder / name, output=folder / "out" / name, fingerprint="1:2"
    )


def test_the_manifest_survives_a_torn_line_and_knows_what_is_done(tmp_path):
    job, other = _job(tmp_path, "a.jpg"), _job(tmp_path, "b.jpg")
    (tmp_path / "out").mkdir()
    job.output.write_bytes(b"result")
    with Manifest(tmp_path, WARMER) as manifest:
        manifest.started(job)
        manifest.record(job, PhotoOutcome(name="a.jpg", status="done", output=str(job.output)))
        manifest.started(other)
    with open(manifest.path, "a") as handle:
        handle.write('{"event": "done", "name": "b.j')  # killed mid-write
    with Manifest(tmp_path, WARMER) as again:
        assert again.is_done(job) and not again.is_done(other)
        assert not again.is_done(PhotoJob("a.jpg", job.source, job.output, "1:3"))  # file changed
        again.started(other)
        assert again.crashed_before(other) is False  # counted when the manifest is read
    with Manifest(tmp_path, WARMER) as third:
        assert third.crashed_before(other)  # started twice, never finished
    lines = manifest.path.read_text().splitlines()
    assert sum(1 for line in lines if line.startswith("{") and line.endswith("}")) == len(lines) - 1
    job.output.unlink()
    with Manifest(tmp_path, WARMER) as fourth:
        assert not fourth.is_done(job)  # the result is gone: do it again


def test_one_folder_takes_one_batch_and_one_look(tmp_path):
    with Manifest(tmp_path, WARMER), pytest.raises(BatchError, match="Another batch is writing"):
        Manifest(tmp_path, WARMER)
    cooler = Look(state=AdjustmentState().with_edit("global", "temperature", -0.2))
    with pytest.raises(BatchError, match="another look"):
        Manifest(tmp_path, cooler)
    with Manifest(tmp_path, cooler, restart=True) as fresh:
        assert json.loads(fresh.path.read_text().splitlines()[0])["look_key"] == cooler.key()


def test_progress_counts_this_run_and_tells_the_time_left():
    now = [100.0]
    stream = io.StringIO()
    progress = Progress(total=10, skipped=4, stream=stream, clock=lambda: now[0])
    now[0] += 30
    progress.update(PhotoOutcome(name="a.jpg", status="done", seconds=30))
    now[0] += 30
    line = progress.update(PhotoOutcome(name="b.jpg", status="failed", error="b.jpg is empty."))
    assert progress.rate() == pytest.approx(2.0)  # two photos in a minute
    assert progress.eta() == pytest.approx(120.0)  # four left
    assert line == "[ 6/10] b.jpg  FAILED: b.jpg is empty.  ·  2.0 photos/min  ·  2 min 00 s left"
    assert stream.getvalue().count("\n") == 2
    assert [eta_text(s) for s in (None, 40, 200, 3725)] == ["?", "40 s", "3 min 20 s", "1 h 02 min"]


class _Pool:
    """A stand-in for the process pool: the photo named ``deadly`` kills its worker."""

    def __init__(self, deadly: str, log: list[str]) -> None:
        self.deadly, self.log, self.broken = deadly, log, False

    def submit(self, fn, job):
        if self.broken:
            raise BrokenProcessPool("gone")
        self.log.append(job.name)
        future: Future[PhotoOutcome] = Future()
        if job.name == self.deadly:
            self.broken = True
            future.set_exception(BrokenProcessPool("a worker died"))
        else:
            future.set_result(PhotoOutcome(name=job.name, status="done"))
        return future


def test_a_photo_that_kills_its_worker_is_found_and_the_others_are_done(tmp_path):
    jobs = [_job(tmp_path, f"{n}.jpg") for n in "abcde"]
    queue, suspects, outcomes, log = deque(jobs), deque(), {}, []
    while queue or suspects:
        pool = _Pool("c.jpg", log)
        if suspects:
            workers._run_suspects(
                pool, suspects, lambda job: None, lambda j, o: outcomes.update({j.name: o})
            )
        else:
            workers._run_parallel(
                pool,
                queue,
                suspects,
                2,
                lambda job: None,
                lambda j, o: outcomes.update({j.name: o}),
            )
    assert {n: o.status for n, o in outcomes.items()} == {
        "a.jpg": "done",
        "b.jpg": "done",
        "c.jpg": "failed",
        "d.jpg": "done",
        "e.jpg": "done",
    }
    assert outcomes["c.jpg"].error == workers.CRASHED
    assert log.count("c.jpg") == 2  # once among others, once alone: then it is known
