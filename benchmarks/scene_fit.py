"""Fitting and scoring scene similarity on labelled real photos (used by ``eval_scenes.py``).

Items are the corpus photos and their variants; each carries its photo's name and scene kind.
Pairs of variants of one photo say whether a small change keeps a scene recognisable; pairs of
different photos say whether kinds are told apart, and only those count for the targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from pertouch.memory import composition
from pertouch.memory.kinds import UNKNOWN, sure_kind
from pertouch.memory.measure import FEATURES, GROUPS
from pertouch.memory.space import SceneSpace

#: Kept below the cut-off on dev, with margin over the 95 % target.
DIFFERENT_BELOW = 0.96
#: The lowest cut-off: when the guards of :func:`similarities` already keep different kinds apart
#: on dev, a past scene whose measurements point away from the new one still must not vote.
LOWEST_CUT = 0.5
_GROUP_OF = np.array([g for g, names in GROUPS.items() for _ in names])
_STEPS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
_KIND_WEIGHTS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Item:
    """One measured photo variant."""

    photo: str
    kind: str
    variant: str
    people: bool
    values: tuple[float, ...]


@dataclass(frozen=True)
class Scores:
    """The figures the issue asks for, on one set of items."""

    nn_precision: float
    nn_queries: int
    same_above: float
    same_pairs: int
    different_below: float
    different_pairs: int
    variants_above: float


def similarities(space: SceneSpace, items: Sequence[Item]) -> NDArray[np.float64]:
    """Cosine of every pair, with pairs that may not share taste set to -1 (recall's rule,
    :func:`pertouch.memory.composition.share_taste`: surely of one kind, holding much the same)."""
    measured = [dict(zip(FEATURES, i.values, strict=True)) for i in items]
    vectors = np.array([space.vector(m) for m in measured])
    s = vectors @ vectors.T
    kinds = np.array([sure_kind(m) for m in measured])
    shares = np.array([composition.shares(m) for m in measured])
    apart = 0.5 * np.abs(shares[:, None, :] - shares[None, :, :]).sum(axis=2)
    shared = (kinds[:, None] == kinds[None, :]) & (kinds[:, None] != UNKNOWN)
    return np.where(shared & (apart <= composition.MAX_DIFFERENCE), s, -1.0)


def score(
    space: SceneSpace,
    items: Sequence[Item],
    cut: float | None = None,
    held: frozenset[str] | None = None,
) -> Scores:
    """Nearest-neighbour kind precision and pair rates at ``cut`` (default: the space's).

    With ``held`` (photo names left out of the fit), only those photos ask for a nearest
    neighbour and only pairs with one of them count, so the figures are on photos the space has
    not seen (:func:`cross_validate`).
    """
    cut = space.min_similarity if cut is None else cut
    s = similarities(space, items)
    photo = np.array([i.photo for i in items])
    kind = np.array([i.kind for i in items])
    other = photo[:, None] != photo[None, :]
    same_kind = kind[:, None] == kind[None, :]
    upper = np.triu(np.ones_like(s, dtype=bool), 1)
    if held is not None:
        unseen = np.array([p in held for p in photo])
        upper &= unseen[:, None] | unseen[None, :]
    same, different = s[other & same_kind & upper], s[other & ~same_kind & upper]
    variants = s[~other & upper]
    photos_of = {k: len(set(photo[kind == k])) for k in set(kind)}
    askable = np.array([photos_of[k] >= 2 for k in kind])  # a kind with one photo has no answer
    if held is not None:
        askable &= unseen
    nearest = np.where(other, s, -np.inf).argmax(axis=1)
    hits = (kind[nearest] == kind)[askable]
    return Scores(
        nn_precision=float(hits.mean()) if hits.size else float("nan"),
        nn_queries=int(askable.sum()),
        same_above=float((same >= cut).mean()) if same.size else float("nan"),
        same_pairs=int(same.size),
        different_below=float((different < cut).mean()) if different.size else float("nan"),
        different_pairs=int(different.size),
        variants_above=float((variants >= cut).mean()) if variants.size else float("nan"),
    )


def cross_validate(items: Sequence[Item], version: int, folds: int) -> Scores:
    """The figures of :func:`score` on photos each fitted without: the dev photos are dealt into
    ``folds`` groups (by kind, then name, so each group has every kind), the space is fitted on the
    others' items and scored on pairs with a photo of the group; the counts add up over groups.

    The kind rules and the composition guard are not refitted (their thresholds were read off
    all dev photos), so this measures how far the fitted weights and cut-off generalise.
    """
    names = sorted({(i.kind, i.photo) for i in items})
    group = {photo: n % folds for n, (_, photo) in enumerate(names)}
    totals = np.zeros(7)
    for fold in range(folds):
        held = frozenset(p for p, g in group.items() if g == fold)
        space = fit([i for i in items if i.photo not in held], version)
        s = score(space, items, held=held)
        counts = (s.nn_queries, s.same_pairs, s.different_pairs, 1)
        rates = (s.nn_precision, s.same_above, s.different_below)
        totals[:3] += [np.nan_to_num(r) * n for r, n in zip(rates, counts, strict=False)]
        totals[3:6] += counts[:3]
    n = np.maximum(totals[3:6], 1)
    return Scores(
        float(totals[0] / n[0]),
        int(totals[3]),
        float(totals[1] / n[1]),
        int(totals[4]),
        float(totals[2] / n[2]),
        int(totals[5]),
        float("nan"),
    )


def fit(items: Sequence[Item], version: int) -> SceneSpace:
    """Centre, scale, weights and cut-off from dev items only.

    A measurement's weight is its group's weight times the square root of its Fisher ratio
    (between-kind over within-kind variance, relative to the median one, clipped to [0.25, 2]),
    so measurements that told kinds apart count more without any one taking over. Group weights
    are a coordinate search over a few steps, and the kind weight (the share of the cosine that
    the recognised kinds of scene make) a search over :data:`_KIND_WEIGHTS`, both maximising
    nearest-neighbour precision plus the share of same-kind pairs above the cut-off; the cut-off
    keeps :data:`DIFFERENT_BELOW` of different-kind pairs below it, and is at least
    :data:`LOWEST_CUT`. The people measurements keep weight 1: the dev photos have two photos of
    people, too few to fit on, and recall keeps scenes that may not share taste apart by rule
    (:func:`pertouch.memory.composition.share_taste`), as :func:`similarities` does; on dev those
    rules alone keep more than :data:`DIFFERENT_BELOW` of different-kind pairs apart, so the
    cut-off is :data:`LOWEST_CUT` and the fitted vector only ranks and weighs the votes.
    """
    x = np.array([i.values for i in items], dtype=np.float64)
    centre, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    z = (x - centre) / scale
    kinds = np.array([i.kind for i in items])
    others = ~np.array([i.people for i in items])
    ratio = _fisher(z[others], kinds[others])
    feature_weight = np.clip(np.sqrt(ratio / np.median(ratio)), 0.25, 2.0)
    feature_weight[_GROUP_OF == "people"] = 1.0
    group_weight = {g: 1.0 for g in GROUPS}
    kind_weight = 0.0

    def space_for(weights: dict[str, float], kinds: float) -> SceneSpace:
        per_feature = np.array([weights[g] / np.sqrt(len(GROUPS[g])) for g in _GROUP_OF])
        w = per_feature * feature_weight
        w[_GROUP_OF == "people"] = 1.0 / np.sqrt(len(GROUPS["people"]))
        draft = SceneSpace(version, FEATURES, tuple(centre), tuple(scale), tuple(w), 0.0, kinds)
        return _with_cut(draft, items)

    def objective(weights: dict[str, float], kinds: float) -> float:
        scores = score(space_for(weights, kinds), items)
        return scores.nn_precision + scores.same_above

    best = objective(group_weight, kind_weight)
    for _ in range(2):
        for trial_kinds in _KIND_WEIGHTS:
            if (value := objective(group_weight, trial_kinds)) > best + 1e-9:
                best, kind_weight = value, trial_kinds
        for group in (g for g in GROUPS if g != "people"):
            for step in _STEPS:
                trial = {**group_weight, group: step}
                if (
                    any(trial[g] for g in GROUPS if g != "people")
                    and (value := objective(trial, kind_weight)) > best + 1e-9
                ):
                    best, group_weight = value, trial
    return space_for(group_weight, kind_weight)


def _with_cut(space: SceneSpace, items: Sequence[Item]) -> SceneSpace:
    s = similarities(space, items)
    photo = np.array([i.photo for i in items])
    kind = np.array([i.kind for i in items])
    upper = np.triu(np.ones_like(s, dtype=bool), 1)
    different = s[(photo[:, None] != photo[None, :]) & (kind[:, None] != kind[None, :]) & upper]
    cut = float(np.quantile(different, DIFFERENT_BELOW)) + 1e-4
    return replace(space, min_similarity=min(max(cut, LOWEST_CUT), 0.99))


def _fisher(z: NDArray[np.float64], labels: NDArray[np.str_]) -> NDArray[np.float64]:
    mean = z.mean(axis=0)
    within = np.zeros(z.shape[1])
    between = np.zeros(z.shape[1])
    for label in set(labels):
        part = z[labels == label]
        within += ((part - part.mean(axis=0)) ** 2).sum(axis=0)
        between += len(part) * (part.mean(axis=0) - mean) ** 2
    return between / (within + 1e-9)
