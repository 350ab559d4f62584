"""The parametric renderer: measured targets, solved on a proxy, applied at full resolution.

1. Measure every region on the analysis view (long side 512) and turn the state into target levels.
2. Solve the operator strengths per region (vibrance, contrast, white balance, exposure) that
   move each region's four measured levels onto its targets (see :mod:`pertouch.backbone.solver`).
3. Apply the strengths to the full-resolution photo in strips, each strength field being
   ``A . rgb + B`` from upsampled colour-guided-filter coefficients, so masks follow real edges.

Regions add up (a face inside a person gets both strengths), and the part of the photo no mask
covers is a region of its own, so unedited areas are held where they were.

It is longer than 300 lines because the solve plan, its report and the full-resolution apply share
one set of strip and mask helpers.
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

from pertouch.backbone.colour_budget import hold_colour
from pertouch.backbone.headroom import cap_strengths, hold_white_balance
from pertouch.backbone.operators import Fields, apply_operators_planar
from pertouch.backbone.solver import Problem, build_problems, solve, within_bands
from pertouch.core.adjustments import GLOBAL, AdjustmentState
from pertouch.core.attributes import ATTRIBUTES, NUM_ATTRIBUTES, Attribute
from pertouch.core.auto_look import resolve_auto
from pertouch.core.errors import MaskError
from pertouch.core.levels import LevelScale, default_scale
from pertouch.core.metrics import ANALYSIS_SIZE, analysis_view, mask_to_float, to_float_rgb

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]
REST = "(rest)"
_MIN_REST_FRACTION = 1e-3
_CORRECTION_ITERATIONS = 6  # warm re-solves after a faithful check move little
_COLOUR, _TEMPERATURE = Attribute.COLORFULNESS.channel, Attribute.TEMPERATURE.channel
_TOUCH = [Attribute.CONTRAST.channel, _COLOUR]  # the auto look's touch (colour_budget)
_BRIGHTNESS = Attribute.BRIGHTNESS.channel


@dataclass(frozen=True)
class ParametricConfig:
    """Tuning of the parametric renderer; the defaults are measured, not guessed."""

    analysis_size: int = ANALYSIS_SIZE
    #: Photos up to this long side are also rendered whole during the solve and measured as the
    #: result will be, and the analysis view's targets corrected by what it misjudged.
    render_size: int = 768  # up to 2.25x the analysis view: cheap enough to check every time
    #: How many times the proxy's targets may be corrected by the faithful view's measurement.
    corrections: int = 2
    feather_radius: int = 2  # analysis pixels: about 16 px at 12 MP where no photo edge guides it
    feather_eps: float = 1e-3
    tolerance: float = 0.005
    max_iterations: int = 12
    strip_rows: int = 16  # small strips keep every temporary in cache: 1.8x faster than 128
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
    #: ``(R, 4)``: levels held short of the state's target to do no harm (a white balance at the
    #: highlights' edge, the auto look's colour at its mean-colour budget); ``targets`` holds
    #: what they reached instead.
    held: NDArray[np.bool_] | None = field(default=None, repr=False)

    def held_back(self) -> list[tuple[str, str]]:
        """(solver region, attribute) pairs held short of the state's target."""
        if self.held is None:
            return []
        return [
            (self.regions[i], ATTRIBUTES[k].value)
            for i, k in zip(*np.nonzero(self.held), strict=True)
        ]

    def summary(self) -> dict[str, Any]:
        """Plain data for logs and the agent's trace: per region, levels before, target and reached."""
        names = [a.value for a in ATTRIBUTES]

        def row(values: F64) -> dict[str, float]:
            return {
                n: round(float(np.clip(v, -1, 1)), 4) for n, v in zip(names, values, strict=True)
            }

        return {
            "converged": self.converged,
            "iterations": self.iterations,
            "regions": {
                name: {
                    "before": row(self.baseline[i]),
                    "target": row(self.targets[i]),
                    "reached": row(self.levels[i]),
                }
                for i, name in enumerate(self.regions)
            },
        }


