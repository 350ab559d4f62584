"""Landscape regions from superpixels: sky, water, vegetation, ground and architecture.

Every superpixel (:mod:`superpixels`) gets at most one of these labels, decided in this order, each
kind by the cues that a photographer would name:

* **sky**: cells touching the top edge that are smooth (median local lightness deviation under
  1.6, so stars and thin wires do not count), have no straight lines, and have a sky colour: blue
  to violet, neutral grey or white (not beige: a studio backdrop is not sky), or, once joined to
  that sky, the warm orange, pink and red of a sunset and the deep blue of dusk; a grey or white
  sky must also be smoother than a painted wall (median texture under 0.45); white cloud brighter
  than the sky around it may have more shading (texture under 3.5) and sharp edges. The sky grows
  from those cells to smooth neighbours across small colour steps only, so it follows a sunset's
  gradient but stops at the edge of a sea, a roof or a tree. Sky seen through foliage joins when
  its colour matches the sky already found. Holes in the sky (a kite, a bird) stay out of it.
* **horizon**: the row where most columns stop being sky (the band holding the most columns'
  end of the unbroken sky from the top, if it holds at least a quarter of them).
* **water**: smooth, line-free cells below the horizon that reflect the sky (its colour, no
  brighter than it) or are blue to cyan, in parts spanning a quarter of the frame's width; sky-like
  cells that the sky grew into below the horizon are its reflection, and so water. Out-of-focus
  water is smooth too, so it is found the same way.
* **vegetation**: green to yellow-green cells, and yellow ones with a grass-like texture, never
  with straight lines (a deck or a facade painted yellow is not a plant).
* **architecture**: connected parts of what is left whose density of long straight lines is that
  of boards, facades and roofs (at least 0.025 px of 25 px-or-longer lines per px) rather than of
  rock, hills or bark, and which stand up from the ground (at least 30 % above the horizon).
* **ground**: the remaining cells grown from the bottom edge, below the horizon, across colour
  steps under 18 (paths, roads, sand, gravel, snow, decks and boardwalks; not saturated things
  such as boats). Indoors (no sky, water or plants) only a neutral floor in the lower half counts:
  the wooden table under a cup is not ground.

Each kind also gets a *possible* share: the cells that loosely fit its cues. A kind that is not
found while nothing could be it is *confidently absent*; one not found while something could be
it is only *not found*, so the reply can be honest about which.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.superpixels import Superpixels

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
KINDS = ("sky", "water", "vegetation", "architecture", "ground")
#: Smallest share of the photo a kind needs to count as present.
MIN_SHARE = {"sky": 0.03, "water": 0.02, "vegetation": 0.03, "architecture": 0.05, "ground": 0.02}
#: Below this share of loosely fitting cells, a kind that was not found is confidently absent.
ABSENT_SHARE = 0.01


@dataclass(frozen=True)
class LandscapeLabels:
    """The landscape label of every superpixel, with how sure each kind is.

    Attributes:
        cells: the superpixels labelled.
        label: ``(n,)`` index into ``("none", *KINDS)``.
        confidence: per kind in [0, 1]; 0 when not found.
        possible: per kind, the share of the photo whose cells loosely fit the kind's cues.
        horizon: the horizon row in [0, 1], or None when none was seen.
    """

    cells: Superpixels
    label: NDArray[np.int32]
    confidence: dict[str, float]
    possible: dict[str, float]
    horizon: float | None

    def cell_mask(self, kind: str) -> BoolArray:
        """``(n,)`` True for the cells labelled ``kind``."""
        return self.label == ("none", *KINDS).index(kind)

    def mask(self, kind: str) -> FloatArray:
        """``(h, w)`` float32 hard mask of ``kind`` on the working view."""
        return self.cells.paint(self.cell_mask(kind))

    def share(self, kind: str) -> float:
        return float(self.cells.area[self.cell_mask(kind)].sum())


def _hue_in(hue: FloatArray, start: float, end: float) -> BoolArray:
    """Lab hue angle within [start, end] degrees (the window may wrap past 360)."""
    if start <= end:
        return (hue >= start) & (hue <= end)
    return (hue >= start) | (hue <= end)


def sky_colour(c: Superpixels) -> BoolArray:
    """Colours a sky has without help: blue-violet, or neutral grey-white that is not beige."""
    light, b = c.lab[:, 0], c.lab[:, 2]
    blue = _hue_in(c.hue, 225.0, 315.0) & (c.chroma >= 4.0) & (light >= 12.0)
    neutral = (c.chroma < 7.0) & (b < 0.5) & (light >= 45.0)
    return blue | neutral


def sky_companion(c: Superpixels) -> BoolArray:
    """Colours a sky takes next to its blue or grey: sunset warm, dusk pink and red, dark cloud."""
    light = c.lab[:, 0]
    warm = _hue_in(c.hue, 315.0, 100.0) & (light >= 35.0)
    dark_cloud = (c.chroma < 10.0) & (light >= 15.0)
    night = _hue_in(c.hue, 225.0, 315.0) & (c.chroma >= 3.0) & (light >= 4.0)
    return sky_colour(c) | warm | dark_cloud | night


def smooth(c: Superpixels, limit: float = 1.6) -> BoolArray:
    """Cells without texture or more than a short edge (a horizon may graze a sky cell)."""
    return (c.texture < limit) & (c.lines < 0.06)


def find_sky(c: Superpixels, blocked: BoolArray) -> BoolArray:
    """Sky cells: grown from smooth sky-coloured cells on the top edge (see the module doc)."""
    seeds = (c.top <= 0.02) & sky_colour(c) & smooth(c, 1.2) & ~blocked
    if not seeds.any():
        return np.zeros(c.count, bool)
    light = c.lab[:, 0]
    # Sunlit cumulus is soft, has more shading than clear sky, and is brighter than the sky it
    # floats in (pale rock under a white overcast is not).
    brighter = light >= float(np.median(light[seeds])) + 5.0
    cloud = brighter & (light >= 60.0) & (c.chroma < 12.0) & (c.texture < 3.5) & (c.lines < 0.06)
    companion = sky_companion(c) & (smooth(c) | cloud) & ~blocked
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
            if step < (9.0 if own[j] else 8.0) or (cloud[j] and c.row[j] < 0.5):
                sky[j] = True
                queue.append(j)
    # A grey or white sky is smoother than anything painted or built that has its colour: on the
    # dev photos its median texture is 0.1-0.25, a white board wall's 0.7.
    for part in _parts(c, sky):
        if (c.chroma[part] < 7.0).mean() >= 0.7 and float(np.median(c.texture[part])) > 0.45:
            sky[part] = False
    if c.area[sky].sum() < MIN_SHARE["sky"]:
        return np.zeros(c.count, bool)
    return sky | _sky_gaps(c, sky, blocked)


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
    for ends in (run_ends, lowest):
        row = _densest_band(ends[open_columns & (ends < 0.97)], 0.25 * width)
        if row is not None:
            return row
    return None


def _densest_band(rows: FloatArray, needed: float, band: float = 0.06) -> float | None:
    """Centre of the ``band``-high row band holding the most of ``rows``, if it holds ``needed``."""
    if len(rows) < needed:
        return None
    starts = np.arange(0.0, 1.0, 0.01)
    held = np.array([((rows >= s) & (rows < s + band)).sum() for s in starts])
    best = int(np.argmax(held))
    return float(starts[best] + band / 2) if held[best] >= needed else None


def find_water(
    c: Superpixels, sky: BoolArray, horizon: float | None, blocked: BoolArray
) -> BoolArray:
    """Water cells below the horizon (see the module doc)."""
    top = 0.25 if horizon is None else horizon - 0.04
    below = (c.top >= top) & ~blocked & ~sky
    calm = (c.texture < 4.0) & (c.lines < 0.3)
    blue = below & calm & _hue_in(c.hue, 200.0, 300.0) & (c.chroma >= 10.0)
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
        mirror |= sky & (c.row > max(horizon + 0.03, 0.45))
    keep = np.zeros(c.count, bool)
    for part in _parts(c, blue | mirror):
        area = float(c.area[part].sum())
        width = float(c.right[part].max() - c.left[part].min())
        height = float(c.bottom[part].max() - c.top[part].min())
        if width < 0.25 or height < 0.05 or area < MIN_SHARE["water"]:
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


def _touching(c: Superpixels, cells: BoolArray) -> BoolArray:
    """Cells sharing a boundary with any of ``cells``."""
    near = np.zeros(c.count, bool)
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    near[j[cells[i]]] = True
    near[i[cells[j]]] = True
    return near


def _parts(c: Superpixels, cells: BoolArray) -> list[NDArray[np.int64]]:
    """Connected components of the selected cells, as index arrays."""
    neighbours = c.adjacency
    seen = ~cells.copy()
    parts = []
    for start in np.flatnonzero(cells):
        if seen[start]:
            continue
        seen[start] = True
        part, queue = [start], deque([start])
        while queue:
            i = queue.popleft()
            for j in neighbours[i]:
                if not seen[j]:
                    seen[j] = True
                    part.append(j)
                    queue.append(j)
        parts.append(np.array(part))
    return parts


def find_vegetation(c: Superpixels, blocked: BoolArray, outdoors: bool) -> BoolArray:
    """Green to yellow-green cells, yellow ones with a grass-like texture, and autumn foliage.

    Yellow grass and orange leaves count only ``outdoors`` (a sky, or green plants, in the
    photo): on a table-top the same colours are wood, bread or fabric.
    """
    light = c.lab[:, 0]
    green = _hue_in(c.hue, 95.0, 175.0) & (c.chroma >= np.where(light < 25.0, 4.0, 7.0))
    green &= (c.lines < 0.2) & ~blocked
    outdoors = outdoors or float(c.area[green].sum()) >= MIN_SHARE["vegetation"]
    if not outdoors:
        return green
    grassy = _hue_in(c.hue, 65.0, 95.0) & (c.chroma >= 12.0) & (c.texture >= 2.5)
    plants = green | (grassy & (c.lines < 0.25) & ~blocked)
    # Autumn leaves are orange, but so are boats, decks and tables: a warm textured part counts
    # only when it borders green plants along much of its edge and has no long straight lines.
    autumn = _hue_in(c.hue, 35.0, 65.0) & (c.chroma >= 15.0) & (c.texture >= 2.0)
    autumn &= ~blocked & ~plants
    beside = _touching(c, plants)
    for part in _parts(c, autumn):
        area = float(c.area[part].sum())
        structure = float((c.structure[part] * c.area[part]).sum() / max(area, 1e-9))
        if beside[part].mean() >= 0.2 and structure < 0.015:
            plants[part] = True
    return plants


def find_architecture(c: Superpixels, horizon: float | None, blocked: BoolArray) -> BoolArray:
    """Connected parts with the long straight lines of buildings, standing up from the ground.

    A lined part lying wholly below the horizon is a deck, a road or a pier: ground, not building.
    """
    keep = np.zeros(c.count, bool)
    for part in _parts(c, ~blocked):
        area = float(c.area[part].sum())
        if area < MIN_SHARE["architecture"]:
            continue
        if horizon is not None and float(c.area[part][c.row[part] < horizon].sum()) < 0.3 * area:
            continue  # mostly below the horizon: a deck, a road, a pier
        weights = c.area[part] / area
        structure = float((c.structure[part] * weights).sum())
        # Facades, boards and roofs are neutral or muted; a saturated lined part is a table-top,
        # a boat or a painted object, not a building.
        if structure >= 0.025 and float((c.chroma[part] * weights).sum()) < 25.0:
            keep[part] = True
    return keep


def find_ground(
    c: Superpixels, horizon: float | None, blocked: BoolArray, outdoors: bool
) -> BoolArray:
    """Cells grown from the bottom edge below the horizon (see the module doc).

    Indoors (no sky, water or plants) only a plain, neutral floor in the lower half counts (no
    long lines: boards of a wall are not a floor): the wooden table under a cup or a tray of
    coloured cups is not ground.
    """
    floor = 0.3 if horizon is None else horizon
    candidate = ~blocked & (c.top >= floor - 0.02) & (c.chroma < 40.0)
    if not outdoors:
        plain = (c.chroma < 12.0) & (c.structure < 0.01) & (c.texture < 3.0)
        candidate = ~blocked & (c.top >= 0.43) & plain
    neighbours = c.adjacency
    ground = candidate & (c.bottom >= 0.98)
    queue = deque(np.flatnonzero(ground).tolist())
    while queue:
        i = queue.popleft()
        for j in neighbours[i]:
            if ground[j] or not candidate[j]:
                continue
            step = float(np.sqrt(((c.lab[i] - c.lab[j]) ** 2).sum()))
            if step < 18.0:
                ground[j] = True
                queue.append(j)
    return ground


def label_landscape(c: Superpixels, excluded: BoolArray | None = None) -> LandscapeLabels:
    """Label every cell of ``c``; ``excluded`` cells (people) stay unlabelled."""
    blocked = np.zeros(c.count, bool) if excluded is None else excluded.copy()
    label = np.zeros(c.count, np.int32)
    sky = find_sky(c, blocked)
    horizon = find_horizon(c, sky)
    water = find_water(c, sky, horizon, blocked)
    sky &= ~water
    taken = blocked | sky | water
    vegetation = find_vegetation(c, taken, outdoors=bool(sky.any()))
    taken |= vegetation
    outdoors = bool(sky.any() or water.any() or c.area[vegetation].sum() >= 0.05)
    # Indoors the plain floor is found before the walls, which would otherwise take it along.
    ground = np.zeros(c.count, bool) if outdoors else find_ground(c, horizon, taken, False)
    taken |= ground
    architecture = find_architecture(c, horizon, taken)
    taken |= architecture
    if outdoors:
        ground = find_ground(c, horizon, taken, True)
    found = {
        "sky": sky,
        "water": water,
        "vegetation": vegetation,
        "architecture": architecture,
        "ground": ground,
    }
    confidence, possible = {}, {}
    for index, kind in enumerate(KINDS, start=1):
        share = float(c.area[found[kind]].sum())
        if share >= MIN_SHARE[kind]:
            label[found[kind]] = index
            confidence[kind] = _confidence(kind, share)
        else:
            confidence[kind] = 0.0
    loose = _loose(c, horizon, blocked, outdoors)
    for kind in KINDS:
        possible[kind] = float(c.area[loose[kind] & (label == 0)].sum())
    return LandscapeLabels(c, label, confidence, possible, horizon)


def _confidence(kind: str, share: float) -> float:
    """More of a region, more certainty; water and ground are the least certain offline kinds."""
    ceiling = {"sky": 0.95, "water": 0.75, "vegetation": 0.9, "architecture": 0.7, "ground": 0.75}
    return float(ceiling[kind] * min(1.0, 0.5 + share / 0.1))


def _loose(
    c: Superpixels, horizon: float | None, blocked: BoolArray, outdoors: bool
) -> dict[str, BoolArray]:
    """Cells that loosely fit each kind: what a not-found kind could still be hiding in."""
    free = ~blocked
    watery = _hue_in(c.hue, 180.0, 300.0) | (c.chroma < 8.0)
    below = c.top >= (0.2 if horizon is None else horizon - 0.05)
    return {
        "sky": free & (c.top <= 0.05) & (c.texture < 2.0) & sky_colour(c),
        "water": free & below & outdoors & (c.texture < 12.0) & (c.lines < 0.15) & watery,
        "vegetation": free & _hue_in(c.hue, 60.0, 180.0) & (c.chroma >= 4.0),
        "architecture": free & (c.lines >= 0.02),
        "ground": free & (c.row >= 0.5),
    }
