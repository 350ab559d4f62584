"""The functions Chroma records in the memory's collections: scene vectors now, MiniLM before."""

from __future__ import annotations

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings

from pertouch.memory.connection import connect
from pertouch.memory.embedding import (
    SCENE_FUNCTION_NAME,
    MiniLMEmbeddingFunction,
    SceneVectorError,
    SceneVectorFunction,
)
from pertouch.memory.store import SceneMemory
from pertouch.providers.embeddings import bundled_model_dir
from tests.memory.conftest import CUP, LAUNCH


def test_the_older_function_is_still_the_bundled_model_offline(embedder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    function = MiniLMEmbeddingFunction(embedder)
    vectors = np.asarray(function([LAUNCH.text(), CUP.text()]))
    assert vectors.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder._model_dir is None and (bundled_model_dir() / "config.json").is_file()


def test_a_collection_reopens_as_scene_vectors_and_refuses_text(tmp_path):
    memory = SceneMemory(connect(tmp_path / "store"))
    user = memory.users.create("ana")
    memory.remember("ana", LAUNCH, [], "as is")
    memory.connection.close()

    client = chromadb.PersistentClient(
        path=str(tmp_path / "store"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.get_collection(user.collection_name)  # no function given
    config = collection.configuration_json["embedding_function"]
    assert config["name"] == SCENE_FUNCTION_NAME
    assert isinstance(collection.configuration["embedding_function"], SceneVectorFunction)
    vector = memory.space.vector(LAUNCH.measurements)
    found = collection.query(
        query_embeddings=[vector], n_results=1, include=["documents", "distances"]
    )
    assert found["distances"][0][0] < 1e-4
    assert found["documents"][0][0] == LAUNCH.text()  # the sentence stays readable beside it
    with pytest.raises(SceneVectorError, match="not by text"):
        collection.query(query_texts=["a launch pad"], n_results=1)
    client.close()
