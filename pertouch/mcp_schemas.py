"""The MCP tools' arguments and results: what a client sees as each tool's schema.

Field descriptions are written for the model calling the tools; the server in
``pertouch/mcp_server.py`` fills these in.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

AttributeName = Literal["colorfulness", "contrast", "temperature", "brightness"]


class MaskInput(BaseModel):
    """A region shown by hand: the word it stands for and a grey (or transparent-layer) image."""

    model_config = ConfigDict(extra="forbid")
    word: str = Field(min_length=1, max_length=64, description='e.g. "water", "the boats".')
    image: ImageInput = Field(description="White (or opaque) where the region is.")


class ImageInput(BaseModel):
    """A photo: give exactly one of ``path`` or ``base64``."""

    model_config = ConfigDict(extra="forbid")
    path: str | None = Field(None, description="A photo file inside the server's allowed folders.")
    base64: str | None = Field(
        None, description="The photo file's bytes (JPEG, PNG, TIFF or WebP), base64-encoded."
    )

    @model_validator(mode="after")
    def _one_source(self) -> ImageInput:
        if (self.path is None) == (self.base64 is None):
            raise ValueError("Give the photo as exactly one of path or base64.")
        return self


class EditInput(BaseModel):
    """Move one attribute of one region by ``delta`` levels."""

    model_config = ConfigDict(extra="forbid")
    region: str = Field(description='A region such as "sky", "face", "background", or "global".')
    attribute: AttributeName
    delta: float = Field(ge=-1.0, le=1.0, description="Change in levels; 0.1 a touch, 0.4 a lot.")


class RetouchOutput(BaseModel):
    thread_id: str = Field(description="Pass it back to continue or approve this conversation.")
    response: str = Field(description="The agent's reply, with measured changes.")
    kind: str = Field(
        description="How the instruction was read: weak_optimize, weak_style, strong."
    )
    state: dict[str, Any] = Field(description="The adjustment state now in force.")
    reasoning: str = Field(
        description="Every round: edits, levels before/target/measured, verdict."
    )
    unsupported: list[str]
    notes: list[str]
    approved: bool
    width: int
    height: int
    output_path: str | None = None


class SegmentOutput(BaseModel):
    phrase: str
    region: str = Field(description='The region class understood, or "" if not understood.')
    found: bool
    area: float = Field(description="Share of the photo the region covers, 0 to 1.")
    confidence: float
    note: str
    alternatives: list[str] = Field(description="Regions the photo does contain, when not found.")


class MeasureOutput(BaseModel):
    levels: dict[str, dict[str, float]] = Field(description="Region to attribute level, -1 to 1.")
    absent: list[str] = Field(description="Regions asked for but not in this photo.")


class RenderOutput(BaseModel):
    converged: bool
    regions: dict[str, Any] = Field(description="Per region: levels before, target and reached.")
    width: int
    height: int
    output_path: str | None = None


class RecallOutput(BaseModel):
    edits: list[dict[str, Any]]
    reason: str = Field(description='Why, in one sentence; "" when nothing similar is remembered.')


class ApproveOutput(BaseModel):
    thread_id: str
    user: str
    remembered: bool = Field(
        description="False when nothing new was stored: these edits were already remembered, or "
        "the conversation was started without this user."
    )
    records: int = Field(description="How many retouches the user now has in memory.")
