from __future__ import annotations

import numpy as np
import pytest

from pertouch.providers.embeddings import (
    MINILM_DIMENSIONS,
    EmbedderError,
    MiniLMEmbedder,
    bundled_model_dir,
)


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_bundled_model_is_found_without_network():
    assert (bundled_model_dir() / "model.safetensors").is_file()


def test_vectors_are_unit_length_and_384_wide(embedder):
    vectors = embedder.embed_texts(["the sky", "the faces", "warm tones"])
    assert vectors.shape == (3, MINILM_DIMENSIONS) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_related_phrases_are_closer_than_unrelated(embedder):
    sky, clouds, coffee = embedder.embed_texts(["sky", "clouds", "espresso cup"])
    assert sky @ clouds > sky @ coffee + 0.2


def test_langchain_style_methods_match(embedder):
    query = embedder.embed_query("foliage")
    documents = embedder.embed_documents(["foliage"])
    assert len(query) == MINILM_DIMENSIONS
    np.testing.assert_allclose(query, documents[0], atol=1e-6)


def test_empty_input_and_single_string(embedder):
    assert embedder.embed_texts([]).shape == (0, MINILM_DIMENSIONS)
    with pytest.raises(TypeError):
        embedder.embed_texts("sky")


def test_missing_model_folder_is_one_sentence(tmp_path):
    with pytest.raises(EmbedderError, match="no sentence-transformers model"):
        MiniLMEmbedder(model_dir=tmp_path).embed_texts(["sky"])
