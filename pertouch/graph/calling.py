"""Asking a model: validate its reply, retry a malformed one once, then fall back to offline.

A reply is malformed when a tool call's JSON cannot be parsed, names an unknown tool, or has
arguments its schema rejects, or when a required answer tool is missing. Transport failures
(timeouts, refused connections, server errors) count the same. Every retry and fallback leaves a
sentence in the notes, which end up in the trace the user sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

Check = Callable[[AIMessage], AIMessage]


class MalformedReply(ValueError):
    """A model reply the graph cannot use."""


def recoverable_errors() -> tuple[type[BaseException], ...]:
    """Failures of a model call that a retry or the offline fallback can stand in for."""
    errors: list[type[BaseException]] = [
        MalformedReply,
        ValidationError,
        TimeoutError,
        ConnectionError,
    ]
    try:
        import httpx
        import openai
    except ImportError:  # the openai extra is optional for offline use
        return tuple(errors)
    return (*errors, openai.OpenAIError, httpx.HTTPError)


def check_calls(schemas: dict[str, type[BaseModel]], required: str | None = None) -> Check:
    """A check that every tool call names a known tool with valid arguments."""

    def check(reply: AIMessage) -> AIMessage:
        if getattr(reply, "invalid_tool_calls", None):
            bad = reply.invalid_tool_calls[0]
            raise MalformedReply(f"unparseable arguments for {bad.get('name')!r}")
        for call in reply.tool_calls:
            schema = schemas.get(call["name"])
            if schema is None:
                raise MalformedReply(f"unknown tool {call['name']!r}")
            schema.model_validate(call["args"])
        if required and not any(c["name"] == required for c in reply.tool_calls):
            raise MalformedReply(f"no {required} call")
        return reply

    return check


def ask(
    model: BaseChatModel,
    fallback: BaseChatModel,
    messages: Sequence[BaseMessage],
    tools: Sequence[Any],
    check: Check,
    tool_choice: str | None = None,
) -> tuple[AIMessage, list[str]]:
    """The checked reply of ``model`` (two tries), else of ``fallback``; plus notes on what happened."""
    notes: list[str] = []
    errors = recoverable_errors()
    if model is not fallback:
        for attempt in (1, 2):
            try:
                reply = model.bind_tools(tools, tool_choice=tool_choice).invoke(list(messages))
                return check(_as_ai(reply)), notes
            except errors as err:
                what = _describe(err)
                notes.append(
                    f"The model's reply was unusable ({what}); retrying."
                    if attempt == 1
                    else f"The model failed again ({what}); this step used the offline model."
                )
    reply = fallback.bind_tools(tools, tool_choice=tool_choice).invoke(list(messages))
    return check(_as_ai(reply)), notes


def _as_ai(reply: Any) -> AIMessage:
    if not isinstance(reply, AIMessage):
        raise MalformedReply(f"a {type(reply).__name__} instead of a message")
    return reply


def _describe(err: BaseException) -> str:
    text = " ".join(str(err).split())
    name = type(err).__name__
    return f"{name}: {text[:120]}" if text else name
