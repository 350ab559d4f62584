"""Asking a model: validate its reply, retry a malformed one once, then fall back to offline.

A reply is malformed when a tool call's JSON cannot be parsed, names an unknown tool, or has
arguments its schema rejects, or when a required answer tool is missing. Transport failures
(timeouts, refused connections, server errors) count the same. Every retry and fallback leaves a
sentence in the notes, which end up in the trace the user sees.

A turn gives the model one time budget (``deadline``, set when the turn starts): a call still
unanswered when it is spent is abandoned and the offline reader answers that step and every
later one of the turn, so a server that accepts connections and never replies costs one budget,
not a provider timeout per step and retry.
"""

from __future__ import annotations

import contextvars
import sys
import threading
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

Check = Callable[[AIMessage], AIMessage]

#: Exception bases of provider packages, by module: a package's errors can only be raised once it
#: is imported, so they are looked up in ``sys.modules`` and nothing optional is imported here.
_PROVIDER_ERRORS = (
    ("openai", "OpenAIError"),
    ("anthropic", "AnthropicError"),
    ("httpx", "HTTPError"),
    ("httpx", "TimeoutException"),
    ("httpcore", "TimeoutException"),
    ("requests", "RequestException"),
    ("ollama", "ResponseError"),
    ("google.api_core.exceptions", "GoogleAPIError"),
    ("google.genai.errors", "APIError"),
    ("langchain_google_genai.chat_models", "ChatGoogleGenerativeAIError"),
)

#: The sentence that says the offline reader stood in after the model failed.
FELL_BACK = "the offline model stood in"


class MalformedReply(ValueError):
    """A model reply the graph cannot use."""


class BudgetSpent(TimeoutError):
    """The model's time for this turn ran out before it answered."""


class Asked(NamedTuple):
    """A checked reply, the sentences on what happened, and whether the offline reader answered
    in the model's place (the model failed or its time for the turn was spent)."""

    reply: AIMessage
    notes: list[str]
    fell_back: bool


def recoverable_errors() -> tuple[type[BaseException], ...]:
    """Failures of a model call that a retry or the offline fallback can stand in for.

    Besides our own and Python's network errors (``OSError`` covers refused and reset
    connections and socket timeouts), the error bases of every provider package already
    imported: OpenAI's, Anthropic's, Google's, Ollama's, and httpx's and requests' transport errors.
    """
    errors: list[type[BaseException]] = [
        MalformedReply,
        ValidationError,
        TimeoutError,
        ConnectionError,
        OSError,
    ]
    for module_name, attribute in _PROVIDER_ERRORS:
        module = sys.modules.get(module_name)
        error = getattr(module, attribute, None) if module is not None else None
        if isinstance(error, type) and issubclass(error, BaseException) and error not in errors:
            errors.append(error)
    return tuple(errors)


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
    deadline: float | None = None,
) -> Asked:
    """The checked reply of ``model`` (two tries), else of ``fallback``; plus notes on what happened.

    ``deadline`` (a ``time.time()`` value) ends the model's time for the turn: a call running
    past it is abandoned, and once it has passed the fallback answers without the model being
    asked. None: no budget beyond the provider's own timeout.
    """
    notes: list[str] = []
    errors = recoverable_errors()
    fell_back = False
    if model is not fallback:
        fell_back = True
        for attempt in (1, 2):
            left = None if deadline is None else deadline - time.time()
            if left is not None and left <= 0:
                notes.append(
                    "The model's time for this turn was spent; for this step "
                    f"{FELL_BACK} (PERTOUCH_MODEL_BUDGET sets the time)."
                )
                break
            try:
                bound = model.bind_tools(tools, tool_choice=tool_choice)
                reply = _within(partial(bound.invoke, list(messages)), left)
                return Asked(check(_as_ai(reply)), notes, False)
            except BudgetSpent:
                notes.append(
                    "The model did not answer within this turn's time budget; for the rest of "
                    f"the turn {FELL_BACK} (PERTOUCH_MODEL_BUDGET sets the time)."
                )
                break
            except errors as err:
                what = _describe(err)
                notes.append(
                    f"The model's reply was unusable ({what}); retrying."
                    if attempt == 1
                    else f"The model failed again ({what}); for this step {FELL_BACK}."
                )
    reply = fallback.bind_tools(tools, tool_choice=tool_choice).invoke(list(messages))
    return Asked(check(_as_ai(reply)), notes, fell_back)


def add_notes(notes: Sequence[str], new: Sequence[str]) -> list[str]:
    """``notes`` followed by those of ``new`` not already said (a spent budget is said once)."""
    merged = list(notes)
    for note in new:
        if note not in merged:
            merged.append(note)
    return merged


def _within(call: Callable[[], Any], seconds: float | None) -> Any:
    """``call()``'s result, or :class:`BudgetSpent` when it takes longer than ``seconds``.

    The call runs on a daemon thread (with this thread's context, so callbacks and tracing see
    it), which is left behind when time runs out: it ends when the provider's own timeout does
    and never keeps the process from exiting.
    """
    if seconds is None:
        return call()
    outcome: dict[str, Any] = {}
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome["value"] = context.run(call)
        except BaseException as err:  # handed to the caller below
            outcome["error"] = err

    worker = threading.Thread(target=run, name="pertouch-model-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise BudgetSpent(f"no answer within {seconds:.1f} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _as_ai(reply: Any) -> AIMessage:
    if not isinstance(reply, AIMessage):
        raise MalformedReply(f"a {type(reply).__name__} instead of a message")
    return reply


def _describe(err: BaseException) -> str:
    text = " ".join(str(err).split())
    name = type(err).__name__
    return f"{name}: {text[:120]}" if text else name
