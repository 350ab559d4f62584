"""The offline reader on writing styles dev8 was written for: phone typing, slang, negations,
Lightroom verbs and a look asked for in a frame ("make it look faded"). One class per test."""

from __future__ import annotations

from pertouch.providers.reader.read import default_speller
from tests.providers.reading import G, moves, read


def test_a_slip_keeps_the_typed_ending_of_a_comparative():
    assert default_speller().correct("warmr") == "warmer"
    assert moves("abit warmr") == {(G, "temperature", 1)}  # "a bit warm" would be a complaint


def test_phone_shorthand_and_digits_for_words():
    assert moves("sky 2 white fix") == {("sky", "brightness", -1)}
    assert moves("the skin is too saturated, drop the orange sat") >= {("skin", "colorfulness", -1)}
    assert all(a == "colorfulness" for _, a, _ in moves("drop the orange sat"))


def test_a_complaint_typed_straight_into_its_remedy():
    assert moves("evrything looks so cold warm it") == {(G, "temperature", 1)}
    assert moves("make it warm") == {(G, "temperature", 1)}  # a wish stays whole


def test_negations_that_complain():
    assert moves("the face shouldn't be this dark") == {("face", "brightness", 1)}
    assert moves("the highlights aren't as bright as they should be") == {
        ("highlights", "brightness", 1)
    }
    assert moves("not quite so much contrast on the face") == {("face", "contrast", -1)}
    assert moves("I don't want it so contrasty") == {(G, "contrast", -1)}
    assert read("don't make it brighter").kind == "unsupported"  # a negated wish still does nothing


def test_an_except_phrase_inside_the_subject_leaves_the_predicate_to_the_rest():
    assert (G, "brightness", -1) in moves("everything except the faces should be darker")


def test_slang_for_looks_and_excess():
    assert moves("it's giving washed out, add some punch") >= {(G, "contrast", 1)}
    assert (G, "colorfulness", -1) not in moves("it's giving washed out, add some punch")
    assert read("lowkey too bright").kind == "strong" and moves("lowkey too bright") == {
        (G, "brightness", -1)
    }
    assert read("give it a low key look").style == "low-key"  # the look itself is still a look
    assert moves("the colours are a lil extra") == {(G, "colorfulness", -1)}
    assert moves("add extra contrast") == {(G, "contrast", 1)}  # "extra" before a noun adds


def test_pull_without_a_particle_lowers():
    assert moves("lift the shadows a stop and pull the highlights") == {
        ("shadows", "brightness", 1),
        ("highlights", "brightness", -1),
    }
    assert moves("pull up the shadows") == {("shadows", "brightness", 1)}
    assert moves("pull the temp toward blue a bit") == {(G, "temperature", -1)}


def test_a_pronoun_after_a_named_attribute_takes_it():
    said = moves("colours are giving 2010 instagram filter, tone em down")
    assert said == {(G, "colorfulness", -1)}


def test_the_frame_of_a_look_asks_nothing():
    for text, style in [
        ("make it look faded", "faded"),
        ("can you make it look vintage ish", "vintage"),
        ("i want it to look cinematic", "cinematic"),
    ]:
        reading = read(text)
        assert reading.style == style and not reading.questions, text
    assert "unsupported" in [c.status for c in read("make it cinematic and sharpen it").clauses]


def test_the_state_a_change_is_for_and_a_state_conceded_ask_nothing():
    said = moves("It's already colourful but the reds look almost neon, add some contrast")
    assert said == {("reds", "colorfulness", -1), ("reds", "contrast", 1)} or said == {
        ("reds", "colorfulness", -1),
        (G, "contrast", 1),
    }
    assert moves("add a touch of contrast so the fruit looks crisp") == {(G, "contrast", 1)}
    assert moves("warm it up slightly for a softer, romantic feel") == {(G, "temperature", 1)}
    assert moves("it's already too dark") == {(G, "brightness", 1)}  # "too" still complains
    assert moves("go for a warmer look") == {(G, "temperature", 1)}  # no change before "for"


def test_it_is_the_photo_after_a_region_named_in_the_plural():
    said = moves("the flowers don't stand out, could you make it lighter")
    assert (G, "brightness", 1) in said and ("vegetation", "brightness", -1) not in said
    said = moves("the sky is dull, make it brighter")  # a singular region is still "it"
    assert ("sky", "brightness", 1) in said and (G, "brightness", 1) not in said


def test_a_move_said_of_a_region_takes_the_attribute_the_next_complaint_names():
    assert moves("Could you tone down the greenery, it's a bit lurid") == {
        ("vegetation", "colorfulness", -1)
    }
    assert moves("bring down the sky, it is too bright") == {("sky", "brightness", -1)}


