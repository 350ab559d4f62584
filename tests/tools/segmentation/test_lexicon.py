from __future__ import annotations

import pytest

from pertouch.tools.segmentation.lexicon import REGION_CLASSES, Lexicon, lookup, normalise
from pertouch.tools.segmentation.types import RegionError


@pytest.mark.parametrize(
    ("phrase", "region"),
    [
        ("face", "face"),
        ("the faces", "face"),
        ("her FACE!", "face"),
        ("the woman's face", "face"),
        ("the face of the man", "face"),
        ("skin", "skin"),
        ("the man", "person"),
        ("people", "person"),
        ("the background", "background"),
        ("foliage", "vegetation"),
        ("clouds", "sky"),
        ("the heavens", "sky"),
        ("less red in the shadows", "shadows"),
        ("the blues", "blues"),
        ("the reds", "reds"),
        ("the greens", "greens"),
        ("warm tones", "warm tones"),
        ("the highlights", "highlights"),
        ("the midtones", "midtones"),
        ("the top", "top"),
        ("the left half", "left"),
        ("the edges", "edges"),
        ("the centre", "centre"),
        ("the center", "centre"),
        ("everything", "global"),
        ("the foreground", "subject"),
        ("the hills", "mountains"),
        ("lips", "lips"),
        ("her eyes", "eyes"),
    ],
)
def test_synonyms(phrase, region):
    assert lookup(phrase) == region


def test_unknown_words_are_not_guessed_by_the_lexicon():
    assert lookup("quantum chromodynamics") == ""
    assert lookup("the lawn chairs") == ""  # "lawn" is a modifier here, not the region


def test_every_synonym_is_unique_to_one_class():
    seen: dict[str, str] = {}
    for region_class in REGION_CLASSES:
        for synonym in region_class.synonyms:
            key = normalise(synonym)
            assert seen.setdefault(key, region_class.name) == region_class.name, key


def test_lexicon_without_embedder_reports_unknown():
    resolution = Lexicon().resolve("the spaceship")
    assert not resolution.known and resolution.matched_by == "none"


@pytest.mark.parametrize(
    ("phrase", "region"),
    [
        ("the shrubbery", "vegetation"),
        ("the seascape", "water"),
        ("the kitty", "animals"),
        ("the brightest parts", "highlights"),
        ("the ballerina", "person"),
    ],
)
def test_embedding_fallback_finds_nearest_class(embedder, phrase, region):
    resolution = Lexicon(embedder).resolve(phrase)
    assert (resolution.region, resolution.matched_by) == (region, "embedding")
    assert resolution.score >= 0.45


def test_embedding_fallback_refuses_nonsense(embedder):
    resolution = Lexicon(embedder).resolve("quantum chromodynamics")
    assert not resolution.known and resolution.score < 0.45


@pytest.mark.parametrize("phrase", ["", "   ", None, "sky " * 80])
def test_bad_phrases_raise_one_sentence(phrase):
    with pytest.raises(RegionError):
        Lexicon().resolve(phrase)


@pytest.mark.parametrize(
    ("phrase", "region", "within"),
    [
        ("the orange in the sky", "oranges", "sky"),
        ("the blues in the water", "blues", "water"),
        ("the shadows in the trees", "shadows", "vegetation"),
        ("less red in the shadows", "reds", "shadows"),
        ("highlights on her face", "highlights", "face"),
        ("the face of the woman", "face", ""),
        ("the orange sky", "sky", ""),
    ],
)
def test_ranges_said_in_a_region_are_narrowed_to_it(phrase, region, within):
    resolution = Lexicon().resolve(phrase)
    assert (resolution.region, resolution.within) == (region, within)
