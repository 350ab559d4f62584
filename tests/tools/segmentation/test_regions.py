"""Landscape regions on real photos, checked against outlines drawn by hand (benchmarks/data).

The floors are below what ``benchmarks/eval_regions.py`` measures on these dev photos, so a change
that breaks a kind of region fails here, while tuning within the floors does not.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.corpus import CORPUS, load
from benchmarks.region_outlines import KINDS, LABELS, outlines

OUTLINES = outlines()


def _photo(name: str) -> np.ndarray:
    photo = next(p for p in CORPUS if p.name == name)
    if not photo.available:
        pytest.skip(f"{name} is not installed here ({photo.source})")
    return load(photo)


def _iou(segmenter, name: str, kind: str) -> float:
    pixels = _photo(name)
    truth = OUTLINES[name].label_map(pixels.shape[:2])
    valid = truth != LABELS.index("void")
    answer = segmenter.segment(pixels, KINDS.get(kind, f"the {kind}"))
    predicted = (answer.mask >= 0.5) & valid
    true = (truth == LABELS.index(kind)) & valid
    return float((predicted & true).sum() / max((predicted | true).sum(), 1))


@pytest.mark.parametrize(
    ("name", "kind", "floor"),
    [
        ("china", "sky", 0.9),
        ("china", "water", 0.5),
        ("china", "building", 0.65),
        ("china", "vegetation", 0.6),
        ("storm", "sky", 0.9),
        ("storm", "ground", 0.75),
        ("friends", "building", 0.75),
        ("greenmeadow", "vegetation", 0.9),
        ("aitzgorri", "vegetation", 0.75),
        ("astronaut", "person", 0.7),
        ("street", "building", 0.7),
        ("street", "ground", 0.6),
        ("lake", "water", 0.75),
        ("lake", "sky", 0.9),
        ("hotel", "sky", 0.7),
        ("hotel", "building", 0.75),
    ],
)
def test_regions_overlap_the_hand_drawn_outlines(segmenter, name, kind, floor):
    assert _iou(segmenter, name, kind) >= floor


def _paste_kite(pixels: np.ndarray, apex: tuple[int, int], size: int) -> np.ndarray:
    """Paint a striped red-yellow-green triangle; returns its mask."""
    x, y = apex
    points = np.array([[x, y], [x + size, y + size // 3], [x + size // 10, y + size]], np.int32)
    mask = np.zeros(pixels.shape[:2], np.uint8)
    cv2.fillPoly(mask, [points], (1,))
    ys, xs = np.nonzero(mask)
    stripes = np.array([[220, 30, 30], [250, 210, 20], [40, 170, 60]], np.uint8)
    pixels[ys, xs] = stripes[(xs // 6) % 3]
    return mask.astype(bool)


@pytest.mark.parametrize(
    ("name", "apex", "size"),
    [
        ("rocket", (330, 50), 50),  # dusk blue
        ("bridge", (800, 100), 70),  # clear blue, between bridge stays
        ("storm", (500, 100), 50),  # overcast storm clouds
        ("picos", (700, 60), 60),  # blue with white cumulus nearby
        ("aitzgorri", (400, 30), 50),  # pale overcast
    ],
)
def test_a_small_object_in_the_sky_is_the_subject_not_sky(segmenter, name, apex, size):
    pixels = _photo(name).copy()
    kite = _paste_kite(pixels, apex, size)
    sky = segmenter.segment(pixels, "the sky")
    subject = segmenter.segment(pixels, "the subject")
    assert sky.found and sky.mask[kite].mean() < 0.15
    x, y = apex
    around = sky.mask[max(0, y - size) : y + 2 * size, max(0, x - size) : x + 2 * size]
    ring = ~kite[max(0, y - size) : y + 2 * size, max(0, x - size) : x + 2 * size]
    assert around[ring].mean() > 0.8  # the sky around the object is still sky
    found = subject.mask >= 0.5
    assert subject.found and (found & kite).sum() / (found | kite).sum() > 0.6


def test_without_an_object_the_sky_is_whole(segmenter):
    pixels = _photo("rocket")
    sky = segmenter.segment(pixels, "the sky")
    assert sky.mask[40:110, 320:390].mean() > 0.95


def test_no_water_in_a_coffee_cup_is_said_confidently(segmenter):
    answer = segmenter.segment(_photo("coffee"), "the lake")
    assert answer.outcome == "absent" and not answer.found
    assert answer.sentence().startswith("There is no water in this photo")


def test_water_that_might_be_there_is_only_not_found(segmenter):
    answer = segmenter.segment(_photo("stream"), "the water")
    assert answer.outcome == "not_found"
    sentence = answer.sentence()
    assert sentence.startswith("I couldn't find the water (I found ")
    assert "vegetation" in sentence and "%" in sentence
    assert answer.present[0].region in ("vegetation", "ground")
    assert abs(sum(p.share for p in answer.present) - 1.0) < 0.35


def test_objects_without_an_offline_model_get_stand_ins(segmenter):
    answer = segmenter.segment(_photo("rocket"), "the boats")
    assert answer.outcome == "unknown_object" and answer.region == "vehicles"
    assert "subject" in answer.stand_ins
    assert "mask you paint" in answer.sentence() and "SAM3" in answer.note


def test_a_colour_range_narrowed_to_the_sky_stays_in_it(segmenter):
    pixels = _photo("sunset")
    orange = segmenter.segment(pixels, "the orange in the sky")
    sky = segmenter.segment(pixels, "the sky")
    everywhere = segmenter.segment(pixels, "the oranges")
    assert orange.found and orange.region == "oranges in sky"
    assert (orange.mask <= sky.mask + 1e-6).all()
    assert 0.0 < orange.area < everywhere.area
    shadows = segmenter.segment(_photo("aitzgorri"), "the shadows in the trees")
    trees = segmenter.segment(_photo("aitzgorri"), "the trees")
    assert shadows.found and (shadows.mask <= trees.mask + 1e-6).all()


def test_a_yellow_flower_close_up_has_no_vegetation(segmenter):
    # Its petals are grass-coloured and textured, cell by cell; as a region the learner doubts it.
    answer = segmenter.segment(_photo("yellowflower"), "the trees")
    assert float((answer.mask >= 0.5).mean()) < 0.02


def test_a_lit_tower_is_a_building_not_vegetation(segmenter):
    pixels = _photo("tower")
    assert _iou(segmenter, "tower", "building") >= 0.6
    trees = segmenter.segment(pixels, "the trees").mask >= 0.5
    truth = OUTLINES["tower"].label_map(pixels.shape[:2])
    assert float(trees[truth == LABELS.index("building")].mean()) < 0.05


def test_a_sunset_between_dark_clouds_ends_at_the_hills(segmenter):
    # The unbroken sky ends high up at cloud banks in many columns; the sky's glow reaches down
    # to the hills, where the horizon is (about a third of the way down).
    labels = segmenter.landscape_labels(_photo("EveningGlow"))
    assert labels.horizon is not None and 0.25 <= labels.horizon <= 0.36


def test_a_pale_sky_low_over_a_meadow_is_sky_not_water(segmenter):
    # Below the clouds the lone tree's sky pales to a cyan haze; it is not a reflection.
    pixels = _photo("lone-tree")
    water = segmenter.segment(pixels, "the water")
    assert not water.found and float((water.mask >= 0.5).mean()) < 0.01
    assert _iou(segmenter, "lone-tree", "sky") >= 0.85


def test_a_sea_seen_between_grass_stalks_is_one_stretch_of_water(segmenter):
    # The stalks cut the sea into pieces narrower than open water; across them it is one sea.
    pixels = _photo("dune")
    water = segmenter.segment(pixels, "the water").mask >= 0.5
    truth = OUTLINES["dune"].label_map(pixels.shape[:2]) == LABELS.index("water")
    left = truth[:, : pixels.shape[1] // 2]
    assert float(water[:, : pixels.shape[1] // 2][left].mean()) >= 0.5


def test_a_branch_among_leaves_is_not_a_building(segmenter):
    answer = segmenter.segment(_photo("squirrel"), "the buildings")
    assert float((answer.mask >= 0.5).mean()) < 0.01


def test_a_backdrop_behind_a_close_up_is_not_ground(segmenter):
    for name in ("apple", "baboon"):
        answer = segmenter.segment(_photo(name), "the ground")
        assert float((answer.mask >= 0.5).mean()) < 0.02, name