def test_a_bare_wish_after_a_colour_complaint_goes_on_about_the_colours():
    assert moves("Colors is too much strong, make more soft") == {(G, "colorfulness", -1)}
    assert (G, "brightness", 1) in moves("the colours are too strong, make it brighter")


def test_a_negation_inside_the_purpose_does_not_cancel_the_change():
    said = moves(
        "I'd love the sky to be more vivid, and the water a bit darker so it doesn't compete"
    )
    assert ("water", "brightness", -1) in said and ("sky", "colorfulness", 1) in said
    assert read("don't make it darker").kind == "unsupported"


def test_a_raise_or_lower_said_of_a_colour_range_in_a_place_is_its_colour():
    assert ("blues", "colorfulness", -1) in moves("bring down the blues in the sky")
    assert moves("bring down the sky") == {("sky", "brightness", -1)}


def test_a_comparative_typed_without_its_e_and_colour_words_after_2():
    assert default_speller().correct("coolr") == "cooler"
    assert moves("coolr n brightr") == {(G, "temperature", -1), (G, "brightness", 1)}
    assert moves("skin 2 orange") == {("skin", "temperature", -1)}
    assert moves("so yellow cool it") == {(G, "temperature", -1)}
    assert read("change her dress to red").kind == "unsupported"  # "to red" stays "to"


def test_a_limit_after_a_wish_is_not_a_change_of_its_own():
    assert moves("make it moodier but not too dark") >= {(G, "brightness", -1)}
    assert (G, "brightness", 1) not in moves("make it moodier but not too dark")
    assert moves("not too dark please") == {(G, "brightness", 1)}


def test_letters_held_down_for_emphasis():
    assert moves("sooo orange omg fix it") == {(G, "temperature", -1)}
    assert moves("toooo dark") == {(G, "brightness", 1)}
    assert moves("pleeease brighterrr") == {(G, "brightness", 1)}


def test_sizes_whose_words_name_a_region_are_sizes():
    assert moves("bump the blacks a hair") == {("shadows", "brightness", 1)}
    assert moves("cool the WB a couple hundred kelvin") == {(G, "temperature", -1)}
    assert moves("bump the sky down") == {("sky", "brightness", -1)}


def test_an_s_before_a_participle_or_degree_is_a_verb():
    assert moves("the sky's way too bright") == {("sky", "brightness", -1)}
    assert ("sky", "colorfulness", 1) in moves("the sky's colour is dull")


def test_a_colour_named_as_the_noun_of_a_region_colour_speaks_of_its_strength():
    said = moves("the green of the trees is too much, like fake, please reduce it")
    assert said == {("vegetation", "colorfulness", -1)}
    assert moves("the blue of the sky is not deep enough") == {("sky", "colorfulness", 1)}


def test_a_comparative_against_the_scene_as_it_was_complains():
    assert moves("the whole thing is darker than I remember") == {(G, "brightness", 1)}
    assert moves("it came out bluer than it was") == {(G, "temperature", 1)}
    assert moves("make it darker than it is now") == {(G, "brightness", -1)}  # a wish stays one


def test_brought_out_with_no_attribute_named_a_region_pops():
    # before, "bring out the clouds" read as nothing alone and took the warmth of the clause before
    assert moves("bring out the clouds") == {("sky", "colorfulness", 1), ("sky", "contrast", 1)}
    assert moves("warm it up a bit and bring out the clouds") == {
        (G, "temperature", 1),
        ("sky", "colorfulness", 1),
        ("sky", "contrast", 1),
    }
    assert moves("bring out the colours in the sky") == {("sky", "colorfulness", 1)}


def test_detail_in_the_dark_or_bright_parts_is_a_tone_move():
    assert moves("bring out the details in the shadows") == {("shadows", "brightness", 1)}
    assert moves("recover shadow detail") == {("shadows", "brightness", 1)}
    assert moves("recover highlight detail in the clouds") == {("sky", "brightness", -1)}
    assert moves("bring out more detail") == {(G, "contrast", 1)}


def test_to_stand_out_is_to_pop_unless_it_is_the_purpose_of_another_change():
    # before, "the kite should stand out more" scaled a last change that a first turn has not got
    assert read("the kite should stand out more").kind == "strong"
    assert moves("make her stand out") == {("person", "colorfulness", 1), ("person", "contrast", 1)}
    assert ("person", "brightness", 1) in moves("she is dark, lift her a bit so she stands out")
