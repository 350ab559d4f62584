"""The auto look's decisions on measured numbers: bounded, scene-aware, explained."""

import numpy as np
import pytest

from pertouch.core.attributes import Attribute
from pertouch.core.auto_look import (
    NEED_BOUND,
    PUNCH_BOUND,
    TOUCH,
    WEAK_BOUND,
    RegionMeasure,
    auto_look,
    plan_auto,
)
from pertouch.core.levels import default_scale
from pertouch.core.photo_stats import PhotoStats, measure_photo
from pertouch.core.priors import default_priors

SCALE, PRIORS = default_scale(), default_priors()
COL, CON, TEMP, BRI = (a.channel for a in Attribute)


def stats(**changes):
    """A well-exposed, neutral photo's statistics, with ``changes``."""
    base = {
        "lightness": (5.0, 12.0, 50.0, 88.0, 95.0),
        "mean_lightness": 50.0,
        "mean_a": 2.0,
        "mean_b": 5.0,
        "mean_chroma": 20.0,
        "clipped": 0.0,
        "crushed": 0.0,
        "neutral_share": 0.5,
        "neutral_chroma": 2.0,
        "neutral_a": 0.0,
        "neutral_b": 0.5,
        "neutral_agreement": 0.6,
        "neutral_cct": 6400.0,
        "top_channel": 0.9,
        "near_white": 0.01,
    }
    return PhotoStats(**{**base, **changes})


def region(kind, levels, share=0.4, **extra):
    """A region of ``kind`` whose measured levels are ``levels``."""
    raw = SCALE.to_raw(np.asarray(levels, dtype=float))
    return RegionMeasure(kind, raw, share, **{"chroma": 25.0, "mean_colour": 10.0, **extra})


def median(kind, attribute):
    return PRIORS.kinds[kind].band(SCALE, attribute)[1]


def plan(regions, whole_levels=(0.0, 0.0, 0.0, 0.0), **changes):
    whole = SCALE.to_raw(np.asarray(whole_levels, dtype=float))
    return plan_auto(regions, whole, stats(**changes), SCALE, PRIORS)


def test_a_region_at_its_kinds_median_gets_only_a_touch_of_colour_and_texture():
    levels = [median("vegetation", a) for a in Attribute]
    look = plan({"vegetation": region("vegetation", levels, mean_colour=3.0)})
    moves = look.delta("vegetation")
    assert moves[COL] == pytest.approx(TOUCH) and moves[CON] == pytest.approx(TOUCH)
    assert moves[TEMP] == 0 and moves[BRI] == 0
    assert "a touch more" in look.region("vegetation").reasons[COL]


def test_a_region_in_the_upper_range_of_its_kind_is_left_alone():
    levels = [PRIORS.kinds["vegetation"].percentile(SCALE, a, 90.0) for a in Attribute]
    levels[BRI] = median("vegetation", Attribute.BRIGHTNESS)
    look = plan({"vegetation": region("vegetation", levels)})
    assert not look.moved
    assert all(look.regions[0].reasons)  # every attribute says why it was kept


def test_a_bright_sky_elsewhere_leaves_a_meadow_its_touch_of_colour():
    levels = [median("vegetation", a) for a in Attribute]
    meadow = region("vegetation", levels, near_top=0.0, mean_colour=3.0)
    look = plan({"vegetation": meadow}, near_white=0.15)
    assert look.delta("vegetation")[COL] == pytest.approx(TOUCH)


def test_no_touch_on_a_region_near_white_and_no_contrast_where_a_fifth_of_the_photo_is():
    levels = [median("vegetation", a) for a in Attribute]
    lit = plan({"vegetation": region("vegetation", levels, near_top=0.05)})
    assert lit.delta("vegetation")[COL] == 0 and lit.delta("vegetation")[CON] == 0
    assert "near white" in lit.region("vegetation").reasons[COL]
    crowded = plan({"vegetation": region("vegetation", levels, near_top=0.0)}, near_white=0.25)
    assert crowded.delta("vegetation")[CON] == 0
    assert "headroom" in crowded.region("vegetation").reasons[CON]


def test_compressed_tones_get_a_touch_of_contrast_but_misty_ones_do_not():
    levels = [PRIORS.kinds["ground"].percentile(SCALE, a, 90.0) for a in Attribute]
    levels[BRI] = median("ground", Attribute.BRIGHTNESS)
    narrow = (40.0, 45.0, 60.0, 80.0, 85.0)  # 1st and 99th percentile 45 L* apart
    look = plan({"ground": region("ground", levels)}, lightness=narrow)
    assert look.delta("ground")[CON] == pytest.approx(TOUCH)
    assert look.delta("ground")[COL] == 0
    misty = plan({"ground": region("ground", levels)}, (0.0, -0.95, 0.0, 0.0), lightness=narrow)
    assert "misty and soft" in misty.character and misty.delta("ground")[CON] == 0


def test_a_dull_flat_meadow_is_raised_within_the_weak_bound():
    low = [
        median("vegetation", Attribute.COLORFULNESS) - 0.6,
        median("vegetation", Attribute.CONTRAST) - 0.6,
        0.0,
        0.0,
    ]
    look = plan({"vegetation": region("vegetation", low, mean_colour=3.0)})
    moves = look.delta("vegetation")
    assert moves[COL] == pytest.approx(PUNCH_BOUND) and moves[CON] == pytest.approx(PUNCH_BOUND)
    assert moves[TEMP] == 0 and moves[BRI] == 0
    assert "below the vegetation median" in look.region("vegetation").reasons[COL]


