"""The offline segmenter on real photos (scikit-image ships them in its wheel)."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from pertouch.core.errors import ImageReadError
from pertouch.tools.segmentation import Lexicon, OfflineSegmenter, RegionError


def _box_share(mask: np.ndarray, box: tuple[int, int, int, int], grow: float = 0.0) -> float:
    """Share of the mask's weight inside ``box`` (x, y, w, h), grown by ``grow`` per side."""
    x, y, w, h = box
    x0, y0 = max(0, int(x - grow * w)), max(0, int(y - grow * h))
    x1, y1 = int(x + w * (1 + grow)), int(y + h * (1 + grow))
    return float(mask[y0:y1, x0:x1].sum() / mask.sum())


def test_astronaut_face_is_where_an_independent_detector_puts_it(segmenter, photos, face_boxes):
    (box,) = face_boxes("astronaut")
    face = segmenter.segment(photos["astronaut"], "the faces")
    assert face.found and face.region == "face" and face.confidence > 0.8
    assert face.mask.shape == photos["astronaut"].shape[:2] and face.mask.dtype == np.float32
    assert _box_share(face.mask, box, grow=0.15) > 0.9  # the mask lies in the face box...
    x, y, w, h = box
    core = face.mask[y + h // 4 : y + 3 * h // 4, x + w // 4 : x + 3 * w // 4]
    assert core.mean() > 0.9  # ...and fills its middle


def test_astronaut_person_covers_her_and_not_the_backdrop(segmenter, photos, face_boxes):
    (box,) = face_boxes("astronaut")
    person = segmenter.segment(photos["astronaut"], "the woman")
    assert person.found and person.region == "person"
    x, y, w, h = box
    assert person.mask[y : y + h, x : x + w].mean() > 0.8
    assert person.mask[350:450, 100:250].mean() > 0.9  # the orange suit
    assert person.mask[20:120, 400:500].mean() < 0.1  # the backdrop beside the shuttle model
    assert 0.35 < person.area < 0.7


def test_astronaut_eyes_lips_and_skin_are_inside_the_face(segmenter, photos, face_boxes):
    (box,) = face_boxes("astronaut")
    for phrase in ("her eyes", "the lips", "her complexion"):
        part = segmenter.segment(photos["astronaut"], phrase)
        assert part.found, phrase
        assert _box_share(part.mask, box, grow=0.1) > 0.9, phrase
    eyes = segmenter.segment(photos["astronaut"], "eyes")
    face = segmenter.segment(photos["astronaut"], "face")
    assert eyes.area < 0.1 * face.area


def test_rocket_sky_is_the_sky(segmenter, photos):
    sky = segmenter.segment(photos["rocket"], "the sky")
    assert sky.found and sky.confidence > 0.8
    assert sky.mask[10:120, 120:540].mean() > 0.9  # open sky between the towers
    assert sky.mask[200:380, 312:330].mean() < 0.2  # the rocket's white body
    assert sky.mask[400:, 280:360].mean() < 0.2  # the lit launch pad
    assert 0.55 < sky.area < 0.8


@pytest.mark.parametrize("phrase", ["the sky", "the faces", "people", "lips"])
def test_coffee_has_no_sky_and_no_face(segmenter, photos, phrase):
    answer = segmenter.segment(photos["coffee"], phrase)
    assert not answer.found and answer.confidence == 0.0
    assert not answer.mask.any() and answer.mask.shape == photos["coffee"].shape[:2]
    assert "subject" in answer.alternatives and "There is no" in answer.note


def test_motorcycle_is_not_a_person_but_stands_on_ground(segmenter, photos):
    assert not segmenter.segment(photos["motorcycle"], "the person").found
    ground = segmenter.segment(photos["motorcycle"], "the floor")
    assert ground.found and ground.region == "ground"
    assert ground.mask[470:, 300:500].mean() > 0.8 and ground.mask[:150].mean() < 0.05


def test_unknown_and_unsupported_regions_answer_with_what_is_there(segmenter, photos):
    unknown = segmenter.segment(photos["rocket"], "quantum chromodynamics")
    assert not unknown.found and unknown.region == "" and "sky" in unknown.alternatives
    mountains = segmenter.segment(photos["rocket"], "the mountains")
    assert not mountains.found and mountains.region == "mountains" and "SAM3" in mountains.note
    assert not mountains.mask.any()


def test_embedding_fallback_through_the_segmenter(embedder, photos):
    with OfflineSegmenter(lexicon=Lexicon(embedder)) as segmenter:
        answer = segmenter.segment(photos["astronaut"], "the ballerina")
        assert answer.found and answer.region == "person" and answer.matched_by == "embedding"
        assert "person" in answer.note
        kitty = segmenter.segment(photos["chelsea"], "the kitty")
        assert kitty.found and kitty.region == "subject" and kitty.matched_by == "stand-in"


def test_the_subject_stands_in_for_a_thing_of_its_own(segmenter, photos):
    """"Make the cup warmer" on the coffee photo edits the cup (the subject), and says so."""
    cup = segmenter.segment(photos["coffee"], "the cup")
    assert cup.found and cup.region == "subject" and cup.matched_by == "stand-in"
    assert cup.sentence().startswith("I can't pick out 'the cup' offline, so the main subject")
    assert 0.2 < cup.area < 0.6


def test_the_subject_does_not_stand_in_where_it_may_be_something_else(segmenter, photos):
    # a person is the subject, not "the dog"; the rocket's subject stands among the towers
    dog = segmenter.segment(photos["astronaut"], "the dog")
    assert not dog.found and dog.outcome == "unknown_object" and "subject" in dog.stand_ins
    kite = segmenter.segment(photos["rocket"], "the kite")
    assert not kite.found and kite.outcome == "unknown_object"
    boats = segmenter.segment(photos["rocket"], "the boats")  # vehicles are only offered it
    assert not boats.found and boats.outcome == "unknown_object"


def test_tonal_ranges_partition_the_photo_after_refinement(segmenter, photos):
    parts = [
        segmenter.segment(photos["astronaut"], p).mask
        for p in ("shadows", "midtones", "highlights")
    ]
    total = sum(parts)
    np.testing.assert_allclose(total, 1.0, atol=1e-5)
    assert all(p.mean() > 0.05 for p in parts)


def test_colour_and_spatial_regions(segmenter, photos):
    blues = segmenter.segment(photos["rocket"], "the blues")
    assert blues.found and blues.mask[10:120, 120:540].mean() > 0.7
    assert not segmenter.segment(photos["coffee"], "the greens").found
    left = segmenter.segment(photos["astronaut"], "the left half")
    assert left.mask[:, :200].min() > 0.95 and left.mask[:, 312:].max() < 0.05
    everything = segmenter.segment(photos["coffee"], "the whole image")
    assert everything.region == "global" and everything.mask.min() == 1.0


def test_subject_and_background_without_people(segmenter, photos):
    subject = segmenter.segment(photos["coffee"], "the subject")
    background = segmenter.segment(photos["coffee"], "the background")
    assert subject.found and background.found
    assert subject.mask[100:170, 230:340].mean() > 0.8  # the crema in the cup
    assert subject.mask[340:, :80].mean() < 0.2  # the table in the corner
    assert np.abs(subject.mask + background.mask - 1.0).mean() < 0.05


def test_a_built_thing_can_be_the_subject(segmenter, photos):
    """The rocket on its pad is read as a building; it is still what the photo is of."""
    subject = segmenter.segment(photos["rocket"], "the subject")
    assert subject.found
    assert subject.mask[180:360, 310:328].mean() > 0.5  # the rocket's body, found by looking
    assert subject.mask[20:120, 100:180].mean() < 0.05  # open sky


def test_subject_is_the_people_when_there_are_people(segmenter, photos):
    subject = segmenter.segment(photos["astronaut"], "the main subject")
    person = segmenter.segment(photos["astronaut"], "people")
    assert np.abs(subject.mask - person.mask).mean() < 0.01


def test_repeated_prompts_hit_the_cache(segmenter, photos):
    first = segmenter.segment(photos["chelsea"], "the highlights")
    start = time.perf_counter()
    again = segmenter.segment(photos["chelsea"], "highlights")
    assert time.perf_counter() - start < 0.05
    assert again.mask is first.mask


def test_full_resolution_and_16_bit_input(segmenter, photos):
    big = cv2.resize(photos["astronaut"], (1024, 1024), interpolation=cv2.INTER_CUBIC)
    deep = big.astype(np.uint16) * 257
    face = segmenter.segment(deep, "face")
    assert face.found and face.mask.shape == (1024, 1024)
    small = segmenter.segment(photos["astronaut"], "face").mask
    assert (
        np.abs(cv2.resize(face.mask, (512, 512), interpolation=cv2.INTER_AREA) - small).mean()
        < 0.01
    )


def test_propose_lists_what_each_photo_holds(segmenter, photos):
    astronaut = segmenter.propose(photos["astronaut"])
    assert {"person", "face"} <= set(astronaut.names())
    assert astronaut.labels.shape == photos["astronaut"].shape[:2]
    face = astronaut.mask("face")
    assert face.mean() == pytest.approx(
        next(r.area for r in astronaut.regions if r.label == "face")
    )
    assert "sky" in segmenter.propose(photos["rocket"]).names()
    coffee = segmenter.propose(photos["coffee"])
    assert not {"sky", "person", "face"} & set(coffee.names()) and "subject" in coffee.names()
    areas = [r.area for r in coffee.regions]
    assert areas == sorted(areas, reverse=True) and sum(areas) <= 1.0


@pytest.mark.parametrize(
    "image", [np.zeros((0, 5, 3), np.uint8), np.zeros((5, 5), np.uint8), "photo.jpg"]
)
def test_bad_images_raise_one_sentence(segmenter, image):
    with pytest.raises(ImageReadError):
        segmenter.segment(image, "sky")


def test_bad_phrases_raise(segmenter, photos):
    with pytest.raises(RegionError):
        segmenter.segment(photos["coffee"], "  ")
