"""The shapes of model replies the graph accepts; anything else is malformed.

``classify`` and ``verdict`` are answer-only tools (the model calls them to reply in structure);
the planner's tools are checked against :mod:`pertouch.tools.agent_tools`' argument schemas.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field

from pertouch.core.degrees import MAX_REQUEST


class Classification(BaseModel):
    """Classify the user's latest instruction."""

    kind: Literal[
        "weak_optimize", "weak_style", "strong", "unsupported", "refine", "undo", "approve"
    ] = Field(description="What kind of instruction this is.")
    reasons: list[str] = Field(default_factory=list, description="Short reasons, one per part.")
    unsupported: list[str] = Field(
        default_factory=list, description="Requested operations PerTouch cannot do."
    )
    style: str = Field(default="", description="The named look, for weak_style.")
    reset: bool = Field(default=False, description="For undo: back to the original photo.")
    questions: list[str] = Field(
        default_factory=list,
        description="What to ask instead of guessing, one question per unclear part "
        '("Warmer or cooler?"); nothing is changed for those parts.',
    )
    not_understood: list[str] = Field(
        default_factory=list, description="Parts of the instruction that could not be read."
    )


class Correction(BaseModel):
    region: str
    attribute: Literal["colorfulness", "contrast", "temperature", "brightness"]
    delta: float = Field(ge=-2.0, le=2.0)


class Verdict(BaseModel):
    """Judge the rendered result against the targets."""

    satisfied: bool = Field(description="True when every target was met.")
    reason: str = Field(default="", description="One sentence.")
    corrections: list[Correction] = Field(
        default_factory=list, description="New total deltas for edits that missed."
    )

    def clamped(self) -> Verdict:
        fixes = [
            c.model_copy(update={"delta": max(-MAX_REQUEST, min(MAX_REQUEST, c.delta))})
            for c in self.corrections
        ]
        return self.model_copy(update={"corrections": fixes})


def answer_tool(name: str, schema: type[BaseModel]) -> dict[str, Any]:
    """An OpenAI-format tool called ``name`` whose arguments are ``schema``."""
    tool = convert_to_openai_tool(schema)
    tool["function"]["name"] = name
    return tool
