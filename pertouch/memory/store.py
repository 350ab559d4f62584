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

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection

from pertouch.core.adjustments import AdjustmentState, Edit
from pertouch.memory.connection import Connection
from pertouch.memory.recall import HALF_LIFE_DAYS, Match, Suggestion, comparable, suggest, weight
from pertouch.memory.records import MemoryRecord, RecordError, edits_of
from pertouch.memory.scene import SceneDescription
from pertouch.memory.space import SceneSpace, default_space
from pertouch.memory.users import UserRegistry, add_records, iter_records

_KEY_NAMESPACE = uuid.UUID("6f1c2d0e-6a53-4c4e-9d0b-3c1a2f7d9e10")
MAX_K = 50


class SceneMemory:
    """Each user's approved retouches in a Chroma store, searchable by scene.

    Args:
        connection: the store, from :func:`pertouch.memory.connection.connect`.
        embedder: unused since scenes are compared by measurements, not embedded text; accepted
            so callers that still pass a MiniLM embedder keep working.
        space: the scene space vectors come from (default: the one fitted on real photos).
        clock: seconds since the epoch; injected so tests control recency.
        min_similarity: scenes less similar than this are ignored (default: the space's cut-off).
        half_life_days: a record's vote halves every this many days.

    Example:
        >>> import tempfile
        >>> from skimage import data
        >>> from pertouch.core.adjustments import Edit
        >>> from pertouch.memory.connection import connect
        >>> from pertouch.memory.scene import describe
        >>> memory = SceneMemory(connect(tempfile.mkdtemp()))
        >>> _ = memory.users.ensure("ana")
        >>> scene = describe(data.coffee(), {})
        >>> _ = memory.remember("ana", scene, [Edit("global", "temperature", 0.3)], "warmer please")
        >>> memory.recall("ana", scene).edits[0].delta > 0
        True
    """

    def __init__(
        self,
        connection: Connection,
        embedder: object = None,
        *,
        space: SceneSpace | None = None,
        clock: Callable[[], float] = time.time,
        min_similarity: float | None = None,
        half_life_days: float = HALF_LIFE_DAYS,
    ):
        self.connection = connection
        self.space = space or default_space()
        self.users = UserRegistry(connection, self.space, clock)
        self.clock = clock
        self.min_similarity = (
            self.space.min_similarity if min_similarity is None else min_similarity
        )
        self.half_life_days = half_life_days

    def remember(
        self,
        user: str,
        scene: SceneDescription,
        edits: AdjustmentState | Iterable[Edit | Mapping[str, Any]],
        instruction: str,
        *,
        key: str | None = None,
        photo: str = "",
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
            photo: the photo's file name, so later suggestions can name it.
        """
        baseline = edits.baseline if isinstance(edits, AdjustmentState) else "as_shot"
        with self.connection.session(write=True) as client:
            found = self.users.find(client, user)
            if found.version != self.space.version:
                found = self.users.upgrade_on(client, found)
            collection = client.get_collection(found.collection_name)
            record_id = (
                uuid.uuid5(_KEY_NAMESPACE, f"{collection.name}/{key}").hex
                if key is not None
                else uuid.uuid4().hex
            )
            record = MemoryRecord(
                record_id,
                scene,
                edits_of(edits),
                instruction.strip(),
                self.clock(),
                baseline,
                photo.strip()[-200:],
            )
            add_records(collection, [record], self.space)
        return record_id

    def recall(self, user: str, scene: SceneDescription, k: int = 5) -> Suggestion:
        """A suggested start for ``scene`` from the ``k`` most similar past scenes of ``user``.

        The suggestion's reason says which approved photos it follows and why, or, when the user
        has records but none is similar enough, that nothing they approved looks like this photo
        yet. It is empty and silent only when the user has nothing to compare (no records, or
        only records from before scenes were measured), or ``scene`` itself has no measurements.
        """
        if not 1 <= k <= MAX_K:
            raise RecordError(f"Recall looks at 1 to {MAX_K} past scenes, not {k}.")
        if not scene.measured:
            return Suggestion(min_similarity=self.min_similarity)
        with self.connection.session() as client:
            collection = self._current(client, user)
            if collection is not None:
                found = self._nearest(collection, scene, k)
        if collection is None:  # stored in an older scene space: upgrade once, then ask again
            self.users.upgrade(user)
            return self.recall(user, scene, k)
        now = self.clock()
        matches = []
        for record, similarity in found:
            fits = comparable(scene, record.scene)
            vote = weight(
                similarity, now - record.created_at, self.min_similarity, self.half_life_days
            )
            matches.append(Match(record, similarity, vote if fits else 0.0, fits))
        return suggest(scene, matches, min_similarity=self.min_similarity)

    def _current(self, client: ClientAPI, user: str) -> Collection | None:
        """The user's collection if it holds vectors of this memory's space, else None."""
        found = self.users.find(client, user)
        if found.version != self.space.version:
            return None
        return client.get_collection(found.collection_name)

    def _nearest(
        self, collection: Collection, scene: SceneDescription, k: int
    ) -> list[tuple[MemoryRecord, float]]:
        """The ``k`` nearest measured records and their cosine similarity to ``scene``."""
        count = collection.count()
        if count == 0:
            return []
        unmeasured = int((collection.metadata or {}).get("unmeasured", 0))
        found = collection.query(
            query_embeddings=[self.space.vector(scene.measurements)],  # type: ignore[arg-type]
            n_results=min(count, k + unmeasured),
            include=["metadatas", "distances"],
        )
        out = []
        for record_id, meta, distance in zip(
            found["ids"][0],
            (found["metadatas"] or [[]])[0],
            (found["distances"] or [[]])[0],
            strict=True,
        ):
            record = MemoryRecord.from_metadata(record_id, meta)
            if record.scene.measured:
                out.append((record, 1.0 - float(distance)))
        return out[:k]

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
