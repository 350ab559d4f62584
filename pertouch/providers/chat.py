"""Choose a chat model by one string: "offline" (the default) or "openai:MODEL"."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from pertouch.providers.openai import OpenAIConfig, ProviderError, load_openai


def load_chat_model(spec: str = "offline", openai: OpenAIConfig | None = None) -> BaseChatModel:
    """The chat model ``spec`` names.

    Examples:
        >>> load_chat_model("offline")
        >>> load_chat_model("openai:gpt-4o", OpenAIConfig(api_key="sk-..."))
        >>> load_chat_model("openai:qwen2.5-vl", OpenAIConfig(base_url="http://localhost:8000/v1"))
    """
    name = (spec or "offline").strip()
    if name == "offline":
        from pertouch.providers.offline import OfflineChatModel

        return OfflineChatModel()
    provider, sep, model = name.partition(":")
    if sep and provider == "openai":
        return load_openai(model, openai)
    raise ProviderError(f'Unknown model {spec!r}; use "offline" or "openai:MODEL".')
