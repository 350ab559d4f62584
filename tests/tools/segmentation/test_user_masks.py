"""Masks a person gives for a word come before segmentation, for that word and its synonyms."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pertouch.core.errors import MaskError
from pertouch.tools.segmentation import UserMasks, WithUserMasks


def _painted(shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    mask[shape[0] // 2 :, : shape[1] // 3] = 255
    return mask


def test_a_mask_given_for_water_answers_the_lake_at_full_size(segmenter, photos):
    pixels = photos["rocket"]
    masks = UserMasks()
    assert masks.put("water", _painted((214, 320))) == "water"  # drawn on a half-size copy
    answer = WithUserMasks(segmenter, masks).segment(pixels, "the lake")
    assert answer.found and answer.region == "water" and answer.matched_by == "user mask"
    assert answer.mask.shape == pixels.shape[:2] and answer.confidence == 1.0
    assert answer.mask[300:, :150].mean() > 0.95 and answer.mask[:150].max() == 0.0
    assert "your mask" in answer.sentence() and "'water'" in answer.note


def test_other_words_still_go_to_the_segmenter(segmenter, photos):
    masks = UserMasks()
    masks.put("water", _painted(photos["rocket"].shape[:2]))
    sky = WithUserMasks(segmenter, masks).segment(photos["rocket"], "the sky")
    assert sky.found and sky.matched_by == "lexicon"
    assert sky.mask[10:120, 120:540].mean() > 0.9


def test_an_object_word_finds_its_mask_by_its_words(segmenter, photos):
    masks = UserMasks()
    assert masks.put("boats", _painted(photos["coffee"].shape[:2])) == "boats"
    assert masks.put("the red car", _painted(photos["coffee"].shape[:2])) == "red car"
    wrapped = WithUserMasks(segmenter, masks)
    assert wrapped.segment(photos["coffee"], "the boats").found
    assert wrapped.segment(photos["coffee"], "red car").matched_by == "user mask"
    assert not wrapped.segment(photos["coffee"], "the truck").found
    assert set(wrapped.contents(photos["coffee"])) >= {"boats", "red car"}


def test_a_painted_layer_file_uses_its_alpha(tmp_path, segmenter, photos):
    height, width = photos["rocket"].shape[:2]
    layer = np.zeros((height, width, 4), np.uint8)
    layer[:100, :200] = (255, 0, 0, 255)  # red brush strokes, transparent elsewhere
    Image.fromarray(layer, "RGBA").save(tmp_path / "sky.png")
    masks = UserMasks.from_specs([f"sky={tmp_path / 'sky.png'}"])
    answer = WithUserMasks(segmenter, masks).segment(photos["rocket"], "the heavens")
    assert answer.matched_by == "user mask"
    assert answer.mask[:100, :200].min() == 1.0 and answer.mask[150:].max() == 0.0


def test_a_grey_mask_file_uses_its_grey_value(tmp_path, photos):
    Image.fromarray(_painted((427, 640))).save(tmp_path / "trees.png")
    masks = UserMasks.from_specs([f"trees={tmp_path / 'trees.png'}"])
    assert list(masks) == ["vegetation"]
    assert masks.find("the greenery", (427, 640)).mask[400, 10] == 1.0


@pytest.mark.parametrize(
    ("spec", "message"),
    [("water", "WORD=FILE"), ("=water.png", "WORD=FILE"), ("water=", "WORD=FILE")],
)
def test_malformed_specs_are_refused_in_one_sentence(spec, message):
    with pytest.raises(MaskError, match=message):
        UserMasks.from_specs([spec])


def test_bad_masks_are_refused_in_one_sentence(tmp_path):
    masks = UserMasks()
    with pytest.raises(MaskError, match="empty"):
        masks.put("sky", np.zeros((10, 10), np.uint8))
    with pytest.raises(MaskError, match="unreadable"):
        masks.put("sky", tmp_path / "missing.png")
    with pytest.raises(MaskError, match=r"\(H, W\)"):
        masks.put("sky", np.ones(5))
    masks.put("sky", np.ones((100, 100), np.uint8))
    with pytest.raises(MaskError, match="100x100 but the photo is 640x427"):
        masks.find("sky", (427, 640))
