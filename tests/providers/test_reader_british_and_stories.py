"""The offline reader on the writing dev9 was written for: British idiom, long stories that say
what to keep as well as what to change, colour talk, and short kinds of turn. One class per test;
the sentences are written for the tests, not taken from the corpus."""

from __future__ import annotations

from tests.providers.reading import G, moves, read


def test_a_bit_off_is_vague_not_a_bit_of_something():
    reading = read("the skin tones look a bit off")
    assert not reading.intents and reading.questions
    assert moves("add a bit of warmth") == {(G, "temperature", 1)}  # a quantity is still one


def test_a_limit_after_a_wish_keeps_its_direction():
    assert moves("lighter and warmer but not too much") == {
        (G, "temperature", 1),
        (G, "brightness", 1),
    }
    assert moves("brighten it but not too much") == {(G, "brightness", 1)}
    assert moves("not too much contrast") == {(G, "contrast", -1)}  # said alone it lowers


def test_what_is_kept_or_liked_asks_for_no_change():
    assert moves("I love the moody shadows, but the sky is too bright") == {
        ("sky", "brightness", -1)
    }
    assert moves("lift the faces, but keep the cool tones in the water") == {
        ("face", "brightness", 1)
    }
    assert moves("there's a soft orange haze I want to keep. The trees are too dark") == {
        ("vegetation", "brightness", 1)
    }
    assert moves("keep it warm") == set() and moves("make it warm") == {(G, "temperature", 1)}


def test_a_fix_after_a_complaint_is_its_remedy_not_a_general_request():
    reading = read("her cheeks have gone rather red, could you sort that out")
    assert reading.kind == "strong"
    assert moves("the sky is too dark, fix please") == {("sky", "brightness", 1)}
    assert read("could you sort it out").kind == "weak_optimize"  # alone it is a general fix


def test_bare_adjectives_before_a_bare_fix_are_what_is_wrong():
    assert moves("Gloomy and cold. Fix it please") >= {(G, "temperature", 1)}
    assert (G, "temperature", -1) not in moves("Gloomy and cold. Fix it please")
    assert moves("dim, flat. could you fix that") == {(G, "brightness", 1), (G, "contrast", 1)}
    assert moves("make it dark and cold") == {(G, "brightness", -1), (G, "temperature", -1)}


def test_gone_and_a_degree_before_a_colour_is_became():
    assert moves("the whole room has gone really green") == {("greens", "colorfulness", -1)}


def test_deepening_a_colour_makes_it_richer_not_darker():
    assert moves("deepen the colours of the flowers") == {("vegetation", "colorfulness", 1)}
    assert moves("deepen the shadows") == {("shadows", "brightness", -1)}


def test_a_regions_own_colour_after_its_apostrophe_is_its_strength():
    assert moves("the grass's green looks a bit tired") == {("vegetation", "colorfulness", 1)}


def test_a_quantity_after_a_verb_that_adds_is_more_of_it():
    assert moves("add a little yellow to the walls") == {("architecture", "temperature", 1)}
    assert moves("give the walls a little orange") == {("architecture", "temperature", 1)}


def test_to_pop_something_into_a_place_is_to_put_it_there():
    assert moves("pop a little more colour into the cheeks") == {("face skin", "colorfulness", 1)}
    assert moves("make the flowers pop") >= {("vegetation", "colorfulness", 1)}


def test_a_colour_taken_out_of_the_shadows_leaves_them_the_region():
    assert moves("take the green out of the shadows") == {("shadows", "colorfulness", -1)}
    assert moves("bring her face out of the shadows") == {("face", "brightness", 1)}


def test_the_purpose_of_letting_someone_see_asks_for_nothing():
    assert moves("I'd like the trees lighter so you can see some detail") == {
        ("vegetation", "brightness", 1)
    }


def test_british_thanks_and_starting_again():
    assert read("cheers, that's brilliant").kind == "approve"
    assert read("ta, spot on").kind == "approve"
    assert read("ditch that and put it back").kind == "undo"
    assert read("change it back please").kind == "undo"


