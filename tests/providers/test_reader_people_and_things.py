"""People named by what they do, and things the offline segmenter cannot find, read as regions.

"brighten the player" used to brighten the whole photo and say "Done"; a named thing now reaches
the segmenter, which finds it (person) or says it cannot and what could stand in (objects).
"""

from __future__ import annotations

import pytest

from tests.providers.reading import moves as regions


@pytest.mark.parametrize(
    "text",
    [
        "brighten the player a bit",
        "make the footballer brighter",
        "the bride is in shade, lift her",
        "the runner looks too dark",
    ],
)
def test_people_named_by_what_they_do_are_the_person(text):
    assert regions(text) == {("person", "brightness", 1)}


def test_grass_and_player_in_one_request_are_two_regions():
    assert regions("make the grass greener and brighten the player a bit") >= {
        ("vegetation", "colorfulness", 1),
        ("person", "brightness", 1),
    }
    assert ("vegetation", "brightness", 1) not in regions(
        "make the grass greener and brighten the player a bit"
    )


@pytest.mark.parametrize("text", ["brighten the kite", "make the ball brighter"])
def test_a_thing_with_no_offline_model_is_named_not_the_whole_photo(text):
    assert regions(text) == {("objects", "brightness", 1)}


def test_who_took_the_photo_is_not_what_to_change():
    assert regions("my husband took this and it looks cold, warm it up") == {
        ("global", "temperature", 1)
    }


@pytest.mark.parametrize(
    ("text", "move"),
    [
        ("could you warm up the bricks a tad", ("architecture", "temperature", 1)),
        (
            "the stonework looks a bit yellow, cool it a fraction",
            ("architecture", "temperature", -1),
        ),
        ("her cardigan looks washed out, give it more colour", ("clothes", "colorfulness", 1)),
        ("tone down the colour of the jumper", ("clothes", "colorfulness", -1)),
    ],
)
def test_what_buildings_and_clothes_are_made_of_names_them(text, move):
    assert move in regions(text)
    assert all(region != "global" for region, _, _ in regions(text))
