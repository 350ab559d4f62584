"""Records stored before scenes were measured are kept, readable and exportable; none is lost."""

from __future__ import annotations

import json

import chromadb
from chromadb.config import Settings

from pertouch.core.adjustments import Edit
from pertouch.memory.connection import connect
from pertouch.memory.embedding import SCENE_FUNCTION_NAME, MiniLMEmbeddingFunction
from pertouch.memory.explain import NOTHING_SIMILAR
from pertouch.memory.store import SceneMemory
from tests.memory.conftest import LAUNCH, LAUNCH_NEXT

#: A scene as the word-only memory stored it (format 1).
OLD_SCENE = {
    "kind": "beach", "setting": "outdoor", "time_of_day": "day", "lighting": "bright",
    "contrast": "normal", "colour_cast": "neutral", "people": "none", "words": "",
    "extra_tags": [], "regions": [{"name": "sky", "area": 0.4, "colour": "pale blue", "tone": ""}],
}  # fmt: skip


def _write_old_store(path, embedder, n=3):
    """A store exactly as the text-embedding memory wrote it: MiniLM vectors, format-1 scenes."""
    client = chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.create_collection(
        "pertouch-user-0123abcd",
        metadata={"user_name": "ana", "created_at": 1.0},
        embedding_function=MiniLMEmbeddingFunction(embedder),  # type: ignore[arg-type]
        configuration={"hnsw": {"space": "cosine"}},
    )
    collection.upsert(
        ids=[f"old-{i}" for i in range(n)],
        documents=["beach scene: beach with pale blue sky"] * n,
        metadatas=[
            {
                "created_at": 10.0 + i,
                "instruction": f"warmer {i}",
                "baseline": "as_shot",
                "kind": "beach",
                "tags": "kind:beach",
                "scene": json.dumps(OLD_SCENE),
                "edits": json.dumps(
                    [{"region": "global", "attribute": "temperature", "delta": 0.3}]
                ),
            }
            for i in range(n)
        ],
    )
    client.close()


def test_an_old_store_is_upgraded_on_first_use_and_loses_nothing(tmp_path, embedder):
    _write_old_store(tmp_path / "store", embedder)
    memory = SceneMemory(connect(tmp_path / "store"))
    [ana] = memory.users.list()
    assert ana.version == 0 and memory.count("ana") == 3  # readable as it is
    assert [r.instruction for r in memory.records("ana")] == ["warmer 0", "warmer 1", "warmer 2"]

    # Old records carry no measurements: kept, but never compared with a measured photo.
    assert memory.recall("ana", LAUNCH).reason == ""
    [ana] = memory.users.list()
    assert ana.version == memory.space.version and memory.count("ana") == 3
    records = memory.records("ana")
    assert {r.id for r in records} == {"old-0", "old-1", "old-2"}
    assert records[0].scene.framing == "beach" and not records[0].scene.measured
    assert records[0].edits == (Edit("global", "temperature", 0.3),)

    memory.remember("ana", LAUNCH, [Edit("global", "temperature", 0.4)], "warmer", photo="pad.jpg")
    suggestion = memory.recall("ana", LAUNCH_NEXT, k=1)  # the old ones never take the one slot
    assert [m.record.photo for m in suggestion.matches] == ["pad.jpg"]
    assert "pad.jpg" in suggestion.reason
    exported = list(memory.users.export("ana"))
    assert len(exported) == 1 + 4
    copy, count = memory.users.import_lines(exported, name="ana-copy")
    assert count == 4 and memory.recall("ana-copy", LAUNCH_NEXT).edits == suggestion.edits

    client = chromadb.PersistentClient(
        path=str(tmp_path / "store"), settings=Settings(anonymized_telemetry=False)
    )
    names = sorted(c.name for c in client.list_collections())
    assert names == sorted([ana.collection_name, copy.collection_name])  # the old one is gone
    config = client.get_collection(ana.collection_name).configuration_json
    assert config["embedding_function"]["name"] == SCENE_FUNCTION_NAME
    client.close()


def test_an_upgrade_cut_short_leaves_the_old_collection_in_charge(tmp_path, embedder):
    _write_old_store(tmp_path / "store", embedder, n=2)
    memory = SceneMemory(connect(tmp_path / "store"))
    with memory.connection.session(write=True) as client:  # a crash right after creating it
        client.create_collection("pertouch-user-0123abcd.s2", metadata={"complete": False})
    [ana] = memory.users.list()
    assert ana.version == 0 and memory.count("ana") == 2
    memory.users.create("bob")
    memory.remember("bob", LAUNCH, [Edit("global", "temperature", 0.4)], "warmer")
    assert memory.recall("bob", LAUNCH_NEXT).edits
    assert memory.users.upgrade("ana").version == memory.space.version
    assert memory.count("ana") == 2
    assert memory.recall("ana", LAUNCH_NEXT).reason == ""  # nothing measured to compare yet
    memory.remember("ana", LAUNCH, [Edit("global", "temperature", 0.0)], "as is")
    assert memory.recall("ana", LAUNCH_NEXT).reason.startswith("The approved photos")
    assert NOTHING_SIMILAR  # the phrase exists for the far case, covered in test_recall
