"""``pertouch prepare-data``: before/after pairs to parameter maps, resumably and in parallel.

Three stages, each skipping what an earlier (possibly interrupted) run finished:

1. For every expert photo, resized to ``map_size`` square: propose regions with the segmenter and
   measure the four raw attributes of each (and of the unlabelled rest). One file per photo.
2. Fit the level scale on ``scale_samples`` pixels sampled from every photo's raw-metric map
   (quantile statistics, see :func:`pertouch.core.levels.fit_scale`), or use a given scale.
3. Write each parameter map: the levels of each pixel's region, float16 ``(4, H, W)``, compressed.

``metrics=reference`` measures as the reference's data preparation does (the photo stretched
bilinearly, its metric set, :mod:`pertouch.core.reference_metrics`) and fits its quantile
normalisation (:class:`~pertouch.backbone.diffusion.quantile.QuantileScale`, 1,000 pixels drawn
per map and per attribute), so a model trained here compares with the published one.

The manifest is written last, so a folder with a manifest is complete.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.core.imageio import load_photo
from pertouch.core.levels import LevelScale, fit_scale
from pertouch.core.metrics import measure_raw
from pertouch.core.reference_metrics import reference_raw_metrics, stretch, to_255
from pertouch.training.config import PrepareConfig
from pertouch.training.layout import (
    SCALE_FILES,
    DataError,
    PairLayout,
    map_file,
    region_file,
    scan_pairs,
    write_manifest,
    write_npz,
)

Job = tuple[str, str]  # (expert, name)
Scale = LevelScale | QuantileScale

_SEGMENTER: Any = None


def prepare(
    config: PrepareConfig, scale: Scale | None = None, segmenter: Any = None
) -> dict[str, Any]:
    """Prepare ``config.data`` into ``config.output``; returns the manifest.

    Args:
        config: what to prepare and how.
        scale: express the maps in this scale instead of fitting one (e.g. the released scale); a
            :class:`LevelScale` for ``metrics=project``, a :class:`QuantileScale` for ``reference``.
        segmenter: a segmenter to use in this process (``workers`` is then ignored); by default one
            is built per worker from ``config.segmenter``.

    Raises:
        DataError: the pairs are missing or mismatched (see :func:`scan_pairs`).
    """
    if not config.data or not config.output:
        raise DataError("Give the data folder and the output folder (data=... output=...).")
    if config.map_size < 64:
        raise DataError(f"map_size must be at least 64 pixels, got {config.map_size}.")
    if config.metrics not in SCALE_FILES:
        raise DataError(f"Unknown metrics {config.metrics!r}; use project or reference.")
    wanted = QuantileScale if config.metrics == "reference" else LevelScale
    if scale is not None and not isinstance(scale, wanted):
        raise DataError(
            f"metrics={config.metrics} expresses maps in a {wanted.__name__}, but a "
            f"{type(scale).__name__} was given; give the scale file that matches the metrics."
        )
    layout = scan_pairs(config.data)
    out = Path(config.output).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(e, n) for e in layout.experts for n in layout.names]
    todo = [j for j in jobs if _measured_with(region_file(out, *j)) != config.metrics]
    _run_regions(layout, out, todo, config, segmenter)

    if scale is None and config.metrics == "reference":
        scale = fit_quantile_scale(out, jobs, config.scale_samples, config.seed)
    elif scale is None:
        scale = fit_level_scale(out, jobs, config.scale_samples, config.seed)
    scale.save(out / SCALE_FILES[config.metrics])
    digest = hashlib.sha256(scale.to_json().encode()).hexdigest()[:16]
    for expert, name in _progress(jobs, config.progress, "maps"):
        write_map(out, expert, name, scale, digest)

    manifest = {
        "complete": True,
        "data": str(layout.root.resolve()),
        "experts": list(layout.experts),
        "names": list(layout.names),
        "map_size": config.map_size,
        "segmenter": config.segmenter,
        "metrics": config.metrics,
        "scale_digest": digest,
    }
    write_manifest(out, manifest)
    return manifest


def read_scale(path: str | Path, metrics: str) -> Scale:
    """The scale file ``--scale`` names, read as the kind ``metrics`` expresses maps in.

    Raises:
        ScaleError: the file is unreadable or not a scale of that kind.
    """
    return QuantileScale.load(path) if metrics == "reference" else LevelScale.load(path)


def make_segmenter(config: PrepareConfig) -> Any:
    """The configured segmenter: ``offline`` or ``sam3`` (32 x 32 point grid, regions >= 400 px)."""
    if config.segmenter == "offline":
        from pertouch.tools.segmentation import OfflineSegmenter

        return OfflineSegmenter(work_size=config.map_size)
    if config.segmenter == "sam3":
        from pertouch.tools.segmentation.sam3 import Sam3Segmenter, load_sam3

        processor = load_sam3(config.sam3_checkpoint or None, device=config.device)
        return Sam3Segmenter(processor, device=config.device, work_size=config.map_size)
    raise DataError(f"Unknown segmenter {config.segmenter!r}; use offline or sam3.")


def measure_regions(
    image: NDArray[Any], segmenter: Any, map_size: int, metrics: str = "project"
) -> dict[str, NDArray[Any]]:
    """Label map and raw metrics of the regions of one photo, resized to ``map_size`` square.

    With ``metrics="reference"`` the photo is stretched as the reference's preparation stretches
    it (OpenCV's default, bilinear) and measured with its metric set under binary masks.

    Returns:
        ``labels`` ``(S, S)`` uint16 (0: no named region), ``indices`` ``(K,)`` the labels present,
        ``raw`` ``(K, 4)`` their raw metrics, ``names`` ``(K,)`` their names (``(rest)`` for 0),
        ``metrics`` the metric set's name.
    """
    reference = metrics == "reference"
    small = stretch(image[..., :3], map_size) if reference else resize_square(image, map_size)
    region_map = segmenter.propose(small)
    labels = np.asarray(region_map.labels, dtype=np.uint16)
    names = {r.index: r.label for r in region_map.regions}
    indices = [int(i) for i in np.unique(labels)]
    if reference:
        raw = reference_raw_metrics(to_255(small), np.stack([labels == i for i in indices]))
    else:
        measured = measure_raw(small, {str(i): (labels == i).astype(np.float32) for i in indices})
        raw = np.stack([measured[str(i)] for i in indices])
    return {
        "labels": labels,
        "indices": np.asarray(indices, dtype=np.int64),
        "raw": raw,
        "names": np.asarray([names.get(i, "(rest)") for i in indices]),
        "metrics": np.asarray(metrics),
    }


def resize_square(image: NDArray[Any], size: int) -> NDArray[Any]:
    """Area-resize an ``(H, W, 3)`` photo to ``(size, size, 3)`` in its own dtype."""
    if image.shape[:2] == (size, size):
        return image
    shrink = size < min(image.shape[:2])
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(image, (size, size), interpolation=interpolation))


def fit_level_scale(out: Path, jobs: Iterable[Job], samples: int, seed: int) -> LevelScale:
    """Fit the level scale on ``samples`` random pixels of every photo's raw-metric map."""
    rng = np.random.default_rng(seed)
    rows = []
    for expert, name in jobs:
        labels, indices, raw = _read_regions(out, expert, name)
        pixels = rng.integers(0, labels.size, size=samples)
        lookup = np.searchsorted(indices, labels.reshape(-1)[pixels])
        rows.append(raw[lookup])
    return fit_scale(np.concatenate(rows), source=f"fitted on {len(rows)} prepared maps")


def fit_quantile_scale(out: Path, jobs: Iterable[Job], samples: int, seed: int) -> QuantileScale:
    """Fit the reference's quantile scale: ``samples`` pixels drawn per map, for each attribute apart.

    The reference draws its pixels without replacement and anew for each channel; so does this,
    from a generator seeded with ``seed``.
    """
    rng = np.random.default_rng(seed)
    columns: list[list[NDArray[Any]]] = [[] for _ in range(4)]
    count = 0
    for expert, name in jobs:
        labels, indices, raw = _read_regions(out, expert, name)
        region = np.searchsorted(indices, labels.reshape(-1))
        for channel, column in enumerate(columns):
            pixels = rng.choice(region.size, min(samples, region.size), replace=False)
            column.append(raw[region[pixels], channel])
        count += 1
    values = [np.concatenate(column) for column in columns]
    return QuantileScale.fit(values, source=f"fitted on {count} prepared maps (reference metrics)")


def write_map(out: Path, expert: str, name: str, scale: Scale, digest: str) -> None:
    """Write one parameter map unless one in the same scale is already there."""
    path = map_file(out, expert, name)
    if path.is_file():
        with np.load(path) as done:
            if str(done["scale_digest"]) == digest:
                return
    labels, indices, raw = _read_regions(out, expert, name)
    levels = scale.to_level(raw).astype(np.float32)  # (K, 4)
    painted = levels[np.searchsorted(indices, labels)]  # (H, W, 4)
    write_npz(
        path,
        map=np.ascontiguousarray(np.moveaxis(painted, -1, 0)).astype(np.float16),
        scale_digest=np.asarray(digest),
    )


def _read_regions(out: Path, expert: str, name: str) -> tuple[NDArray[Any], ...]:
    with np.load(region_file(out, expert, name)) as data:
        return data["labels"], data["indices"], data["raw"]


def _run_regions(
    layout: PairLayout, out: Path, todo: list[Job], config: PrepareConfig, segmenter: Any
) -> None:
    tasks = [
        (str(layout.expert_path(e, n)), str(region_file(out, e, n)), config.metrics)
        for e, n in todo
    ]
    workers = config.workers or os.cpu_count() or 1
    if segmenter is not None or workers == 1 or len(tasks) <= 1:
        global _SEGMENTER
        _SEGMENTER = segmenter or make_segmenter(config)
        for task in _progress(tasks, config.progress, "regions"):
            _measure_task(task, config.map_size)
        return
    context = multiprocessing.get_context("spawn")  # mediapipe and torch hold threads: no fork
    with ProcessPoolExecutor(
        min(workers, len(tasks)), context, initializer=_init_worker, initargs=(config,)
    ) as pool:
        results = pool.map(_measure_task, tasks, [config.map_size] * len(tasks), chunksize=1)
        for _ in _progress(results, config.progress, "regions", total=len(tasks)):
            pass


def _init_worker(config: PrepareConfig) -> None:
    global _SEGMENTER
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _SEGMENTER = make_segmenter(config)


def _measure_task(task: tuple[str, str, str], map_size: int) -> None:
    source, target, metrics = task
    result = measure_regions(load_photo(source).pixels, _SEGMENTER, map_size, metrics)
    write_npz(Path(target), **result)


def _measured_with(path: Path) -> str | None:
    """The metric set a region file was measured with (files from before it was recorded: project)."""
    if not path.is_file():
        return None
    with np.load(path) as data:
        return str(data["metrics"]) if "metrics" in data.files else "project"


def _progress(items: Iterable[Any], enabled: bool, what: str, total: int | None = None) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # the bar is a nicety; preparation works without it
        return items
    return tqdm(items, desc=what, total=total, disable=not enabled, unit="photo")
