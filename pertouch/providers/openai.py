"""The names the surfaces used before every provider went through ``init_chat_model``.

``OpenAIConfig`` is :class:`~pertouch.providers.chat.ModelConfig` (the address, key and timeout
serve every provider, not only OpenAI's); :func:`load_openai` is ``load_chat_model("openai:...")``.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from pertouch.providers.chat import ModelConfig, ProviderError, load_chat_model

OpenAIConfig = ModelConfig

__all__ = ["OpenAIConfig", "ProviderError", "load_openai"]


def load_openai(model: str, config: ModelConfig | None = None) -> BaseChatModel:
    """A ``ChatOpenAI`` for ``model`` (e.g. "gpt-4o", "qwen2.5-vl-7b-instruct")."""
    if not model.strip():
        raise ProviderError('Name the model after "openai:", e.g. "openai:gpt-4o".')
    return load_chat_model(f"openai:{model.strip()}", config)
