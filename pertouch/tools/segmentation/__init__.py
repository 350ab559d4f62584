"""Segmentation: regions from words, offline by default, SAM3 when it is installed.

``OfflineSegmenter`` covers people, faces, sky, vegetation, water, ground, tonal, colour and spatial
ranges, subject and background with no downloads; ``Sam3Segmenter`` (extra ``sam3``) adds open
vocabulary. Both answer :class:`Segmentation` and :class:`RegionMap` through the same methods.
"""

from pertouch.core.regions import REGION_CLASSES, RegionClass
from pertouch.tools.segmentation.lexicon import Lexicon, Resolution
from pertouch.tools.segmentation.offline import OfflineSegmenter
from pertouch.tools.segmentation.types import (
    ProposedRegion,
    RegionError,
    RegionMap,
    Segmentation,
    Segmenter,
    SegmenterSetupError,
)

__all__ = [
    "REGION_CLASSES",
    "Lexicon",
    "OfflineSegmenter",
    "ProposedRegion",
    "RegionClass",
    "RegionError",
    "RegionMap",
    "Resolution",
    "Segmentation",
    "Segmenter",
    "SegmenterSetupError",
]
