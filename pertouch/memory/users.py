"""The people whose taste is remembered: create, list, rename, delete, export, import, upgrade.

Each user owns one Chroma collection, named by an opaque id and labelled with the user's name in
its metadata. Keeping users apart at the collection level means no query or write for one user
can touch another's records, whatever filter a caller forgets; deleting a user deletes the
collection, records and all, in one step; renaming changes only the label.

The id is derived from the name at creation (a hash of the case-folded name and a slot number),
not drawn at random: several processes creating "ana" at once on a Chroma server, which has no
lock to share, all ask for the same collection and end with one user. A slot whose id a later
rename relabelled is skipped for the next free one, which every creator finds alike.

A collection's vectors come from one scene space (:mod:`pertouch.memory.space`); its name ends in
``.s<version>`` (collections from before scenes were measured have no suffix). When the space
changes, :meth:`UserRegistry.upgrade` copies every record into a collection of the new space
(same id), re-embedding the stored measurements, marks it complete, and only then deletes the old
one; a crash at any point leaves a complete collection that listing picks, so no record is lost.

It is longer than 300 lines because every operation on a user must respect the same collection
naming, creation and upgrade rules, which are safest kept in one class.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.errors import ChromaError, NotFoundError

from pertouch.core.errors import PerTouchError
from pertouch.memory import embedding  # registers both functions, so old collections open
from pertouch.memory.connection import Connection
from pertouch.memory.records import MemoryRecord, RecordError
from pertouch.memory.space import SceneSpace

MAX_NAME_CHARS = 64
#: Marks the collections that are PerTouch user memories (a shared server may hold others).
COLLECTION_PREFIX = "pertouch-user-"
EXPORT_FORMAT = "pertouch-memory/1"
_PAGE = 1000
#: Slots tried for one name; only renames away from a name use up more than the first.
_SLOTS = 64


class UserError(PerTouchError):
    """A user name is invalid, unknown, or already taken."""


@dataclass(frozen=True)
class User:
    """A person with a memory: a stable id, a display name, when they were created, and where.

    Attributes:
        version: the scene space of the user's collection (0: from before scenes were measured).
    """

    id: str
    name: str
    created_at: float
    version: int = 0

    @property
    def collection_name(self) -> str:
        return collection_name(self.id, self.version)


def collection_name(user_id: str, version: int) -> str:
    return COLLECTION_PREFIX + user_id + (f".s{version}" if version else "")


def check_name(name: object) -> str:
    """The cleaned user name, or one sentence saying what a name must be."""
    cleaned = " ".join(name.split()) if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or not cleaned.isprintable():
        raise UserError(
            f"A user name must be 1 to {MAX_NAME_CHARS} printable characters, got {name!r}."
        )
    return cleaned


class UserRegistry:
    """Users of one memory store.

    Args:
        connection: where the store is (see :mod:`pertouch.memory.connection`).
        space: the scene space new collections hold vectors of.
        clock: seconds since the epoch; injected so tests control time.
    """

    def __init__(
        self, connection: Connection, space: SceneSpace, clock: Callable[[], float] = time.time
    ):
        self.connection = connection
        self.space = space
        self.clock = clock

    # -- reading ----------------------------------------------------------------------------
    def list(self) -> list[User]:
        """Every user, oldest first."""
        with self.connection.session() as client:
            return self._users(client)

    def get(self, name: str) -> User:
        """The user called ``name`` (case-insensitive), or one sentence naming who exists."""
        with self.connection.session() as client:
            return self._find(client, name)

    # -- changing ---------------------------------------------------------------------------
    def create(self, name: str) -> User:
        """A new user with an empty memory; names are unique regardless of case."""
        name = check_name(name)
        with self.connection.session(write=True) as client:
            user = self._create_new(client, name)
            if user is None:
                raise UserError(f"There is already a user called {name!r}; pick another name.")
            return user

    def ensure(self, name: str) -> User:
        """The user called ``name``, created first if there is none (for the agent's first approval)."""
        name = check_name(name)
        with self.connection.session(write=True) as client:
            return self._lookup(client, name) or self._claim(client, name)[0]

    def rename(self, old: str, new: str) -> User:
        """Give a user a new name; their memories stay theirs."""
        new = check_name(new)
        with self.connection.session(write=True) as client:
            user = self._find(client, old)
            other = self._lookup(client, new)
            if other is not None and other.id != user.id:
                raise UserError(f"There is already a user called {new!r}; pick another name.")
            renamed = User(user.id, new, user.created_at, user.version)
            collection = self._collection(client, user)
            collection.modify(metadata={**(collection.metadata or {}), **_metadata(renamed)})
            return renamed

    def delete(self, name: str) -> int:
        """Delete a user and every record of theirs (twins that older versions made in a race
        too); returns how many records went."""
        with self.connection.session(write=True) as client:
            key = self._find(client, name).name.casefold()
            count = 0
            for twin in [u for u in self._users(client) if u.name.casefold() == key]:
                # A concurrent delete was first: the collection is gone (NotFoundError), or a
                # Chroma server is still dropping it and answers that its segments are missing.
                with contextlib.suppress(ChromaError):
                    count += self._collection(client, twin).count()
                for collection in _collections_of(client, twin.id):  # every space's
                    with contextlib.suppress(NotFoundError):
                        client.delete_collection(collection)
            return count

    def upgrade(self, name: str) -> User:
        """Move a user's records into a collection of the current scene space (no-op if there).

        Records keep their ids, words, edits and times; their vectors are recomputed from the
        stored measurements, and records without measurements are kept but never compared.
        """
        with self.connection.session(write=True) as client:
            return self.upgrade_on(client, self._find(client, name))

    def upgrade_on(self, client: ClientAPI, user: User) -> User:
        """:meth:`upgrade` on a client the caller holds for writing."""
        if user.version == self.space.version:
            return user
        records = builtins.list(iter_records(self._collection(client, user)))
        new = User(user.id, user.name, user.created_at, self.space.version)
        if new.collection_name in _collections_of(client, user.id):
            client.delete_collection(new.collection_name)  # an upgrade cut short earlier
        target = self._create_collection(client, new, complete=False)
        add_records(target, records, self.space)
        if target.count() != len(records):
            raise RecordError(f"Upgrading {user.name}'s memory lost records; nothing changed.")
        target.modify(metadata={**(target.metadata or {}), "complete": True})  # now listed
        client.delete_collection(user.collection_name)
        return new

    # -- export and import ------------------------------------------------------------------
    def export(self, name: str) -> Iterator[str]:
        """The user's memory as JSON lines: a header line, then one line per record, oldest first."""
        with self.connection.session() as client:
            user = self._find(client, name)
            records = builtins.list(iter_records(self._collection(client, user)))
        records.sort(key=lambda r: r.created_at)
        yield json.dumps(
            {"format": EXPORT_FORMAT, "user": user.name, "created_at": user.created_at}
        )
        for record in records:
            yield json.dumps(record.to_dict(), sort_keys=True)

    def import_lines(self, lines: Iterable[str], name: str | None = None) -> tuple[User, int]:
        """Create a user from exported JSON lines; returns the user and how many records came in.

        Args:
            lines: an export, header first.
            name: the new user's name; defaults to the name in the header.

        Raises:
            UserError: the name is taken (import into a fresh name, or delete the old user first).
            RecordError: a line is not a valid record; nothing is imported then.
        """
        rows = [line for line in lines if line.strip()]
        if not rows:
            raise RecordError("The memory file is empty.")
        header = _json_line(rows[0], 1)
        if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
            raise RecordError(
                f"This is not a PerTouch memory export (the first line must name format {EXPORT_FORMAT!r})."
            )
        records = [MemoryRecord.from_dict(_json_line(row, i)) for i, row in enumerate(rows[1:], 2)]
        new_name = check_name(name if name is not None else header.get("user"))
        with self.connection.session(write=True) as client:
            user = self._create_new(client, new_name)
            if user is None:
                raise UserError(
                    f"There is already a user called {new_name!r}; import under another name."
                )
            collection = self._collection(client, user)
            try:
                add_records(collection, records, self.space)
            except BaseException:
                client.delete_collection(user.collection_name)  # all or nothing
                raise
        return user, len(records)

    # -- for SceneMemory --------------------------------------------------------------------
    def collection_for(self, client: ClientAPI, name: str) -> Collection:
        """The collection of user ``name`` on an open client (raises if there is no such user)."""
        return self._collection(client, self._find(client, name))

    def find(self, client: ClientAPI, name: str) -> User:
        """The user called ``name`` on an open client (raises if there is no such user)."""
        return self._find(client, name)

    # -- internals --------------------------------------------------------------------------
    def _users(self, client: ClientAPI) -> builtins.list[User]:
        best: dict[str, User] = {}
        for collection in client.list_collections():
            if not collection.name.startswith(COLLECTION_PREFIX):
                continue
            meta = collection.metadata or {}
            if meta.get("complete") is False:
                continue  # an upgrade under way or cut short: its source is still listed
            user_id, _, suffix = collection.name.removeprefix(COLLECTION_PREFIX).partition(".s")
            user = User(
                user_id,
                str(meta.get("user_name", "")),
                float(meta.get("created_at", 0.0)),
                int(suffix) if suffix.isdigit() else 0,
            )
            if user_id not in best or _preference(user, self.space) > _preference(
                best[user_id], self.space
            ):
                best[user_id] = user
        return sorted(best.values(), key=lambda u: (u.created_at, u.name))

    def _lookup(self, client: ClientAPI, name: str) -> User | None:
        key = name.casefold()
        return next((u for u in self._users(client) if u.name.casefold() == key), None)

    def _find(self, client: ClientAPI, name: str) -> User:
        user = self._lookup(client, check_name(name))
        if user is None:
            known = ", ".join(repr(u.name) for u in self._users(client)) or "none yet"
            raise UserError(f"There is no user called {name!r}; users: {known}.")
        return user

    def _collection(self, client: ClientAPI, user: User) -> Collection:
        # No function passed: Chroma rebuilds the registered one the collection was made with.
        return client.get_collection(user.collection_name)

    def _create_new(self, client: ClientAPI, name: str) -> User | None:
        """A new user called ``name``, or None when the name is taken (now or by a racer)."""
        if self._lookup(client, name) is not None:
            return None
        user, created = self._claim(client, name)
        return user if created else None

    def _claim(self, client: ClientAPI, name: str) -> tuple[User, bool]:
        """The user called ``name`` in its first free slot, and whether this call created it.

        ``get_or_create`` is atomic on the server and keeps the first creator's metadata, so the
        claim token beside ``complete`` tells the creator from everyone who arrived at the same
        moment. A slot whose id any listed user holds under another name (in any scene space,
        an upgrade's source included) is skipped, so no collection ever gains a second owner.
        """
        claim = uuid.uuid4().hex
        key = name.casefold()
        version = self.space.version
        function: Any = embedding.SceneVectorFunction(version)
        holders = {u.id: u for u in self._users(client)}
        for slot in range(_SLOTS):
            user_id = hashlib.sha256(f"{key}#{slot}".encode()).hexdigest()[:32]
            holder = holders.get(user_id)
            if holder is not None:
                if holder.name.casefold() == key:
                    return holder, False
                continue  # renamed away from this name: the slot stays its holder's
            user = User(user_id, name, self.clock(), version)
            try:
                collection = client.get_or_create_collection(
                    user.collection_name,
                    metadata={**_metadata(user), "complete": True, "claim": claim},
                    embedding_function=function,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            except ChromaError as err:  # created between the server's own get and create
                if "already exists" not in str(err):
                    raise
                collection = client.get_collection(user.collection_name)
            meta = collection.metadata or {}
            labelled = str(meta.get("user_name", "")).casefold() == key
            if labelled and meta.get("complete") is not False:
                stored = User(
                    user_id, str(meta["user_name"]), float(meta.get("created_at", 0.0)), version
                )
                return stored, meta.get("claim") == claim
        raise UserError(f"The name {name!r} has been renamed away too often; pick another name.")

    def _create_collection(
        self, client: ClientAPI, user: User, complete: bool = True
    ) -> Collection:
        function: Any = embedding.SceneVectorFunction(user.version)
        return client.create_collection(
            user.collection_name,
            metadata={**_metadata(user), "complete": complete},
            embedding_function=function,
            configuration={"hnsw": {"space": "cosine"}},
        )


def _preference(user: User, space: SceneSpace) -> tuple[bool, int]:
    """The current space's collection first, then the newest."""
    return (user.version == space.version, user.version)


def _collections_of(client: ClientAPI, user_id: str) -> builtins.list[str]:
    return [
        c.name
        for c in client.list_collections()
        if c.name == COLLECTION_PREFIX + user_id
        or c.name.startswith(f"{COLLECTION_PREFIX}{user_id}.s")
    ]


def _metadata(user: User) -> dict[str, str | float | bool]:
    return {"user_name": user.name, "created_at": user.created_at, "complete": True}


def _json_line(text: str, number: int) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise RecordError(f"Line {number} of the memory file is not JSON ({err.msg}).") from None
    except RecursionError:  # json.loads recurses once per level of nesting
        raise RecordError(f"Line {number} of the memory file is nested far too deeply.") from None


def iter_records(collection: Collection) -> Iterator[MemoryRecord]:
    """Every record of a collection, a page at a time."""
    offset = 0
    while True:
        page = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
        ids = page["ids"]
        for record_id, meta in zip(ids, page["metadatas"] or [], strict=True):
            yield MemoryRecord.from_metadata(record_id, meta)
        if len(ids) < _PAGE:
            return
        offset += _PAGE


def add_records(
    collection: Collection, records: list[MemoryRecord], space: SceneSpace, batch: int = 256
) -> None:
    """Upsert records (idempotent by id) with their scene vectors, in batches.

    A record without measurements (from before scenes were measured) is stored with a stand-in
    vector and counted in the collection's ``unmeasured`` metadata, so recall asks Chroma for
    that many more neighbours and drops them; a ``where`` filter would cost 20 ms at 10k records.
    """
    unmeasured = sum(not r.scene.measured for r in records)
    if unmeasured:
        meta = dict(collection.metadata or {})
        meta["unmeasured"] = int(meta.get("unmeasured", 0)) + unmeasured
        collection.modify(metadata=meta)
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        collection.upsert(
            ids=[r.id for r in chunk],
            embeddings=np.array([_vector(r, space) for r in chunk], dtype=np.float32),
            documents=[r.document() for r in chunk],
            metadatas=[r.metadata() for r in chunk],
        )


def _vector(record: MemoryRecord, space: SceneSpace) -> list[float]:
    if record.scene.measured:
        return space.vector(record.scene.measurements)
    return [1.0] + [0.0] * (space.dimensions - 1)
