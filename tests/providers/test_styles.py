"""Named looks do what photographers mean by their names, on real photos."""

import numpy as np
import pytest

from pertouch.backbone.parametric import REST, ParametricRenderer
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import Attribute, parse_attribute
from pertouch.core.colour import chroma, lab_view
from pertouch.core.guards import GuardLimits, check_guards
from pertouch.core.metrics import measure_raw
from pertouch.providers.styles import LOOKS, PRESETS, STYLE_WORDS, look_reason, look_steps
from pertouch.tools.segmentation import OfflineSegmenter

ASKED_FOR = (
    "film",
    "vintage",
    "faded",
    "matte",
    "cinematic",
    "moody",
    "airy",
    "high-key",
    "low-key",
    "warm",
    "cool",
    "muted",
    "vivid",
    "dramatic",
    "soft",
)
TEMP = Attribute.TEMPERATURE.channel


def test_the_table_has_every_look_with_a_reason():
    assert set(ASKED_FOR) <= set(LOOKS)
    for name, look in LOOKS.items():
        assert look.steps and len(look_reason(name)) > 15
        assert PRESETS[name] == look.steps
    assert set(STYLE_WORDS.values()) <= set(LOOKS)
    assert look_steps("faded", 0.5)[0][2] == pytest.approx(LOOKS["faded"].steps[0][2] / 2)


def test_faded_and_vintage_mean_less_colour_lifted_blacks_and_less_contrast():
    for name in ("faded", "vintage"):
        asked = {(r, a): d for r, a, d in LOOKS[name].steps}
        assert asked[(GLOBAL, "colorfulness")] < 0 and asked[(GLOBAL, "contrast")] < 0
        assert "lifted blacks" in look_reason(name) or "lifts the blacks" in look_reason(name)
    assert {(r, a): d for r, a, d in LOOKS["vintage"].steps}[(GLOBAL, "temperature")] > 0


#: Looks whose blacks lift to grey (the fade); checked on the darkest tones of real photos.
LIFTED_BLACKS = ("faded", "matte", "vintage", "film")


#: (look, photo) pairs that still fail a do-no-harm guard, measured; listed so every other pair is
#: held to the guards (remove a pair when it is fixed). Empty now: vivid and summer on the coffee
#: only took the cup's rim from 253-254 to 255, which the clipping guard no longer counts as new
#: clipping, and vivid's tint of the cat's grey fur fell under the cast limit with the per-region
#: colour budget.
KNOWN_HARM: frozenset[tuple[str, str]] = frozenset()


#: (look, photo) pairs, and the attributes the renderer holds back to do no harm
#: (``protect_highlights``, :mod:`pertouch.backbone.headroom`) so far that they may not move: the
#: astronaut's white suit clips at once under a warm or cool gain, and hdr's midtone S-curve would
#: clip the suit (5.8% of the photo) and is held where it does not, while the shadows lift and
#: the highlights come down as asked. Those attributes are not checked for direction; the pairs
#: must still do no harm, and only a held white balance may leave a look invisible.
HELD_BACK: dict[tuple[str, str], frozenset[Attribute]] = {
    ("warm", "astronaut"): frozenset({Attribute.TEMPERATURE}),
    ("cool", "astronaut"): frozenset({Attribute.TEMPERATURE}),
    ("hdr", "astronaut"): frozenset({Attribute.CONTRAST}),
    # low-key's S-curve on the cat's warm fur shifts the photo's mean b* (3.5 unprotected, past
    # the 3-unit cast guard); held, the darkening shows and the contrast stays within 0.01
    ("low-key", "chelsea"): frozenset({Attribute.CONTRAST}),
}


@pytest.fixture(scope="module")
def tools():
    with OfflineSegmenter() as segmenter:
        yield segmenter, ParametricRenderer()


