"""The MCP server through the SDK's own client, over stdio, on a real photo.

One server process serves the whole module (it takes seconds to start); each test sends its
calls to it through a small bridge that keeps the client's session open in one task.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import io
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

mcp = pytest.importorskip("mcp")
from mcp import Client, StdioServerParameters  # noqa: E402

Call = Callable[[Any], Awaitable[Any]]


class Bridge:
    """Runs one MCP client session in a background event loop; ``call`` waits for a result."""

    def __init__(self, params: StdioServerParameters) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self.requests: asyncio.Queue[Any] | None = None
        self.thread = threading.Thread(
            target=self.loop.run_until_complete, args=(self._serve(params),)
        )
        self.thread.start()
        self.ready.result(timeout=120)

    async def _serve(self, params: StdioServerParameters) -> None:
        self.requests = asyncio.Queue()
        try:
            async with Client(params, read_timeout_seconds=120) as client:
                self.ready.set_result(None)
                while (item := await self.requests.get()) is not None:
                    fn, future = item
                    try:
                        future.set_result(await fn(client))
                    except Exception as err:  # handed to the test thread, which re-raises it
                        future.set_exception(err)
        except Exception as err:
            if not self.ready.done():
                self.ready.set_exception(err)

    def call(self, fn: Call) -> Any:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        assert self.requests is not None
        self.loop.call_soon_threadsafe(self.requests.put_nowait, (fn, future))
        return future.result(timeout=180)

    def close(self) -> None:
        assert self.requests is not None
        self.loop.call_soon_threadsafe(self.requests.put_nowait, None)
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    from skimage import data

    base = tmp_path_factory.mktemp("mcp")
    root = base / "photos"
    root.mkdir()
    Image.fromarray(data.rocket()).save(root / "rocket.jpg", quality=95)
    outside = base / "private"
    outside.mkdir()
    Image.fromarray(data.rocket()).save(outside / "secret.jpg", quality=95)
    return {"base": base, "root": root, "outside": outside}


@pytest.fixture(scope="module")
def server(folders) -> Iterator[Bridge]:
    env = {
        **os.environ,
        "PERTOUCH_HOME": str(folders["base"] / "home"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    args = ["-m", "pertouch.cli", "mcp", "--root", str(folders["root"])]
    args += ["--memory", str(folders["base"] / "memory")]
    bridge = Bridge(StdioServerParameters(command=sys.executable, args=args, env=env))
    yield bridge
    bridge.close()


def _decode(result: Any) -> np.ndarray:
    image = next(c for c in result.content if c.type == "image")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(image.data))))


def test_tools_are_listed_with_typed_schemas(server):
    listed = server.call(lambda c: c.list_tools())
    tools = {t.name: t for t in listed.tools}
    assert set(tools) == {
        "retouch",
        "segment",
        "measure",
        "render",
        "recall",
        "approve",
        "list_users",
    }
    retouch = tools["retouch"]
    assert retouch.input_schema["required"] == ["instruction"]
    assert retouch.input_schema["properties"]["instruction"]["maxLength"] == 2000
    assert "thread_id" in retouch.output_schema["properties"]
    assert "full-resolution" in retouch.description
    edit = tools["render"].input_schema["$defs"]["EditInput"]["properties"]
    assert edit["attribute"]["enum"] == ["colorfulness", "contrast", "temperature", "brightness"]
    assert edit["delta"]["maximum"] == 1.0


def test_retouch_round_trip_returns_an_image_and_continues(server, folders):
    out = folders["root"] / "out.png"
    result = server.call(
        lambda c: c.call_tool(
            "retouch",
            {
                "instruction": "make the sky bluer",
                "image": {"path": str(folders["root"] / "rocket.jpg")},
                "user": "ana",
                "output_path": str(out),
            },
        )
    )
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["kind"] == "strong" and data["width"] == 640 and data["height"] == 427
    assert {e["region"] for e in data["state"]["edits"]} == {"sky"}
    assert "Round 1" in data["reasoning"]
    picture = _decode(result)
    assert picture.shape == (427, 640, 3)
    original = np.asarray(Image.open(folders["root"] / "rocket.jpg"))
    assert np.abs(picture.astype(int) - original.astype(int)).mean() > 0.5
    assert np.asarray(Image.open(out)).shape == original.shape

    again = server.call(
        lambda c: c.call_tool(
            "retouch", {"instruction": "a bit less", "thread_id": data["thread_id"]}
        )
    )
    assert not again.is_error, again.content
    before = {e["attribute"]: abs(e["delta"]) for e in data["state"]["edits"]}
    after = {e["attribute"]: abs(e["delta"]) for e in again.structured_content["state"]["edits"]}
    assert all(after[a] < before[a] for a in before)

    approved = server.call(
        lambda c: c.call_tool("approve", {"thread_id": data["thread_id"], "user": "ana"})
    )
    assert not approved.is_error, approved.content
    assert approved.structured_content["remembered"] is True
    assert approved.structured_content["records"] == 1
    recalled = server.call(
        lambda c: c.call_tool(
            "recall", {"user": "ana", "image": {"path": str(folders["root"] / "rocket.jpg")}}
        )
    )
    assert not recalled.is_error, recalled.content
    assert {e["region"] for e in recalled.structured_content["edits"]} == {"sky"}
    assert recalled.structured_content["reason"]
    users = server.call(lambda c: c.call_tool("list_users", {}))
    assert "ana" in str(users.structured_content)


def test_segment_measure_and_render_by_base64(server, folders):
    encoded = base64.b64encode((folders["root"] / "rocket.jpg").read_bytes()).decode()
    image = {"base64": encoded}
    seg = server.call(lambda c: c.call_tool("segment", {"image": image, "region": "the sky"}))
    assert not seg.is_error and seg.structured_content["found"]
    assert 0.1 < seg.structured_content["area"] < 0.9
    absent = server.call(lambda c: c.call_tool("segment", {"image": image, "region": "faces"}))
    assert absent.structured_content["found"] is False
    measured = server.call(
        lambda c: c.call_tool("measure", {"image": image, "regions": ["sky", "faces"]})
    )
    levels = measured.structured_content["levels"]
    assert set(levels) == {"global", "sky"} and measured.structured_content["absent"] == ["faces"]
    rendered = server.call(
        lambda c: c.call_tool(
            "render",
            {
                "image": image,
                "edits": [{"region": "global", "attribute": "brightness", "delta": 0.3}],
            },
        )
    )
    assert not rendered.is_error, rendered.content
    reached = rendered.structured_content["regions"]["global"]["reached"]["brightness"]
    assert reached == pytest.approx(levels["global"]["brightness"] + 0.3, abs=0.06)
    assert _decode(rendered).mean() > _decode(seg).mean() - 255  # an image came back


def test_paths_outside_the_roots_are_refused(server, folders):
    secret = str(folders["outside"] / "secret.jpg")
    sneaky = str(folders["root"] / ".." / "private" / "secret.jpg")
    for path in (secret, sneaky):
        result = server.call(
            lambda c, p=path: c.call_tool(
                "retouch", {"instruction": "brighter", "image": {"path": p}}
            )
        )
        assert result.is_error
        assert "outside the allowed folders" in result.content[0].text
    write = server.call(
        lambda c: c.call_tool(
            "render",
            {
                "image": {"path": str(folders["root"] / "rocket.jpg")},
                "edits": [],
                "output_path": str(folders["outside"] / "x.png"),
            },
        )
    )
    assert write.is_error and not (folders["outside"] / "x.png").exists()


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("retouch", {"image": {"path": "x.jpg"}}),  # no instruction
        ("retouch", {"instruction": "", "thread_id": "t"}),  # empty instruction
        ("retouch", {"instruction": "brighter", "image": {"path": "a", "base64": "b"}}),
        (
            "render",
            {
                "image": {"base64": "aGVsbG8="},
                "edits": [{"region": "sky", "attribute": "hue", "delta": 0.1}],
            },
        ),
        (
            "render",
            {
                "image": {"base64": "aGVsbG8="},
                "edits": [{"region": "sky", "attribute": "contrast", "delta": 5}],
            },
        ),
        ("measure", {"image": {"base64": "not base64!"}}),
        ("measure", {"image": {"base64": "aGVsbG8="}}),  # decodes, but is not a photo
    ],
)
def test_malformed_arguments_are_refused_with_a_sentence(server, tool, arguments):
    result = server.call(lambda c: c.call_tool(tool, arguments))
    assert result.is_error
    text = result.content[0].text
    assert text and "Traceback" not in text


def test_retouch_uses_a_mask_sent_as_base64(server, folders):
    import base64
    import io

    mask = np.zeros((427, 640), np.uint8)
    mask[-100:, :] = 255
    buffer = io.BytesIO()
    Image.fromarray(mask).save(buffer, format="PNG")
    result = server.call(
        lambda c: c.call_tool(
            "retouch",
            {
                "instruction": "make the water warmer",
                "image": {"path": str(folders["root"] / "rocket.jpg")},
                "masks": [
                    {
                        "word": "water",
                        "image": {"base64": base64.b64encode(buffer.getvalue()).decode()},
                    }
                ],
            },
        )
    )
    assert not result.is_error, result.content
    edits = result.structured_content["state"]["edits"]
    assert {(e["region"], e["attribute"]) for e in edits} == {("water", "temperature")}
def test_raw_and_heic_photos_are_read_by_path(server, folders):
    pytest.importorskip("rawpy", reason="the 'raw' extra is not installed")
    pytest.importorskip("pillow_heif", reason="the 'heif' extra is not installed")
    pytest.importorskip("pidng", reason="pidng makes the test DNG")
    from skimage import data

    from tests.core.camera_files import write_dng, write_heic

    dng = write_dng(folders["root"] / "IMG_0001.dng", data.rocket())
    heic = write_heic(folders["root"] / "IMG_0002.heic", data.rocket())
    for path in (dng, heic):
        measured = server.call(
            lambda c, p=path: c.call_tool(
                "measure", {"image": {"path": str(p)}, "regions": ["sky"]}
            )
        )
        assert not measured.is_error, measured.content
        assert set(measured.structured_content["levels"]) == {"global", "sky"}
