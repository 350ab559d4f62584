"""Training pairs from prepared data: every (original, expert) pair with the expert's parameter map.

Each item is a dict of float32 tensors at ``resolution`` square: ``input`` and ``target``
``(3, R, R)`` in [-1, 1] and ``map`` ``(4, R, R)`` in levels. Augmentation (see :mod:`augment`) is
seeded by ``(seed, epoch, index)``, so a resumed run sees exactly the items an uninterrupted one
would; call :meth:`PairDataset.set_epoch` at the start of each epoch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from numpy.typing import NDArray

from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.core.imageio import load_photo
from pertouch.core.levels import LevelScale
from pertouch.core.metrics import to_float_rgb
from pertouch.training.augment import (
    choose_region,
    most_different,
    perturb_map,
    replace_region,
)
from pertouch.training.layout import (
    INPUT_DIR,
    SCALE_FILES,
    map_file,
    read_manifest,
    read_map,
    region_file,
)

F32 = NDArray[np.float32]


@dataclass(frozen=True)
class Augmentation:
    """The paper's defaults: replacement with probability 0.05 over regions >= 1,024 px, perturbation on."""

    replacement_alpha: float = 0.05
    replacement_min_area: int = 1024
    perturb: bool = True


class PairDataset(torch.utils.data.Dataset[dict[str, torch.Tensor]]):
    """All (original, expert) pairs of a prepared folder.

    Args:
        prepared: the output folder of ``pertouch prepare-data``.
        resolution: side of the square images and maps served.
        augmentation: what to randomise; ``Augmentation(0.0, perturb=False)`` serves pairs as they are.
        seed: seeds augmentation together with the epoch and the index.
    """

    def __init__(
        self,
        prepared: str | Path,
        resolution: int = 512,
        augmentation: Augmentation | None = None,
        seed: int = 0,
    ) -> None:
        self.root = Path(prepared)
        self.manifest = read_manifest(self.root)
        self.data = Path(self.manifest["data"])
        self.experts: list[str] = list(self.manifest["experts"])
        self.names: list[str] = list(self.manifest["names"])
        self.items = [(e, n) for n in self.names for e in self.experts]
        self.resolution = resolution
        self.augmentation = augmentation or Augmentation()
        self.seed = seed
        self.epoch = 0
        #: ``project`` or ``reference``: the metric set the maps were measured with.
        self.metrics: str = self.manifest.get("metrics", "project")
        self.scale: LevelScale | QuantileScale
        if self.metrics == "reference":
            self.scale = QuantileScale.load(self.root / SCALE_FILES["reference"])
        else:
            self.scale = LevelScale.load(self.root / SCALE_FILES["project"])

    def __len__(self) -> int:
        return len(self.items)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return self.sample(index, augment=True)

    def sample(self, index: int, augment: bool = True) -> dict[str, torch.Tensor]:
        """Item ``index``; with ``augment=False`` the pair exactly as prepared."""
        expert, name = self.items[index]
        rng = np.random.default_rng([self.seed, self.epoch, index])
        source = self.image(INPUT_DIR, name)
        target = self.image(expert, name)
        control = self.parameter_map(expert, name)
        aug = self.augmentation
        replace = rng.random() < aug.replacement_alpha
        if augment and replace and len(self.experts) > 1:
            target, control = self._replace(expert, name, target, control, rng)
        if augment and aug.perturb:
            control = perturb_map(control, rng)
        return {
            "input": torch.from_numpy(source),
            "target": torch.from_numpy(np.ascontiguousarray(target)),
            "map": torch.from_numpy(np.ascontiguousarray(control, dtype=np.float32)),
        }

    def image(self, folder: str, name: str) -> F32:
        """``(3, R, R)`` float32 in [-1, 1] of ``DATA/folder/name``."""
        rgb = to_float_rgb(load_photo(self.data / folder / name).pixels)
        return np.ascontiguousarray(np.moveaxis(_resize(rgb, self.resolution), -1, 0) * 2.0 - 1.0)

    def parameter_map(self, expert: str, name: str) -> F32:
        """``(4, R, R)`` float32 levels."""
        stored = read_map(map_file(self.root, expert, name)).astype(np.float32)
        return np.ascontiguousarray(
            np.moveaxis(_resize(np.moveaxis(stored, 0, -1), self.resolution), -1, 0)
        )

    def labels(self, expert: str, name: str) -> NDArray[np.uint16]:
        """``(R, R)`` region labels of the expert's photo (nearest-neighbour resized)."""
        with np.load(region_file(self.root, expert, name)) as data:
            labels = data["labels"]
        size = (self.resolution, self.resolution)
        return np.asarray(cv2.resize(labels, size, interpolation=cv2.INTER_NEAREST))

    def _replace(
        self, expert: str, name: str, target: F32, control: F32, rng: np.random.Generator
    ) -> tuple[F32, F32]:
        labels = self.labels(expert, name)
        region = choose_region(labels, rng, self.augmentation.replacement_min_area)
        if region is None:
            return target, control
        mask = labels == region
        others = [e for e in self.experts if e != expert]
        maps = [self.parameter_map(e, name) for e in others]
        chosen = most_different(control, maps, mask)
        return replace_region(target, control, self.image(others[chosen], name), maps[chosen], mask)


def _resize(array: Any, size: int) -> F32:
    """``(H, W, C)`` float32 to ``(size, size, C)``: area when shrinking, bilinear when growing."""
    if array.shape[:2] == (size, size):
        return np.asarray(array, dtype=np.float32)
    shrink = size < min(array.shape[:2])
    interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    out = cv2.resize(np.asarray(array, np.float32), (size, size), interpolation=interpolation)
    return np.asarray(out, dtype=np.float32).reshape(size, size, -1)
