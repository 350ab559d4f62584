"""PerTouch's region vocabulary as plain data: the region classes and the phrases that mean them.

DESIGN.md's region vocabulary, shared by the two parts that read people's words: the segmentation
lexicon (:mod:`pertouch.tools.segmentation.lexicon`) resolves a phrase to a class with it, and the
offline chat model reads instructions with it, so the model never names a region the segmenter
cannot find. Some classes (mountains, architecture, animals, vehicles, objects) have no offline
model; they exist so that "the hills" resolves to *mountains* and is answered as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

RegionKind = Literal["people", "scene", "tone", "colour", "subject", "global", "spatial", "object"]


@dataclass(frozen=True)
class RegionClass:
    """A region class: its canonical name, its kind, and the phrases that mean it."""

    name: str
    kind: RegionKind
    synonyms: tuple[str, ...]


def _c(name: str, kind: RegionKind, *synonyms: str) -> RegionClass:
    return RegionClass(name, kind, (name, *synonyms))


REGION_CLASSES: tuple[RegionClass, ...] = (
    _c(
        "person",
        "people",
        "people",
        "persons",
        "human",
        "humans",
        "man",
        "men",
        "woman",
        "women",
        "boy",
        "boys",
        "girl",
        "girls",
        "child",
        "children",
        "kid",
        "kids",
        "baby",
        "guy",
        "lady",
        "figure",
        "figures",
        "body",
        "bodies",
        "portrait",
        "model",
        "couple",
        "family",
        "crowd",
        "him",
        "her",
        "them",
    ),
    _c("face", "people", "faces", "facial", "visage", "head", "heads"),
    _c("face skin", "people", "facial skin", "complexion", "cheeks", "forehead"),
    _c("body skin", "people", "arms", "legs", "hands", "shoulders", "neck"),
    _c("skin", "people", "skin tones", "skintones", "skin tone", "flesh tones"),
    _c("eyes", "people", "eye", "irises", "iris"),
    _c("lips", "people", "lip", "mouth", "mouths"),
    _c("hair", "people", "hairs", "hairdo", "beard"),
    _c("clothes", "people", "clothing", "outfit", "shirt", "jacket", "dress", "suit", "garments"),
    _c(
        "sky",
        "scene",
        "skies",
        "clouds",
        "cloud",
        "cloudy sky",
        "sunset",
        "sunset sky",
        "heavens",
        "overcast",
        "overcast sky",
        "blue sky",
    ),
    _c(
        "vegetation",
        "scene",
        "foliage",
        "trees",
        "tree",
        "grass",
        "leaves",
        "plants",
        "plant",
        "greenery",
        "forest",
        "woods",
        "bushes",
        "shrubs",
        "lawn",
        "meadow",
        "jungle",
        "flowers",
        "flower",
    ),
    _c("water", "scene", "sea", "ocean", "lake", "river", "waves", "pond", "stream", "waterfall"),
    _c(
        "ground",
        "scene",
        "floor",
        "road",
        "path",
        "sand",
        "soil",
        "earth",
        "land",
        "dirt",
        "pavement",
        "street",
        "terrain",
        "beach",
        "rocks",
        "gravel",
        "snow",
    ),
    _c("mountains", "object", "mountain", "hills", "hill", "peaks", "cliffs", "mountain range"),
    _c(
        "architecture",
        "object",
        "building",
        "buildings",
        "houses",
        "house",
        "walls",
        "city",
        "skyline",
        "towers",
        "bridge",
        "church",
    ),
    _c(
        "animals",
        "object",
        "animal",
        "cat",
        "cats",
        "dog",
        "dogs",
        "bird",
        "birds",
        "horse",
        "pet",
        "pets",
    ),
    _c(
        "vehicles",
        "object",
        "vehicle",
        "car",
        "cars",
        "motorcycle",
        "bike",
        "bicycle",
        "boat",
        "train",
        "plane",
        "rocket",
    ),
    _c("objects", "object", "object", "thing", "things", "cup", "table", "food", "product"),
    _c(
        "shadows",
        "tone",
        "shadow",
        "darks",
        "dark areas",
        "dark parts",
        "dark tones",
        "blacks",
        "lowlights",
        "low tones",
    ),
    _c("midtones", "tone", "midtone", "mids", "middle tones", "mid tones", "mid-tones"),
    _c(
        "highlights",
        "tone",
        "highlight",
        "brights",
        "bright areas",
        "bright parts",
        "lights",
        "whites",
        "light tones",
    ),
    _c("reds", "colour", "red", "red tones", "crimson"),
    _c("oranges", "colour", "orange", "orange tones"),
    _c("yellows", "colour", "yellow", "yellow tones", "golds", "gold"),
    _c("greens", "colour", "green", "green tones", "green colours"),
    _c("aquas", "colour", "aqua", "cyans", "cyan", "teals", "teal", "turquoise"),
    _c("blues", "colour", "blue", "blue tones", "blue colours"),
    _c("purples", "colour", "purple", "violets", "violet", "lilac"),
    _c("magentas", "colour", "magenta", "pinks", "pink", "fuchsia"),
    _c("warm tones", "colour", "warm colours", "warm colors", "warms", "warm", "warm hues"),
    _c("cool tones", "colour", "cool colours", "cool colors", "cools", "cool", "cold tones"),
    _c(
        "subject",
        "subject",
        "main subject",
        "foreground",
        "subjects",
        "focus",
        "centre of interest",
    ),
    _c("background", "subject", "backdrop", "surroundings", "behind", "back"),
    _c(
        "global",
        "global",
        "whole image",
        "whole photo",
        "whole picture",
        "entire image",
        "entire photo",
        "everything",
        "overall",
        "image",
        "photo",
        "picture",
        "all",
        "scene",
    ),
    _c("top", "spatial", "top half", "upper half", "upper part", "top part", "upper"),
    _c("bottom", "spatial", "bottom half", "lower half", "lower part", "bottom part", "lower"),
    _c("left", "spatial", "left half", "left side", "left part"),
    _c("right", "spatial", "right half", "right side", "right part"),
    _c("centre", "spatial", "center", "middle", "central part", "centre part", "center part"),
    _c("edges", "spatial", "edge", "borders", "corners", "periphery", "vignette", "outer parts"),
)
CLASSES_BY_NAME = {c.name: c for c in REGION_CLASSES}

_POSSESSIVE = re.compile(r"(\w)'s\b")
_NOT_WORD = re.compile(r"[^a-z0-9' -]+")


def normalise(phrase: str) -> str:
    """Lower-case, strip punctuation and possessives: "The woman's FACE!" -> "the woman face"."""
    text = _POSSESSIVE.sub(r"\1", phrase.strip().lower().replace("’", "'"))
    return " ".join(_NOT_WORD.sub(" ", text).replace("-", " ").split())