def test_a_saturated_sunset_sky_is_never_pulled_down_and_skies_get_no_contrast():
    vivid = [0.9, -0.95, 0.9, 0.2]  # saturated, smooth, warm
    look = plan({"sky": region("sky", vivid, share=0.5)})
    moves = look.delta("sky")
    assert moves[COL] == 0 and moves[TEMP] == 0 and moves[CON] == 0
    assert "warm sky" in look.character


def test_grey_content_is_not_coloured_and_near_white_is_not_boosted():
    dull = [-0.9, -0.9, 0.0, 0.0]
    grey = plan({"ground": region("ground", dull, chroma=3.0)})
    assert grey.delta("ground")[COL] == 0
    assert "kept grey" in grey.region("ground").reasons[COL]
    bright = plan({"ground": region("ground", dull, near_top=0.2)})
    assert bright.delta("ground")[CON] == 0 and bright.delta("ground")[COL] == 0


def test_an_under_exposed_photo_is_lifted_beyond_the_weak_bound_but_within_a_stop():
    dark = [0.0, 0.0, 0.0, -0.8]
    look = plan(
        {"global": region("other", dark, share=1.0)},
        lightness=(0.5, 2.0, 15.0, 45.0, 55.0),
        mean_lightness=18.0,
        top_channel=0.55,
    )
    assert look.exposure == "under"
    assert WEAK_BOUND < look.delta("global")[BRI] <= NEED_BOUND
    assert look.notes[0].startswith("Under-exposed")


def test_dusk_stays_dark():
    dark = [0.0, 0.0, -0.8, -0.8]
    look = plan(
        {"global": region("other", dark, share=1.0)},
        lightness=(0.5, 2.0, 15.0, 45.0, 55.0),
        mean_lightness=18.0,
        mean_b=-20.0,
        top_channel=0.55,
    )
    assert "dusk or night" in look.character and look.exposure == "ok"
    assert look.delta("global")[BRI] == 0 and look.delta("global")[CON] == 0


def test_a_deep_blue_daytime_sky_is_not_dusk():
    """As dark and blue on average as dusk, but sunlit clouds reach high L*."""
    sky = plan(
        {"global": region("other", [0.0, 0.0, -0.8, -0.4], share=1.0)},
        lightness=(8.0, 15.0, 35.0, 80.0, 89.0),
        mean_lightness=37.0,
        mean_b=-35.0,
        top_channel=0.89,
    )
    assert "dusk or night" not in sky.character


def test_a_cast_on_neutral_content_is_eased_and_named_but_a_sunsets_warmth_is_kept():
    cast = {
        "neutral_b": 12.0,
        "neutral_chroma": 9.0,
        "neutral_agreement": 0.95,
        "neutral_cct": 4300.0,
    }
    look = plan({"ground": region("ground", [0.0, 0.0, 0.5, 0.0])}, **cast)
    assert look.cast == "warm"
    assert -NEED_BOUND <= look.delta("ground")[TEMP] < -0.05
    assert any("warm cast" in note for note in look.notes)
    sunset = plan(
        {
            "ground": region("ground", [0.0, 0.0, 0.5, 0.0]),
            "sky": region("sky", [0.5, -0.9, 0.95, 0.3]),
        },
        **cast,
    )
    assert sunset.cast == "" and sunset.delta("ground")[TEMP] == 0


def test_pale_tinted_material_is_not_a_cast():
    """A pale-yellow wood has no grey in it, and no colour on the far side of its tint."""
    wood = {
        "neutral_b": 13.0,
        "neutral_chroma": 14.5,
        "neutral_agreement": 1.0,
        "neutral_cct": 4500.0,
    }
    look = plan({"global": region("other", [0.0, 0.0, 0.3, 0.5], share=1.0)}, **wood)
    assert look.cast == ""
    varied = plan(
        {"global": region("other", [0.0, 0.0, 0.3, 0.5], share=1.0)}, contrary=0.2, **wood
    )
    assert varied.cast == "warm"  # blues kept under the tint: the light is warm, not the things


def test_a_green_tint_is_foliage_not_a_cast_white_balance_can_ease():
    """Dark leaves behind a flower: the least chromatic tenth is more green than blue."""
    foliage = {
        "neutral_a": -15.0,
        "neutral_b": -10.0,
        "neutral_chroma": 18.0,
        "neutral_agreement": 0.85,
        "neutral_cct": 10000.0,
        "contrary": 0.25,
    }
    look = plan({"global": region("other", [0.0, 0.0, -0.3, -0.2], share=1.0)}, **foliage)
    assert look.cast == "" and look.delta("global")[TEMP] == 0
    shade = plan(
        {"global": region("other", [0.0, 0.0, -0.3, -0.2], share=1.0)},
        **{**foliage, "neutral_a": -3.0},
    )
    assert shade.cast == "cool"  # the same tint along the blue-amber axis is a cast


def test_a_real_photo_with_a_warm_cast_is_measured_so(astronaut):
    """The astronaut's grey backdrop under a warm gain: the cast shows on the neutral content."""
    warm = np.clip(astronaut * np.array([1.12, 1.0, 0.8]), 0, 255).astype(np.uint8)
    assert measure_photo(warm).neutral_b > measure_photo(astronaut).neutral_b + 5
    look = auto_look(warm)
    assert look.cast == "warm"
    assert look.delta("global")[TEMP] < 0


def test_every_move_is_bounded_and_explained_on_real_photos(astronaut, coffee, rocket, chelsea):
    for photo in (astronaut, coffee, rocket, chelsea, (astronaut * 0.35).astype(np.uint8)):
        look = auto_look(photo)
        for r in look.regions:
            assert all(abs(d) <= NEED_BOUND for d in r.deltas)
            assert all(r.reasons)
            if look.exposure == "ok" and not look.cast:
                assert all(abs(d) <= PUNCH_BOUND + 1e-9 for d in r.deltas), (r, look.notes)
