"""The sky's colour matte: sky seen between bars is sky, the bars are not, and nothing leaks below."""

from __future__ import annotations

import numpy as np

from pertouch.tools.segmentation import OfflineSegmenter
from pertouch.tools.segmentation.sky_matte import matte_band, matte_sky

#: Where the rocket photo has open sky (rows, columns), found by looking at it.
OPEN_SKY = (slice(60, 200), slice(225, 285))


def _lattice(photo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The photo with a steel lattice (a tower 60 px wide) over its sky, and where the bars are."""
    out = photo.copy()
    bars = np.zeros(photo.shape[:2], bool)
    rows, cols = OPEN_SKY
    patch = bars[rows, cols]
    patch[:, ::14] = True
    patch[:, 1::14] = True
    patch[::14, :] = True
    patch[1::14, :] = True
    for i in range(patch.shape[0]):  # a diagonal brace in every bay
        patch[i, (i % 14) :: 14] = True
    out[bars] = (150, 120, 80)  # lit brown steel
    return out, bars


def test_sky_between_a_lattices_bars_is_sky_and_the_bars_are_not(photos):
    photo, bars = _lattice(photos["rocket"])
    with OfflineSegmenter() as segmenter:
        sky = segmenter.segment(photo, "the sky").mask
        subject = segmenter.segment(photo, "the subject").mask
    rows, cols = OPEN_SKY
    inside = np.zeros_like(bars)
    inside[rows, cols] = True
    gaps = inside & ~bars
    # the gaps' sky was swallowed by superpixels that also hold bars; the matte gives it back
    assert float(sky[gaps].mean()) > 0.85
    assert float(sky[bars].mean()) < 0.3
    # the sky that the matte takes is no longer the subject: no glow of subject around the bars
    assert float((subject * sky)[gaps].mean()) < 0.05


def test_band_stops_at_the_skys_lowest_row():
    sky = np.zeros((60, 80), np.float32)
    sky[:30] = 1.0  # sky above a straight horizon
    band = matte_band(sky)
    assert band[25:30].all()  # the sky's own edge is matted
    assert not band[31:].any()  # the water or ground under the horizon is never reached


def test_matte_keeps_the_mask_where_there_is_no_confident_sky():
    rng = np.random.default_rng(0)
    small = rng.random((30, 40, 3), dtype=np.float32)
    full = rng.random((60, 80, 3), dtype=np.float32)
    refined = rng.random((60, 80), dtype=np.float32)
    weak = np.full((30, 40), 0.5, np.float32)
    assert np.array_equal(matte_sky(weak, refined, small, full), refined)


def test_the_launch_towers_do_not_take_the_sky_between_their_bars(photos):
    """Buildings, trees, ground and water lose what the matte calls sky, as the subject does.

    The rocket's lattice towers were found as buildings with 41% of that mask being the dusk sky
    seen between their bars, so "make the towers warmer" tinted the sky in a glow around them.
    """
    with OfflineSegmenter() as segmenter:
        sky = segmenter.segment(photos["rocket"], "the sky").mask
        towers = segmenter.segment(photos["rocket"], "the buildings")
        water = segmenter.segment(photos["rocket"], "the water").mask
    assert towers.found
    assert float((towers.mask * sky).sum() / towers.mask.sum()) < 0.1
    assert float((water * sky).sum()) <= 0.05 * max(float(water.sum()), 1.0)
