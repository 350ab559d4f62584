"""The offline chat model: a real LangChain ``BaseChatModel`` that reads instructions with a grammar.

It answers the same three requests a hosted model gets, by the tools bound to it:

* ``classify`` bound: read the latest user instruction (:mod:`pertouch.providers.grammar`) and
  call ``classify`` with the kind, reasons and unsupported parts.
* ``verdict`` bound: read the measurement table the critique prompt carries and call ``verdict``:
  satisfied when every measured change lies within tolerance of its target (or the target is at
  the end of the range), otherwise corrections that add the remaining error to each edit.
* otherwise (planning): call ``segment`` for every region the instruction names, then, once the
  answers are in, ``set_edit`` for each change on a region that was found, and ``render``.

Images in the messages are ignored; numbers in the prompts carry everything it needs.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from pertouch.core.adjustments import GLOBAL
from pertouch.core.degrees import MAX_REQUEST, accepted_band
from pertouch.core.regions import CLASSES_BY_NAME, REGION_CLASSES, normalise
from pertouch.providers.reader import Reading, read_instruction

#: Tagged blocks the graph's prompts carry, for models (this one) that read numbers, not pictures.
CONTEXT_TAG = "context"
CORRECTIONS_TAG = "corrections"
MEASUREMENTS_TAG = "measurements"
#: Words dropped from a given mask's word when it is read as a region ("the kite" -> "kite").
_ARTICLES = frozenset({"the", "a", "an", "my", "this", "that", "these", "those", "our"})


def tagged(tag: str, data: Any) -> str:
    """``data`` as JSON inside ``<tag>...</tag>``."""
    return f"<{tag}>{json.dumps(data)}</{tag}>"


def read_tagged(text: str, tag: str) -> Any:
    """The JSON inside the last ``<tag>...</tag>`` of ``text``, or None."""
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", text, re.DOTALL)
    return json.loads(found[-1]) if found else None


def default_region_words() -> dict[str, str]:
    """The words the segmentation lexicon reads, so the model never names a region it cannot find."""
    words = {normalise(s): c.name for c in REGION_CLASSES for s in c.synonyms}
    words.update({"whole thing": GLOBAL, "everything": GLOBAL, "overall": GLOBAL})
    for dropped in ("all", "back", "behind", "him", "them", "focus", "thing", "things", "model"):
        words.pop(dropped, None)
    return words


def shown_words(region_words: Mapping[str, str], context: Mapping[str, Any]) -> dict[str, str]:
    """``region_words`` plus the words the person gave masks for ("kite", "the red car").

    A word no region class knows would otherwise read as no region at all, and the edit would
    fall on the whole photo; perceive lists the given words among ``regions_in_photo``, so each
    such word is read as a region of its own name, which the segmenter answers with the mask.
    """
    words = dict(region_words)
    for entry in context.get("regions_in_photo", []):
        phrase = normalise(str(entry))
        bare = " ".join(w for w in phrase.split() if w not in _ARTICLES) or phrase
        if phrase in CLASSES_BY_NAME or bare in CLASSES_BY_NAME:
            continue
        for form in {phrase, bare}:
            words.setdefault(form, bare)
    return words


def message_text(message: BaseMessage) -> str:
    """The text parts of a message (image parts dropped)."""
    content = message.content
    if isinstance(content, str):
        return content
    return " ".join(
        part if isinstance(part, str) else str(part.get("text", ""))
        for part in content
        if isinstance(part, str) or part.get("type") == "text"
    )


def latest_instruction(messages: Sequence[BaseMessage]) -> str:
    """The latest user instruction (a human message without a name such as "critique")."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage) and not message.name:
            return message_text(message)
    return ""


