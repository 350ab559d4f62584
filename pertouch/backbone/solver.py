"""Solving operator strengths so that every region lands on its target levels.

A :class:`Problem` is one photo at one resolution: the regions' masks, their feathered versions, the
targets. :func:`solve` runs a weighted Levenberg–Marquardt iteration on it. Attributes interact
(brighter is also more colourful and more contrasty, and a strength that stops at a speckled mask's
edges adds contrast there), so all strengths of all regions are solved together.

Measuring a Jacobian by finite differences costs one evaluation per strength, so the renderer
solves first on a half-size view, where evaluations are four times cheaper, and then refines on the
analysis view, starting from the coarse solution and its Jacobian and keeping that current with
Broyden's rank-one updates.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.feather import apply_coefficients, guided_coefficients
from pertouch.backbone.operators import RANGES, Fields, apply_operators_planar, luma
from pertouch.core.attributes import NUM_ATTRIBUTES
from pertouch.core.levels import LevelScale
from pertouch.core.metrics import RegionMeter, resize_area

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]

_PROBE = 0.05  # finite-difference step per strength
_MAX_STEP = 0.5  # largest change of one strength in one step
_STALL_STEPS, _STALL_GAIN = 3, 0.97  # stop when 3 steps shrink the merit by less than 3%
_STALL_AFTER = 10  # ... and only in long runs: slow starts are common and often recover
#: A faint pull towards zero strengths. Operators overlap (a darker region can hold its contrast by
#: fading less or by an S-curve), so without it nearly equal photos could get different mixes.
_RIDGE = 1e-4
#: The renderer's promise: edited attributes within ±0.05 level, the others within 0.02.
EDIT_BAND = 0.05
KEEP_BAND = 0.02
#: Residuals are weighed as fractions of their band, so when targets conflict (warmer but not more
#: colourful, on an orange face) the error lands where the promise has the most room.
UNEDITED_WEIGHT = EDIT_BAND / KEEP_BAND


@dataclass
class Problem:
    """One photo, rendered at one resolution and measured at another, for any strengths.

    Measuring happens on the analysis view; rendering happens on a view that may be larger (up to
    twice the analysis size) and is area-downsampled before it is measured, exactly as the
    full-resolution result will be. Tone curves do not commute with downsampling, so a proxy that
    rendered the analysis view itself would disagree with the real result on textured regions.

    Attributes:
        rgb: ``(h, w, 3)`` float32 view of the photo that is rendered.
        weights: ``(R, h', w')`` region masks on the measured view.
        feathered: ``(R, h, w)`` masks as the strengths are applied (edge-aware, unclipped).
        pivot: ``(h, w)`` contrast pivot field.
        scale: raw metrics to levels.
    """

    rgb: F32
    weights: F32
    feathered: F32
    pivot: F32
    scale: LevelScale

    def __post_init__(self) -> None:
        self.meter = RegionMeter(self.weights)
        self.planes = np.ascontiguousarray(np.moveaxis(self.rgb, -1, 0))
        self.measured_shape = (self.weights.shape[1], self.weights.shape[2])

    def fields(self, strengths: F64) -> Fields:
        """Per-pixel strengths: the regions' strengths summed under their feathered masks."""
        per_pixel = np.tensordot(strengths.T.astype(np.float32), self.feathered, axes=1)
        return Fields.clipped(list(per_pixel), self.pivot)

    def levels(self, strengths: F64 | None = None) -> F64:
        """Unclipped levels ``(R, 4)`` of every region after applying ``strengths`` ``(R, 4)``."""
        planes = self.planes.copy()
        if strengths is not None:
            apply_operators_planar(planes, self.fields(strengths))
        if planes.shape[1:] != self.measured_shape:
            planes = np.stack([resize_area(p, self.measured_shape) for p in planes])
        return self.scale.to_level(self.meter.planar(planes), clip=False)

    def jacobian(
        self, strengths: F64, levels: F64, fixed: NDArray[np.bool_] | None = None
    ) -> F64:
        """``d levels / d strengths`` as a ``(4R, 4R)`` matrix, by forward differences.

        Columns of ``fixed`` strengths (that never move) are left at zero unmeasured.
        """
        size = strengths.size
        jac = np.zeros((size, size))
        flat = strengths.reshape(-1)
        skip = np.zeros(size, dtype=bool) if fixed is None else fixed.reshape(-1)
        for index in np.flatnonzero(~skip):
            k = index % NUM_ATTRIBUTES
            step = _PROBE if flat[index] + _PROBE <= RANGES[k, 1] else -_PROBE
            probe = flat.copy()
            probe[index] += step
            jac[:, index] = ((self.levels(probe.reshape(strengths.shape)) - levels) / step).reshape(
                -1
            )
        return jac


