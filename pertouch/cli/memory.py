"""``pertouch memory``: the people whose taste PerTouch remembers, and their records.

    pertouch memory users                       # list users and how many retouches each has
    pertouch memory create ana
    pertouch memory rename ana "Ana P."
    pertouch memory records ana                 # what is remembered, oldest first
    pertouch memory recall ana photo.jpg        # what ana's memory would suggest, and why
    pertouch memory recall ana photo.jpg --json
    pertouch memory export ana -o ana.jsonl
    pertouch memory import ana.jsonl --name ana-copy
    pertouch memory delete ana --yes            # the user and all their records

The store is ``--store`` (a folder, or a Chroma server URL such as http://127.0.0.1:8000 served by
``chroma run``), else ``$PERTOUCH_MEMORY``, else ``$XDG_DATA_HOME/pertouch/memory`` (by default
``~/.local/share/pertouch/memory``; see :func:`pertouch.services.default_memory_location`).
Errors are ``PerTouchError`` sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pertouch.core.errors import PerTouchError
from pertouch.services import default_memory_location


def add_memory_parser(subparsers: Any) -> None:
    """Add the ``memory`` sub-command (with its own sub-commands) to argparse ``subparsers``."""
    parser = subparsers.add_parser(
        "memory",
        help="manage the users whose taste is remembered",
        description="Create, list, rename, delete, export and import remembered users.",
    )
    parser.add_argument(
        "--store",
        help="folder or Chroma server URL (default: $PERTOUCH_MEMORY or the data folder)",
    )
    actions = parser.add_subparsers(dest="memory_command", required=True, metavar="ACTION")
    actions.add_parser("users", help="list users").set_defaults(func=run_memory)
    create = actions.add_parser("create", help="create a user")
    create.add_argument("name")
    rename = actions.add_parser("rename", help="rename a user")
    rename.add_argument("name")
    rename.add_argument("new_name")
    delete = actions.add_parser("delete", help="delete a user and all their records")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="really delete")
    records = actions.add_parser("records", help="list a user's remembered retouches")
    records.add_argument("name")
    export = actions.add_parser("export", help="write a user's memory as JSON lines")
    export.add_argument("name")
    export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    imported = actions.add_parser("import", help="create a user from an export")
    imported.add_argument("file", type=Path)
    imported.add_argument("--name", help="the new user's name (default: the exported name)")
    recall = actions.add_parser("recall", help="show what a user's memory suggests for a photo")
    recall.add_argument("name")
    recall.add_argument("photo", type=Path)
    recall.add_argument("--json", action="store_true", help="print the suggestion as JSON")
    for action in (create, rename, delete, records, export, imported, recall):
        action.set_defaults(func=run_memory)


def open_memory(store: str | None) -> Any:
    """A :class:`SceneMemory` on ``store`` (or the default location)."""
    from pertouch.services import open_memory as open_store

    return open_store(store or default_memory_location())


def run_memory(args: argparse.Namespace, memory: Any = None, segmenter: Any = None) -> int:
    """Handle ``pertouch memory ACTION``; returns the exit status.

    ``segmenter`` (for ``recall``) defaults to the one the settings name, as the agent uses it.
    """
    memory = memory or open_memory(args.store)
    users = memory.users
    action = args.memory_command
    if action == "users":
        listed = users.list()
        if not listed:
            print("No users yet; create one with: pertouch memory create NAME")
        for user in listed:
            print(f"{user.name:<24} {memory.count(user.name):>6} retouches")
    elif action == "create":
        print(f"created {users.create(args.name).name}")
    elif action == "rename":
        print(f"renamed {args.name} to {users.rename(args.name, args.new_name).name}")
    elif action == "delete":
        if not args.yes:
            raise PerTouchError(
                f"Deleting {args.name!r} removes all their records; add --yes to confirm."
            )
        print(f"deleted {args.name} and {users.delete(args.name)} records")
    elif action == "records":
        for record in memory.records(args.name):
            edits = ", ".join(
                f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in record.edits
            )
            print(
                json.dumps(
                    {
                        "id": record.id,
                        "kind": record.scene.kind,
                        "instruction": record.instruction,
                        "edits": edits,
                    }
                )
            )
    elif action == "export":
        _export(users, args.name, args.output)
    elif action == "recall":
        _recall(memory, args.name, args.photo, args.json, segmenter)
    elif action == "import":
        try:
            lines = args.file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise PerTouchError(
                f"Cannot read {args.file} ({getattr(err, 'strerror', None) or err})."
            ) from None
        user, count = users.import_lines(lines, args.name)
        print(f"imported {count} records as {user.name}")
    return 0


def _export(users: Any, name: str, output: Path | None) -> None:
    lines = list(users.export(name))
    if output is None:
        sys.stdout.write("\n".join(lines) + "\n")
        return
    temporary = output.with_name(output.name + ".partial")
    try:
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, output)  # never a half-written export
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise PerTouchError(f"Cannot write {output} ({err.strerror}).") from None
    print(f"exported {len(lines) - 1} records of {name} to {output}", file=sys.stderr)


def _recall(memory: Any, name: str, photo: Path, as_json: bool, segmenter: Any) -> None:
    """Describe ``photo`` as perceive does and print what ``name``'s memory suggests, and why."""
    from pertouch.core.imageio import load_photo
    from pertouch.memory.scene import describe

    memory.users.get(name)  # an unknown user fails before the photo is analysed
    pixels = load_photo(photo).pixels
    if segmenter is None:  # the same segmenter the agent describes scenes with
        from pertouch.services import Settings, build_segmenter

        segmenter = build_segmenter(Settings.from_env())
    scene = describe(pixels, segmenter.propose(pixels))
    suggestion = memory.recall(name, scene)
    if as_json:
        print(json.dumps({"scene": scene.to_dict(), "suggestion": suggestion.to_dict()}, indent=1))
        return
    print(f"photo:   {photo.name}: {scene.text()}")
    if scene.measured:
        from pertouch.memory.kinds import SURE, UNKNOWN, in_words, sure_kind

        unsure = sure_kind(scene.measurements) == UNKNOWN
        doubt = f" (none reaches {SURE:.2f}: unsure, shares with no photo)" if unsure else ""
        print(f"kind:    {in_words(scene.measurements)}{doubt}")
    print(f"suggest: {suggestion.reason or f'{name} has no approved photos to compare yet.'}")
    if suggestion.edits:
        print(
            "edits:   "
            + ", ".join(f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in suggestion.edits)
        )
    print(f"nearest approved photos (similarity, {suggestion.min_similarity:.2f} needed):")
    for match in suggestion.matches:
        record = match.record
        edits = ", ".join(f"{e.region} {e.attribute.value} {e.delta:+.2f}" for e in record.edits)
        from pertouch.memory.kinds import share_kind

        used = "used" if match.weight > 0 else "too far"
        if not match.comparable:
            same_kind = scene.measured and record.scene.measured
            same_kind = same_kind and share_kind(scene.measurements, record.scene.measurements)
            used = "frame differs" if same_kind else "kind differs"
        print(
            f"  {match.similarity:5.2f}  {used:<13} {record.photo or record.id[:8]:<24} "
            f"{record.scene.framing:<10} {record.instruction!r}: {edits or 'as shot'}"
        )
