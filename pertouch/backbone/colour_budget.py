"""The auto look's touch of contrast and colour, held to the mean-colour move it promises.

The auto look (:mod:`pertouch.core.auto_look`) adds a touch of colourfulness (and contrast) to a
region and
promises that its mean a*/b* moves by at most :data:`~pertouch.core.auto_look.MAX_COLOUR_SHIFT`
units (more reads as a cast). It can only judge that from the colourfulness metric, as if more
colour scaled every pixel's chroma alike. The renderer's vibrance does not: it lifts weak colours
most (that is what makes it vibrance), so on a region whose colour is mostly a faint tint, a
tabby's brown-grey fur or a wall in warm light, the mean colour moves about half as far again as
the metric says, and the near-neutral content takes on the tint (scikit-image's cat: 3.4 b* over
the photo, where the do-no-harm guard allows 3). The renderer knows its operator, so it measures
the move in CIELAB and holds such a region's vibrance (with its contrast: an S-curve saturates
too) where the mean moves just as far as :data:`TOUCH_TINT` allows; the rest is solved again around it. Colour and contrast
that a person asked for are never held here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.headroom import at_reached, refit_held
from pertouch.backbone.operators import apply_operators_planar
from pertouch.backbone.solver import Problem, Solution
from pertouch.core.attributes import Attribute
from pertouch.core.colour import lab_of_rgb

F64 = NDArray[np.float64]
_COLOUR, _TEMP = Attribute.COLORFULNESS.channel, Attribute.TEMPERATURE.channel
_TOUCH = (Attribute.CONTRAST.channel, _COLOUR)
#: The touch as a whole may move a region's mean a* or b* by at most 2.5 units each: the guard's
#: 3 on the photo less room for the full-resolution pass. The auto look plans its vibrance within
#: :data:`~pertouch.core.auto_look.MAX_COLOUR_SHIFT` by the colourfulness metric; this budget is
#: what the pixels actually do.
TOUCH_TINT = 2.5
_HOLDS = 2  # the other operators move a little after a hold, and the shift with them
_MARGIN = 0.9  # aim a little inside the budget: the full-resolution pass differs slightly


def mean_colour_shift(problem: Problem, strengths: F64) -> F64:
    """How far each region's mean (a*, b*) moves under ``strengths``, in CIELAB units ``(R,)``."""
    moves = mean_colour_moves(problem, strengths)
    return np.asarray(np.hypot(moves[:, 0], moves[:, 1]), dtype=np.float64)


def mean_colour_moves(problem: Problem, strengths: F64) -> F64:
    """Each region's mean (a*, b*) move under ``strengths`` ``(R, 2)``."""
    before = lab_of_rgb(problem.rgb)
    planes = problem.planes.copy()
    apply_operators_planar(planes, problem.fields(strengths))
    after = lab_of_rgb(np.moveaxis(planes, 0, -1))
    moved = (after - before)[..., 1:].reshape(-1, 2).astype(np.float64)
    weights = problem.weights.reshape(len(strengths), -1).astype(np.float64)
    return np.asarray(
        weights @ moved / np.maximum(weights.sum(axis=1, keepdims=True), 1e-6), dtype=np.float64
    )


def touch_factors(problem: Problem, strengths: F64, limited: NDArray[np.bool_]) -> F64:
    """The share ``(R,)`` in [0, 1] of its added contrast and colour each ``limited`` region may
    keep; 1 where the touch stays within the budget.

    An S-curve saturates colours too, so the budget is the tint of the touch as a whole: more
    contrast alone moved a green leaf's mean colour 3.5 units, past the guard's 3. The move grows
    about linearly with small strengths, so a region past the budget keeps both in proportion
    (what is left keeps its character, as :func:`pertouch.backbone.headroom.harm_factors` does).

    Args:
        problem: a view whose render and measured shapes agree (the analysis view).
        strengths: ``(R, 4)`` solved strengths.
        limited: ``(R,)`` regions whose contrast and colour moves are the auto look's touch.
    """
    factors = np.ones(len(strengths))
    raised = limited[:, None] & (strengths[:, list(_TOUCH)] > 1e-3)
    boosted = raised.any(axis=1)
    if not boosted.any():
        return factors
    plain = strengths.copy()
    for k, c in enumerate(_TOUCH):
        plain[raised[:, k], c] = 0.0
    # the region's mean moves by base + f * touch at a share f of the touch: the largest f that
    # keeps the whole move within the budget (the rest of the solve, a vibrance lowered to hold
    # colourfulness, can pull the other way)
    base = mean_colour_moves(problem, plain)
    touch = mean_colour_moves(problem, strengths) - base
    budget = _MARGIN * TOUCH_TINT
    for i in np.flatnonzero(boosted):
        if float(np.abs(base[i] + touch[i]).max()) <= TOUCH_TINT:
            continue
        grid = np.linspace(1.0, 0.0, 33)
        fits = [f for f in grid if float(np.abs(base[i] + f * touch[i]).max()) <= budget]
        factors[i] = fits[0] if fits else 0.0
    return factors


def hold_colour(
    proxy: Problem,
    result: Solution,
    targets: F64,
    offset: F64 | float,
    edited: NDArray[np.bool_],
    limited: NDArray[np.bool_],
    tolerance: float,
    iterations: int,
    held: NDArray[np.bool_] | None = None,
) -> tuple[Solution, F64, NDArray[np.bool_], int]:
    """Solve again with each ``limited`` region's added contrast and vibrance held where together
    they went past the budget (:func:`touch_factors`).

    A held region's colourfulness and contrast go where the held strengths take them (left out
    of the fit)
    and the other operators are refitted around it. Its white balance stays as solved and its
    temperature goes where that takes it: the temperature target carried the shift the larger
    colour move would have made, and chasing it would tint the region after all.

    Args:
        proxy: the analysis view, solved and measured on; ``offset`` its levels' offset from the
            targets' view.
        result: the solve to check.
        targets: ``(R, 4)`` target levels.
        held: ``(R, 4)`` strengths already held (white balance), kept locked.

    Returns:
        The solution; the targets with each held level at the level it reached; the ``(R, 4)``
        strengths to keep locked from now on (``held``, each held contrast and vibrance and the
        white balance of its region); the solver iterations spent.
    """
    held = np.zeros_like(edited, dtype=bool) if held is None else held.copy()
    ours = np.zeros_like(held)
    spent = 0
    for _ in range(_HOLDS):
        factors = touch_factors(proxy, result.strengths, limited)
        over = factors < 0.98
        if not over.any():
            break
        start = result.strengths.copy()
        for c in _TOUCH:
            raised = over & (start[:, c] > 1e-3)
            start[raised, c] *= factors[raised]
            ours[raised, c] = True
        frozen = held | ours
        frozen[ours.any(axis=1), _TEMP] = True
        result = refit_held(
            proxy, targets + offset, edited, start, result, frozen, tolerance, iterations
        )
        spent += result.iterations
    frozen = held | ours
    frozen[ours.any(axis=1), _TEMP] = True
    if ours.any():
        targets = at_reached(targets, result.levels - offset, frozen)
    return result, targets, frozen, spent
