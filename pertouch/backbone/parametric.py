"""The parametric renderer: measured targets, solved on a proxy, applied at full resolution.

1. Measure every region on the analysis view (long side 512) and turn the state into target levels.
2. Solve, on that view, the operator strengths per region (vibrance, contrast, white balance,
   exposure) that move each region's four measured levels onto its targets. Attributes interact
   (brighter is also more colourful and more contrasty), so all four are solved together by a
   damped Newton iteration; its Jacobian is measured with four whole-image perturbations and spread
   over regions by how much their feathered masks overlap.
3. Apply the strengths to the full-resolution photo in strips, each strength field being
   ``A * luma + B`` from upsampled guided-filter coefficients, so masks follow real edges.

Regions add up (a face inside a person gets both strengths), and the part of the photo no mask
covers is a region of its own, so unedited areas are held where they were.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.backbone.feather import guided_coefficients
from pertouch.backbone.operators import RANGES, Fields, apply_operators, luma
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES
from pertouch.core.errors import MaskError
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.metrics import ANALYSIS_SIZE, analysis_view, mask_to_float, raw_metrics

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
REST = "(rest)"
_PROBE = np.array([0.1, 0.1, 0.1, 0.1])  # finite-difference step per strength
_MIN_REST_FRACTION = 1e-3


@dataclass(frozen=True)
class ParametricConfig:
    """Tuning of the parametric renderer; the defaults are measured, not guessed."""

    analysis_size: int = ANALYSIS_SIZE
    feather_radius: int = 4
    feather_eps: float = 1e-3
    tolerance: float = 0.005
    max_iterations: int = 12
    damping: float = 1e-3
    strip_rows: int = 128
    workers: int = 0  # 0: one per CPU


@dataclass
class RenderPlan:
    """What the solver decided for one photo: strengths per region and the levels they reach.

    The arrays at the end are the analysis-resolution maps the full-resolution pass needs.
    """

    regions: list[str]
    strengths: F64
    baseline: F64
    targets: F64
    levels: F64
    converged: bool
    iterations: int
    coeff_a: F32 = field(repr=False)
    coeff_b: F32 = field(repr=False)
    pivot: F32 = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """Plain data for logs and the agent's trace: per region, levels before, target and reached."""
        names = [a.value for a in ATTRIBUTES]

        def row(values: F64) -> dict[str, float]:
            return {n: round(float(np.clip(v, -1, 1)), 4) for n, v in zip(names, values, strict=True)}

        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "regions": {
                name: {"before": row(self.baseline[i]), "target": row(self.targets[i]), "reached": row(self.levels[i])}
                for i, name in enumerate(self.regions)
            },
        }


