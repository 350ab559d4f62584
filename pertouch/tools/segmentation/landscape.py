"""Landscape regions from superpixels: sky, water, vegetation, ground and architecture.

Every superpixel (:mod:`superpixels`) gets at most one of these labels, decided in this order, each
kind by the cues that a photographer would name:

* **sky**, the **horizon** and **water**: see :mod:`sky` (smooth sky-coloured cells grown from
  the top edge; the row where the sky ends; a flat sea or a low mirror of the sky below it;
  then the sky's edge cells that a roof crosses, down to the sky's lowest reach).
* **vegetation**: green to yellow-green cells (Lab hue 95-175) with few straight lines; outdoors
  also yellow ones with a grass-like texture (in parts not dense with long lines: a lit lattice
  is not grass) and orange autumn foliage that borders green plants and has no long lines (a
  deck, a boat or a table-top is not a plant).
* **architecture**: connected parts of what is left whose density of long straight lines is that
  of boards, facades and roofs (at least 0.025 px of 25 px-or-longer lines per px) rather than of
  rock, hills or bark, and which stand up from the ground (at least 30 % above the horizon, or
  against a sky reaching down beside them: houses along a street, whose rooflines put the horizon
  high); muted in colour, or saturated only when it stands against the sky (a tower lit by lamps
  or the low sun); not a small part wrapped in plants (a branch among leaves). The line-free
  floor of such a part, reached from the bottom edge, is left to the ground (a street's cobbles).
* **ground**: the remaining cells grown from the bottom edge, below the horizon, across colour
  steps under 18 (paths, roads, sand, gravel, snow, decks and boardwalks; not saturated things
  such as boats). Without a horizon, ground that reaches the top of the frame is a backdrop (the
  cloth behind an apple, a mandrill's fur). Indoors (no sky, water or plants) only a neutral floor
  in the lower half counts: the wooden table under a cup is not ground.

The learned labeller (:mod:`cell_classifier`, fitted on the dev photos' outlines) then checks
these labels: a vegetation label it finds improbable (under 0.3) is dropped (sunlit rock, a dark
tower), cells the rules left unlabelled become vegetation where that is its most probable class
(shaded foliage; not water: with 44 outlined dev photos it filled clouds and hazy mountains more
than seas), a whole vegetation region whose cells it gives that kind under 0.2 on average is
dropped (a flower's yellow petals), and the ground grows again over the cells whose label it
dropped (mossy cobbles the rules took for green plants).
Sky, buildings and ground stay with the rules: held out by photo on the dev outlines, the learner
alone matched the rules on sky and fell far short on buildings and ground, which only a few
outlined photos hold.

Each kind also gets a *possible* share: the cells that loosely fit its cues. A kind that is not
found while nothing could be it is *confidently absent*; one not found while something could be
it is only *not found*, so the reply can be honest about which; cells the learner gives the kind
a probability of 0.3 or more count as possible too.

It is longer than 300 lines because the kinds are decided in order on one set of cells, each
rule reading the labels the earlier ones gave, and the learner's checks read them all.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation.cell_classifier import (
    CLASSES,
    TreeModel,
    classify_cells,
    combine,
    present,
)
from pertouch.tools.segmentation.cell_features import cell_features
from pertouch.tools.segmentation.sky import (
    MIN_SKY,
    MIN_WATER,
    bare_wall,
    find_horizon,
    find_sky,
    find_water,
    sky_colour,
    sky_edges,
)
from pertouch.tools.segmentation.superpixels import Superpixels, hue_in, parts, touching

FloatArray = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
KINDS = ("sky", "water", "vegetation", "architecture", "ground")
#: Smallest share of the photo a kind needs to count as present.
MIN_SHARE = {
    "sky": MIN_SKY,
    "water": MIN_WATER,
    "vegetation": 0.03,
    "architecture": 0.05,
    "ground": 0.02,
}
#: Mean density of long straight lines above which a yellow textured part is a lit lattice or a
#: facade, not dry grass.
LATTICE = 0.07
#: Share of a part's boundary that touches the sky above which a saturated lined part may still
#: be a building: a facade or a tower lit by the sun or by lamps stands against the sky, a red
#: motorcycle, a table-top or a tray of brushes does not.
AGAINST_SKY = 0.3
#: Share of a part's boundary that touches plants above which a lined part smaller than
#: BRANCH_SHARE of the photo is a branch, a trunk or stems among leaves (a squirrel's branch in
#: blurred foliage: 1.0 of its boundary, 7 % of the photo), not a building; a building filling
#: much of the frame may have only trees and lawn round it when its sky is not found.
AMONG_PLANTS = 0.9
BRANCH_SHARE = 0.25
#: Share of a part's edge energy that may run one way before it reads as streaks, not building.
ONE_WAY = 0.65
#: Without a horizon, ground cells must have at least this median texture (in focus)...
SHARP_GROUND = 3.0
#: ...and, with or without one, at least this lightness (L): a black backdrop is not ground.
DARK_GROUND = 15.0
#: Without a horizon, ground reaching above this row is a backdrop, not ground.
BACKDROP_TOP = 0.05
#: Share of the bottom row an indoor floor spans: a floor runs across the frame.
FLOOR_WIDTH = 0.5
#: Median texture an indoor floor has at least: a floor under the camera is in focus (the dev
#: motorcycle's showroom floor 1.0), a wall behind a close-up is blurred smooth (the bulb's 0.4).
FLOOR_FOCUS = 0.6
#: Density of long straight lines under which a cell of a building's part may be its floor.
FLOOR_STRUCTURE = 0.005
#: Learned probability at which a cell could be a kind that was not found (for honest absence).
PLAUSIBLE = 0.3
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
        features: ``(n, F)`` what the learned labeller read of each cell (:mod:`cell_features`).
    """

    cells: Superpixels
    label: NDArray[np.int32]
    confidence: dict[str, float]
    possible: dict[str, float]
    horizon: float | None
    features: FloatArray

    def cell_mask(self, kind: str) -> BoolArray:
        """``(n,)`` True for the cells labelled ``kind``."""
        return self.label == ("none", *KINDS).index(kind)

    def mask(self, kind: str) -> FloatArray:
        """``(h, w)`` float32 hard mask of ``kind`` on the working view."""
        return self.cells.paint(self.cell_mask(kind))

    def share(self, kind: str) -> float:
        return float(self.cells.area[self.cell_mask(kind)].sum())


