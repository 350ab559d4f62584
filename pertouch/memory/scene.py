"""What a photo shows, in words the memory can compare: regions, light, colour, setting, people.

Recall works by embedding a short description of the scene and finding this person's past scenes
nearest to it, so the description leads with what tells scenes apart ("beach photo", "bright white
ground") and leaves out numbers the embedder cannot weigh. :func:`describe` builds it from the
pixels and the segmenter's regions with simple, documented thresholds; a hosted VLM's own words
can be added through ``words`` and then weigh in the embedding too.

It is longer than 300 lines because the scene's measured summary and its words are built and
compared in one place.
"""

from __future__ import annotations

import colorsys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError
from pertouch.core.metrics import analysis_view, cct_of_linear_rgb, srgb_to_linear

#: Regions that only occur out of doors (the offline segmenter's landscape classes).
OUTDOOR_CLASSES = frozenset({"sky", "water", "vegetation", "mountains"})
#: Share of the photo below which a region is too small to characterise the scene.
MIN_AREA = 0.02
MAX_WORDS_CHARS = 500
_FIELDS = ("kind", "setting", "time_of_day", "lighting", "contrast", "colour_cast", "people")


class SceneError(PerTouchError):
    """A scene description is malformed (bad region areas, unknown fields, overlong words)."""


class LabelledRegions(Protocol):
    """What :func:`describe` needs of a segmenter's region map (``RegionMap`` fits)."""

    def names(self) -> tuple[str, ...]: ...

    def mask(self, label: str) -> NDArray[np.float32]: ...


@dataclass(frozen=True)
class RegionSummary:
    """One region of a scene: its class, share of the photo, and its look in one or two words."""

    name: str
    area: float
    colour: str = ""
    tone: str = ""

    def __post_init__(self) -> None:
        name = self.name.strip().lower() if isinstance(self.name, str) else ""
        if not name:
            raise SceneError(f"A scene region needs a class name, got {self.name!r}.")
        if not isinstance(self.area, int | float) or not 0.0 <= self.area <= 1.0:
            raise SceneError(
                f"The area of region {name!r} must be a fraction between 0 and 1, got {self.area!r}."
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "area", float(self.area))