class ParametricRenderer:
    """Fast, exact-to-target renderer for the CPU; see the module docstring for how it works."""

    def __init__(self, scale: LevelScale | None = None, config: ParametricConfig | None = None) -> None:
        self.scale = scale or default_scale()
        self.config = config or ParametricConfig()

    def render(
        self,
        image: NDArray[np.uint8] | NDArray[np.uint16],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
    ) -> NDArray[np.uint8] | NDArray[np.uint16]:
        """Solve and apply; see :class:`pertouch.backbone.base.Renderer`."""
        return self.apply(image, self.solve(image, state, masks))

    # -- solving ------------------------------------------------------------------------------
    def solve(
        self,
        image: NDArray[np.uint8] | NDArray[np.uint16],
        state: AdjustmentState,
        masks: Mapping[str, NDArray[np.generic]],
    ) -> RenderPlan:
        """Find per-region strengths that land every region on its target levels."""
        cfg = self.config
        _check_image(image)
        regions, region_masks = _solve_regions(image.shape[:2], masks)
        rgb, small = analysis_view(image, region_masks, cfg.analysis_size)
        weights = np.stack([small[n] for n in regions])
        guide = luma(rgb)
        coeff_a, coeff_b = guided_coefficients(guide, weights, cfg.feather_radius, cfg.feather_eps)
        feathered = coeff_a * guide[None] + coeff_b
        pivot = _pivot_field(guide, weights, feathered)

        baseline = self._levels(rgb, weights)
        if np.isnan(baseline).any():
            bad = regions[int(np.isnan(baseline).any(axis=1).argmax())]
            raise MaskError(f"The mask for region {bad!r} is empty; give a mask that covers part of the photo.")
        targets = _targets(state, regions, baseline)
        overlap = (weights.reshape(len(regions), -1) @ feathered.reshape(len(regions), -1).T) / weights.reshape(
            len(regions), -1
        ).sum(axis=1, keepdims=True)

        strengths = np.zeros((len(regions), NUM_ATTRIBUTES))
        levels = baseline
        error = float(np.abs(levels - targets).max())
        iterations, jac = 0, None
        while error >= cfg.tolerance and iterations < cfg.max_iterations:
            iterations += 1
            if jac is None:
                jac = self._jacobian(rgb, weights, feathered, pivot, strengths, levels, overlap)
            residual = (levels - targets).reshape(-1)
            lhs = jac.T @ jac + cfg.damping * np.eye(jac.shape[1])
            step = np.linalg.solve(lhs, -jac.T @ residual).reshape(strengths.shape)
            for _ in range(5):  # backtrack while the step makes things worse
                trial = _clip_strengths(strengths + step)
                trial_levels = self._levels(rgb, weights, _fields(trial, feathered, pivot))
                trial_error = float(np.abs(trial_levels - targets).max())
                if trial_error < error:
                    break
                step /= 2
            else:
                if iterations > 1 and jac is not None:
                    jac = None  # a stale Jacobian: measure it afresh once before giving up
                    continue
                break
            moved = (trial - strengths).reshape(-1)
            if trial_error > 0.5 * error:
                jac = None  # slow progress: the linearisation has drifted, re-measure it
            else:  # Broyden's rank-one update keeps the Jacobian current for one evaluation
                change = (trial_levels - levels).reshape(-1)
                jac = jac + np.outer(change - jac @ moved, moved) / max(float(moved @ moved), 1e-12)
            strengths, levels, error = trial, trial_levels, trial_error
        converged = error < cfg.tolerance
        return RenderPlan(regions, strengths, baseline, targets, levels, converged, iterations, coeff_a, coeff_b, pivot)

    def _levels(self, rgb: F32, weights: F32, fields: Fields | None = None) -> F64:
        out = rgb if fields is None else apply_operators(rgb, fields)
        return self.scale.to_level(raw_metrics(out, weights), clip=False)

    def _jacobian(
        self, rgb: F32, weights: F32, feathered: F32, pivot: F32, strengths: F64, levels: F64, overlap: F64
    ) -> F64:
        """d levels / d strengths, ``(4R, 4R)``, from four whole-image probes and mask overlaps."""
        base = _fields(strengths, feathered, pivot)
        local = np.empty((len(weights), NUM_ATTRIBUTES, NUM_ATTRIBUTES))
        for k in range(NUM_ATTRIBUTES):
            shifted = [base.vibrance, base.contrast, base.temperature, base.exposure]
            step = _PROBE[k] if shifted[k].mean() < RANGES[k, 1] - _PROBE[k] else -_PROBE[k]
            shifted[k] = np.clip(shifted[k] + np.float32(step), *RANGES[k]).astype(np.float32)
            probed = self._levels(rgb, weights, Fields(*shifted, pivot=pivot))
            local[:, :, k] = (probed - levels) / step
        # J[(i, a), (j, k)] = overlap[i, j] * local[i, a, k]
        jac = np.einsum("ij,iak->iajk", overlap, local)
        return jac.reshape(len(weights) * NUM_ATTRIBUTES, -1)

    # -- applying -----------------------------------------------------------------------------
    def apply(self, image: NDArray[np.uint8] | NDArray[np.uint16], plan: RenderPlan) -> NDArray[np.uint8] | NDArray[np.uint16]:
        """Apply a plan to the full-resolution photo, strip by strip on all cores."""
        _check_image(image)
        height, width = image.shape[:2]
        theta = plan.strengths.astype(np.float32)
        low = np.concatenate(
            [
                np.einsum("rk,rhw->hwk", theta, plan.coeff_a),
                np.einsum("rk,rhw->hwk", theta, plan.coeff_b),
                plan.pivot[..., None],
            ],
            axis=2,
        ).astype(np.float32)
        out = np.empty_like(image)
        scale = np.float32(65535.0 if image.dtype == np.uint16 else 255.0)
        rows = self.config.strip_rows

        def work(y0: int) -> None:
            y1 = min(height, y0 + rows)
            rgb = image[y0:y1].astype(np.float32) * (np.float32(1.0) / scale)
            up = _upsample_strip(low, height, width, y0, y1)
            grey = luma(rgb)
            strengths = [
                np.clip(up[..., k] * grey + up[..., NUM_ATTRIBUTES + k], *RANGES[k]).astype(np.float32)
                for k in range(NUM_ATTRIBUTES)
            ]
            result = apply_operators(rgb, Fields(*strengths, pivot=up[..., 2 * NUM_ATTRIBUTES]))
            result *= scale
            result += np.float32(0.5)
            out[y0:y1] = result.astype(image.dtype)

        workers = self.config.workers or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, range(0, height, rows)))
        return out


