"""What a photo shows, measured: its regions, framing, light, colour, and the numbers behind them.

:func:`describe` measures a photo and the regions a segmenter proposed in it
(:mod:`pertouch.memory.measure`), and names what it measured in words people read
(:mod:`pertouch.memory.framing`). The memory compares scenes by the measurements, through the
fitted :mod:`pertouch.memory.space`; the words go into each record's sentence and into the reason a
suggestion gives. Earlier versions described scenes only in words (a one-word kind and colour
words, compared as embedded text); such descriptions still load, without measurements, so their
records stay readable, exportable and importable, but are never compared.

It is longer than 300 lines because the description, its old-format reader and the comparison
rules (the people rule) must change together.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError
from pertouch.core.metrics import analysis_view, cct_of_linear_rgb, srgb_to_linear
from pertouch.memory import framing as words_for
from pertouch.memory.measure import measure

#: Share of the photo below which a region is too small to characterise the scene.
MIN_AREA = 0.02
MAX_WORDS_CHARS = 500
FORMAT = 2
_WORD_FIELDS = ("framing", "setting", "time_of_day", "key", "cast", "palette")
_LEGACY_FIELDS = ("kind", "lighting", "contrast", "colour_cast", "people", "extra_tags")
_LEGACY_KEY = {"dark": "low-key", "dim": "low-key", "bright": "high-key"}


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
        object.__setattr__(self, "area", round(float(self.area), 4))  # as JSON keeps it


@dataclass(frozen=True)
class SceneDescription:
    """What perception found in one photo, as plain data that round-trips through JSON.

    Attributes:
        regions: the region classes the segmenter found, largest first, with colour words.
        framing: "portrait", "group", "landscape", "cityscape" or "close-up" (an older record
            keeps its one-word kind here).
        setting: "outdoors", "indoors or close", or "" when unknown.
        time_of_day: "day", "golden hour", "dusk", "night", or "" when the light says nothing.
        key: "low-key", "mid-key" or "high-key".
        cast: the light's colour: "warm", "cool", "green", "magenta" or "neutral".
        palette: "muted", "moderately colourful" or "vivid".
        hues: up to two hue names that hold most of the colour.
        measurements: every measurement of :data:`measure.FEATURES`; empty for older records.
        words: free text from a hosted vision model, if one looked at the photo.
    """

    regions: tuple[RegionSummary, ...] = ()
    framing: str = "close-up"
    setting: str = ""
    time_of_day: str = ""
    key: str = "mid-key"
    cast: str = "neutral"
    palette: str = ""
    hues: tuple[str, ...] = ()
    measurements: Mapping[str, float] = field(default_factory=dict)
    words: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", tuple(sorted(self.regions, key=lambda r: -r.area)))
        object.__setattr__(self, "hues", tuple(self.hues))
        if not isinstance(self.framing, str) or not self.framing.strip():
            raise SceneError("A scene needs a framing such as 'landscape' or 'portrait'.")
        if len(self.words) > MAX_WORDS_CHARS:
            raise SceneError(
                f"The scene's words are {len(self.words)} characters; keep them under {MAX_WORDS_CHARS}."
            )
        values = dict(self.measurements)
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in values.values()):
            raise SceneError("Every scene measurement must be a finite number.")
        rounded = {k: round(float(v), 5) for k, v in values.items()}  # as JSON keeps them
        object.__setattr__(self, "measurements", rounded)

    @property
    def kind(self) -> str:
        """The framing, under the name older code and records use."""
        return self.framing

    @property
    def measured(self) -> bool:
        """Whether the scene carries measurements (older records do not, and are not compared)."""
        return bool(self.measurements)

    @property
    def has_people(self) -> bool:
        return self.framing in words_for.PEOPLE_FRAMINGS

    @property
    def classes(self) -> tuple[str, ...]:
        """Region class names, largest first."""
        return tuple(r.name for r in self.regions)

    @property
    def tags(self) -> tuple[str, ...]:
        """Short ``key:value`` tags, for filtering and for people reading an export."""
        tags = [f"{name}:{getattr(self, name)}" for name in _WORD_FIELDS if getattr(self, name)]
        return (*tags, *(f"hue:{h}" for h in self.hues), *(f"region:{n}" for n in self.classes))

    def text(self) -> str:
        """One sentence for people: "Landscape, outdoors at golden hour, mid-key; sky 40 %, ..."."""
        when = words_for.LIGHT_PHRASES.get(self.time_of_day, self.time_of_day)
        light = ", ".join(w for w in (self.setting, when, self.key) if w)
        regions = ", ".join(f"{r.name} {r.area:.0%}" for r in self.regions if r.area >= 0.05)
        colour = " ".join(
            w for w in (self.cast if self.cast != "neutral" else "", self.palette) if w
        )
        if self.hues:
            colour += f" ({' and '.join(self.hues)})"
        parts = [self.framing.capitalize() + (f", {light}" if light else ""), regions, colour]
        text = "; ".join(p for p in parts if p.strip()) + "."
        return f"{text} {self.words}" if self.words else text

    def with_words(self, words: str) -> SceneDescription:
        """The same scene with a vision model's description added."""
        return replace(self, words=words.strip())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": FORMAT}
        out.update({name: getattr(self, name) for name in _WORD_FIELDS})
        out["hues"] = list(self.hues)
        out["regions"] = [
            {"name": r.name, "area": round(r.area, 4), "colour": r.colour, "tone": r.tone}
            for r in self.regions
        ]
        out["measurements"] = {k: round(v, 5) for k, v in self.measurements.items()}
        out["words"] = self.words
        return out

    @classmethod
    def from_dict(cls, data: Any) -> SceneDescription:
        """Validate plain data (parsed JSON, an import line) into a scene; older formats load too."""
        if not isinstance(data, Mapping):
            raise SceneError("A scene description must be a JSON object.")
        legacy = "format" not in data
        known = {*_WORD_FIELDS, "format", "hues", "regions", "measurements", "words"}
        known |= {"time_of_day", *_LEGACY_FIELDS} if legacy else set()
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
        values = {name: str(data[name]) for name in _WORD_FIELDS if name in data}
        if legacy:
            values = _from_legacy(data)
        measurements = data.get("measurements", {})
        if not isinstance(measurements, Mapping):
            raise SceneError("The scene's 'measurements' must be an object of numbers.")
        hues = data.get("hues", [])
        return cls(
            regions=parsed,
            hues=tuple(str(h) for h in hues) if isinstance(hues, list) else (),
            measurements=dict(measurements),
            words=str(data.get("words", "")),
            **values,
        )


