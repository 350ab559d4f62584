"""The four retouch attributes, in the channel order every part of PerTouch shares."""

from __future__ import annotations

from enum import StrEnum

from pertouch.core.errors import StateError


class Attribute(StrEnum):
    """One adjustable property of a region; the value is its public name."""

    COLORFULNESS = "colorfulness"
    CONTRAST = "contrast"
    TEMPERATURE = "temperature"
    BRIGHTNESS = "brightness"

    @property
    def channel(self) -> int:
        """Index of this attribute in level vectors and parameter maps."""
        return ATTRIBUTES.index(self)


#: Channel order of level vectors and parameter maps (colorfulness, contrast, temperature, brightness).
ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute.COLORFULNESS,
    Attribute.CONTRAST,
    Attribute.TEMPERATURE,
    Attribute.BRIGHTNESS,
)
NUM_ATTRIBUTES = len(ATTRIBUTES)


def parse_attribute(name: str | Attribute) -> Attribute:
    """Return the attribute called ``name``, or raise one sentence listing the valid names."""
    if isinstance(name, Attribute):
        return name
    try:
        return Attribute(str(name).strip().lower())
    except ValueError:
        valid = ", ".join(a.value for a in ATTRIBUTES)
        raise StateError(f"Unknown attribute {name!r}; use one of: {valid}.") from None
