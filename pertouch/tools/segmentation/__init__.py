"""Segmentation: regions from words, offline by default, SAM3 when it is installed.

``OfflineSegmenter`` covers people, faces, sky, water, vegetation, architecture, ground, tonal,
colour and spatial ranges (also narrowed to a region: "the orange in the sky"), subject and
background with no downloads; ``Sam3Segmenter`` (extra ``sam3``) adds open vocabulary. Both answer
:class:`Segmentation` (with an honest :data:`Outcome` when there is no mask) and
:class:`RegionMap` through the same methods. ``WithUserMasks`` puts masks a person gives
(:class:`UserMasks`) in front of either.
"""

from pertouch.core.regions import REGION_CLASSES, RegionClass
from pertouch.tools.segmentation.lexicon import Lexicon, Resolution
from pertouch.tools.segmentation.offline import OfflineSegmenter
from pertouch.tools.segmentation.types import (
    Outcome,
    ProposedRegion,
    RegionError,
    RegionMap,
    Segmentation,
    Segmenter,
    SegmenterSetupError,
    Share,
)
from pertouch.tools.segmentation.user_masks import UserMasks, WithUserMasks

__all__ = [
    "REGION_CLASSES",
    "Lexicon",
    "OfflineSegmenter",
    "Outcome",
    "ProposedRegion",
    "RegionClass",
    "RegionError",
    "RegionMap",
    "Resolution",
    "Segmentation",
    "Segmenter",
    "SegmenterSetupError",
    "Share",
    "UserMasks",
    "WithUserMasks",
]
