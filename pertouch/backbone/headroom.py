"""Highlight headroom for white balance: how far a region's warmth may move before it blows out.

The renderer's white balance is a gain on red against blue that keeps each pixel's luma, so a
warmer white pushes its red channel (a cooler one its blue) past the top of the range: on white
shirts, clouds, cups and lamps, "warm" and "cool" looks blew several percent of the photo. The
operator itself stays a plain gain (a roll-off inside it changed how every white-balance edit
renders, faces and flags included); instead, for named looks, the solve caps the *strength*: when the
solved white balance of a region newly clips more than :data:`CLIP_BUDGET` of its pixels (its other
operators as solved: a fade leaves more room), it is held at the strength that clips just that much
and the rest is solved again around it, so the region warms (or cools) as far as it harmlessly can. Regions with room keep the move asked for; explicit
edits are not capped (the renderer's promise holds for them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.operators import Fields, apply_operators_planar
from pertouch.backbone.solver import Problem, Solution, solve
from pertouch.core.attributes import Attribute

F64 = NDArray[np.float64]
#: A white-balance move may newly clip at most 0.6% of its region's pixels: the do-no-harm guard's
#: 1% of the photo (:mod:`pertouch.core.guards`) less room for the full-resolution pass, which sees
#: highlights the analysis view averages away.
CLIP_BUDGET = 0.006
#: A channel at or above this rounds to the top code value (254.5 of 255): clipped.
_TOP = 254.5 / 255.0
#: Pixels whose brightest channel is below this do not reach the top under a look's white balance
#: (a gain of at most 2^(1.5 / 2.2) = 1.6 on one channel, before a brightening of about a third):
#: left out of the search.
_REACHABLE = 0.45
_HOLDS = 3  # re-solves: the other operators move a little each time, and the caps with them
_STEPS = 10  # bisection steps: 1.5 / 2^10 of a stop, far below what shows
_TEMP = Attribute.TEMPERATURE.channel


def white_balance_caps(problem: Problem, strengths: F64) -> F64:
    """The largest white balance ``(R,)`` each region may take, the rest of ``strengths`` kept.

    A region whose solved white balance newly clips more than :data:`CLIP_BUDGET` of its pixels
    gets the strength (same sign) at which it clips just that much; the others get inf. The other
    operators count: a fade that lowers the whites leaves the white balance more room.

    Args:
        problem: the view the renderer checks its result on (its pixels and feathered masks).
        strengths: ``(R, 4)`` solved strengths.
    """
    caps = np.full(len(strengths), np.inf)
    moving = np.abs(strengths[:, _TEMP]) > 1e-3
    planes = problem.planes.reshape(3, -1)
    brightest = planes.max(axis=0)
    near = brightest >= _REACHABLE
    if not moving.any() or not near.any():
        return caps
    pixels = np.ascontiguousarray(planes[:, near][:, None, :])
    was_clipped = brightest[near] >= _TOP
    feathered = problem.feathered.reshape(len(strengths), -1)
    own = feathered[:, near].T.astype(np.float64)  # (n, R): each region's share of each pixel
    weights = np.clip(feathered, 0.0, 1.0)
    pivot = problem.pivot.reshape(-1)[near][None, :]
    for i in np.flatnonzero(moving):
        area = float(weights[i].sum())
        weight = weights[i][near]
        used = float(abs(strengths[i, _TEMP]))
        sign = float(np.sign(strengths[i, _TEMP]))

        def share(
            strength: float,
            i: int = i,
            weight: NDArray[np.float32] = weight,
            sign: float = sign,
            area: float = area,
        ) -> float:
            trial = strengths.copy()
            trial[i, _TEMP] = sign * strength
            fields = Fields.clipped(list((own @ trial).T[:, None, :].astype(np.float32)), pivot)
            moved = pixels.copy()
            apply_operators_planar(moved, fields)
            newly = (moved.max(axis=0)[0] >= _TOP) & ~was_clipped
            return float(weight[newly].sum()) / max(area, 1e-6)

        if share(used) <= CLIP_BUDGET:
            continue
        low, high = 0.0, used
        for _ in range(_STEPS):
            mid = 0.5 * (low + high)
            low, high = (mid, high) if share(mid) <= CLIP_BUDGET else (low, mid)
        caps[i] = low
    return caps


def hold_white_balance(
    check: Problem,
    proxy: Problem,
    result: Solution,
    targets: F64,
    offset: F64 | float,
    edited: NDArray[np.bool_],
    tolerance: float,
    iterations: int,
) -> tuple[Solution, F64, NDArray[np.bool_], int]:
    """Solve again with each region's white balance held at its cap where it went past it.

    A held region's temperature goes where its capped white balance takes it (left out of the
    fit), and the other operators are refitted around it; the caps are measured again with them,
    up to :data:`_HOLDS` times. Holding the strength, rather than aiming at a smaller temperature
    target, keeps the white balance on the side asked for when a colour change moves the measured
    temperature too.

    Args:
        check: the view the result is checked on (:func:`white_balance_caps`).
        proxy: the view solved on; ``offset`` its levels' offset from ``check``'s.
        result: the solve to check.
        targets: ``(R, 4)`` target levels (``check``'s).

    Returns:
        The solution; the targets with each held temperature at the level it reached; the held
        ``(R, 4)`` strengths (later corrections keep them locked); the solver iterations spent.
    """
    held = np.zeros_like(edited, dtype=bool)
    spent = 0
    for _ in range(_HOLDS):
        caps = white_balance_caps(check, result.strengths)
        used = np.abs(result.strengths[:, _TEMP])
        over = used > caps * 1.02
        if not over.any():
            break
        start = result.strengths.copy()
        start[over, _TEMP] = np.sign(start[over, _TEMP]) * caps[over]
        held[over, _TEMP] = True
        result = solve(
            proxy,
            targets + offset,
            edited,
            start,
            result.jacobian,
            tolerance,
            iterations,
            free=held,
            locked=held,
        )
        spent += result.iterations
    if held.any():
        targets = targets.copy()
        targets[held] = (result.levels - offset)[held]
    return result, targets, held, spent
