"""People on real photos of benchmarks/corpus.py: what the detectors mistake for people is not one,
the people that are there are found, and a body's mask stops where the ground begins."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.corpus import CORPUS, load


def _photo(name: str) -> np.ndarray:
    photo = next(p for p in CORPUS if p.name == name)
    if not photo.available:
        pytest.skip(f"{name} is not installed here ({photo.source})")
    return load(photo)


def test_an_apple_the_face_detector_scores_as_a_face_is_no_face_and_no_person(segmenter):
    apple = _photo("apple")
    assert not segmenter.segment(apple, "the face").found
    assert not segmenter.segment(apple, "the people").found


@pytest.mark.parametrize("name", ["cheetah", "bulb"])
def test_animals_the_pose_model_takes_for_bodies_are_not_people(segmenter, name):
    assert not segmenter.segment(_photo(name), "the people").found  # a running cheetah; a bird


def test_dandelion_seed_heads_are_not_a_face(segmenter):
    assert not segmenter.segment(_photo("dandelions"), "the faces").found


def test_the_footballer_is_found_with_his_small_face_and_its_parts(segmenter):
    pixels = _photo("footballer")
    person = segmenter.segment(pixels, "the man")
    assert person.found and person.region == "person"
    assert person.mask[150:200, 200:260].mean() > 0.9  # his shirt
    assert person.mask[80:110, 225:250].mean() > 0.9  # his head
    face = segmenter.segment(pixels, "his face")
    assert face.found and face.mask[95:120, 235:255].mean() > 0.5
    assert segmenter.segment(pixels, "his lips").found  # the mesh, run close up, finds them


def test_the_footballers_mask_leaves_out_the_grass_under_him(segmenter):
    pixels = _photo("footballer")
    mask = segmenter.segment(pixels, "the people").mask >= 0.5
    r, g, b = (pixels[..., i].astype(int) for i in range(3))
    grass = (g > r + 15) & (g > b + 15)
    assert (mask & grass).sum() < 0.03 * mask.sum()  # it was a quarter of the mask
    assert not mask[300:330, 320:340].any()  # the turf between his feet, in front of the ball
