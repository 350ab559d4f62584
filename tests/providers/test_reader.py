"""The offline reader, class by class of how people write: each test is one behaviour."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pertouch.providers.reader.fallback import Phrase, PhraseClassifier
from pertouch.providers.reader.read import default_speller
from tests.providers.reading import G, moves, read


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("brigthen", "brighten"),
        ("contrat", "contrast"),
        ("ligher", "lighter"),
        ("saturaton", "saturation"),
    ],
)
def test_typos_are_corrected_towards_the_vocabulary(typed, meant):
    assert default_speller().correct(typed) == meant


@pytest.mark.parametrize("word", ["lite", "dart", "contract", "cosy", "dingy", "sallow", "kitchen"])
def test_real_words_are_not_corrected(word):
    assert default_speller().correct(word) == word


def test_run_together_words_are_split_and_inflections_reduced():
    speller = default_speller()
    assert speller.correct("alot") == "a lot"
    assert speller.correct("toned") == "tone"
    assert moves("I'd like the highlights toned down a touch") == {("highlights", "brightness", -1)}


def test_typo_ridden_requests_read_like_clean_ones():
    assert moves("its way to dark, brigthen pls") == {(G, "brightness", 1)}
    assert moves("incrase contrat abit") == {(G, "contrast", 1)}
    assert read("make it lighter abit").intents[0].delta == pytest.approx(0.15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("less blue cast", {(G, "temperature", 1)}),
        ("add some yellow", {(G, "temperature", 1)}),
        ("way too orange", {(G, "temperature", -1)}),
        ("remove some of the blue", {(G, "temperature", 1)}),
        ("the reds are too strong", {("reds", "colorfulness", -1)}),
        ("reduce the green channel", {("greens", "colorfulness", -1)}),
        ("make the sky bluer", {("sky", "temperature", -1), ("sky", "colorfulness", 1)}),
        ("make the red car pop", {("vehicles", "colorfulness", 1), ("vehicles", "contrast", 1)}),
    ],
)
def test_colour_names_read_as_white_balance_or_a_colour_range(text, expected):
    assert moves(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it's too hot", {(G, "temperature", -1)}),
        ("more warmness", {(G, "temperature", 1)}),
        ("add some coolness", {(G, "temperature", -1)}),
        ("the highlights are hot", {("highlights", "brightness", -1)}),
    ],
)
def test_heat_words_and_nouns(text, expected):
    assert moves(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("get rid of the contrast", {(G, "contrast", -1)}),
        ("remove some brightness", {(G, "brightness", -1)}),
        ("take the saturation down a notch", {(G, "colorfulness", -1)}),
        ("ease off on the warmth", {(G, "temperature", -1)}),
    ],
)
def test_verbs_that_take_away_lower_an_attribute(text, expected):
    reading = read(text)
    assert moves(text) == expected and not reading.unsupported


def test_removing_a_thing_is_unsupported_and_said_so():
    reading = read("remove the power lines and make the sky bluer")
    assert reading.unsupported == ("removing objects",)
    assert [c.status for c in reading.clauses] == ["unsupported", "edit"]


def test_a_complaint_names_the_problem_and_the_wish_gives_the_direction():
    assert moves("it's gloomy, make it lively") == {(G, "brightness", 1), (G, "colorfulness", 1)}
    assert moves("the picture is dark, I want it bright") == {(G, "brightness", 1)}
    assert moves("the light is very cold and blue") == {(G, "temperature", 1)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it looks faded", {(G, "colorfulness", 1)}),
        ("make it look faded", {(G, "colorfulness", -1), (G, "contrast", -1)}),  # the look
        ("muted colours please", {(G, "colorfulness", -1)}),
        ("looks washed out", {(G, "colorfulness", 1), (G, "contrast", 1)}),
        ("the colours are washed out", {(G, "colorfulness", 1)}),
    ],
)
def test_words_with_a_fixed_photographic_sense(text, expected):
    assert moves(text) == expected


def test_pop_is_vibrance_with_a_little_contrast():
    deltas = {i.attribute: i.delta for i in read("make it pop").intents}
    assert deltas["colorfulness"] == pytest.approx(0.25)
    assert 0 < deltas["contrast"] < deltas["colorfulness"]


def test_every_clause_is_accounted_for():
    reading = read("the sky needs more drama, and warm up the boats a little")
    assert moves("the sky needs more drama, and warm up the boats a little") == {
        ("sky", "contrast", 1),
        ("vehicles", "temperature", 1),
    }
    assert [c.status for c in reading.clauses] == ["edit", "edit"]
    assert [(m.phrase, m.region) for m in reading.mentions] == [
        ("sky", "sky"),
        ("boats", "vehicles"),
    ]


def test_what_cannot_be_done_is_listed_beside_what_can():
    reading = read("sharpen it and fix the overexposure")
    assert reading.unsupported == ("sharpening",)
    assert moves("sharpen it and fix the overexposure") == {(G, "brightness", -1)}


def test_a_change_without_a_direction_is_asked_not_guessed():
    reading = read("change the temperature")
    assert not reading.intents
    assert [(q.attribute, q.options) for q in reading.questions] == [
        ("temperature", ("warmer", "cooler"))
    ]
    assert reading.clauses[0].status == "question"


def test_a_vague_complaint_about_a_region_asks_what_to_change():
    (question,) = read("the sky looks weird").questions
    assert question.region == "sky" and question.attribute is None
    assert "the sky" in question.text


def test_a_question_another_clause_answers_is_not_asked():
    reading = read("the background is distracting, darken it")
    assert not reading.questions
    assert moves("the background is distracting, darken it") == {("background", "brightness", -1)}


def test_what_neither_layer_reads_is_reported_not_understood():
    reading = read("it reminds me of a sauna", fallback=None)
    assert not reading.intents
    assert reading.not_understood == ("it reminds me of a sauna",)


def test_negated_wishes_and_without_clauses_do_nothing():
    assert moves("i don't want it warmer, i want it brighter") == {(G, "brightness", 1)}
    assert moves("add contrast without making it darker") == {(G, "contrast", 1)}


def test_slider_numbers_and_exposure_values_become_sizes():
    (edit,) = read("highlights -50").intents
    assert (edit.region, edit.attribute, edit.delta) == ("highlights", "brightness", -0.5)
    (edit,) = read("+0.7 EV please").intents
    assert (edit.attribute, edit.delta) == ("brightness", pytest.approx(0.35))


def test_cues_pair_with_the_nearest_region():
    assert moves("brighter face darker background") == {
        ("face", "brightness", 1),
        ("background", "brightness", -1),
    }


def test_spatial_words_are_regions_only_as_nouns():
    assert moves("it is kind of blue right now") == {(G, "temperature", 1)}
    assert moves("brighten the right side") == {("right", "brightness", 1)}


def test_a_named_look_is_accounted_for():
    reading = read("make it cinematic and sharpen it")
    assert reading.kind == "weak_style"
    assert (reading.clauses[0].text, reading.clauses[0].status) == ("cinematic", "style")
    assert "unsupported" in [c.status for c in reading.clauses]


def test_the_reading_round_trips_to_json():
    data = json.loads(json.dumps(read("change the temperature, and sharpen it").to_dict()))
    assert data["questions"][0]["options"] == ["warmer", "cooler"]
    assert [c["status"] for c in data["clauses"]] == ["question", "unsupported"]


class _Axis:
    """A fake embedder: the text's position on two axes ("hot"/"cold" words vs anything else)."""

    def embed_texts(self, texts):
        rows = []
        for text in texts:
            hot = sum(w in text for w in ("oven", "sauna", "desert"))
            cold = sum(w in text for w in ("fridge", "igloo", "ice"))
            rows.append([hot, cold, 0.2 if not (hot or cold) else 0.0])
        vectors = np.asarray(rows, dtype=np.float32) + 1e-3
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