def _check_image(image: NDArray[np.generic]) -> None:
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"the renderer takes (H, W, 3) uint8 or uint16 RGB, got {image.shape} {image.dtype}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError("the renderer got an image with no pixels")


def _solve_regions(shape: tuple[int, int], masks: Mapping[str, NDArray[np.generic]]) -> tuple[list[str], dict[str, F32]]:
    """The regions the solver works on: the given masks plus what none of them covers."""
    given = {name: m for name, m in masks.items() if name != GLOBAL}
    if not given:
        return [GLOBAL], {GLOBAL: np.ones(shape, dtype=np.float32)}
    for name, mask in given.items():
        if mask.ndim != 2 or mask.shape != shape:
            raise MaskError(
                f"The mask for region {name!r} has shape {mask.shape} but the photo is {shape[1]}x{shape[0]}; "
                "give a single-channel mask of the photo's size."
            )
    floats = {name: mask_to_float(m) for name, m in given.items()}
    rest = 1.0 - np.maximum.reduce(list(floats.values()))
    if rest.mean() >= _MIN_REST_FRACTION:
        floats[REST] = rest.astype(np.float32)
    return list(floats), floats


def _pivot_field(guide: F32, weights: F32, feathered: F32) -> F32:
    """Per-pixel contrast pivot: the mask-weighted blend of each region's mean luma."""
    mids = (weights.reshape(len(weights), -1) @ guide.reshape(-1)) / weights.reshape(len(weights), -1).sum(axis=1)
    w = np.clip(feathered, 0.0, 1.0) + np.float32(1e-4)
    pivot = np.tensordot(mids.astype(np.float32), w, axes=1) / w.sum(axis=0)
    return np.clip(pivot, 0.05, 0.95).astype(np.float32)


def _targets(state: AdjustmentState, regions: list[str], baseline: F64) -> F64:
    """Target levels per solver region; unedited attributes keep their unclipped as-shot level."""
    clipped = {name: np.clip(baseline[i], -1, 1) for i, name in enumerate(regions)}
    public = state.targets(clipped, regions)
    out = np.empty_like(baseline)
    for i, name in enumerate(regions):
        if state.baseline == "auto":
            out[i] = public[name]
        else:
            out[i] = np.where(state.edited(name), public[name], baseline[i])
    return out


def _clip_strengths(strengths: F64) -> F64:
    return np.clip(strengths, RANGES[:, 0], RANGES[:, 1])


def _fields(strengths: F64, feathered: F32, pivot: F32) -> Fields:
    per_pixel = np.tensordot(strengths.T.astype(np.float32), feathered, axes=1)
    clipped = [np.clip(per_pixel[k], *RANGES[k]).astype(np.float32) for k in range(NUM_ATTRIBUTES)]
    return Fields(*clipped, pivot=pivot)


def _upsample_strip(low: F32, height: int, width: int, y0: int, y1: int) -> F32:
    """Rows ``y0:y1`` of ``low`` bilinearly upsampled to ``height x width`` (OpenCV's pixel centres)."""
    h, w = low.shape[:2]
    if (h, w) == (height, width):
        return low[y0:y1]
    sy = np.clip((np.arange(y0, y1) + 0.5) * (h / height) - 0.5, 0, h - 1)
    i0 = np.floor(sy).astype(np.intp)
    i1 = np.minimum(i0 + 1, h - 1)
    frac = (sy - i0).astype(np.float32)[:, None, None]
    rows = low[i0] * (np.float32(1.0) - frac) + low[i1] * frac
    if w == width:
        return rows
    channels = rows.shape[2]
    parts = [
        cv2.resize(rows[..., c : c + 4], (width, y1 - y0), interpolation=cv2.INTER_LINEAR).reshape(y1 - y0, width, -1)
        for c in range(0, channels, 4)
    ]
    return np.concatenate(parts, axis=2)