def find_vegetation(c: Superpixels, blocked: BoolArray, outdoors: bool) -> BoolArray:
    """Green to yellow-green cells, yellow ones with a grass-like texture, and autumn foliage.

    Yellow grass and orange leaves count only ``outdoors`` (a sky, or green plants, in the
    photo): on a table-top the same colours are wood, bread or fabric.
    """
    light = c.lab[:, 0]
    green = hue_in(c.hue, 95.0, 175.0) & (c.chroma >= np.where(light < 25.0, 4.0, 7.0))
    green &= (c.lines < 0.2) & ~blocked
    outdoors = outdoors or float(c.area[green].sum()) >= MIN_SHARE["vegetation"]
    if not outdoors:
        return green
    grassy = hue_in(c.hue, 65.0, 95.0) & (c.chroma >= 12.0) & (c.texture >= 2.5)
    grassy &= (c.lines < 0.25) & ~blocked & ~green
    plants = green.copy()
    # Dry grass has a few long blades; a lit iron lattice or a yellow facade is all long lines
    # (a part's mean: dune grass 0.04, the lit tower 0.1 and more).
    for part in parts(c, grassy):
        area = float(c.area[part].sum())
        if float((c.structure[part] * c.area[part]).sum() / max(area, 1e-9)) < LATTICE:
            plants[part] = True
    # Autumn leaves are orange, but so are boats, decks and tables: a warm textured part counts
    # only when it borders green plants along much of its edge and has no long straight lines.
    autumn = hue_in(c.hue, 35.0, 65.0) & (c.chroma >= 15.0) & (c.texture >= 2.0)
    autumn &= ~blocked & ~plants
    beside = touching(c, plants)
    for part in parts(c, autumn):
        area = float(c.area[part].sum())
        structure = float((c.structure[part] * c.area[part]).sum() / max(area, 1e-9))
        if beside[part].mean() >= 0.2 and structure < 0.015:
            plants[part] = True
    return plants