BANK = [
    Phrase("like an oven", ("temperature-",)),
    Phrase("a sauna", ("temperature-",)),
    Phrase("the desert", ("temperature-",)),
    Phrase("a fridge", ("temperature+",)),
    Phrase("an igloo", ("temperature+",)),
    Phrase("made of ice", ("temperature+",)),
    Phrase("hello", ()),
    Phrase("who took it", ()),
    Phrase("thanks", ()),
]


def test_the_fallback_acts_on_a_clear_vote_and_says_nothing_to_chatter():
    classifier = PhraseClassifier(_Axis(), BANK)
    assert classifier("it is an oven in a desert").hits == (("temperature", -1),)
    assert classifier("what a day").nothing


def test_the_fallback_asks_when_the_neighbours_split_on_direction():
    classifier = PhraseClassifier(_Axis(), BANK)
    guess = classifier("an oven full of ice in a sauna igloo")
    assert not guess.hits and guess.attribute == "temperature"


def test_the_learned_layer_reads_a_clause_the_grammar_cannot_place():
    reading = read("she looks a bit like a zombie")
    assert moves("she looks a bit like a zombie") == {(G, "colorfulness", 1)}
    assert reading.clauses[0].read_by == "learned"
    assert 0 < reading.clauses[0].confidence < 1


def test_a_slip_in_a_photo_word_is_read_as_the_photo_word():
    speller = default_speller()
    assert speller.correct("wam") == "warm"  # "was" is as near, and far more common
    assert speller.correct("britness") == "brightness"  # not "brit ness"
    assert speller.correct("lessblue") == "less blue"  # two words the reader knows stay two
    assert moves("pls wam the skin a litle") == {("skin", "temperature", 1)}


