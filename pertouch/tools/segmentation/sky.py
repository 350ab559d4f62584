"""The sky, the horizon and the water that mirrors the sky, on superpixels.

* **sky**: cells touching the top edge (or, when boughs or a roof hide it, a smooth blue
  stretch in the upper half reaching a side of the frame) that are smooth (median local lightness
  deviation under 1.6, so stars and thin wires do not count), have no straight lines, and have a
  sky colour: blue to violet, neutral grey or white (not beige: a studio backdrop is not sky),
  or, once joined to that sky, the warm orange, pink and red of a sunset, the deep blue of dusk
  and the pale cyan haze low over land; a grey or white sky must also be smoother than a painted
  wall (median texture under 0.45); white cloud brighter than the sky around it may have more
  shading (texture under 3.5) and sharp edges. The sky grows from those cells to smooth
  neighbours across small colour steps only, so it follows a sunset's gradient but stops at the
  edge of a sea, a roof or a tree; two kinds of cell join across larger steps: the soft, bright,
  warm glow round a low sun, and, high in the frame, blue cloud brighter than the sky beside it
  but of its hue. Sky seen through foliage joins when its colour matches the sky already found.
  Objects the sky encloses are found in :mod:`scene`.
* **horizon**: the row where most columns stop being sky (the band holding the most columns'
  end of the unbroken sky from the top, if it holds at least a quarter of them; or the band of
  their lowest sky when more columns agree on that: cloud banks between a sunset's glow and the
  hills end the unbroken sky high up).
* **water**: smooth, line-free cells below the horizon that are a flat blue or cyan sea, or that
  mirror the sky (its colours, no brighter than it) low in the frame, in parts spanning a quarter
  of the frame's width (measured across stalks or masts standing in front); sky-like cells that
  the sky grew into below what stands on the horizon are its reflection, and so water.
  Out-of-focus water is smooth too, so it is found the same way.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.superpixels import Superpixels, hue_in, parts

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
#: Smallest share of the photo the sky needs to count as present...
MIN_SKY = 0.03
#: ...and water.
MIN_WATER = 0.02
#: Narrowest part (share of the frame's width) of sky continued below the horizon kept as water.
REFLECTION_WIDTH = 0.08
#: Above this row, sky-coloured cloud may have this much texture (a sunset's streaked clouds).
HIGH_CLOUD_ROW = 0.35
HIGH_CLOUD_TEXTURE = 4.0
#: How many times as many columns must agree on their lowest sky as on the end of their unbroken
#: sky for the lowest sky to mark the horizon.
LOWEST_AGREEMENT = 1.0
#: Largest a-b step across which a high blue cell brighter than the sky joins it.
CLOUD_TINT = 10.0
#: A sunset's glow (warm, bright, soft) joins the sky across any colour step below this texture
#: and above this lightness.
GLOW_TEXTURE = 6.0
GLOW_LIGHT = 65.0
#: The pale cyan haze of a clear sky low over land: at most this chroma, at least this lightness.
PALE_CHROMA = 20.0
PALE_LIGHT = 75.0
#: Straight-edge density of a cell that may be a stalk or a mast in front of water.
OCCLUDER_LINES = 0.1
#: Least chroma of the blue stretch at a side of the frame that seeds a sky the top edge hides.
SIDE_CHROMA = 10.0
#: Without a horizon, the share of the frame's width a flat blue part must span to be water: a
#: lake or a sea seen from its shore runs across the frame, a blue bokeh blob or a cup does not.
OPEN_WATER_WIDTH = 0.6


def sky_colour(c: Superpixels) -> BoolArray:
    """Colours a sky has without help: blue-violet, or neutral grey-white that is not beige."""
    light, b = c.lab[:, 0], c.lab[:, 2]
    blue = hue_in(c.hue, 225.0, 315.0) & (c.chroma >= 4.0) & (light >= 12.0)
    neutral = (c.chroma < 7.0) & (b < 0.5) & (light >= 45.0)
    return blue | neutral


def sky_companion(c: Superpixels) -> BoolArray:
    """Colours a sky takes next to its blue or grey: sunset warm, dusk pink and red, dark cloud."""
    light = c.lab[:, 0]
    warm = hue_in(c.hue, 315.0, 100.0) & (light >= 35.0)
    dark_cloud = (c.chroma < 10.0) & (light >= 15.0)
    # Dusk and night skies run from deep blue through violet and magenta to a dark red glow.
    night = hue_in(c.hue, 225.0, 30.0) & (c.chroma >= 3.0) & (light >= 4.0)
    # Low over a meadow or a town, a clear sky pales to a light cyan haze, and cumulus there is
    # tinted by it (on the dev lone tree, hue 205-225, chroma 13-18, lightness 88-95).
    haze = hue_in(c.hue, 195.0, 225.0) & (c.chroma < PALE_CHROMA) & (light >= PALE_LIGHT)
    return sky_colour(c) | warm | dark_cloud | night | haze


def smooth(c: Superpixels, limit: float = 1.6) -> BoolArray:
    """Cells without texture or more than a short edge (a horizon may graze a sky cell)."""
    return (c.texture < limit) & (c.lines < 0.06)


def find_sky(c: Superpixels, blocked: BoolArray) -> BoolArray:
    """Sky cells: grown from smooth sky-coloured cells on the top edge (see the module doc), or,
    when none of those grows into a sky, from a blue stretch at a side (:func:`_side_seeds`)."""
    seeds = (c.top <= 0.02) & sky_colour(c) & smooth(c, 1.2) & ~blocked
    sky = _grow_sky(c, seeds, blocked) if seeds.any() else seeds
    if not sky.any():
        side = _side_seeds(c, blocked)
        if side.any():
            sky = _grow_sky(c, side, blocked)
    return sky


def _grow_sky(c: Superpixels, seeds: BoolArray, blocked: BoolArray) -> BoolArray:
    """The sky grown from ``seeds`` (see the module doc), or nothing if it is too small."""
    light = c.lab[:, 0]
    # Sunlit cumulus is soft, has more shading than clear sky, and is brighter than the sky it
    # floats in (pale rock under a white overcast is not).
    brighter = light >= float(np.median(light[seeds])) + 5.0
    cloud = brighter & (light >= 60.0) & (c.chroma < 12.0) & (c.texture < 3.5) & (c.lines < 0.06)
    # High in the frame, a sunset's or a storm's clouds are shaded and streaked, not smooth.
    high = (c.row < HIGH_CLOUD_ROW) & smooth(c, HIGH_CLOUD_TEXTURE)
    # The glow round a low sun is brighter than any sky seed and sits between dark clouds, so it
    # is reached across a large step; it is soft (a lit tower or facade has far more texture).
    glow = hue_in(c.hue, 35.0, 100.0) & (c.chroma >= 15.0) & (c.texture < GLOW_TEXTURE)
    glow &= (light >= max(GLOW_LIGHT, float(np.median(light[seeds])))) & (c.row < 0.5)
    companion = sky_companion(c) & (smooth(c) | cloud | high | glow) & ~blocked
    own = sky_colour(c)
    neighbours = c.adjacency
    sky = seeds.copy()
    queue = deque(np.flatnonzero(seeds).tolist())
    while queue:
        i = queue.popleft()
        for j in neighbours[i]:
            if sky[j] or not companion[j]:
                continue
            step = float(np.sqrt(((c.lab[i] - c.lab[j]) ** 2).sum()))
            # High up, a lit blue cloud is brighter than the sky beside it but of its hue (a
            # hazy blue mountain is darker than the sky it meets).
            tint = float(np.sqrt(((c.lab[i, 1:] - c.lab[j, 1:]) ** 2).sum()))
            lit = c.lab[j, 0] > c.lab[i, 0]
            shaded = own[j] and high[j] and lit and tint < CLOUD_TINT
            if (
                step < (9.0 if own[j] else 8.0)
                or shaded
                or ((cloud[j] or glow[j]) and c.row[j] < 0.5)
            ):
                sky[j] = True
                queue.append(j)
    # A grey or white sky is smoother than anything painted or built that has its colour: on the
    # dev photos its median texture is 0.1-0.25, a white board wall's 0.7.
    for part in parts(c, sky):
        if (c.chroma[part] < 7.0).mean() >= 0.7 and float(np.median(c.texture[part])) > 0.45:
            sky[part] = False
    if c.area[sky].sum() < MIN_SKY:
        return np.zeros(c.count, bool)
    return sky | _sky_gaps(c, sky, blocked)


def _side_seeds(c: Superpixels, blocked: BoolArray) -> BoolArray:
    """Sky seeds when branches or a roof hide the top edge: a smooth, clearly blue stretch in the
    upper half that reaches a side of the frame (the sky beside a hotel under a tree's boughs).

    Only blue, not grey: a grey stretch at the side is as likely a wall.
    """
    blue = hue_in(c.hue, 225.0, 315.0) & (c.chroma >= SIDE_CHROMA) & (c.lab[:, 0] >= 50.0)
    candidate = blue & smooth(c, 1.2) & (c.row < 0.5) & ~blocked
    seeds = np.zeros(c.count, bool)
    for part in parts(c, candidate):
        at_side = bool(((c.left[part] <= 0.01) | (c.right[part] >= 0.99)).any())
        if at_side and float(c.area[part].sum()) >= MIN_SKY:
            seeds[part] = True
    return seeds


def _sky_gaps(c: Superpixels, sky: BoolArray, blocked: BoolArray) -> BoolArray:
    """Sky seen through foliage or lattices: smooth cells matching the sky's own colours."""
    lowest = float(np.percentile(c.bottom[sky], 95))
    candidates = np.flatnonzero(~sky & ~blocked & smooth(c) & sky_colour(c) & (c.row <= lowest))
    if len(candidates) == 0:
        return np.zeros(c.count, bool)
    reference = c.lab[sky]
    distance = np.sqrt(((c.lab[candidates, None, :] - reference[None]) ** 2).sum(axis=2)).min(1)
    gaps = np.zeros(c.count, bool)
    gaps[candidates[distance < 4.0]] = True
    return gaps


def bare_wall(c: Superpixels, sky: BoolArray, horizon: float | None) -> bool:
    """Whether a grey or white "sky" with no horizon under it is a wall, a lamp or a backdrop.

    A real sky is seen above something: it ends at a horizon, or it is blue (a blue sky seen
    between leaves or behind a kite need not end in one). Grey or white with neither is, on the
    dev photos, a grey wall behind a clock or the glare of lamps.
    """
    if horizon is not None or not sky.any():
        return False
    weights = c.area[sky]
    neutral = float(weights[c.chroma[sky] < 7.0].sum() / weights.sum())
    return neutral >= 0.7


def find_horizon(c: Superpixels, sky: BoolArray) -> float | None:
    """The row where most columns stop being sky, or None (see the module doc).

    Only columns whose top pixel is sky count. Each is read first at the end of its unbroken run
    of sky from the top (the sky meets what stands on the horizon: islands, a pier); when those
    ends scatter (wires, stays or branches cross the sky), at the lowest sky pixel instead.
    """
    if not sky.any():
        return None
    painted = c.paint(sky) > 0.5
    height, width = painted.shape
    open_columns = painted[0]
    if open_columns.mean() < 0.25:
        return None
    run_ends = np.where(painted.all(axis=0), height, np.argmin(painted, axis=0)) / height
    lowest = (height - np.argmax(painted[::-1], axis=0)) / height
    needed = 0.25 * width
    first = _densest_band(run_ends[open_columns & (run_ends < 0.97)], needed)
    second = _densest_band(lowest[open_columns & (lowest < 0.97)], needed)
    # Dark cloud banks can end the unbroken sky high up in many columns; when more columns
    # agree on where their lowest sky ends, that is the horizon (a sunset between clouds).
    if first is not None and (second is None or second[1] < LOWEST_AGREEMENT * first[1]):
        return first[0]
    return None if second is None else second[0]


def _densest_band(rows: FloatArray, needed: float, band: float = 0.06) -> tuple[float, int] | None:
    """Centre of the ``band``-high row band holding the most of ``rows`` and how many it holds,
    if it holds ``needed``."""
    if len(rows) < needed:
        return None
    starts = np.arange(0.0, 1.0, 0.01)
    held = np.array([((rows >= s) & (rows < s + band)).sum() for s in starts])
    best = int(np.argmax(held))
    return (float(starts[best] + band / 2), int(held[best])) if held[best] >= needed else None


def find_water(
    c: Superpixels, sky: BoolArray, horizon: float | None, blocked: BoolArray
) -> BoolArray:
    """Water cells below the horizon (see the module doc)."""
    top = 0.25 if horizon is None else horizon - 0.04
    below = (c.top >= top) & ~blocked & ~sky
    calm = (c.texture < 4.0) & (c.lines < 0.3)
    blue = below & calm & hue_in(c.hue, 200.0, 300.0) & (c.chroma >= 10.0)
    mirror = np.zeros(c.count, bool)
    if sky.any() and horizon is not None:
        upper = sky & (c.row < horizon)
        if upper.any():
            reference = c.lab[upper]
            light = c.lab[:, 0]
            dim = float(np.percentile(reference[:, 0], 25)) - 12.0
            bright = float(np.percentile(reference[:, 0], 90)) + 5.0
            ab = c.lab[:, None, 1:] - reference[None, :, 1:]
            close = np.sqrt((ab**2).sum(axis=2)).min(axis=1) < 8.0
            mirror = below & calm & close & (light >= dim) & (light <= bright)
        # The sky cannot continue below what stands on the horizon: there it is its reflection.
        continued = sky & (c.row > max(horizon + 0.03, 0.45))
        mirror |= continued
    else:
        continued = np.zeros(c.count, bool)
    keep = np.zeros(c.count, bool)
    candidate = blue | mirror
    for part in parts(c, candidate | _occluders(c, candidate, below)):
        part = part[candidate[part]]
        area = float(c.area[part].sum())
        width = float(c.right[part].max() - c.left[part].min())
        height = float(c.bottom[part].max() - c.top[part].min())
        # Water beside a pier or between boats may be narrow; the sky seen again below the
        # horizon is reflection enough, whatever its width.
        narrowest = 0.25 if horizon is not None else OPEN_WATER_WIDTH
        if continued[part].mean() >= 0.5:
            narrowest = REFLECTION_WIDTH
        if width < narrowest or area < MIN_WATER:
            continue
        if height < 0.05:
            continue
        weights = c.area[part] / area
        texture = float((c.texture[part] * weights).sum())
        row = float((c.row[part] * weights).sum())
        # A sea is flat wherever it lies; a mirror of the sky lies low in the frame (hazy hills
        # far away share the sky's colour too, but stand higher).
        flat_sea = blue[part].mean() >= 0.5 and texture < 2.5 and row >= 0.35
        low_mirror = mirror[part].mean() >= 0.5 and texture < 3.0 and row >= 0.45
        if flat_sea or low_mirror:
            keep[part] = True
    return keep


def _occluders(c: Superpixels, water: BoolArray, below: BoolArray) -> BoolArray:
    """Thin lined things standing in front of water (grass stalks, masts, cables): cells with
    straight edges touching water-like cells on at least two sides, so a sea seen between dune
    grass is measured as one stretch across the frame, not as many narrow pieces."""
    touching = np.zeros(c.count, np.int32)
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    np.add.at(touching, i, water[j].astype(np.int32))
    np.add.at(touching, j, water[i].astype(np.int32))
    return below & ~water & (c.lines >= OCCLUDER_LINES) & (touching >= 2)
