"""Errors a user can act on.

Every error raised for bad input carries one sentence that says what is wrong and what to do.
Entry points (CLI, UI, MCP, graph) catch :class:`PerTouchError` once and show that sentence.
"""


class PerTouchError(ValueError):
    """Base class for problems with what the user gave us (never for our own bugs)."""


class ImageReadError(PerTouchError):
    """A photo could not be read: missing, not an image, truncated, empty or too large."""


class ImageWriteError(PerTouchError):
    """A result could not be written where the user asked."""


class StateError(PerTouchError):
    """An adjustment state (edits, baseline) is malformed or out of range."""


class MaskError(PerTouchError):
    """A region mask is missing, unreadable or does not fit the photo."""


class ScaleError(PerTouchError):
    """A level scale file is malformed or cannot be fitted from the given photos."""
