"""The agent's state: what one thread knows, as references and plain data (never arrays).

A thread is one photo and a conversation about it. Fields marked *per turn* are reset by
``perceive`` at the start of every instruction; the rest carry across turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

EMPTY_STATE: dict[str, Any] = {"baseline": "as_shot", "edits": []}


@dataclass(kw_only=True)
class InputState:
    """What a caller gives for one turn."""

    instruction: str = ""
    """The user's words for this turn: "the sky is dull, make it bluer"."""

    photo: str = ""
    """A photo path or an image-store reference; needed on the thread's first turn only."""

    user: str = ""
    """Who is asking (the memory issue keys preferences by it)."""


@dataclass(kw_only=True)
class State(InputState):
    """Everything the nodes read and write."""

    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)
    """The planner's conversation: instructions, tool calls, tool answers, critiques, replies."""

    source: str = ""
    """The ``photo`` value that ``photo_ref`` was loaded from."""

    photo_ref: str = ""
    """The original photo in the image store."""

    scene: str = ""
    """A coarse scene tag from the regions found: portrait, landscape or other."""

    scene_description: dict[str, Any] = field(default_factory=dict)
    """What the memory compares scenes by (``SceneDescription.to_dict()``); empty without memory."""

    suggestion: dict[str, Any] = field(default_factory=dict)
    """What the user's memory suggested as a start for this photo, and why (may be empty)."""

    regions: list[str] = field(default_factory=list)
    """Semantic regions the photo contains."""

    masks: dict[str, str] = field(default_factory=dict)
    """Region name to mask reference (uint8) for every region segmented in this thread."""

    adjustment: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_STATE))
    """The adjustment state now in force (what is or will be rendered)."""

    rendered: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_STATE))
    """The adjustment state that ``output_ref`` shows."""

    output_ref: str = ""
    """The current result in the image store ("" while nothing has been rendered)."""

    history: list[dict[str, Any]] = field(default_factory=list)
    """Earlier results, newest last, for "undo": {adjustment, output_ref, last_change}."""

    last_change: list[dict[str, Any]] = field(default_factory=list)
    """What the previous turn changed, {region, attribute, delta}, for "a bit less", "now the faces"."""

    instructions: list[str] = field(default_factory=list)
    """The user's own words, every turn of the thread (what the memory keeps on approval)."""

    status: str = "active"
    """"active", or "approved" once the user said the result is good."""

    # -- per turn ------------------------------------------------------------------------------
    start: dict[str, Any] = field(default_factory=dict)
    """*Per turn.* Where the turn began: {adjustment, output_ref, last_change} (undo restores it)."""

    planned: dict[str, Any] = field(default_factory=lambda: dict(EMPTY_STATE))
    """*Per turn.* What the words asked for; the critique measures against it."""

    classification: dict[str, Any] = field(default_factory=dict)
    """*Per turn.* {kind, reasons, unsupported, style, reset, fallback}."""

    round: int = 0
    """*Per turn.* Rendered rounds so far."""

    steps: int = 0
    """*Per turn.* Planner calls so far (a guard against a model that never stops)."""

    rounds: list[dict[str, Any]] = field(default_factory=list)
    """*Per turn.* The transcript: per round the edits, measured levels and the verdict."""

    verdict: dict[str, Any] = field(default_factory=dict)
    """*Per turn.* The latest critique: {satisfied, reason, corrections}."""

    notes: list[str] = field(default_factory=list)
    """*Per turn.* Sentences for the user: absent regions, clamped values, model fallbacks."""

    response: str = ""
    """*Per turn.* The reply to the user."""

    error: str = ""
    """*Per turn.* One sentence when the turn could not be carried out."""