def test_an_amount_or_a_shade_before_a_colour_is_the_colours_own():
    assert moves("way too much blue in the shadows") == {("shadows", "temperature", 1)}
    assert moves("her dress should be a glowing red") == {("clothes", "temperature", 1)}


def test_an_adjective_used_as_a_verb_on_an_object_is_a_command():
    assert moves("add noise for a film feel and warm it up") == {(G, "temperature", 1)}
    assert moves("it feels dull and cold") >= {(G, "temperature", 1)}  # a complaint goes on


def test_a_colour_before_a_thing_no_region_names_describes_it():
    assert moves("I love the yellow raincoat but the faces are too dark") == {
        ("face", "brightness", 1)
    }
    assert {(a, d) for _, a, d in moves("take some of the green out of her cheeks")} == {
        ("colorfulness", -1)
    }


def test_the_hour_a_photo_was_taken_at_is_no_colour():
    assert moves("shot during blue hour, the faces are a bit dark") == {("face", "brightness", 1)}
    assert read("give it a golden hour look").style == "golden hour"


def test_a_colour_or_warmth_word_before_light_says_how_the_light_is():
    assert moves("I would love that warm golden light back") == {(G, "temperature", 1)}
    assert moves("more light on the faces") == {("face", "brightness", 1)}


def test_a_toned_look_said_as_a_state_is_a_cast_and_neutralising_it_its_remedy():
    reading = read("the whole thing has come out sepia toned, could you neutralise the colour")
    assert reading.kind == "strong"
    assert moves("the whole thing has come out sepia toned, could you neutralise the colour") == {
        (G, "temperature", -1)
    }
    assert moves("it looks sepia-ish") == {(G, "temperature", -1)}
    assert read("make it sepia").unsupported  # asked for, the look is still toning


def test_british_vague_complaints_ask():
    reading = read("the sky looks a bit naff")
    assert not reading.intents and reading.questions
    assert read("the sky's gone a weird colour").questions


def test_two_word_verbs_said_around_their_object():
    assert moves("the reds are too strong, rein them in") == {("reds", "colorfulness", -1)}
    assert moves("would you mind taking the edge off the highlights") == {
        ("highlights", "brightness", -1)
    }


def test_hair_gone_brassy_is_too_warm():
    assert moves("my hair has come out brassy") == {("hair", "temperature", -1)}


def test_a_name_inside_a_sentence_is_not_spelled_into_a_word():
    assert moves("This is our dog on the beach at Whitby. Could you lighten the sand?") == {
        ("ground", "brightness", 1)
    }
    assert moves("the Sky is too Brigth") == {("sky", "brightness", -1)}  # one slip: corrected


def test_keeping_something_while_changing_the_rest_keeps_it():
    assert moves("cool it down a bit, keeping the candles warm") == {(G, "temperature", -1)}


def test_praise_said_of_two_regions_joined_by_and_covers_both():
    assert moves("darken the sky. The sea and sand look fine") == {("sky", "brightness", -1)}


def test_an_adjective_that_is_also_a_verb_takes_an_object_as_a_command():
    assert moves("lovely, and now warm the faces a little") == {("face", "temperature", 1)}
    assert moves("the faces are still warm") == {("face", "temperature", -1)}  # said of them


def test_a_look_word_after_almost_describes_the_photo():
    reading = read("the greens are too vivid, almost neon, tone them down")
    assert reading.style == "" and moves(
        "the greens are too vivid, almost neon, tone them down"
    ) == {("greens", "colorfulness", -1)}


def test_a_flat_one_lives_in_is_a_place_not_a_lack_of_contrast():
    assert moves("Took this in our flat in Leeds, it is too dark") == {(G, "brightness", 1)}
    assert moves("We were at a friend's flat, can you warm it up") == {(G, "temperature", 1)}
    assert moves("it looks flat") == {(G, "contrast", 1)}