@dataclass(frozen=True)
class SceneDescription:
    """What perception found in one photo, as plain data that round-trips through JSON.

    Attributes:
        regions: the region classes present, largest first.
        kind: a one-word guess at the kind of scene ("beach", "snow", "portrait", ...).
        setting: "outdoor", "indoor" or "unknown".
        time_of_day: "day", "golden hour", "night" or "unknown".
        lighting: "dark", "dim", "even", "bright" or "backlit".
        contrast: "flat", "normal" or "high".
        colour_cast: "warm", "cool", "green", "magenta" or "neutral".
        people: "none", "people" or "portrait".
        words: free text from a hosted vision model, if one looked at the photo.
    """

    regions: tuple[RegionSummary, ...] = ()
    kind: str = "scene"
    setting: str = "unknown"
    time_of_day: str = "unknown"
    lighting: str = "even"
    contrast: str = "normal"
    colour_cast: str = "neutral"
    people: str = "none"
    words: str = ""
    extra_tags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        regions = tuple(sorted(self.regions, key=lambda r: -r.area))
        object.__setattr__(self, "regions", regions)
        if len(self.words) > MAX_WORDS_CHARS:
            raise SceneError(
                f"The scene's words are {len(self.words)} characters; keep them under {MAX_WORDS_CHARS}."
            )

    @property
    def classes(self) -> tuple[str, ...]:
        """Region class names, largest first."""
        return tuple(r.name for r in self.regions)

    @property
    def tags(self) -> tuple[str, ...]:
        """Short ``key:value`` tags, for filtering and for people reading an export."""
        tags = [f"{name}:{getattr(self, name)}" for name in _FIELDS]
        tags += [f"region:{r.name}" for r in self.regions]
        return (*tags, *self.extra_tags)

    def text(self) -> str:
        """The sentence that is embedded: the kind of scene, twice, then its coloured regions.

        Measured on MiniLM, a full sentence listing light, cast, contrast and people makes every
        outdoor scene look alike (beach vs snow 0.69, beach vs a rocket on a launch pad 0.82),
        because those shared words outweigh the few that differ. Naming the kind twice and the
        regions by colour separates them (same kind 0.87-0.94, different kinds at most 0.72);
        light, cast and the rest stay in :attr:`tags`.
        """
        regions = ", ".join(" ".join(w for w in (r.colour, r.name) if w) for r in self.regions)
        text = f"{self.kind} scene: {self.kind} with {regions or 'no named regions'}"
        if self.time_of_day == "golden hour":
            text += " at golden hour"
        return f"{text}. {self.words}" if self.words else text

    def with_words(self, words: str) -> SceneDescription:
        """The same scene with a vision model's description added."""
        return replace(self, words=words.strip())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: getattr(self, name) for name in _FIELDS}
        out["regions"] = [
            {"name": r.name, "area": round(r.area, 4), "colour": r.colour, "tone": r.tone}
            for r in self.regions
        ]
        out["words"] = self.words
        out["extra_tags"] = list(self.extra_tags)
        return out

    @classmethod
    def from_dict(cls, data: Any) -> SceneDescription:
        """Validate plain data (parsed JSON, an import line) into a scene description."""
        if not isinstance(data, Mapping):
            raise SceneError("A scene description must be a JSON object.")
        known = {*_FIELDS, "regions", "words", "extra_tags"}
        unknown = set(data) - known
        if unknown:
            raise SceneError(f"Unknown scene field {sorted(unknown)[0]!r}.")
        regions = data.get("regions", [])
        if not isinstance(regions, list) or not all(isinstance(r, Mapping) for r in regions):
            raise SceneError("The scene's 'regions' must be a list of objects with name and area.")
        try:
            parsed = tuple(RegionSummary(**dict(r)) for r in regions)
        except TypeError:
            raise SceneError("Each scene region has only name, area, colour and tone.") from None
        values = {name: str(data[name]) for name in _FIELDS if name in data}
        return cls(
            regions=parsed,
            words=str(data.get("words", "")),
            extra_tags=tuple(str(t) for t in data.get("extra_tags", [])),
            **values,
        )


def describe(
    image: NDArray[np.generic],
    regions: LabelledRegions | Mapping[str, NDArray[np.generic]],
    words: str = "",
) -> SceneDescription:
    """Describe a photo from its pixels and the regions a segmenter found in it.

    Args:
        image: ``(H, W, 3)`` RGB photo, any dtype ``core.metrics`` accepts.
        regions: a segmenter's ``RegionMap`` (anything with ``names()`` and ``mask(label)``), or a
            mapping of region class to ``(H, W)`` mask of the photo's size.
        words: a hosted vision model's description, if any.

    Returns:
        The scene's regions (each with a colour word and a tone), kind, setting, time of day,
        lighting, contrast, colour cast and people.
    """
    if isinstance(regions, Mapping):
        masks = dict(regions)
    else:
        masks = {name: regions.mask(name) for name in regions.names()}
    whole = {"global": np.ones(image.shape[:2], dtype=np.float32)}
    rgb, small = analysis_view(image, {**whole, **masks})
    pixels = rgb.reshape(-1, 3)
    summaries = []
    for name, weights in small.items():
        if name == "global":
            continue
        w = weights.reshape(-1)
        area = float(w.mean())
        if area < MIN_AREA:
            continue
        mean = (pixels * w[:, None]).sum(axis=0) / w.sum()
        summaries.append(RegionSummary(name, min(area, 1.0), colour_name(mean), _tone(mean)))
    luma = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    brightness = float(np.sqrt((pixels**2) @ np.array([0.241, 0.691, 0.068])).mean())
    present = {r.name: r for r in summaries}
    setting = "outdoor" if OUTDOOR_CLASSES & present.keys() else "indoor"
    lighting = _lighting(brightness, small, pixels)
    cast = colour_cast(pixels)
    time_of_day = _time_of_day(setting, brightness, present.get("sky"))
    people = _people(present)
    kind = _kind(present, setting, time_of_day, people)
    std = float(luma.std())
    contrast = "high" if std > 0.28 else "flat" if std < 0.12 else "normal"
    return SceneDescription(
        tuple(summaries),
        kind,
        setting,
        time_of_day,
        lighting,
        contrast,
        cast,
        people,
        words.strip(),
    )


