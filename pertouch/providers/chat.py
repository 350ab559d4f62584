"""Choose a chat model by one string: "offline" (the default) or "provider:model" for any other.

Everything but "offline" goes through LangChain's ``init_chat_model``, so every provider LangChain
knows works the same way: "openai:gpt-4o", "anthropic:claude-sonnet-4-5", "google_genai:gemini-2.5-flash",
"ollama:qwen2.5vl". OpenAI-compatible local servers have short names that fill in their usual
address: "vllm:MODEL" (http://localhost:8000/v1), "llamacpp:MODEL" (http://localhost:8080/v1) and
"lmstudio:MODEL" (http://localhost:1234/v1); any other address goes in ``base_url`` with
"openai:MODEL". Each provider's package is an extra (``pip install 'pertouch[anthropic]'``).

The provider's own retries are off: the graph retries a failed or malformed reply once and then
falls back to the offline model, saying so in the trace; ``timeout`` bounds every request.
Nothing here reads the environment; entry points fill :class:`ModelConfig`.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from pertouch.core.errors import PerTouchError


class ProviderError(PerTouchError):
    """A chat model cannot be set up from the given string or configuration."""


@dataclass(frozen=True)
class ModelConfig:
    """Where a model lives, the key to use, and how long to wait for one reply (seconds)."""

    base_url: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    temperature: float = 0.0


#: OpenAI-compatible local servers and their usual addresses.
LOCAL_SERVERS = {
    "vllm": "http://localhost:8000/v1",
    "llamacpp": "http://localhost:8080/v1",
    "lmstudio": "http://localhost:1234/v1",
}
#: Providers with a PerTouch extra: provider -> (module, extra).
EXTRAS = {
    "openai": ("langchain_openai", "openai"),
    "anthropic": ("langchain_anthropic", "anthropic"),
    "google_genai": ("langchain_google_genai", "google"),
    "ollama": ("langchain_ollama", "ollama"),
}
_EXAMPLES = '"offline", "openai:gpt-4o", "anthropic:MODEL", "ollama:MODEL" or "vllm:MODEL"'


def load_chat_model(spec: str = "offline", config: ModelConfig | None = None) -> BaseChatModel:
    """The chat model ``spec`` names.

    Raises:
        ProviderError: the string names no model, an unknown provider, or one whose package or
            key is missing; one sentence saying what to do.

    Examples: ``"anthropic:claude-sonnet-4-5"`` with ``ModelConfig(api_key=...)``,
    ``"vllm:Qwen/Qwen2.5-VL-7B-Instruct"`` (a local server at its usual address),
    ``"openai:qwen2.5-vl"`` with ``ModelConfig(base_url="http://gpu-box:8000/v1")``.

        >>> type(load_chat_model("offline")).__name__
        'OfflineChatModel'
        >>> load_chat_model("nosuch:model")
        Traceback (most recent call last):
        ...
        pertouch.providers.chat.ProviderError: ...
    """
    name = (spec or "offline").strip()
    if name == "offline":
        from pertouch.providers.offline import OfflineChatModel

        return OfflineChatModel()
    provider, sep, model = name.partition(":")
    provider, model = provider.strip().lower().replace("-", "_"), model.strip()
    if not sep or not provider or not model:
        raise ProviderError(f"Unknown model {spec!r}; name one as {_EXAMPLES}.")
    cfg = config or ModelConfig()
    if provider in LOCAL_SERVERS:
        cfg = ModelConfig(
            cfg.base_url or LOCAL_SERVERS[provider], cfg.api_key, cfg.timeout, cfg.temperature
        )
        provider = "openai"
    module, extra = EXTRAS.get(provider, (f"langchain_{provider}", ""))
    if importlib.util.find_spec(module) is None:
        package = module.replace("_", "-")
        if not extra:
            raise ProviderError(
                f"Unknown model provider {provider!r} (or its package {package} is not "
                f"installed); name a model as {_EXAMPLES}."
            )
        raise ProviderError(
            f'"{provider}:" models need the {package} package; install it with: '
            f"pip install 'pertouch[{extra}]'."
        )
    if provider == "openai" and not cfg.api_key and not cfg.base_url:
        raise ProviderError(
            "openai: models need an API key (OPENAI_API_KEY) or a server URL (OPENAI_BASE_URL)."
        )
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(model, model_provider=provider, **provider_options(provider, cfg))
    except (ImportError, ValueError) as err:
        raise ProviderError(
            f"Cannot set up {spec!r} ({_first_line(err)}); name a model as {_EXAMPLES}."
        ) from None


def provider_options(provider: str, config: ModelConfig) -> dict[str, Any]:
    """The keyword arguments that give ``provider``'s chat model the address, key and timeout."""
    if provider == "ollama":  # no key; its HTTP client takes the timeout
        options: dict[str, Any] = {"client_kwargs": {"timeout": config.timeout}}
        if config.base_url:
            options["base_url"] = config.base_url
        return {**options, "temperature": config.temperature}
    options = {"timeout": config.timeout, "max_retries": 0, "temperature": config.temperature}
    if config.base_url:
        options["base_url"] = config.base_url
    if config.api_key:
        options["api_key"] = config.api_key
    elif provider == "openai":
        options["api_key"] = "not-needed"  # local OpenAI-compatible servers accept any key
    return options


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0].rstrip(".")