class ParametricRenderer:
    """Fast, exact-to-target renderer for the CPU; see the module docstring for how it works."""

    def __init__(
        self, scale: LevelScale | None = None, config: ParametricConfig | None = None
    ) -> None:
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
        *,
        protect_highlights: bool = False,
        bound_tone: bool | None = None,
    ) -> RenderPlan:
        """Find per-region strengths that land every region on its target levels.

        With ``protect_highlights`` (named looks: a weak wish, not a measured request), each
        region's white balance moves no further than its highlights allow
        (:mod:`pertouch.backbone.headroom`), so the plan's targets may fall short of the state's.
        Explicit edits keep the renderer's promise and land on their targets. ``bound_tone``
        (default: as ``protect_highlights``) also stops contrast and colour where they would clip,
        crush or tint neutrals; a measured request ("make the sky more vivid") passes False, so
        only its white balance is held.

        Solves on a half-size view first (cheap Jacobians), then on the analysis view. A photo no
        larger than ``render_size`` is then rendered whole and measured as the real output will
        be; where the analysis view misjudged (tone curves do not commute with downsampling), its
        targets are shifted by the difference and it is solved again, warm.

        Raises:
            MaskError: a mask of the wrong size, or an empty one.
            StateError: an edit names a region that has no mask.
        """
        cfg = self.config
        _check_image(image)
        state = resolve_auto(state, image, masks, self.scale)
        height, width = image.shape[:2]
        regions, region_masks = _solve_regions((height, width), masks)
        rgb, small = analysis_view(image, region_masks, cfg.analysis_size)
        weights = np.stack([small[n] for n in regions])
        # The faithful check renders the photo itself, so it is exact; larger photos rely on the
        # analysis view (a render at an intermediate size is no closer to the full-size result:
        # how tone curves and region edges add up after downsampling depends on the scale).
        render = rgb if max(height, width) > cfg.render_size else to_float_rgb(image)
        problems = build_problems(
            rgb, render, weights, self.scale, cfg.feather_radius, cfg.feather_eps
        )
        proxy, faithful = problems.proxy, problems.faithful
        baseline = (faithful or proxy).levels()
        if np.isnan(baseline).any():
            bad = regions[int(np.isnan(baseline).any(axis=1).argmax())]
            raise MaskError(
                f"The mask for region {bad!r} is empty; give a mask that covers part of the photo."
            )
        targets = _targets(state, regions, baseline)
        edited = _edited(state, regions)

        start, jac, iterations = None, None, 0
        if problems.coarse is not None:
            coarse = problems.coarse
            coarse_targets = _targets(state, regions, coarse.levels())
            rough = solve(
                coarse,
                coarse_targets,
                edited,
                tolerance=cfg.tolerance / 2,
                max_iterations=cfg.max_iterations,
            )
            start, jac, iterations = rough.strengths, rough.jacobian, rough.iterations
        # The proxy measures the untouched photo a little differently from the faithful view;
        # aim it at the same *moves*, so what is held stays exactly as it was (no strengths).
        offset = 0.0 if faithful is None else proxy.levels() - baseline
        recoloured = _recoloured(state, regions)
        coupled = np.zeros_like(targets)
        cold_start, cold_jac = start, jac
        if recoloured.any():
            # first with the white balance of recoloured regions off and their temperature free,
            # to learn how far their colour change alone moves it; that shift joins the target
            free = np.zeros_like(edited)
            free[:, _TEMPERATURE] = recoloured
            first = solve(
                proxy,
                targets + offset,
                edited,
                None if start is None else np.where(free, 0.0, start),
                jac,
                cfg.tolerance,
                cfg.max_iterations,
                free=free,
                locked=free,  # the white balance of those regions stays off meanwhile
            )
            iterations += first.iterations
            coupled = _colour_shift(proxy, first.strengths) * recoloured[:, None]
            start, jac = first.strengths, first.jacobian
        targets = targets + coupled
        result = solve(
            proxy, targets + offset, edited, start, jac, cfg.tolerance, cfg.max_iterations
        )
        iterations += result.iterations
        if recoloured.any() and not result.within_bands:
            # The probe's start can strand the white balance: a region its colour move pushed
            # past the temperature metric's clamp (a blue sky made bluer) measures no derivative
            # for warming there, and is never warmed. From the coarse solution it is.
            retry = solve(
                proxy,
                targets + offset,
                edited,
                cold_start,
                cold_jac,
                cfg.tolerance,
                cfg.max_iterations,
            )
            iterations += retry.iterations
            if (retry.within_bands, -retry.error) > (False, -result.error):
                result = retry
        held = None
        off = _white_balance_off(state, regions, edited)
        tonal = protect_highlights if bound_tone is None else bound_tone
        if protect_highlights:
            result, targets, held, spent = hold_white_balance(
                faithful or proxy,
                proxy,
                result,
                targets,
                offset,
                edited,
                cfg.tolerance,
                _CORRECTION_ITERATIONS,
                off,
                tonal,
            )
            iterations += spent
            held = held if held.any() else None
        shown = None if held is None else held & edited  # a white balance kept off is not held
        limited = _auto_colour(state, regions)
        if limited.any():
            result, targets, frozen, spent = hold_colour(
                proxy,
                result,
                targets,
                offset,
                edited,
                limited,
                cfg.tolerance,
                _CORRECTION_ITERATIONS,
                held,
            )
            iterations += spent
            colour = np.zeros_like(frozen)
            colour[:, _TOUCH] = frozen[:, _TOUCH]
            shown = colour if held is None else held | colour
            held = frozen if frozen.any() else None
        levels, within = result.levels, result.within_bands
        for _ in range(cfg.corrections if faithful is not None else 0):
            assert faithful is not None
            levels = faithful.levels(result.strengths)
            within = within_bands(levels, targets, edited)
            if within and np.abs(levels - targets).max() < 2 * cfg.tolerance:
                break
            misjudged = levels - result.levels
            result = solve(
                proxy,
                targets - misjudged,
                edited,
                result.strengths,
                result.jacobian,
                cfg.tolerance,
                _CORRECTION_ITERATIONS,
                free=held,
                locked=held,  # a white balance held by its highlights stays held
            )
            iterations += result.iterations
            levels = faithful.levels(result.strengths)
            within = within_bands(levels, targets, edited)
        strengths = result.strengths
        if protect_highlights and faithful is not None:
            # the corrections refit the operators that were not held: they may not take back
            # the room the holds kept (a highlight's fade undone by its exposure)
            strengths, late = cap_strengths(faithful, strengths, off, tonal)
            if late.any():
                levels = faithful.levels(strengths)
                targets = np.where(late, levels, targets)
                within = within_bands(levels, targets, edited)
                shown = late & edited if shown is None else shown | (late & edited)
        return RenderPlan(
            regions=regions,
            strengths=strengths,
            baseline=baseline,
            targets=targets,
            levels=levels,
            converged=within,
            iterations=iterations,
            coeff_a=problems.coeff_a,
            coeff_b=problems.coeff_b,
            pivot=problems.pivot,
            held=shown if shown is not None and shown.any() else None,
        )

    # -- applying -----------------------------------------------------------------------------
    def apply(
        self, image: NDArray[np.uint8] | NDArray[np.uint16], plan: RenderPlan
    ) -> NDArray[np.uint8] | NDArray[np.uint16]:
        """Apply a plan to the full-resolution photo, strip by strip on all cores."""
        _check_image(image)
        height, width = image.shape[:2]
        theta = plan.strengths.astype(np.float32)
        h, w = plan.pivot.shape
        # Per strength k: its colour coefficients (3 channels), then every offset, then the pivot.
        low = np.concatenate(
            [
                np.einsum("rk,rhwc->hwkc", theta, plan.coeff_a).reshape(h, w, 3 * NUM_ATTRIBUTES),
                np.einsum("rk,rhw->hwk", theta, plan.coeff_b),
                plan.pivot[..., None],
            ],
            axis=2,
        ).astype(np.float32)
        offsets, pivot_channel = 3 * NUM_ATTRIBUTES, 4 * NUM_ATTRIBUTES
        # Planar and low-resolution: each strip blends its two source rows here and stretches
        # them to full width itself. Widening the whole map first and transposing it cost 1.0 of
        # the 1.9 CPU seconds of a 12 MP photo; this costs about 0.2.
        low = np.ascontiguousarray(np.moveaxis(low, -1, 0))
        out = np.empty_like(image)
        scale = np.float32(65535.0 if image.dtype == np.uint16 else 255.0)
        rows = self.config.strip_rows

        def work(y0: int) -> None:
            y1 = min(height, y0 + rows)
            planes = np.ascontiguousarray(np.moveaxis(image[y0:y1], -1, 0), dtype=np.float32)
            planes *= np.float32(1.0) / scale
            up = _upsample_strip(low, height, width, y0, y1)
            strengths = []
            for k in range(NUM_ATTRIBUTES):
                field = up[offsets + k]
                for c in range(3):
                    coefficient = up[3 * k + c]
                    coefficient *= planes[c]  # in place: no temporary per pixel and product
                    field += coefficient
                strengths.append(field)
            apply_operators_planar(planes, Fields.clipped(strengths, up[pivot_channel]))
            planes *= scale
            planes += np.float32(0.5)
            out[y0:y1] = np.moveaxis(planes, 0, -1).astype(image.dtype)

        workers = self.config.workers or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, range(0, height, rows)))
        return out