def _from_legacy(data: Mapping[str, Any]) -> dict[str, str]:
    """The word fields of a format-1 scene (kind, lighting, colour_cast, people, ...)."""
    kind = str(data.get("kind", "scene")) or "scene"
    if data.get("people") == "portrait":
        kind = "portrait"
    return {
        "framing": kind,
        "setting": {"outdoor": "outdoors", "indoor": "indoors or close"}.get(
            str(data.get("setting", "")), ""
        ),
        "time_of_day": ""
        if data.get("time_of_day") == "unknown"
        else str(data.get("time_of_day", "")),
        "key": _LEGACY_KEY.get(str(data.get("lighting", "")), "mid-key"),
        "cast": str(data.get("colour_cast", "neutral")),
    }


def describe(
    image: NDArray[np.generic],
    regions: LabelledRegions | Mapping[str, NDArray[np.generic]],
    words: str = "",
) -> SceneDescription:
    """Measure and describe a photo from its pixels and the regions a segmenter found in it.

    Args:
        image: ``(H, W, 3)`` RGB photo, any dtype ``core.metrics`` accepts.
        regions: a segmenter's ``RegionMap`` (anything with ``names()`` and ``mask(label)``), or a
            mapping of region class to ``(H, W)`` mask of the photo's size.
        words: a hosted vision model's description, if any.
    """
    if isinstance(regions, Mapping):
        masks = dict(regions)
    else:
        masks = {name: regions.mask(name) for name in regions.names()}
    m = measure(image, masks)
    rgb, small = analysis_view(image, masks)
    pixels = rgb.reshape(-1, 3)
    summaries = []
    for name, weights in small.items():
        w = weights.reshape(-1)
        area = float(w.mean())
        if area < MIN_AREA:
            continue
        mean = (pixels * w[:, None]).sum(axis=0) / w.sum()
        summaries.append(RegionSummary(name, min(area, 1.0), colour_name(mean), _tone(mean)))
    return SceneDescription(
        regions=tuple(summaries),
        framing=words_for.framing(m),
        setting=words_for.setting(m),
        time_of_day=words_for.time_of_day(m),
        key=words_for.key(m),
        cast=colour_cast(pixels),
        palette=words_for.palette(m),
        hues=words_for.dominant_hues(m),
        measurements=m,
        words=words.strip(),
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
