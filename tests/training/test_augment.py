"""Semantic replacement and parameter perturbation: what changes, and what must not."""

from __future__ import annotations

import numpy as np
import torch

from pertouch.training.augment import (
    choose_region,
    most_different,
    perturb_map,
    replace_region,
    shift,
)
from pertouch.training.dataset import Augmentation, PairDataset
from tests.training.conftest import PairSet


def _labels() -> np.ndarray:
    labels = np.zeros((64, 64), dtype=np.uint16)
    labels[:40] = 1  # 2,560 px
    labels[40:, :32] = 2  # 768 px
    labels[40:, 32:] = 3  # 768 px
    return labels


def test_choose_region_by_area_among_large_regions() -> None:
    rng = np.random.default_rng(0)
    assert {choose_region(_labels(), rng, min_area=1024) for _ in range(20)} == {1}
    picks = [choose_region(_labels(), rng, min_area=500) for _ in range(4000)]
    shares = np.bincount(picks, minlength=4)[1:] / len(picks)
    np.testing.assert_allclose(shares, [2560 / 4096, 768 / 4096, 768 / 4096], atol=0.03)
    assert choose_region(np.zeros((64, 64), np.uint16), rng) is None  # label 0 is never a region


def test_most_different_expert_over_the_region() -> None:
    mask = _labels() == 1
    current = np.zeros((4, 64, 64), np.float32)
    near, far = current + 0.1, current.copy()
    far[:, mask] = 0.8
    far[:, ~mask] = 0.0  # equal to current outside: only the region counts
    assert most_different(current, [near, far], mask) == 1


def test_replace_region_changes_image_and_map_only_inside() -> None:
    mask = _labels() == 2
    image, other_image = np.zeros((3, 64, 64), np.float32), np.ones((3, 64, 64), np.float32)
    pmap, other_map = np.zeros((4, 64, 64), np.float32), np.full((4, 64, 64), 0.5, np.float32)
    new_image, new_map = replace_region(image, pmap, other_image, other_map, mask)
    assert (new_image[:, mask] == 1).all() and (new_map[:, mask] == 0.5).all()
    assert (new_image[:, ~mask] == 0).all() and (new_map[:, ~mask] == 0).all()
    assert (image == 0).all()  # inputs untouched


def test_perturbation_blurs_and_shifts_within_range() -> None:
    pmap = np.zeros((4, 96, 96), np.float32)
    pmap[:, :, 48:] = 0.6
    out = perturb_map(pmap, np.random.default_rng(1))
    assert out.shape == pmap.shape and out.dtype == np.float32
    assert out.min() >= -1e-6 and out.max() <= 0.6 + 1e-6  # averages and moves, never invents
    edges = [np.argmax(channel[48] > 0.3) for channel in out]
    assert (
        all(28 <= e <= 68 for e in edges) and len(set(edges)) > 1
    )  # each channel shifted on its own
    row = out[0, 48]
    assert 0.0 < row[np.argmax(row > 0.3) - 1] < 0.6  # soft edge: blurred
    np.testing.assert_array_equal(perturb_map(pmap, np.random.default_rng(1)), out)  # seeded


def test_shift_pads_with_the_border() -> None:
    channel = np.arange(16, dtype=np.float32).reshape(4, 4)
    moved = shift(channel, 1, -2)
    np.testing.assert_array_equal(moved[1:, :2], channel[:-1, 2:])
    np.testing.assert_array_equal(moved[0, :2], channel[0, 2:])  # top row repeated
    np.testing.assert_array_equal(moved[1:, 3], channel[:-1, 3])  # right column repeated


def test_dataset_replacement_swaps_one_region_of_image_and_map(pairs: PairSet) -> None:
    plain = PairDataset(pairs.prepared, 64, Augmentation(0.0, perturb=False))
    always = PairDataset(pairs.prepared, 64, Augmentation(1.0, 256, perturb=False))
    assert len(plain) == 6
    changed = 0
    for index in range(len(plain)):
        base, swapped = plain[index], always[index]
        torch.testing.assert_close(base["input"], swapped["input"])  # the original never changes
        differs = (base["target"] != swapped["target"]).any(0) | (
            base["map"] != swapped["map"]
        ).any(0)
        if differs.any():
            changed += 1
            expert, name = plain.items[index]
            other = next(e for e in plain.experts if e != expert)
            inside = differs.numpy()
            torch.testing.assert_close(
                swapped["target"][:, inside],
                plain.sample(plain.items.index((other, name)))["target"][:, inside],
            )
            assert inside.mean() < 1.0  # one region, not the whole photo
    assert changed >= 3


def test_dataset_serves_the_prepared_pair_without_augmentation(pairs: PairSet) -> None:
    data = PairDataset(pairs.prepared, 64, Augmentation(0.0, perturb=False))
    item = data.sample(0, augment=False)
    assert item["input"].shape == (3, 64, 64) and item["map"].shape == (4, 64, 64)
    assert item["target"].min() >= -1 and item["target"].max() <= 1
    perturbed = PairDataset(pairs.prepared, 64)[0]
    torch.testing.assert_close(perturbed["target"], item["target"])  # perturbation leaves the image
    assert not torch.equal(perturbed["map"], item["map"])
