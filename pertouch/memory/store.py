"""SceneMemory: remember approved retouches per user, recall them for the next similar photo.

The agent makes two calls (see docs in ``pertouch/memory/__init__.py``)::

    suggestion = memory.recall(user, scene)              # in perceive
    memory.remember(user, scene, state, instruction, key=thread_id)   # when the user approves

Everything else (users, export, import) goes through ``memory.users``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.memory.connection import Connection
from pertouch.memory.embedding import MiniLMEmbeddingFunction
from pertouch.memory.recall import (
    HALF_LIFE_DAYS,
    MIN_SIMILARITY,
    Match,
    Suggestion,
    suggest,
    weight,
)
from pertouch.memory.records import MemoryRecord, RecordError, edits_of
from pertouch.memory.scene import SceneDescription
from pertouch.memory.users import UserRegistry, add_records, iter_records
from pertouch.providers.embeddings import MiniLMEmbedder

_KEY_NAMESPACE = uuid.UUID("6f1c2d0e-6a53-4c4e-9d0b-3c1a2f7d9e10")
MAX_K = 50


class SceneMemory:
    """Each user's approved retouches in a Chroma store, searchable by scene.

    Args:
        connection: the store, from :func:`pertouch.memory.connection.connect`.
        embedder: the MiniLM embedder to share (loading it takes seconds); None loads the bundled
            one on first use.
        clock: seconds since the epoch; injected so tests control recency.
        min_similarity: scenes less similar than this (cosine of their texts) are ignored.
        half_life_days: a record's vote halves every this many days.

    Example:
        >>> memory = SceneMemory(connect("~/.local/share/pertouch/memory"))
        >>> memory.users.ensure("ana")
        >>> memory.remember("ana", scene, [Edit("global", "temperature", 0.3)], "warmer please")
        >>> memory.recall("ana", next_scene).reason
        'You warmed a beach photo before, so this one starts warmer (global temperature +0.20).'
    """

    def __init__(
        self,
        connection: Connection,
        embedder: MiniLMEmbedder | None = None,
        *,
        clock: Callable[[], float] = time.time,
        min_similarity: float = MIN_SIMILARITY,
        half_life_days: float = HALF_LIFE_DAYS,
    ):
        self.connection = connection
        self.embedding_function = MiniLMEmbeddingFunction(embedder)
        self.users = UserRegistry(connection, self.embedding_function, clock)
        self.clock = clock
        self.min_similarity = min_similarity
        self.half_life_days = half_life_days

    def remember(
        self,
        user: str,
        scene: SceneDescription,
        edits: AdjustmentState | Iterable[Edit | Mapping[str, Any]],
        instruction: str,
        *,
        key: str | None = None,
    ) -> str:
        """Store one approved retouch; returns its record id.

        Args:
            user: the user's name (the user must exist: ``memory.users.ensure(name)``).
            scene: what perceive found in the photo.
            edits: the accepted adjustment state, or its edits.
            instruction: what the person asked for, in their words.
            key: an id for this retouch (the graph's thread id and photo); remembering the same
                key again replaces the record instead of adding a second one, so a retried
                approval is stored once.
        """
        baseline = edits.baseline if isinstance(edits, AdjustmentState) else "as_shot"
        with self.connection.session(write=True) as client:
            collection = self.users.collection_for(client, user)
            record_id = (
                uuid.uuid5(_KEY_NAMESPACE, f"{collection.name}/{key}").hex
                if key is not None
                else uuid.uuid4().hex
            )
            record = MemoryRecord(
                record_id, scene, edits_of(edits), instruction.strip(), self.clock(), baseline
            )
            add_records(collection, [record])
        return record_id

    def recall(self, user: str, scene: SceneDescription, k: int = 5) -> Suggestion:
        """A suggested start for ``scene`` from the ``k`` most similar past scenes of ``user``.

        Returns an empty :class:`Suggestion` (no edits, no reason) when nothing is similar enough.
        """
        if not 1 <= k <= MAX_K:
            raise RecordError(f"Recall looks at 1 to {MAX_K} past scenes, not {k}.")
        with self.connection.session() as client:
            collection = self.users.collection_for(client, user)
            if collection.count() == 0:
                return Suggestion()
            found = collection.query(
                query_texts=[scene.text()],
                n_results=k,
                include=["metadatas", "distances"],
            )
        now = self.clock()
        matches = []
        for record_id, meta, distance in zip(
            found["ids"][0],
            (found["metadatas"] or [[]])[0],
            (found["distances"] or [[]])[0],
            strict=True,
        ):
            record = MemoryRecord.from_metadata(record_id, meta)
            similarity = 1.0 - float(distance)
            matches.append(
                Match(
                    record,
                    similarity,
                    weight(
                        similarity,
                        now - record.created_at,
                        self.min_similarity,
                        self.half_life_days,
                    ),
                )
            )
        return suggest(scene, matches)

    def records(self, user: str) -> list[MemoryRecord]:
        """Every record of ``user``, oldest first."""
        with self.connection.session() as client:
            records = list(iter_records(self.users.collection_for(client, user)))
        return sorted(records, key=lambda r: r.created_at)

    def count(self, user: str) -> int:
        with self.connection.session() as client:
            return self.users.collection_for(client, user).count()

    def forget(self, user: str, record_id: str) -> bool:
        """Delete one record of ``user``; False if that user has no such record."""
        with self.connection.session(write=True) as client:
            collection = self.users.collection_for(client, user)
            if not collection.get(ids=[record_id], include=[])["ids"]:
                return False
            collection.delete(ids=[record_id])
            return True
