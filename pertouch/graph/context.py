"""Run-scoped settings of the agent, read by nodes through ``runtime.context``.

Dependencies (model, segmenter, renderer, store, memory) are given to ``build_graph``; these are
the knobs a caller may change per run. Nothing here reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from pertouch.core.errors import PerTouchError

ImageWanted = Literal["preview", "full", "none"]


class ContextError(PerTouchError):
    """A run's context asks for something out of range (a served run's context comes from a
    remote client, so it is checked)."""


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

    model_budget_s: float | None = None
    """Seconds the model may take over one turn, all its calls together; after them the offline
    reader answers the rest of the turn. None: the graph's own budget (``build_graph``'s
    ``model_budget_s``, which the services and the server take from ``PERTOUCH_MODEL_BUDGET``)."""

    use_memory: bool = True
    """Start a new photo from the user's remembered taste for similar scenes (when a memory is
    configured); ``False`` is how a user declines it."""


@dataclass(kw_only=True)
class ServedContext(Context):
    """Settings for one run of the served graph (``langgraph.json``): the run's own choices.

    ``model``, ``renderer`` and ``memory`` are read by the graph factory in
    :mod:`pertouch.deployment`, which builds (once, then reuses) the agent for that choice, with
    the same checks as the command line; the nodes never see them. ``None`` keeps the server's
    setting.
    """

    model: str | None = None
    """A chat model the server allows, e.g. "offline" or "openai:gpt-4o"."""

    renderer: str | None = None
    """"parametric", or "diffusion" where the server has the model."""

    memory: str | None = None
    """"none" to run without the scene memory, or a memory location the server allows."""

    image: ImageWanted = "preview"
    """What the output's ``image`` carries: a JPEG preview, also the full-resolution PNG, or
    nothing but its size."""

    def __post_init__(self) -> None:
        if self.image not in get_args(ImageWanted):
            raise ContextError(f'image must be "preview", "full" or "none", not {self.image!r}.')
        for name, low, high in _BOUNDS:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ContextError(
                    f"{name} must be a whole number from {low} to {high}, not {value!r}."
                )
        budget = self.model_budget_s
        if budget is None:
            return  # the server's own budget
        if isinstance(budget, bool) or not isinstance(budget, int | float) or not 0 < budget <= 600:
            raise ContextError(
                f"model_budget_s must be more than 0 and at most 600 seconds, not {budget!r}."
            )


#: What a remote client may set the numeric knobs to (the defaults sit inside).
_BOUNDS = (
    ("max_rounds", 1, 10),
    ("max_steps", 1, 20),
    ("preview_size", 64, 2048),
    ("max_instruction_chars", 1, 20_000),
)