def find_architecture(
    c: Superpixels,
    horizon: float | None,
    blocked: BoolArray,
    sky: BoolArray,
    plants: BoolArray | None = None,
) -> BoolArray:
    """Connected parts with the long straight lines of buildings, standing up from the ground.

    A lined part lying wholly below the horizon is a deck, a road or a pier: ground, not building.
    A lined part that ``plants`` enclose is a branch, a trunk or stems among leaves.
    """
    plants = np.zeros(c.count, bool) if plants is None else plants
    keep = np.zeros(c.count, bool)
    i, j = c.pairs[:, 0], c.pairs[:, 1]
    # Where the sky reaches lowest: in a street the sky ends at the rooflines, so the horizon
    # (where most columns' sky ends) lies high on the roofs, while the sky goes down to the end
    # of the lane.
    sky_floor = float(np.percentile(c.bottom[sky], 95)) if sky.any() else 0.0
    for part in parts(c, ~blocked):
        area = float(c.area[part].sum())
        if area < MIN_SHARE["architecture"]:
            continue
        lit = _against_sky(c, part, sky, i, j) >= AGAINST_SKY
        if area < BRANCH_SHARE and _against_sky(c, part, plants, i, j) >= AMONG_PLANTS:
            continue
        if horizon is not None and float(c.area[part][c.row[part] < horizon].sum()) < 0.3 * area:
            # Mostly below the horizon: a deck, a road, a pier; unless it stands against a sky
            # reaching down beside it (houses along a street; not a sea behind grass stalks).
            standing = float(c.area[part][c.row[part] < sky_floor].sum()) >= 0.3 * area
            if not (lit and standing):
                continue
        weights = c.area[part] / area
        structure = float((c.structure[part] * weights).sum())
        # The streaks of a panned or wind-blurred shot are long lines too, but all run one way;
        # a facade, a roof or a boarded wall has edges both ways (on the dev photos at most 0.52
        # of a cell's gradient is one-sided on buildings, 0.73 on a panned cheetah's background).
        ex, ey = c.edges_x[part], c.edges_y[part]
        if float((np.abs(ex - ey) / (ex + ey + 1e-3) * weights).sum()) >= ONE_WAY:
            continue
        # Facades, boards and roofs are neutral or muted; a saturated lined part is a table-top,
        # a boat or a painted object, not a building, unless it stands against the sky (a lit
        # tower, a sunlit facade).
        muted = float((c.chroma[part] * weights).sum()) < 25.0
        if structure >= 0.025 and (muted or lit):
            keep[part] = True
            keep &= ~_floor(c, part)
    return keep


def _floor(c: Superpixels, part: NDArray[np.int64]) -> BoolArray:
    """The cells of a lined part that are the floor it stands on, not building.

    A street's cobbles or a room's floor join the walls in one part; they are told by having no
    long straight lines (on the dev street, cobbles 0 px per px in every cell, brick walls a
    median of 0.02) and by reaching the bottom edge through such cells, in the lower half.
    """
    inside = np.zeros(c.count, bool)
    inside[part] = True
    candidate = inside & (c.structure < FLOOR_STRUCTURE) & (c.top >= 0.45)
    return _grow(c, candidate & (c.bottom >= 0.98), candidate)


def _against_sky(
    c: Superpixels,
    part: NDArray[np.int64],
    sky: BoolArray,
    i: NDArray[np.int32],
    j: NDArray[np.int32],
) -> float:
    """Share of the part's outer boundary (contact length) shared with ``sky`` cells (or any
    other set of cells: the plants round a branch)."""
    inside = np.zeros(c.count, bool)
    inside[part] = True
    outer = inside[i] != inside[j]
    if not outer.any():
        return 0.0
    other = np.where(inside[i], j, i)[outer]
    return float(c.contact[outer][sky[other]].sum() / c.contact[outer].sum())