@dataclass
class Solution:
    """Where :func:`solve` stopped: strengths, the levels they give, and whether the promise holds."""

    strengths: F64
    levels: F64
    jacobian: F64
    iterations: int
    error: float
    within_bands: bool


def solve(
    problem: Problem,
    targets: F64,
    edited: NDArray[np.bool_],
    strengths: F64 | None = None,
    jacobian: F64 | None = None,
    tolerance: float = 0.005,
    max_iterations: int = 12,
    free: NDArray[np.bool_] | None = None,
    locked: NDArray[np.bool_] | None = None,
) -> Solution:
    """Weighted Levenberg–Marquardt with Broyden updates, from ``strengths`` (default zero).

    ``free`` marks (region, attribute) levels left out of the fit altogether: they go where the
    strengths take them. ``locked`` marks (region, operator) strengths that stay where they start.

    Stops when every region is within ``tolerance`` level of its targets, after ``max_iterations``,
    when no step helps even with a freshly measured Jacobian, or when three steps together won
    less than a tenth of the remaining error (targets at the end of a scale, or in conflict, are
    approached that slowly; further evaluations would buy nothing visible).
    """
    # A region nothing was asked of keeps its pixels: no strengths of its own. Holding its levels
    # by moving it would answer the edges where a neighbour's edit feathers in by shifting all of
    # it (a held rest of the photo tinted a whole sky for "make the water more vivid").
    idle = np.broadcast_to(~edited.any(axis=1, keepdims=True), targets.shape)
    locked = idle if locked is None else (locked | idle)
    weight = np.where(edited, 1.0, UNEDITED_WEIGHT)
    counted = np.ones_like(targets, dtype=bool) if free is None else ~free
    counted = counted & ~idle
    weight = np.where(counted, weight, 0.0)
    strengths = np.zeros_like(targets) if strengths is None else np.where(idle, 0.0, strengths)
    levels = problem.levels(strengths if strengths.any() else None)
    merit = _merit(weight * (levels - targets), strengths)
    error = float(np.abs(levels - targets)[counted].max(initial=0.0))
    jac, fresh, damping, iterations = jacobian, False, 1e-3, 0
    merits = [merit]
    while error >= tolerance and iterations < max_iterations:
        if (
            iterations >= _STALL_AFTER
            and len(merits) > _STALL_STEPS
            and merits[-1] > _STALL_GAIN * merits[-1 - _STALL_STEPS]
        ):
            break
        iterations += 1
        if jac is None:
            jac, fresh = problem.jacobian(strengths, levels, idle), True
        weighted = jac * weight.reshape(-1, 1)
        normal = weighted.T @ weighted + _RIDGE * np.eye(strengths.size)
        gradient = weighted.T @ (weight * (levels - targets)).reshape(
            -1
        ) + _RIDGE * strengths.reshape(-1)
        for _ in range(6):  # raise the damping until a step helps
            lhs = normal + damping * (np.diag(np.diag(normal)) + np.eye(len(normal)))
            step = np.clip(np.linalg.solve(lhs, -gradient), -_MAX_STEP, _MAX_STEP).reshape(
                strengths.shape
            )
            if locked is not None:
                step[locked] = 0.0
            trial = np.clip(strengths + step, RANGES[:, 0], RANGES[:, 1])
            trial_levels = problem.levels(trial)
            trial_merit = _merit(weight * (trial_levels - targets), trial)
            if trial_merit < merit:
                damping = max(damping / 4, 1e-6)
                break
            damping *= 8
        else:
            if fresh:
                break  # even an exact Jacobian finds no better point: this is as close as it gets
            jac, damping = None, 1e-3
            continue
        moved = (trial - strengths).reshape(-1)
        change = (trial_levels - levels).reshape(-1)
        jac = jac + np.outer(change - jac @ moved, moved) / max(float(moved @ moved), 1e-12)
        fresh = False
        strengths, levels, merit = trial, trial_levels, trial_merit
        merits.append(merit)
        error = float(np.abs(levels - targets)[counted].max(initial=0.0))
    if jac is None:
        jac = problem.jacobian(strengths, levels, idle)
    return Solution(
        strengths, levels, jac, iterations, error, within_bands(levels, targets, edited)
    )


