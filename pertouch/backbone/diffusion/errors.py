"""Errors of the diffusion backbone that a user can act on."""

from __future__ import annotations

from pertouch.core.errors import PerTouchError


class WeightsError(PerTouchError):
    """Model weights are missing, unreadable, or do not fit the architecture that should hold them."""


class DiffusionOptionError(PerTouchError):
    """An option of the diffusion renderer (dtype, scheduler, steps, size, device) is not supported."""