class OfflineChatModel(BaseChatModel):
    """Reads instructions with a lexicon and grammar and answers with tool calls; no network."""

    region_words: dict[str, str] = Field(default_factory=default_region_words)

    @property
    def _llm_type(self) -> str:
        return "pertouch-offline"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def read(self, instruction: str) -> Reading:
        """The grammar's reading of one instruction."""
        return read_instruction(instruction, self.region_words)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        names = {t["function"]["name"] for t in kwargs.get("tools") or []}
        if "classify" in names:
            message = self._classify(messages)
        elif "verdict" in names:
            message = self._verdict(messages)
        else:
            message = self._plan(messages)
        return ChatResult(generations=[ChatGeneration(message=message)])

    # -- the three requests ---------------------------------------------------------------------
    def _classify(self, messages: Sequence[BaseMessage]) -> AIMessage:
        reading = self.read(latest_instruction(messages))
        args = {
            "kind": reading.kind,
            "reasons": list(reading.reasons),
            "unsupported": list(reading.unsupported),
            "style": reading.style,
            "reset": reading.reset,
            "questions": [q.text for q in reading.questions],
            "not_understood": [c.text for c in reading.clauses if c.status == "not_understood"],
        }
        return _calls([("classify", args)])

    def _verdict(self, messages: Sequence[BaseMessage]) -> AIMessage:
        rows = read_tagged(message_text(messages[-1]), MEASUREMENTS_TAG) or []
        corrections = []
        limited = []
        for row in rows:
            if row.get("held"):
                continue  # the renderer stopped it where it would do harm: as far as it goes
            error = row["target"] - row["measured"]
            at_limit = abs(row["target"]) >= 0.98 or abs(row["delta"] + error) > MAX_REQUEST
            low, high = accepted_band(row["target"] - row["before"])
            if low <= row["measured"] - row["before"] <= high:
                continue
            if at_limit:
                limited.append(f"{row['region']} {row['attribute']}")
            else:
                delta = round(row["delta"] + error, 4)
                corrections.append(
                    {"region": row["region"], "attribute": row["attribute"], "delta": delta}
                )
        if corrections:
            reason = (
                f"{len(corrections)} change(s) missed their target; adding the remaining error."
            )
        elif limited:
            reason = (
                "Every measured change is within tolerance or as far as it can go "
                f"({', '.join(limited)} at the end of the scale or the largest edit)."
            )
        else:
            reason = "Every measured change is within tolerance of what was asked."
        args = {"satisfied": not corrections, "reason": reason, "corrections": corrections}
        return _calls([("verdict", args)])

    def _plan(self, messages: Sequence[BaseMessage]) -> AIMessage:
        context: dict[str, Any] = {}
        for message in messages:
            found = read_tagged(message_text(message), CONTEXT_TAG)
            context = found if found is not None else context
        last = messages[-1] if messages else None
        if isinstance(last, HumanMessage) and last.name == "critique":
            fixes = read_tagged(message_text(last), CORRECTIONS_TAG) or []
            return _calls([("set_edit", fix) for fix in fixes] + [("render", {})])
        reading = read_instruction(
            latest_instruction(messages), shown_words(self.region_words, context)
        )
        wanted = planned_totals(reading, context)
        asked_as = _object_phrases(reading)
        if isinstance(last, ToolMessage):
            answers = _segment_answers(messages)
            calls = []
            for (region, attribute), delta in wanted.items():
                found, name = answers.get(asked_as.get(region, region), (True, region))
                if found:
                    name = name if region in asked_as else region
                    calls.append(
                        ("set_edit", {"region": name, "attribute": attribute, "delta": delta})
                    )
            if not calls and not reading.protected:
                return AIMessage(content="Nothing I was asked to change is in this photo.")
            return _calls([*calls, ("render", {})])
        known = set(context.get("segmented", [])) | {GLOBAL}
        regions = [r for r in (*reading.regions, *(k[0] for k in wanted)) if r not in known]
        if regions:
            return _calls(
                [("segment", {"region": asked_as.get(r, r)}) for r in dict.fromkeys(regions)]
            )
        calls = [
            ("set_edit", {"region": region, "attribute": attribute, "delta": delta})
            for (region, attribute), delta in wanted.items()
        ]
        if not calls:
            return AIMessage(content="There is nothing to change for this instruction.")
        return _calls([*calls, ("render", {})])


def planned_totals(reading: Reading, context: Mapping[str, Any]) -> dict[tuple[str, str], float]:
    """The total delta each (region, attribute) should have after this instruction.

    ``context`` holds ``current`` (the edits now in force) and ``last_change`` (what the previous
    turn changed), each a list of {region, attribute, delta}.
    """
    current = {(e["region"], e["attribute"]): e["delta"] for e in context.get("current", [])}
    last = {(e["region"], e["attribute"]): e["delta"] for e in context.get("last_change", [])}
    totals: dict[tuple[str, str], float] = {}
    if reading.kind == "refine":
        for key, change in last.items():
            totals[key] = current.get(key, 0.0) - change + change * reading.factor
    for region in reading.carry_to:
        per_attribute: dict[str, float] = {}
        for (_, attribute), change in last.items():
            if abs(change) > abs(per_attribute.get(attribute, 0.0)):
                per_attribute[attribute] = change
        for attribute, change in per_attribute.items():
            totals[(region, attribute)] = current.get((region, attribute), 0.0) + change
    for intent in reading.intents:
        key = (intent.region, intent.attribute)
        totals[key] = current.get(key, 0.0) + intent.delta
    return {
        k: round(max(-MAX_REQUEST, min(MAX_REQUEST, v)), 4)
        for k, v in totals.items()
        if v != current.get(k)
    }


def _object_phrases(reading: Reading) -> dict[str, str]:
    """Object classes ("vehicles") to the person's own phrase for them ("the boats").

    The offline segmenter has no model for objects, so "the boats" is found only in a mask the
    person painted or gave for that word (or by SAM3, which reads phrases): segmenting the
    class name would miss both. Regions the segmenter models are asked for by class, as before.
    """
    phrases: dict[str, str] = {}
    for mention in reading.mentions:
        known = CLASSES_BY_NAME.get(mention.region)
        if known is not None and known.kind == "object" and mention.phrase:
            phrases.setdefault(mention.region, mention.phrase)
    return phrases


def _segment_answers(messages: Sequence[BaseMessage]) -> dict[str, tuple[bool, str]]:
    """Each ``segment`` call's asked phrase to whether it was found and the mask's name."""
    answers: dict[str, tuple[bool, str]] = {}
    for message in messages:
        if isinstance(message, ToolMessage) and message.name == "segment":
            try:
                data = json.loads(message_text(message))
            except json.JSONDecodeError:
                continue
            asked = data.get("asked", "")
            answers[asked] = (bool(data.get("found")), str(data.get("region") or asked))
    return answers


def _calls(calls: Sequence[tuple[str, dict[str, Any]]]) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}
            for name, args in calls
        ],
    )
