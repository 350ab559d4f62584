"""``openai:MODEL``: OpenAI and every OpenAI-compatible server (vLLM, Ollama, Qwen/DashScope).

The chat model is langchain-openai's ``ChatOpenAI``, pointed at ``base_url`` with ``api_key``.
Its own retries are off (``max_retries=0``): the graph retries a failed or malformed reply once
and then falls back to the offline model, saying so in the trace (see ``pertouch.graph.calling``).
"""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from pertouch.core.errors import PerTouchError


class ProviderError(PerTouchError):
    """A chat model cannot be set up from the given string or configuration."""


@dataclass(frozen=True)
class OpenAIConfig:
    """Where an OpenAI-compatible server lives and how long to wait for it.

    Entry points fill it from the command line or the environment (``OPENAI_BASE_URL``,
    ``OPENAI_API_KEY``, ``PERTOUCH_MODEL_TIMEOUT``); nothing here reads the environment.
    """

    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    temperature: float = 0.0


def load_openai(model: str, config: OpenAIConfig | None = None) -> BaseChatModel:
    """A ``ChatOpenAI`` for ``model`` (e.g. "gpt-4o", "qwen2.5-vl-7b-instruct")."""
    if not model.strip():
        raise ProviderError('Name the model after "openai:", e.g. "openai:gpt-4o".')
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise ProviderError(
            "openai: models need the langchain-openai package; install it with pip."
        ) from None
    cfg = config or OpenAIConfig()
    if not cfg.api_key and not cfg.base_url:
        raise ProviderError(
            "openai: models need an API key (OPENAI_API_KEY) or a server URL (OPENAI_BASE_URL)."
        )
    return ChatOpenAI(
        model=model.strip(),
        base_url=cfg.base_url,
        # local servers (vLLM, Ollama) accept any key
        api_key=SecretStr(cfg.api_key or "not-needed"),
        timeout=cfg.timeout,
        max_retries=0,
        temperature=cfg.temperature,
    )