def find_ground(
    c: Superpixels, horizon: float | None, blocked: BoolArray, outdoors: bool
) -> BoolArray:
    """Cells grown from the bottom edge below the horizon (see the module doc).

    Indoors (no sky, water or plants) only a plain, neutral floor in the lower half counts (no
    long lines: boards of a wall are not a floor), spanning half the bottom row and in focus:
    the wooden table under a cup, a tray of coloured cups or the blurred wall behind a hanging
    bulb is not ground. Without a horizon outdoors, the ground also spans half the bottom row
    (by a stream, in a forest): the corner of a shelf or a flowerpot under a close-up does not.
    """
    floor = 0.3 if horizon is None else horizon
    lit = c.lab[:, 0] >= DARK_GROUND
    candidate = ~blocked & (c.top >= floor - 0.02) & (c.chroma < 40.0)
    if horizon is None:
        # No horizon: a close-up or a scene seen from within (a forest, a stream). The ground
        # under the camera is then in focus and lit; smooth bokeh, a dark backdrop or a sky
        # above it is not ground.
        candidate &= (c.texture >= SHARP_GROUND) & lit
    if not outdoors:
        plain = (c.chroma < 12.0) & (c.structure < 0.01) & (c.texture < 3.0)
        candidate = ~blocked & (c.top >= 0.43) & plain & lit
    ground = _grow(c, candidate & (c.bottom >= 0.98), candidate)
    span = float(c.paint(ground)[-1].mean())
    if not outdoors and span < FLOOR_WIDTH:
        return np.zeros(c.count, bool)  # a corner of a table-top or a wall, not a floor
    if not outdoors and ground.any() and float(np.median(c.texture[ground])) < FLOOR_FOCUS:
        return np.zeros(c.count, bool)  # an out-of-focus wall behind a close-up, not a floor
    if horizon is None and span < FLOOR_WIDTH:
        return np.zeros(c.count, bool)  # the corner of a shelf or a pot under a close-up
    return ground if horizon is not None else _without_backdrops(c, ground)


#: Largest colour step (Lab) between neighbouring cells that ground grows across.
GROUND_STEP = 18.0


def _grow(c: Superpixels, seeds: BoolArray, allowed: BoolArray) -> BoolArray:
    """``seeds`` grown through ``allowed`` cells across colour steps under :data:`GROUND_STEP`."""
    grown = seeds.copy()
    queue = deque(np.flatnonzero(seeds).tolist())
    while queue:
        i = queue.popleft()
        for j in c.adjacency[i]:
            if grown[j] or not allowed[j]:
                continue
            if float(np.sqrt(((c.lab[i] - c.lab[j]) ** 2).sum())) < GROUND_STEP:
                grown[j] = True
                queue.append(j)
    return grown


def _without_backdrops(c: Superpixels, ground: BoolArray) -> BoolArray:
    """``ground`` less its parts that reach the top of the frame, for a photo without a horizon.

    Seen from within a forest or by a stream, the ground rises from the bottom edge but does not
    reach the top of the frame; what does is a backdrop: a cloth behind an apple, a mandrill's fur.
    """
    ground = ground.copy()
    for part in parts(c, ground):
        if float(c.top[part].min()) < BACKDROP_TOP:
            ground[part] = False
    return ground


def rule_labels(
    c: Superpixels, blocked: BoolArray
) -> tuple[dict[str, BoolArray], float | None, bool]:
    """The rules' cells per kind (see the module doc), the horizon, and whether it is outdoors."""
    sky = find_sky(c, blocked)
    horizon = find_horizon(c, sky)
    if bare_wall(c, sky, horizon):
        sky = np.zeros(c.count, bool)
    water = find_water(c, sky, horizon, blocked)
    sky &= ~water
    # once the horizon is set, the sky takes the cells of its edge that a roof or a ridge
    # crosses, down to where the sky reaches lowest (a street's sky goes below the rooflines)
    if horizon is not None:
        lowest = float(np.percentile(c.bottom[sky], 95))
        sky |= sky_edges(c, sky, blocked | water) & (c.row < lowest)
    taken = blocked | sky | water
    vegetation = find_vegetation(c, taken, outdoors=bool(sky.any()))
    taken |= vegetation
    outdoors = bool(sky.any() or water.any() or c.area[vegetation].sum() >= 0.05)
    # Indoors the plain floor is found before the walls, which would otherwise take it along.
    ground = np.zeros(c.count, bool) if outdoors else find_ground(c, horizon, taken, False)
    taken |= ground
    architecture = find_architecture(c, horizon, taken, sky, vegetation)
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
    return found, horizon, outdoors