def test_contractions_typed_without_an_apostrophe():
    assert moves("it doesnt look bright enough") == {(G, "brightness", 1)}
    assert read("the warmth isnt right").questions  # "is not right": which way is asked


def test_a_look_taken_away_is_not_the_look():
    away = read("not so vintage please, and brighter")
    assert away.kind == "strong" and not away.style
    assert read("less cinematic").style == ""


def test_a_quantity_of_a_colour_is_added_not_complained_about():
    assert ("water", "temperature", -1) in moves("put a touch of blue in the water")
    assert moves("a hint of gold on the skin") == {("skin", "temperature", 1)}
    assert moves("give it a bit of a lift") == {(G, "brightness", 1)}


def test_light_and_contrast_words_said_of_the_colours_speak_of_their_strength():
    assert moves("brighter colours on the flowers") == {("vegetation", "colorfulness", 1)}
    assert moves("the colours could be punchier") == {(G, "colorfulness", 1)}
    assert moves("softer colours in the sky") == {("sky", "colorfulness", -1)}
    assert moves("make the colours warmer") == {(G, "temperature", 1)}


def test_moods_and_verdicts_of_excess():
    assert moves("make it feel happier") == {(G, "brightness", 1)}
    assert moves("the saturation is over the top") == {(G, "colorfulness", -1)}
    # "less" of something the reader cannot name, not less of the last change
    assert read("a little less blah").kind != "refine"


def test_a_direction_said_after_the_attribute_past_a_degree():
    assert moves("saturation a touch lower on the sea") == {("water", "colorfulness", -1)}
    assert moves("exposure a little higher") == {(G, "brightness", 1)}
    assert moves("reduce the warmth up top") != {(G, "temperature", 1)}  # the verb said it first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the blues need some punch", {("blues", "colorfulness", 1)}),
        ("the reds look flat", {("reds", "colorfulness", 1)}),
        ("the greens could use more", {("greens", "colorfulness", 1)}),
        ("more contrast in the greens", {("greens", "contrast", 1)}),  # contrast itself stays
        ("the water needs some punch", {("water", "contrast", 1)}),  # a region, not a range
    ],
)
def test_intensity_said_of_a_colour_range_is_its_colour(text, expected):
    assert moves(text) == expected


def test_a_colour_cast_complained_about_before_a_warming_wish_asks_nothing_of_its_own():
    assert moves("the skin looks a bit green, can you warm it up") == {("skin", "temperature", 1)}
    assert moves("it's too pink, cool it down") == {(G, "temperature", -1)}
    assert moves("it's too pink") == {("magentas", "colorfulness", -1)}  # alone it is the ask
    later_complaint = moves("the blues look too purple and the whites are yellowish")
    assert ("blues", "colorfulness", -1) in later_complaint  # a second complaint is no wish


def test_a_colour_lost_is_a_colour_lacking():
    assert moves("the sea has lost its colour") == {("water", "colorfulness", 1)}
    assert ("mountains", "contrast", 1) in moves("the hills are lost in haze")


def test_a_thing_that_makes_a_colour_is_complained_about():
    assert moves("the stage lights make everything purple") == {("purples", "colorfulness", -1)}
    assert moves("please make everything purple") == {("purples", "colorfulness", 1)}


def test_a_look_named_as_the_purpose_of_a_change_is_spelled_by_it():
    purpose = read("crush the shadows for a moody look")
    assert purpose.kind == "strong" and not purpose.style
    assert read("give it a moody look").style == "moody"
    assert not read("it looks kind of faded").style  # said of the photo as it is


def test_he_and_him_stand_for_the_last_person_or_animal_named():
    said = moves("my dog sits on the lawn and the lawn is too bright, brighten him a little")
    assert ("animals", "brightness", 1) in said and ("vegetation", "brightness", 1) not in said


def test_the_scene_as_remembered_says_how_the_photo_should_look():
    assert moves("the sky was deep blue when I was there") >= {("sky", "colorfulness", 1)}
    assert moves("the sky was too dark") == {("sky", "brightness", 1)}  # a complaint still


def test_signed_exposure_before_its_noun_is_in_stops():
    reading = read("+0.3 exposure, -10 contrast")
    deltas = {i.attribute: i.delta for i in reading.intents}
    assert deltas["brightness"] > 0.1 and deltas["contrast"] < 0


def test_an_except_clause_that_names_a_thing_holds_it():
    assert moves("desaturate everything except the red umbrella") == {
        (G, "colorfulness", -1),
        ("objects", "colorfulness", 1),  # held as "except the sky" is: its own move undoes it
    }
    assert moves("it's fine except the sky which is too white") == {("sky", "brightness", -1)}