def _check_image(image: NDArray[np.generic]) -> None:
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype not in (np.uint8, np.uint16):
        raise ValueError(
            f"the renderer takes (H, W, 3) uint8 or uint16 RGB, got {image.shape} {image.dtype}"
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError("the renderer got an image with no pixels")


def _solve_regions(
    shape: tuple[int, int], masks: Mapping[str, NDArray[np.generic]]
) -> tuple[list[str], dict[str, NDArray[np.generic]]]:
    """The regions the solver works on: the given masks plus what none of them covers."""
    given = {name: m for name, m in masks.items() if name != GLOBAL}
    if not given:
        return [GLOBAL], {GLOBAL: np.full(shape, 255, dtype=np.uint8)}
    for name, mask in given.items():
        if mask.ndim != 2 or mask.shape != shape:
            raise MaskError(
                f"The mask for region {name!r} has shape {mask.shape} but the photo is {shape[1]}x{shape[0]}; "
                "give a single-channel mask of the photo's size."
            )
    dtypes = {m.dtype for m in given.values()}
    if dtypes <= {np.dtype(np.uint8)}:  # common case: stay in 8 bits at full resolution
        rest: NDArray[np.generic] = np.uint8(255) - np.maximum.reduce(list(given.values()))
    else:
        rest = 1.0 - np.maximum.reduce([mask_to_float(m) for m in given.values()])
    regions: dict[str, NDArray[np.generic]] = dict(given)
    if mask_to_float(rest[::8, ::8]).mean() >= _MIN_REST_FRACTION:
        regions[REST] = rest
    return list(regions), regions


def _targets(state: AdjustmentState, regions: list[str], baseline: F64) -> F64:
    """Target levels per solver region, unclipped where the photo already lies beyond ±1.

    Attributes that neither an edit nor the auto look moves keep their as-shot level exactly. A
    move starts from the as-shot level and stops at ±1, except that a region already beyond ±1 is
    never pulled back against the direction asked for ("warmer" on a region warmer than +1 leaves
    it where it is).
    """
    state.check_masks(regions)
    deltas = state.deltas()
    shared = deltas.get(GLOBAL, np.zeros(NUM_ATTRIBUTES))
    out = np.empty_like(baseline)
    for i, name in enumerate(regions):
        own = deltas.get(name, np.zeros(NUM_ATTRIBUTES)) if name != GLOBAL else 0.0
        auto = state.auto_delta(name)
        moved = np.clip(
            baseline[i] + auto + shared + own,
            np.minimum(-1, baseline[i]),
            np.maximum(1, baseline[i]),
        )
        out[i] = np.where(state.edited(name) | (auto != 0.0), moved, baseline[i])
    return out


def _recoloured(state: AdjustmentState, regions: list[str]) -> NDArray[np.bool_]:
    """Regions whose colourfulness is asked to change (by an edit or the auto look)."""
    return np.array(
        [
            bool(state.edited(name)[_COLOUR]) or state.auto_delta(name)[_COLOUR] != 0.0
            for name in regions
        ]
    )


def _white_balance_off(
    state: AdjustmentState, regions: list[str], edited: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Regions ``(R,)`` whose white balance stays as shot: brightened or darkened, temperature
    not asked for.

    Temperature is the colour of a region's mean, and a change of exposure moves it a long way
    (encoded values do not scale alike); the solver would answer with a white balance nobody
    asked for, and neutral content takes the tint (high-key and dreamy cooled the astronaut's
    white suit, dramatic and low-key warmed the cat's grey fur, by 3.5 to 7 units of b*). For a
    weak wish the white balance stays put instead and the temperature goes where the exposure
    takes it. A fade alone is left to the white balance: it lifts dark colours' chroma, and there
    holding the mean's temperature is what keeps the photo's colours from shifting (matte and
    soft on the coffee, 3.8 units). The auto look sets its white balance itself, only where it
    measured a cast: elsewhere it stays as shot, whatever else moves (its touch of contrast on a
    green leaf shifted the mean's temperature, and holding it cooled the leaf by 3 units of b*).
    """
    if state.baseline == "auto":
        return np.array(
            [
                state.auto_delta(name)[_TEMPERATURE] == 0.0 and not state.edited(name)[_TEMPERATURE]
                for name in regions
            ],
            dtype=bool,
        )
    return ~edited[:, _TEMPERATURE] & edited[:, _BRIGHTNESS]


def _auto_colour(state: AdjustmentState, regions: list[str]) -> NDArray[np.bool_]:
    """Regions whose added contrast or colour is the auto look's touch alone (no edit asks for
    either)."""
    return np.array(
        [
            bool((state.auto_delta(name)[_TOUCH] > 0.0).any())
            and not bool(state.edited(name)[_TOUCH].any())
            for name in regions
        ]
    )


def _colour_shift(problem: Problem, strengths: F64) -> F64:
    """How far the colour operator alone moves each region's temperature level ``(R, 4)``.

    Temperature is the CCT of a region's mean colour, so less colour moves it towards the grey's
    temperature without any change of white balance. Holding it would make the white-balance
    operator fight the colour change (a muted warm photo turned warm again, "faded vintage"
    turned neon yellow); where colourfulness is asked to change, the renderer accepts this shift
    instead, so "temperature" keeps meaning white balance: unedited, the white balance stays as
    shot; edited, it moves from there.
    """
    only = np.zeros_like(strengths)
    only[:, _COLOUR] = strengths[:, _COLOUR]
    shift = np.zeros_like(strengths)
    if np.abs(only).max() > 0:
        moved = problem.levels(only) - problem.levels()
        shift[:, _TEMPERATURE] = moved[:, _TEMPERATURE]
    return shift


def _edited(state: AdjustmentState, regions: list[str]) -> NDArray[np.bool_]:
    if state.baseline == "auto":
        return np.ones((len(regions), NUM_ATTRIBUTES), dtype=bool)
    return np.stack([state.edited(name) for name in regions])


def _upsample_strip(low: F32, height: int, width: int, y0: int, y1: int) -> F32:
    """Rows ``y0:y1`` of planar ``low`` ``(C, h, w)`` bilinearly stretched to ``height x width``.

    Uses OpenCV's pixel-centre convention (bilinear is separable: rows are blended at the low
    width, then each plane is stretched across), so the strips together equal a full
    ``cv2.resize`` of the maps. Returns a fresh ``(C, y1 - y0, width)`` array the caller may modify.
    """
    h, w = low.shape[1:]
    if h == height:
        rows = low[:, y0:y1].copy()
    else:
        sy = np.clip((np.arange(y0, y1) + 0.5) * (h / height) - 0.5, 0, h - 1)
        i0 = np.floor(sy).astype(np.intp)
        frac = (sy - i0).astype(np.float32)[None, :, None]
        top = low[:, i0]
        rows = low[:, np.minimum(i0 + 1, h - 1)]
        rows -= top
        rows *= frac
        rows += top
    if w == width:
        return rows
    out = np.empty((low.shape[0], y1 - y0, width), dtype=np.float32)
    for plane, stretched in zip(rows, out, strict=True):
        cv2.resize(plane, (width, y1 - y0), dst=stretched, interpolation=cv2.INTER_LINEAR)
    return out
