"""The agent's state: what one thread knows, as references and typed plain data (never arrays).

A thread is one photo and a conversation about it. Fields marked *per turn* are reset by
``perceive`` at the start of every instruction; the rest carry across turns. Every value is a
string, a number, a list or tuple of them, or one of the frozen records in
:mod:`pertouch.graph.records`, :mod:`pertouch.core.adjustments` and :mod:`pertouch.memory`, so the
checkpointer stores it exactly and its shape is written here, not in a docstring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.graph.records import Judgement, Round, Snapshot
from pertouch.graph.schemas import Classification
from pertouch.memory.recall import Suggestion
from pertouch.memory.scene import SceneDescription


def named_or_kept(kept: str, named: str) -> str:
    """Keep the thread's user unless this turn names one.

    Every surface sends ``user=""`` when no user is given, so without this a later turn of a
    thread (``retouch --thread X`` without ``--user``) would forget whose taste it is and never
    remember the approval.

    >>> named_or_kept("ana", ""), named_or_kept("ana", "ben"), named_or_kept("", "ana")
    ('ana', 'ben', 'ana')
    """
    return named or kept


@dataclass(kw_only=True)
class InputState:
    """What a caller gives for one turn."""

    instruction: str = ""
    """The user's words for this turn: "the sky is dull, make it bluer"."""

    photo: str = ""
    """The photo, on the thread's first turn only: a path or an image-store reference (local
    callers), a ``data:image/...;base64,`` URL or bare base64, or an http(s) URL."""

    user: Annotated[str, named_or_kept] = ""
    """Who is asking: whose remembered taste applies, and who approval remembers for. A turn that
    names nobody keeps the thread's user."""

    user_masks: dict[str, str] = field(default_factory=dict)
    """Masks the person shows this turn: word ("water", "the boats") to a uint8 mask of the
    photo's size in the image store. They stand for that word in this turn and later ones."""


@dataclass(kw_only=True)
class State(InputState):
    """Everything the nodes read and write."""

    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)
    """The planner's conversation: instructions, tool calls, tool answers, critiques, replies."""

    source: str = ""
    """The ``photo`` value that ``photo_ref`` was loaded from (a digest of it when it is long,
    as a photo sent as data is), so giving the same photo again does not restart the thread."""

    photo_ref: str = ""
    """The original photo in the image store."""

    scene: str = ""
    """A coarse scene tag from the regions found: portrait, landscape or other."""

    scene_description: SceneDescription | None = None
    """What the memory compares scenes by; None until a memory has described the photo."""

    suggestion: Suggestion | None = None
    """What the user's memory suggested as a start for this photo, and why."""

    regions: list[str] = field(default_factory=list)
    """Semantic regions the photo contains."""

    given_masks: dict[str, str] = field(default_factory=dict)
    """Every mask the person has shown for this photo, word to reference (see ``user_masks``)."""

    masks: dict[str, str] = field(default_factory=dict)
    """Region name to mask reference (uint8) for every region segmented in this thread."""

    adjustment: AdjustmentState = field(default_factory=AdjustmentState)
    """The adjustment state now in force (what is or will be rendered)."""

    rendered: AdjustmentState = field(default_factory=AdjustmentState)
    """The adjustment state that ``output_ref`` shows."""

    output_ref: str = ""
    """The current result in the image store ("" while nothing has been rendered)."""

    history: list[Snapshot] = field(default_factory=list)
    """Earlier results, newest last, for "undo"."""

    last_change: tuple[Edit, ...] = ()
    """What the previous turn changed, for "a bit less" and "now the faces"."""

    instructions: list[str] = field(default_factory=list)
    """The user's own words, every turn of the thread (what the memory keeps on approval)."""

    status: Literal["active", "approved"] = "active"
    """"approved" once the user said the result is good."""

    # -- per turn ------------------------------------------------------------------------------
    start: Snapshot = field(default_factory=Snapshot)
    """*Per turn.* Where the turn began (undo restores it)."""

    planned: AdjustmentState = field(default_factory=AdjustmentState)
    """*Per turn.* What the words asked for; the critique measures against it."""

    classification: Classification | None = None
    """*Per turn.* What kind of instruction this is, with reasons and unsupported parts."""

    round: int = 0
    """*Per turn.* Rendered rounds so far."""

    steps: int = 0
    """*Per turn.* Planner calls so far (a guard against a model that never stops)."""

    rounds: list[Round] = field(default_factory=list)
    """*Per turn.* The transcript: per round the edits, measured levels and the verdict."""

    verdict: Judgement | None = None
    """*Per turn.* The latest critique."""

    notes: list[str] = field(default_factory=list)
    """*Per turn.* Sentences for the user: absent regions, clamped values, model fallbacks."""

    response: str = ""
    """*Per turn.* The reply to the user."""

    error: str = ""
    """*Per turn.* One sentence when the turn could not be carried out."""

    model_deadline: float = 0.0
    """*Per turn.* When the model's time for this turn ends (a ``time.time()`` value; 0: no
    limit); after it the offline reader answers every step."""

    model_fell_back: bool = False
    """*Per turn.* True once the model failed (or ran out of time) and the offline reader stood
    in for a step; ``--strict`` callers treat the turn as failed."""

    @property
    def kind(self) -> str:
        """The classified kind of this turn's instruction ("" before classify)."""
        return self.classification.kind if self.classification else ""


