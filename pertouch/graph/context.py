"""Run-scoped settings of the agent, read by nodes through ``runtime.context``.

Dependencies (model, segmenter, renderer, store, memory) are given to ``build_graph``; these are
the knobs a caller may change per run. Nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(kw_only=True)
class Context:
    """Settings for one run of the graph."""

    max_rounds: int = 3
    """Render-critique rounds per turn before the agent answers with what it has (paper: 3)."""

    send_images: bool = True
    """Show the planner and critic previews of the photo (ignored by the offline model)."""

    preview_size: int = 512
    """Long side in pixels of the previews sent to a vision model."""

    max_instruction_chars: int = 2000
    """Longer instructions are refused with one sentence."""

    max_steps: int = 8
    """Planner calls per turn before the agent stops asking the model."""

    use_memory: bool = True
    """Start a new photo from the user's remembered taste for similar scenes (when a memory is
    configured); ``False`` is how a user declines it."""
