"""measure_edits on real photos: temperature is judged as white balance, never against the
measured shift a colour change carries with it."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from pertouch.backbone.parametric import ParametricRenderer
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import Attribute
from pertouch.graph.nodes.render import measure_edits

_T = Attribute.TEMPERATURE.channel


@pytest.fixture(scope="module")
def renderer() -> ParametricRenderer:
    return ParametricRenderer()


@pytest.mark.parametrize("name", ["coffee", "chelsea"])
def test_a_faded_warm_look_is_not_judged_on_its_measured_temperature(renderer, name):
    photo = np.ascontiguousarray(getattr(data, name)())
    state = (
        AdjustmentState()
        .with_edit(GLOBAL, "colorfulness", -0.35)
        .with_edit(GLOBAL, "temperature", 0.2)
    )
    plan = renderer.solve(photo, state, {})
    output = renderer.apply(photo, plan)
    # the bug: the renderer warmed the white balance, yet the measured temperature level sits
    # far from "before + 0.2" because less colour also moves it; a level target would make the
    # critique push the white balance against the look
    assert plan.strengths[:, _T].max() > 0.0
    rows = measure_edits(photo, output, {}, state, state, renderer.scale)
    assert [(m.region, m.attribute) for m in rows] == [(GLOBAL, "colorfulness")]
    assert rows[0].measured < rows[0].before - 0.2


def test_temperature_alone_is_still_measured_against_its_target(renderer):
    photo = np.ascontiguousarray(data.coffee())
    state = AdjustmentState().with_edit(GLOBAL, "temperature", -0.2)
    output = renderer.render(photo, state, {})
    rows = measure_edits(photo, output, {}, state, state, renderer.scale)
    assert [(m.region, m.attribute) for m in rows] == [(GLOBAL, "temperature")]
    assert rows[0].measured < rows[0].before - 0.1
    assert rows[0].miss <= 0.05


def test_a_global_edit_is_measured_where_no_region_adds_its_own(renderer):
    """'Warm it up, and the sky more': the sky's extra warmth is not the global edit's overshoot."""
    from pertouch.tools.segmentation import OfflineSegmenter

    photo = np.ascontiguousarray(data.rocket())
    with OfflineSegmenter() as segmenter:
        sky = segmenter.segment(photo, "the sky").mask
    masks = {"sky": sky}
    state = (
        AdjustmentState()
        .with_edit(GLOBAL, "temperature", 0.15)
        .with_edit("sky", "temperature", 0.15)
    )
    output = renderer.render(photo, state, masks)
    rows = {m.region: m for m in measure_edits(photo, output, masks, state, state, renderer.scale)}
    # the land got the global warming alone and reached it; on the whole photo (two thirds sky)
    # the sky's extra warming would read as an overshoot and the critique would cut the land's
    assert rows[GLOBAL].miss <= 0.05
    assert rows["sky"].miss <= 0.05
