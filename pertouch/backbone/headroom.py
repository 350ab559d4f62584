"""Headroom: how far a region's white balance, contrast and colour may go before they blow out.

The renderer's white balance is a gain on red against blue that keeps each pixel's luma, so a
warmer white pushes its red channel (a cooler one its blue) past the top of the range: on white
shirts, clouds, cups and lamps, "warm" and "cool" looks blew several percent of the photo. More
contrast and more colour do the same at both ends: an S-curve and a vibrance near its limit pushed
the coffee's cup to white and its shadows to black (dramatic: 2.5% clipped, 2.2% crushed). The
operators themselves stay as they are (a roll-off inside them changed how every edit renders,
faces and flags included); instead, for weak wishes and the agent's turns, the solve caps the
*strength*: when a region's solved white balance newly clips more than :data:`CLIP_BUDGET` of its
pixels, or its added contrast or colour newly clips or crushes (detail pushed below L* 3) more
than that (its other operators as solved: a fade leaves more room), it is held at the strength
that harms just that much and the rest is solved again around it, so the region moves as far as
it harmlessly can; but never so little that the move no longer shows (a look made invisible is
not made harmless); for the white balance, only as long as what shows stays within the guard's
clipping limit (:data:`FLOOR_CLIP`). Regions with room keep the move asked for.

It is longer than 300 lines because the holds on white balance, on contrast and colour, and the
visible floor under them share one clipping search, and their limits must be read together.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.operators import Fields, apply_operators_planar, luma
from pertouch.backbone.solver import Problem, Solution, solve
from pertouch.core.attributes import Attribute
from pertouch.core.colour import delta_e00, lab_of_rgb

F64 = NDArray[np.float64]
#: A move may newly clip (or crush) at most 0.6% of its region's pixels: the do-no-harm guard's
#: 1% of the photo (:mod:`pertouch.core.guards`) less room for the full-resolution pass, which sees
#: highlights the analysis view averages away.
CLIP_BUDGET = 0.006
#: A channel at or above this rounds to the top code value (254.5 of 255): clipped.
_TOP = 254.5 / 255.0
#: A channel at or above this (252.5 of 255, two code values short of the top) is as good as
#: clipped already: the highlight has no detail left to lose, and the least added contrast or
#: colour takes it to the top. Such pixels do not spend contrast and colour's budget (counted,
#: they held vivid and dramatic at nothing on bright water and skies: aqua has 14% of its pixels
#: there). A white balance's tint on them is counted: it blew 6% of a yellow flower's petals.
_NEAR_TOP = 252.5 / 255.0
#: Pixels whose brightest channel is below this do not reach the top under a look's white balance
#: (a gain of at most 2^(1.5 / 2.2) = 1.6 on one channel, before a brightening of about a third):
#: left out of the search.
_REACHABLE = 0.45
#: Luminance of L* 3 and L* 6: the do-no-harm guard counts detail (L* 6 or more) pushed below L* 3
#: as crushed. Pixels above :data:`_DARK` luma are not pushed that far by a look's contrast.
_Y_BLACK, _Y_DETAIL, _DARK = 3.0 / 903.3, 6.0 / 903.3, 0.3
#: A held white balance is raised to what shows (:func:`_visible_floor`) only while its new
#: clipping stays under 0.8% of the photo: the do-no-harm guard's 1% less the same margin for
#: the full-resolution pass. Past that, the move stays at its budget and may not show.
FLOOR_CLIP = 0.008
#: Share of a region that must change visibly for a held move to still show (:func:`_visible_floor`).
_VISIBLE = 0.03
_FLOOR_STEPS = 6  # 1/64 of the move: the floor need not be finer than what shows
_HOLDS = 3  # re-solves: the other operators move a little each time, and the caps with them
_STEPS = 10  # bisection steps: 1.5 / 2^10 of a stop, far below what shows
_TEMP = Attribute.TEMPERATURE.channel
_CONTRAST, _COLOUR = Attribute.CONTRAST.channel, Attribute.COLORFULNESS.channel
#: The operators whose added strength can clip or crush: more contrast, more colour.
TONAL = (Attribute.CONTRAST.channel, Attribute.COLORFULNESS.channel)


def white_balance_caps(problem: Problem, strengths: F64) -> F64:
    """The largest white balance ``(R,)`` each region may take, the rest of ``strengths`` kept.

    A region whose solved white balance newly clips more than :data:`CLIP_BUDGET` of its pixels
    gets the strength (same sign) at which it clips just that much; the others get inf. The other
    operators count: a fade that lowers the whites leaves the white balance more room.

    Args:
        problem: the view the renderer checks its result on (its pixels and feathered masks).
        strengths: ``(R, 4)`` solved strengths.
    """
    factor = harm_factors(problem, strengths, (_TEMP,))
    return np.where(factor < 1.0, factor * np.abs(strengths[:, _TEMP]), np.inf)


def harm_factors(problem: Problem, strengths: F64, channels: tuple[int, ...]) -> F64:
    """Per region ``(R,)``, the share in [0, 1] of its ``channels``' strengths it may keep.

    White balance is scaled in either direction and judged by new clipping. Contrast and colour
    (:data:`TONAL`) are scaled together, only where they are raised, and judged by new clipping
    and newly crushed shadows together: a look's punch is held back as a whole, so what is left
    of it keeps its character (more contrast and more colour, less of both).
    """
    factors = np.ones(len(strengths))
    tonal = channels != (_TEMP,)
    picked = np.zeros_like(strengths, dtype=bool)
    picked[:, list(channels)] = True
    scaled = picked & ((strengths > 1e-3) if tonal else (np.abs(strengths) > 1e-3))
    moving = scaled.any(axis=1)
    planes = problem.planes.reshape(3, -1)
    brightest = planes.max(axis=0)
    dark = luma(problem.rgb).reshape(-1)
    near = brightest >= _REACHABLE
    if tonal:
        near |= dark <= _DARK
    if not moving.any() or not near.any():
        return factors
    pixels = np.ascontiguousarray(planes[:, near][:, None, :])
    was_clipped = brightest[near] >= (_NEAR_TOP if tonal else _TOP)
    detail = ~_crushed(planes[:, near], _Y_DETAIL)
    feathered = problem.feathered.reshape(len(strengths), -1)
    own = feathered[:, near].T.astype(np.float64)  # (n, R): each region's share of each pixel
    weights = np.clip(feathered, 0.0, 1.0)
    pivot = problem.pivot.reshape(-1)[near][None, :]
    photo = float(weights.shape[1])
    for i in np.flatnonzero(moving):
        area = float(weights[i].sum())
        weight = weights[i][near]

        def share(
            factor: float, i: int = i, weight: NDArray[np.float32] = weight, area: float = area
        ) -> float:
            trial = strengths.copy()
            trial[i, scaled[i]] *= factor
            fields = Fields.clipped(list((own @ trial).T[:, None, :].astype(np.float32)), pivot)
            moved = pixels.copy()
            apply_operators_planar(moved, fields)
            newly = (moved.max(axis=0)[0] >= _TOP) & ~was_clipped
            if tonal:
                newly |= _crushed(moved)[0] & detail
            return float(weight[newly].sum()) / max(area, 1e-6)

        if share(1.0) <= CLIP_BUDGET:
            continue
        low, high = 0.0, 1.0
        for _ in range(_STEPS):
            mid = 0.5 * (low + high)
            low, high = (mid, high) if share(mid) <= CLIP_BUDGET else (low, mid)
        floor = _visible_floor(problem, strengths, i, scaled[i])
        # a white balance that shows is kept only while it stays under the guard's limit on the
        # photo: warm on a red flower's bright petals was floored to 9.5% new clipping. Contrast
        # and colour keep their floor: held to their budget, vivid on bright water showed nothing
        if floor > low and (tonal or share(floor) * area / photo <= FLOOR_CLIP):
            low = floor
        factors[i] = low
    return factors


def _visible_floor(
    problem: Problem, strengths: F64, region: int, scaled: NDArray[np.bool_]
) -> float:
    """The least share of region ``region``'s ``scaled`` strengths that still shows: a move held
    back to do no harm is never held back to nothing (the budget alone made vivid invisible on
    10 of 34 dev photos, whose bright water or sky clips under the least added contrast).

    It shows when :data:`_VISIBLE` of the region changes by CIEDE2000 2 or more (the guard's
    threshold; its share of the photo, 1%, is tripled for the full-resolution pass) against the
    region with the held move taken out: dramatic's darkening shows on its own, and its contrast
    was held to nothing under it. 1.0 when even the whole move does not show: nothing is held.
    """
    weight = np.clip(problem.feathered.reshape(len(strengths), -1)[region], 0.0, 1.0)
    inside = weight > 0.0
    area = max(float(weight.sum()), 1e-6)
    planes = problem.planes.reshape(3, -1)[:, inside][:, None, :]
    own = problem.feathered.reshape(len(strengths), -1)[:, inside].T.astype(np.float64)
    pivot = problem.pivot.reshape(-1)[inside][None, :]
    weight = weight[inside]

    def lab(factor: float) -> NDArray[np.float32]:
        trial = strengths.copy()
        trial[region, scaled] *= factor
        fields = Fields.clipped(list((own @ trial).T[:, None, :].astype(np.float32)), pivot)
        moved = np.ascontiguousarray(planes.copy())
        apply_operators_planar(moved, fields)
        return lab_of_rgb(np.clip(np.moveaxis(moved, 0, -1), 0.0, 1.0))

    without = lab(0.0)  # the region's other moves as solved: what shows must be the held move's

    def shown(factor: float) -> bool:
        changed = delta_e00(without, lab(factor))[0] >= 2.0
        return float(weight[changed].sum()) / area >= _VISIBLE

    if not shown(1.0):
        return 1.0
    low, high = 0.0, 1.0
    for _ in range(_FLOOR_STEPS):
        mid = 0.5 * (low + high)
        low, high = (low, mid) if shown(mid) else (mid, high)
    return high


def hold_white_balance(
    check: Problem,
    proxy: Problem,
    result: Solution,
    targets: F64,
    offset: F64 | float,
    edited: NDArray[np.bool_],
    tolerance: float,
    iterations: int,
    off: NDArray[np.bool_] | None = None,
    tonal: bool = True,
) -> tuple[Solution, F64, NDArray[np.bool_], int]:
    """Solve again with each region's white balance, contrast and colour held at its cap where
    it went past it.

    A held region's level goes where its capped strength takes it (left out of the fit), and the
    other operators are refitted around it; the caps are measured again with them,
    up to :data:`_HOLDS` times. Holding the strength, rather than aiming at a smaller temperature
    target, keeps the white balance on the side asked for when a colour change moves the measured
    temperature too.

    Args:
        check: the view the result is checked on (:func:`white_balance_caps`).
        proxy: the view solved on; ``offset`` its levels' offset from ``check``'s.
        result: the solve to check.
        targets: ``(R, 4)`` target levels (``check``'s).
        off: ``(R,)`` regions whose white balance is held at zero (a cap of 0): their temperature
            was not asked to change.
        tonal: cap contrast and colour too (a weak wish); False holds the white balance only.

    Returns:
        The solution; the targets with each held level at the level it reached; the held
        ``(R, 4)`` strengths (later corrections keep them locked); the solver iterations spent.
    """
    held = np.zeros_like(edited, dtype=bool)
    spent = 0
    # contrast and colour nobody asked for are capped but not locked: the refit takes them back
    # towards their levels (a warm look's solve reached for vibrance to warm a red flower; locked
    # at its cap once its white balance was held, that vibrance blew 3.6% of the photo)
    lockable = edited.copy()
    lockable[:, _TEMP] = True
    for _ in range(_HOLDS):
        start, newly = cap_strengths(check, result.strengths, off, tonal)
        if not newly.any():
            break
        # where contrast leads the punch, colour is held with it but left to the refit: an
        # S-curve already adds colour, so a small colour step beside a large contrast one
        # (dramatic) solved to a small vibrance, and held in proportion with the contrast the
        # photo ended less colourful than it began (measured -0.02 to -0.06 for +0.1 asked)
        led = result.strengths[:, _CONTRAST] > result.strengths[:, _COLOUR]
        free_colour = np.zeros_like(held)
        free_colour[led, _COLOUR] = True
        held |= newly & lockable & ~free_colour
        result = refit_held(
            proxy, targets + offset, edited, start, result, held, tolerance, iterations
        )
        spent += result.iterations
    else:
        # the last refit moved the other operators: cap once more, without another refit
        start, newly = cap_strengths(check, result.strengths, off, tonal)
        if newly.any():
            held |= newly
            result = replace(result, strengths=start, levels=proxy.levels(start))
    return result, at_reached(targets, result.levels - offset, held), held, spent


def refit_held(
    proxy: Problem,
    targets: F64,
    edited: NDArray[np.bool_],
    start: F64,
    previous: Solution,
    held: NDArray[np.bool_],
    tolerance: float,
    iterations: int,
) -> Solution:
    """Solve again from ``start`` with the ``held`` strengths locked where they are: a held
    level goes where its strength takes it and the other operators are refitted around it."""
    return solve(
        proxy,
        targets,
        edited,
        start,
        previous.jacobian,
        tolerance,
        iterations,
        free=held,
        locked=held,
    )


def at_reached(targets: F64, levels: F64, held: NDArray[np.bool_]) -> F64:
    """``targets`` with each held level replaced by the level it reached (a copy when any is)."""
    if not held.any():
        return targets
    out = targets.copy()
    out[held] = levels[held]
    return out


def cap_strengths(
    check: Problem, strengths: F64, off: NDArray[np.bool_] | None, tonal: bool = True
) -> tuple[F64, NDArray[np.bool_]]:
    """``strengths`` with contrast and colour (when ``tonal``), then white balance, at their
    caps; and the ``(R, 4)`` strengths that were capped."""
    start = strengths.copy()
    if not tonal:
        return _cap_white_balance(check, start, np.zeros_like(start, dtype=bool), off)
    # contrast and colour first, as a whole (judged without the white balance, whose own
    # clipping would otherwise be laid at their door); then the white balance in the room left
    neutral = start.copy()
    neutral[:, _TEMP] = 0.0
    factors = harm_factors(check, neutral, TONAL)
    punch = (factors < 0.98)[:, None] & (start > 1e-3)
    punch[:, _TEMP] = punch[:, Attribute.BRIGHTNESS.channel] = False
    start = np.where(punch, start * factors[:, None], start)
    return _cap_white_balance(check, start, punch, off)


def _cap_white_balance(
    check: Problem, start: F64, capped: NDArray[np.bool_], off: NDArray[np.bool_] | None
) -> tuple[F64, NDArray[np.bool_]]:
    """``start`` with each region's white balance at its cap, and ``capped`` marking it too."""
    caps = white_balance_caps(check, start)
    if off is not None:
        caps[off] = 0.0
    over = np.abs(start[:, _TEMP]) > caps * 1.02
    start[over, _TEMP] = np.sign(start[over, _TEMP]) * caps[over]
    capped = capped.copy()
    capped[over, _TEMP] = True
    return start, capped


def _crushed(planes: NDArray[np.float32], below: float = _Y_BLACK) -> NDArray[np.bool_]:
    """Pixels of ``(3, ...)`` sRGB planes whose luminance is under ``below`` (default L* 3, the
    do-no-harm guard's black)."""
    linear = np.where(planes <= 0.04045, planes / 12.92, ((planes + 0.055) / 1.055) ** 2.4)
    return np.asarray(0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2] < below)