@dataclass(kw_only=True)
class ServedOutput:
    """What the served graph returns to a client after a turn: plain JSON, no store references.

    ``deliver`` writes every field at the end of each turn, so a client reads this turn's outcome
    from the run's output (or the thread's state) and never the 25 internal fields.
    """

    response: str = ""
    """The agent's reply."""

    error: str = ""
    """One sentence when the turn could not be carried out ("" otherwise)."""

    status: Literal["active", "approved"] = "active"
    """"approved" once the user said the result is good."""

    understood_as: str = ""
    """How the instruction was read: weak_optimize, weak_style, strong, refine, undo, approve..."""

    baseline: str = "as_shot"
    """The adjustment state's baseline now in force: "as_shot" or "auto"."""

    edits: list[dict[str, Any]] = field(default_factory=list)
    """The edits now in force: ``{"region", "attribute", "delta"}`` each, delta in levels (the
    total for that region and attribute, -1 to 1 is the usual range)."""

    levels: list[dict[str, Any]] = field(default_factory=list)
    """The shown result measured, per planned edit: region, attribute, and the level before,
    the target the words asked for, the level measured (empty when this turn rendered nothing)."""

    regions: list[str] = field(default_factory=list)
    """The regions the photo was found to contain."""

    regions_used: list[str] = field(default_factory=list)
    """The regions the result's edits act on (besides the whole photo)."""

    notes: list[str] = field(default_factory=list)
    """Absent regions, clamped values, model fallbacks."""

    image: dict[str, Any] | None = None
    """The current result (the photo as given while nothing is rendered): ``width`` and
    ``height`` at full resolution, ``preview`` (base64 JPEG, long side at most 1280) with its
    ``preview_mime_type``, and with ``image="full"`` in the run's context ``data``: the whole
    result as a base64 PNG (16-bit photos stay 16-bit), ``mime_type`` and ``filename``."""


def state_serializer() -> Any:
    """The checkpointer's serializer, told which of our types a thread may hold.

    LangGraph's msgpack serializer restores only types it is allowed to; listing ours keeps
    threads readable when it becomes strict, and silences its warning until then.
    """
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    from pertouch.core.attributes import Attribute
    from pertouch.graph import records

    types: list[type[Any]] = [
        Attribute,
        Edit,
        AdjustmentState,
        Classification,
        Suggestion,
        SceneDescription,
        records.Snapshot,
        records.Measurement,
        records.Judgement,
        records.Round,
    ]
    from pertouch.core.guards import GuardReport

    types += [GuardReport, *_nested_dataclasses(GuardReport)]
    types += _nested_dataclasses(AdjustmentState)
    types += _nested_dataclasses(SceneDescription) + _nested_dataclasses(Suggestion)
    allowed = sorted({(t.__module__, t.__qualname__) for t in types})
    return JsonPlusSerializer(allowed_msgpack_modules=allowed)


def _nested_dataclasses(cls: type[Any]) -> list[type[Any]]:
    """Dataclass types reachable from ``cls``'s fields (the memory's records nest a few)."""
    import dataclasses
    import typing

    found: list[type[Any]] = []
    hints = typing.get_type_hints(cls)
    stack = list(hints.values())
    while stack:
        hint = stack.pop()
        stack.extend(typing.get_args(hint))
        if isinstance(hint, type) and dataclasses.is_dataclass(hint) and hint not in found:
            found.append(hint)
            stack.extend(typing.get_type_hints(hint).values())
    return found
