"""A chat model that replays scripted replies, to drive the graph the way a hosted model would."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


def call(name: str, call_id: str = "", **args: Any) -> dict[str, Any]:
    return {
        "name": name,
        "args": args,
        "id": call_id or f"call_{name}_{abs(hash(str(args))) % 10**8}",
        "type": "tool_call",
    }


class ScriptedChatModel(BaseChatModel):
    """Answers each request with the next scripted message and records what it was asked."""

    script: list[AIMessage]
    seen: list[list[BaseMessage]] = Field(default_factory=list)
    bound: list[list[str]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any):
        from langchain_core.utils.function_calling import convert_to_openai_tool

        names = [convert_to_openai_tool(t)["function"]["name"] for t in tools]
        self.bound.append(names)
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.seen.append(list(messages))
        if not self.script:
            raise AssertionError("the graph asked more often than the script expected")
        return ChatResult(generations=[ChatGeneration(message=self.script.pop(0))])