@dataclass
class Problems:
    """What :func:`build_problems` prepares, from cheapest to most faithful.

    Attributes:
        coarse: half the analysis view (``None`` for tiny photos): cheap Jacobians.
        proxy: the analysis view rendered as it is measured: the solver's workhorse.
        faithful: the photo rendered whole and measured downsampled, exactly as the result will be
            (``None`` when no render view larger than the analysis view was given).
        coeff_a, coeff_b: guided-filter coefficients on the analysis view (``A . rgb + B``).
        pivot: the contrast pivot field on the analysis view.
    """

    coarse: Problem | None
    proxy: Problem
    faithful: Problem | None
    coeff_a: F32
    coeff_b: F32
    pivot: F32


def build_problems(
    analysis: F32, render: F32, weights: F32, scale: LevelScale, radius: int, eps: float
) -> Problems:
    """Feather the regions on the analysis view, and set up the problems the solver works on.

    Args:
        analysis: ``(h, w, 3)`` analysis view of the photo, where regions are measured.
        render: ``(H', W', 3)`` view to check faithfully (the photo itself, when small enough);
            the analysis view itself to skip the check.
        weights: ``(R, h, w)`` region masks on the analysis view.
        scale: raw metrics to levels.
        radius, eps: guided-filter settings on the analysis view.
    """
    coeff_a, coeff_b = guided_coefficients(analysis, weights, radius, eps)
    feathered = apply_coefficients(coeff_a, coeff_b, analysis)
    pivot = _pivot_field(luma(analysis), weights, feathered)
    proxy = Problem(analysis, weights, feathered, pivot, scale)
    h, w = render.shape[:2]
    faithful = None
    if (h, w) != analysis.shape[:2]:
        up_a = np.stack([_stretch(a, (h, w)) for a in coeff_a])
        up_b = np.stack([_stretch(b, (h, w)) for b in coeff_b])
        feathered_up = apply_coefficients(up_a, up_b, render)
        faithful = Problem(render, weights, feathered_up, _stretch(pivot, (h, w)), scale)
    coarse = None
    if min(analysis.shape[:2]) >= 64:
        half = (analysis.shape[0] // 2, analysis.shape[1] // 2)
        coarse = Problem(
            resize_area(analysis, half),
            np.stack([resize_area(m, half) for m in weights]),
            np.stack([resize_area(m, half) for m in feathered]),
            resize_area(pivot, half),
            scale,
        )
    return Problems(coarse, proxy, faithful, coeff_a, coeff_b, pivot)


def _stretch(array: F32, shape: tuple[int, int]) -> F32:
    """Bilinear resize with OpenCV's pixel centres, as the full-resolution pass upsamples."""
    out = cv2.resize(array, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.asarray(out, dtype=np.float32).reshape(shape + array.shape[2:])


def within_bands(levels: F64, targets: F64, edited: NDArray[np.bool_]) -> bool:
    """Whether levels keep the promise, with a margin for what the full-resolution pass may add."""
    miss = np.abs(levels - targets)
    held = edited.any(axis=1)  # regions nothing was asked of have no strengths to keep a promise
    miss, edited = miss[held], edited[held]
    return bool(
        miss[edited].max(initial=0) <= 0.6 * EDIT_BAND
        and miss[~edited].max(initial=0) <= 0.5 * KEEP_BAND
    )


def _merit(weighted_residual: F64, strengths: F64) -> float:
    return float(np.square(weighted_residual).sum() + _RIDGE * np.square(strengths).sum())


def _pivot_field(guide: F32, weights: F32, feathered: F32) -> F32:
    """Per-pixel contrast pivot: the mask-weighted blend of each region's mean luma."""
    flat = weights.reshape(len(weights), -1)
    mids = (flat @ guide.reshape(-1)) / np.maximum(flat.sum(axis=1), 1e-6)
    w = np.clip(feathered, 0.0, 1.0) + np.float32(1e-4)
    pivot = np.tensordot(mids.astype(np.float32), w, axes=1) / w.sum(axis=0)
    return np.clip(pivot, 0.05, 0.95).astype(np.float32)