def label_landscape(
    c: Superpixels,
    lab: FloatArray,
    excluded: BoolArray | None = None,
    model: TreeModel | None = None,
) -> LandscapeLabels:
    """Label every cell of ``c``; ``excluded`` cells (people) stay unlabelled.

    With a ``model`` (:mod:`cell_classifier`) the learned labeller checks the rules' labels (and
    may label what they left); without one, the rules decide alone.
    ``lab`` is the working view in CIE Lab, which the learned features read.
    """
    blocked = np.zeros(c.count, bool) if excluded is None else excluded.copy()
    label = np.zeros(c.count, np.int32)
    found, horizon, outdoors = rule_labels(c, blocked)
    features = cell_features(c, lab, horizon, found)
    learned = None
    if model is not None:
        learned = classify_cells(c, features, model)
        rules = np.zeros(c.count, np.int32)
        for kind in KINDS:
            rules[found[kind]] = CLASSES.index(kind)
        best = combine(rules, learned, model.veto, model.fill)
        best = present(best, learned, c.area, model.presence)
        best = regrow_ground(c, rules, best, blocked, horizon)
        found = {kind: (best == CLASSES.index(kind)) & ~blocked for kind in KINDS}
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
        if learned is not None:  # what the learner finds plausible may be there too
            loose[kind] |= ~blocked & (learned[:, CLASSES.index(kind)] >= PLAUSIBLE)
        possible[kind] = float(c.area[loose[kind] & (label == 0)].sum())
    return LandscapeLabels(c, label, confidence, possible, horizon, features)


def regrow_ground(
    c: Superpixels,
    rules: NDArray[np.int32],
    best: NDArray[np.int32],
    blocked: BoolArray,
    horizon: float | None,
) -> NDArray[np.int32]:
    """``best`` (indices into :data:`CLASSES`) with the ground grown again into the cells whose
    ``rules`` label the learner dropped.

    Mossy cobbles or a shaded path read as green to the rules, which then block the ground from
    growing over them; once the learner drops that label, the ground continues across them
    (colour steps under 18, as :func:`find_ground` grows).
    """
    ground = best == CLASSES.index("ground")
    freed = (rules > 0) & (best == 0) & ~blocked
    grown = _grow(c, ground, freed)
    if horizon is None:
        grown = _without_backdrops(c, grown)
        best = np.where(ground & ~grown, 0, best)
    return np.where(grown, CLASSES.index("ground"), best).astype(np.int32)


def _confidence(kind: str, share: float) -> float:
    """More of a region, more certainty; water and ground are the least certain offline kinds."""
    ceiling = {"sky": 0.95, "water": 0.75, "vegetation": 0.9, "architecture": 0.7, "ground": 0.75}
    return float(ceiling[kind] * min(1.0, 0.5 + share / 0.1))


def _loose(
    c: Superpixels, horizon: float | None, blocked: BoolArray, outdoors: bool
) -> dict[str, BoolArray]:
    """Cells that loosely fit each kind: what a not-found kind could still be hiding in."""
    free = ~blocked
    watery = hue_in(c.hue, 180.0, 300.0) | (c.chroma < 8.0)
    below = c.top >= (0.2 if horizon is None else horizon - 0.05)
    return {
        "sky": free & (c.top <= 0.05) & (c.texture < 2.0) & sky_colour(c),
        "water": free & below & outdoors & (c.texture < 12.0) & (c.lines < 0.15) & watery,
        "vegetation": free & hue_in(c.hue, 60.0, 180.0) & (c.chroma >= 4.0),
        "architecture": free & (c.lines >= 0.02),
        "ground": free & (c.row >= 0.5),
    }