def colour_name(rgb: NDArray[np.floating]) -> str:
    """A plain colour word for a mean sRGB colour in [0, 1]: "white", "beige", "dark blue", ..."""
    hue, sat, val = colorsys.rgb_to_hsv(*(float(c) for c in rgb))
    if val < 0.18:
        return "black"
    if sat < 0.12:
        return "white" if val > 0.78 else "grey" if val > 0.35 else "dark grey"
    degrees = hue * 360
    if 18 <= degrees < 55 and sat < 0.45 and val > 0.5:
        return "beige"
    names = ((15, "red"), (40, "orange"), (70, "yellow"), (165, "green"), (200, "cyan"),
             (255, "blue"), (290, "purple"), (335, "pink"), (361, "red"))  # fmt: skip
    name = next(n for limit, n in names if degrees < limit)
    if sat < 0.3 and val > 0.6:
        return f"pale {name}"
    return f"dark {name}" if val < 0.4 else name


def colour_cast(pixels: NDArray[np.floating]) -> str:
    """Grey-world colour cast of ``(N, 3)`` sRGB pixels: warm, cool, green, magenta or neutral.

    The mean linear colour of a scene without a cast is near grey; its correlated colour
    temperature tells warm (< 5,000 K) from cool (> 8,000 K); a green channel well above both red
    and blue (or well below both) is a green (or magenta) tint, which no temperature explains.
    """
    mean = np.asarray(srgb_to_linear(pixels), dtype=np.float64).mean(axis=0)
    if mean.sum() < 1e-6:
        return "neutral"
    red, green, blue = mean
    if green > 1.25 * max(red, blue):
        return "green"
    if green * 1.25 < min(red, blue):
        return "magenta"
    cct = float(cct_of_linear_rgb(mean))
    return "warm" if cct < 5_000 else "cool" if cct > 8_000 else "neutral"


def _tone(rgb: NDArray[np.floating]) -> str:
    value = float(np.sqrt(np.dot(np.square(rgb), [0.241, 0.691, 0.068])))
    return "bright" if value > 0.72 else "dark" if value < 0.25 else ""


def _lighting(
    brightness: float, small: Mapping[str, NDArray[np.float32]], pixels: NDArray[np.float32]
) -> str:
    if "sky" in small and small["sky"].mean() > MIN_AREA:
        sky = small["sky"].reshape(-1)
        hsp = np.sqrt((pixels**2) @ np.array([0.241, 0.691, 0.068]))
        rest = 1.0 - sky
        if (
            rest.sum() > 0
            and (hsp * sky).sum() / sky.sum() - (hsp * rest).sum() / rest.sum() > 0.35
        ):
            return "backlit"
    if brightness < 0.22:
        return "dark"
    if brightness < 0.38:
        return "dim"
    return "bright" if brightness > 0.66 else "even"


def _time_of_day(setting: str, brightness: float, sky: RegionSummary | None) -> str:
    if setting != "outdoor":
        return "unknown"
    if brightness < 0.18 or (sky is not None and sky.colour in ("black", "dark blue", "dark grey")):
        return "night"
    if sky is not None and any(c in sky.colour for c in ("orange", "red", "pink", "yellow")):
        return "golden hour"
    return "day"


def _people(present: Mapping[str, RegionSummary]) -> str:
    face = present["face"].area if "face" in present else 0.0
    person = present["person"].area if "person" in present else 0.0
    if face >= 0.03 or person >= 0.3:
        return "portrait"
    return "people" if face or person else "none"


def _kind(present: Mapping[str, RegionSummary], setting: str, time_of_day: str, people: str) -> str:
    if people == "portrait":
        return "portrait"
    if time_of_day == "night":
        return "night"
    snowy = [
        r for r in present.values() if r.colour == "white" and r.name != "sky" and r.area >= 0.15
    ]
    if snowy:
        return "snow"
    ground = present.get("ground")
    if (
        "water" in present
        and ground is not None
        and ground.colour in ("beige", "pale orange", "pale yellow")
    ):
        return "beach"
    if setting == "outdoor":
        return "landscape" if {"vegetation", "water", "mountains"} & present.keys() else "outdoor"
    return "indoor"
