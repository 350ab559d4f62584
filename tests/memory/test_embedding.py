"""The memory embeds with the bundled MiniLM, and collections reopen with it unasked."""

from __future__ import annotations

import chromadb
import numpy as np
from chromadb.config import Settings

from pertouch.memory.connection import connect
from pertouch.memory.embedding import EMBEDDING_FUNCTION_NAME, MiniLMEmbeddingFunction
from pertouch.memory.store import SceneMemory
from pertouch.providers.embeddings import bundled_model_dir
from tests.memory.conftest import BEACH, SNOW


def test_the_function_is_the_bundled_model_offline(embedder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    function = MiniLMEmbeddingFunction(embedder)
    vectors = np.asarray(function([BEACH.text(), SNOW.text()]))
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(
        vectors, embedder.embed_texts([BEACH.text(), SNOW.text()]), atol=1e-6
    )
    assert embedder._model_dir is None and (bundled_model_dir() / "config.json").is_file()
    assert function.default_space() == "cosine"


def test_a_collection_reopens_with_our_function_without_passing_it(tmp_path, embedder):
    memory = SceneMemory(connect(tmp_path / "store"), embedder)
    user = memory.users.create("ana")
    memory.remember("ana", BEACH, [], "as is")
    memory.connection.close()

    client = chromadb.PersistentClient(
        path=str(tmp_path / "store"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.get_collection(user.collection_name)  # no embedding function given
    assert collection.configuration_json["embedding_function"]["name"] == EMBEDDING_FUNCTION_NAME
    assert isinstance(collection.configuration["embedding_function"], MiniLMEmbeddingFunction)
    found = collection.query(query_texts=[BEACH.text()], n_results=1, include=["distances"])
    assert found["distances"][0][0] < 1e-4  # the same text, embedded the same way
    client.close()
