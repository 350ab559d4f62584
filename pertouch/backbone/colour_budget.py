"""The auto look's touch of colour, held to the mean-colour move it promises.

The auto look (:mod:`pertouch.core.auto_look`) adds a touch of colourfulness to a region and
promises that its mean a*/b* moves by at most :data:`~pertouch.core.auto_look.MAX_COLOUR_SHIFT`
units (more reads as a cast). It can only judge that from the colourfulness metric, as if more
colour scaled every pixel's chroma alike. The renderer's vibrance does not: it lifts weak colours
most (that is what makes it vibrance), so on a region whose colour is mostly a faint tint, a
tabby's brown-grey fur or a wall in warm light, the mean colour moves about half as far again as
the metric says, and the near-neutral content takes on the tint (scikit-image's cat: 3.4 b* over
the photo, where the do-no-harm guard allows 3). The renderer knows its operator, so it measures
the move in CIELAB and holds such a region's vibrance where the mean moves just that far; the rest
is solved again around it. Colour that a person asked for is never held here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.headroom import at_reached, refit_held
from pertouch.backbone.operators import apply_operators_planar
from pertouch.backbone.solver import Problem, Solution
from pertouch.core.attributes import Attribute
from pertouch.core.auto_look import MAX_COLOUR_SHIFT
from pertouch.core.colour import lab_of_rgb

F64 = NDArray[np.float64]
_COLOUR, _TEMP = Attribute.COLORFULNESS.channel, Attribute.TEMPERATURE.channel
_HOLDS = 2  # the other operators move a little after a hold, and the shift with them
_MARGIN = 0.9  # aim a little inside the budget: the full-resolution pass differs slightly


def mean_colour_shift(problem: Problem, strengths: F64) -> F64:
    """How far each region's mean (a*, b*) moves under ``strengths``, in CIELAB units ``(R,)``."""
    before = lab_of_rgb(problem.rgb)
    planes = problem.planes.copy()
    apply_operators_planar(planes, problem.fields(strengths))
    after = lab_of_rgb(np.moveaxis(planes, 0, -1))
    moved = (after - before)[..., 1:].reshape(-1, 2).astype(np.float64)
    weights = problem.weights.reshape(len(strengths), -1).astype(np.float64)
    means = weights @ moved / np.maximum(weights.sum(axis=1, keepdims=True), 1e-6)
    return np.asarray(np.hypot(means[:, 0], means[:, 1]), dtype=np.float64)


def colour_caps(problem: Problem, strengths: F64, limited: NDArray[np.bool_]) -> F64:
    """The largest vibrance ``(R,)`` each ``limited`` region may take; inf where it has room.

    The mean-colour move grows about linearly with a small vibrance, so a region whose solved
    vibrance moves its mean colour past the budget is capped in proportion.

    Args:
        problem: a view whose render and measured shapes agree (the analysis view).
        strengths: ``(R, 4)`` solved strengths.
        limited: ``(R,)`` regions whose colour move is the auto look's touch.
    """
    caps = np.full(len(strengths), np.inf)
    boosted = limited & (strengths[:, _COLOUR] > 1e-3)
    if not boosted.any():
        return caps
    plain = strengths.copy()
    plain[boosted, _COLOUR] = 0.0
    shift = np.abs(mean_colour_shift(problem, strengths) - mean_colour_shift(problem, plain))
    over = boosted & (shift > MAX_COLOUR_SHIFT)
    budget = _MARGIN * MAX_COLOUR_SHIFT
    caps[over] = strengths[over, _COLOUR] * budget / shift[over]
    return caps


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
    """Solve again with each ``limited`` region's vibrance held at its cap where it went past it.

    A held region's colourfulness goes where the capped vibrance takes it (left out of the fit)
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
        strengths to keep locked from now on (``held``, each held vibrance and the white balance
        of its region); the solver iterations spent.
    """
    held = np.zeros_like(edited, dtype=bool) if held is None else held.copy()
    ours = np.zeros_like(held)
    spent = 0
    for _ in range(_HOLDS):
        caps = colour_caps(proxy, result.strengths, limited)
        over = result.strengths[:, _COLOUR] > caps * 1.02
        if not over.any():
            break
        start = result.strengths.copy()
        start[over, _COLOUR] = caps[over]
        ours[over, _COLOUR] = True
        frozen = held | ours
        frozen[ours[:, _COLOUR], _TEMP] = True
        result = refit_held(
            proxy, targets + offset, edited, start, result, frozen, tolerance, iterations
        )
        spent += result.iterations
    frozen = held | ours
    frozen[ours[:, _COLOUR], _TEMP] = True
    if ours.any():
        targets = at_reached(targets, result.levels - offset, frozen)
    return result, targets, frozen, spent