@pytest.fixture(scope="module", params=["astronaut", "coffee", "chelsea"])
def photo(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("name", sorted(LOOKS))
def test_each_look_moves_the_photo_the_way_its_steps_say(name, photo, tools, request):
    segmenter, renderer = tools
    pair = (name, request.node.callspec.params["photo"])
    state, masks = AdjustmentState(), {}
    for region, attribute, delta in look_steps(name):
        if region != GLOBAL and region not in masks:
            found = segmenter.segment(photo, region)
            if not found.found or found.area < 0.005:
                continue  # the agent leaves out a range the photo lacks
            masks[region] = np.round(found.mask * 255).astype(np.uint8)
        state = state.with_edit(region, attribute, delta)
    plan = renderer.solve(photo, state, masks, protect_highlights=True)
    out = renderer.apply(photo, plan)
    whole = {**masks, GLOBAL: np.full(photo.shape[:2], 255, np.uint8)}
    scale = renderer.scale
    before = {k: scale.to_level(v, clip=False) for k, v in measure_raw(photo, whole).items()}
    after = {k: scale.to_level(v, clip=False) for k, v in measure_raw(out, whole).items()}
    deltas = state.deltas()
    shared = deltas.get(GLOBAL, np.zeros(4))
    recoloured = shared[Attribute.COLORFULNESS.channel] != 0
    for region in whole:
        asked = shared + (deltas.get(region, np.zeros(4)) if region != GLOBAL else 0.0)
        for attribute in Attribute:
            c = attribute.channel
            if abs(asked[c]) < 0.05 or (region != GLOBAL and (region, attribute) not in _own(name)):
                continue
            if np.sign(before[region][c]) == np.sign(asked[c]) and abs(before[region][c]) >= 0.95:
                continue  # already at the end of the scale that way
            if c == TEMP and abs(before[region][c]) > 1.0:
                continue  # saturated colours sit at the CCT formula's clamp: no white balance shows
            if attribute in HELD_BACK.get(pair, ()):
                continue
            if c == Attribute.BRIGHTNESS.channel and asked[c] > 0 and before[region][c] < -0.95:
                continue  # pure black does not lift under a gain (styles' docstring)
            if c == TEMP and recoloured:
                # with the colour changing, temperature means the white balance the renderer set
                if abs(asked[c]) < 0.1:
                    continue  # "a hint" of warmth is under what the renderer resolves
                own = region if region in masks else (REST if masks else GLOBAL)
                strengths = plan.strengths[plan.regions.index(own)]
                assert strengths[TEMP] * asked[c] > 0, (name, region, strengths)
                continue
            moved = after[region][c] - before[region][c]
            assert moved * np.sign(asked[c]) > 0.01, (name, region, attribute.value, moved)
    lab0, lab1 = lab_view(photo)[0], lab_view(out)[0]
    colour = shared[Attribute.COLORFULNESS.channel]
    if colour < 0 or (colour > 0 and not shared[TEMP]):
        # "faded vintage" must come out less colourful (a warm or cool cast may add chroma to
        # a colourful look, so those are judged on the colour level above)
        c0, c1 = float(chroma(lab0).mean()), float(chroma(lab1).mean())
        assert (c1 - c0) * colour > 0, (name, c0, c1)
    if name in LIFTED_BLACKS:
        black0, black1 = (float(np.percentile(lab[..., 0], 2)) for lab in (lab0, lab1))
        assert black1 > black0 + 1.0, (name, black0, black1)
    # and it does no harm it was not asked for: no new clipping, crushed shadows or cast
    report = check_guards(photo, out, {}, GuardLimits.for_state(state))
    if Attribute.TEMPERATURE in HELD_BACK.get(pair, ()) and not report.visible:
        assert report.harmless, (name, report.failures)
        pytest.xfail(
            f"{name!r} held back by the highlights (issue 12): {' '.join(report.failures)}"
        )
    assert report.visible, (name, report.failures)
    if pair in KNOWN_HARM:
        pytest.xfail(f"known harm of {name!r} (issue 12): {' '.join(report.failures)}")
    assert report.harmless, (name, report.failures)


def _own(name):
    """(region, attribute) pairs a look's steps name for a tonal range."""
    return {(r, parse_attribute(a)) for r, a, _ in LOOKS[name].steps if r != GLOBAL}


@pytest.mark.parametrize("name", ["dragonfly", "aitzgorri", "footballer"])
def test_dramatic_adds_its_colour_beside_its_contrast_on_real_photos(name, tools):
    """Dramatic asks much contrast and a little colour. Held back together, the small vibrance
    shrank with the contrast and these photos ended less colourful (-0.01 to -0.08 level)."""
    from benchmarks.corpus import CORPUS, load

    photo = next(p for p in CORPUS if p.name == name)
    if not photo.available:
        pytest.skip(f"{photo.source} is not installed (make system-packages)")
    pixels = load(photo, 768)
    _, renderer = tools
    state = AdjustmentState()
    for region, attribute, delta in look_steps("dramatic"):
        assert region == GLOBAL  # dramatic moves the whole photo
        state = state.with_edit(region, attribute, delta)
    out = renderer.apply(pixels, renderer.solve(pixels, state, {}, protect_highlights=True))
    whole = {GLOBAL: np.full(pixels.shape[:2], 255, np.uint8)}
    scale, c = renderer.scale, Attribute.COLORFULNESS.channel
    before = scale.to_level(measure_raw(pixels, whole)[GLOBAL], clip=False)[c]
    after = scale.to_level(measure_raw(out, whole)[GLOBAL], clip=False)[c]
    assert after - before > 0.01, (before, after)
