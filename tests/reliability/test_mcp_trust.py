"""What an MCP client may touch (issue 16, items 1 and 6), through the SDK's client over stdio.

A thread the command line started on a private photo could be continued through MCP and its
result written inside the root; ``approve`` stored under any name given; rejected uploads stayed
in the inbox for ever; ``render`` wrote over its own input.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from skimage import data

pytest.importorskip("mcp")
from mcp import StdioServerParameters

from pertouch.core.errors import PerTouchError
from tests.reliability.conftest import command_env
from tests.test_mcp_server import Bridge

BRIGHTER = [{"region": "global", "attribute": "brightness", "delta": 0.2}]


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("trust")
    root, private = base / "photos", base / "private"
    root.mkdir()
    private.mkdir()
    Image.fromarray(data.rocket()).save(root / "rocket.png")
    Image.fromarray(data.rocket()).save(private / "secret.png")
    return {"base": base, "root": root, "private": private, "home": base / "home"}


@pytest.fixture(scope="module")
def server(folders) -> Iterator[Bridge]:
    env = command_env({"PERTOUCH_ROUNDS": "1"}, home=folders["home"])
    args = ["-m", "pertouch", "mcp", "--root", str(folders["root"])]
    args += ["--memory", str(folders["base"] / "memory")]
    bridge = Bridge(StdioServerParameters(command=sys.executable, args=args, env=env))
    yield bridge
    bridge.close()


def call(server: Bridge, tool: str, arguments: dict[str, Any]) -> Any:
    return server.call(lambda c: c.call_tool(tool, arguments))


def refusal(result: Any) -> str:
    assert result.is_error, result.structured_content
    text = result.content[0].text
    assert "Traceback" not in text
    return str(text)


def start(server: Bridge, folders: dict[str, Path], user: str | None = "ana") -> str:
    arguments: dict[str, Any] = {
        "instruction": "make it a touch brighter",
        "image": {"path": str(folders["root"] / "rocket.png")},
    }
    if user is not None:
        arguments["user"] = user
    result = call(server, "retouch", arguments)
    assert not result.is_error, result.content
    return str(result.structured_content["thread_id"])


def test_a_command_line_thread_on_a_private_photo_cannot_be_used_from_mcp(server, folders):
    from pertouch.api import Retoucher

    with Retoucher(home=folders["home"], rounds=1) as agent:  # the same home as the server
        private = agent.turn("make it brighter", folders["private"] / "secret.png").thread_id
    out = folders["root"] / "leak.png"
    continued = call(
        server,
        "retouch",
        {"instruction": "a bit more", "thread_id": private, "output_path": str(out)},
    )
    assert "was not started through this MCP server" in refusal(continued)
    approved = call(server, "approve", {"thread_id": private, "user": "ana"})
    assert "was not started through this MCP server" in refusal(approved)
    restarted = call(
        server,
        "retouch",
        {
            "instruction": "brighter",
            "thread_id": private,
            "image": {"path": str(folders["root"] / "rocket.png")},
        },
    )
    assert "was not started through this MCP server" in refusal(restarted)
    assert not out.exists()


def test_a_thread_whose_photo_is_now_outside_the_roots_is_refused(server, folders):
    thread = start(server, folders)
    # As if an earlier run of the server had other roots: the ledger says where the photo was.
    ledger = sqlite3.connect(folders["home"] / "mcp-threads.sqlite")
    with ledger:
        ledger.execute(
            "UPDATE threads SET source = ? WHERE thread_id = ?",
            (str(folders["private"] / "secret.png"), thread),
        )
    ledger.close()
    result = call(server, "retouch", {"instruction": "a bit less", "thread_id": thread})
    assert "conversation's photo path" in refusal(
        result
    ) and "outside the allowed folders" in refusal(result)


def test_approve_remembers_for_the_threads_own_user_and_refuses_another_name(server, folders):
    thread = start(server, folders, user="ana")
    other = call(server, "approve", {"thread_id": thread, "user": "bob"})
    assert refusal(other).endswith(
        "This conversation belongs to 'ana'; it cannot be approved as 'bob'."
    )
    as_bob = call(
        server, "retouch", {"instruction": "a bit less", "thread_id": thread, "user": "bob"}
    )
    assert "belongs to 'ana'" in refusal(as_bob)
    users = call(server, "list_users", {}).structured_content
    assert "bob" not in str(users)
    continued = call(server, "retouch", {"instruction": "a bit less", "thread_id": thread})
    assert not continued.is_error, continued.content  # no user given: the thread keeps ana
    approved = call(server, "approve", {"thread_id": thread})
    assert not approved.is_error, approved.content
    assert (
        approved.structured_content["user"] == "ana" and approved.structured_content["remembered"]
    )


def test_a_thread_started_without_a_user_cannot_be_approved_for_one(server, folders):
    thread = start(server, folders, user=None)
    result = call(server, "approve", {"thread_id": thread, "user": "carl"})
    assert "started without a user" in refusal(result)
    assert "carl" not in str(call(server, "list_users", {}).structured_content)


def inbox(folders: dict[str, Path]) -> list[Path]:
    folder = folders["home"] / "mcp-inbox"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_rejected_uploads_are_deleted_and_accepted_ones_do_not_stay(server, folders):
    bad = base64.b64encode(b"GIF89a not really a photo" * 100).decode()
    result = call(server, "measure", {"image": {"base64": bad}})
    assert "not a photo PerTouch can read" in refusal(result)
    assert inbox(folders) == []
    good = base64.b64encode((folders["root"] / "rocket.png").read_bytes()).decode()
    measured = call(server, "measure", {"image": {"base64": good}})
    assert not measured.is_error and "global" in measured.structured_content["levels"]
    rendered = call(server, "render", {"image": {"base64": good}, "edits": BRIGHTER})
    assert not rendered.is_error
    assert inbox(folders) == []


def test_uploads_left_by_a_crashed_call_are_cleared(server, folders):
    folder = folders["home"] / "mcp-inbox"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / "left-behind.img"
    left.write_bytes(b"\0" * 1_000_000)
    two_hours_ago = time.time() - 7200
    os.utime(left, (two_hours_ago, two_hours_ago))
    good = base64.b64encode((folders["root"] / "rocket.png").read_bytes()).decode()
    assert not call(server, "measure", {"image": {"base64": good}}).is_error
    assert inbox(folders) == []


def test_the_inbox_keeps_its_budget(tmp_path):
    from pertouch.mcp_trust import Inbox

    photo = tmp_path / "rocket.png"
    Image.fromarray(data.rocket()).save(photo)
    size = photo.stat().st_size
    box = Inbox(tmp_path / "inbox", budget_bytes=size * 2)
    with box.receive(photo.read_bytes()) as (path, loaded):
        assert path.exists() and loaded.pixels.shape == (427, 640, 3)
        with box.receive(photo.read_bytes()):
            assert box.size() == 2 * size
            with (
                pytest.raises(PerTouchError, match="upload budget is full"),
                box.receive(photo.read_bytes()),
            ):
                pass
    assert box.size() == 0
    with pytest.raises(PerTouchError, match="over the server's upload budget"):
        Inbox(tmp_path / "small", budget_bytes=size - 1).receive(photo.read_bytes()).__enter__()


def test_render_never_writes_over_its_own_photo_unless_asked(server, folders):
    photo = folders["root"] / "own.png"
    Image.fromarray(data.rocket()).save(photo)
    link = folders["root"] / "own-link.png"
    link.symlink_to(photo.name)
    before = photo.read_bytes()
    for output in (photo, link):
        result = call(
            server,
            "render",
            {"image": {"path": str(photo)}, "edits": BRIGHTER, "output_path": str(output)},
        )
        assert "is the input 'own.png'" in refusal(result) and "overwrite=true" in refusal(result)
    assert photo.read_bytes() == before
    allowed = call(
        server,
        "render",
        {
            "image": {"path": str(photo)},
            "edits": BRIGHTER,
            "output_path": str(photo),
            "overwrite": True,
        },
    )
    assert not allowed.is_error, allowed.content
    assert (
        np.asarray(Image.open(photo)).mean()
        > np.asarray(Image.open(folders["root"] / "rocket.png")).mean() + 3
    )


def test_retouch_never_writes_over_the_threads_photo_unless_asked(server, folders):
    photo = folders["root"] / "mine.png"
    Image.fromarray(data.rocket()).save(photo)
    before = photo.read_bytes()
    first = call(
        server,
        "retouch",
        {"instruction": "brighter", "image": {"path": str(photo)}, "output_path": str(photo)},
    )
    assert "is the input 'mine.png'" in refusal(first)
    thread = call(
        server, "retouch", {"instruction": "brighter", "image": {"path": str(photo)}}
    ).structured_content["thread_id"]
    later = call(
        server,
        "retouch",
        {"instruction": "a bit more", "thread_id": thread, "output_path": str(photo)},
    )
    assert "is the input 'mine.png'" in refusal(later)
    assert photo.read_bytes() == before
