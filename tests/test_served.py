"""The agent behind ``langgraph dev``, used as a remote client would: the official SDK, photos as
data and URLs, the result image fetched, a model chosen per run.

One server is started for the module on 127.0.0.1 (its own home, memory and working folder),
bounded in time, and stopped at the end. It needs the ``serve`` extra (``make install`` installs it;
``python scripts/install_serve.py`` adds it to another environment); without it these tests skip.
"""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

pytest.importorskip(
    "langgraph_api",
    reason="the serve extra is not installed: run `python scripts/install_serve.py`",
)
langgraph_sdk = pytest.importorskip("langgraph_sdk")

from tests.providers.fake_openai import FakeOpenAI, tool_reply  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 120.0
FAKE_MODEL = "openai:test-vlm"
SKY_SCRIPT = [
    tool_reply(("classify", {"kind": "strong", "reasons": ["the sky"]})),
    tool_reply(("segment", {"region": "sky"})),
    tool_reply(
        ("set_edit", {"region": "sky", "attribute": "brightness", "delta": -0.2}),
        ("render", {}),
    ),
    tool_reply(("verdict", {"satisfied": True, "reason": "on target"})),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def rocket(tmp_path_factory) -> Path:
    from skimage import data

    path = tmp_path_factory.mktemp("photos") / "rocket.jpg"
    Image.fromarray(data.rocket()).save(path, quality=92)
    return path


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(list(SKY_SCRIPT)) as fake:
        yield fake


@pytest.fixture(scope="module")
def photo_site(rocket) -> Iterator[str]:
    """The photo's folder served over http on 127.0.0.1, as a client's image host would be."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(rocket.parent))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_address[1]}"
    site.shutdown()
    site.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_model) -> Iterator[str]:
    """``langgraph dev`` on 127.0.0.1 serving langgraph.json; stopped (its process group) at the end."""
    base = tmp_path_factory.mktemp("served")
    port = _free_port()
    env = {
        **os.environ,
        "PERTOUCH_HOME": str(base / "home"),
        "PERTOUCH_MEMORY": str(base / "memory"),
        "PERTOUCH_SERVED_MODELS": FAKE_MODEL,
        "PERTOUCH_FETCH_PRIVATE": "1",  # the photo site of these tests is on 127.0.0.1
        "OPENAI_BASE_URL": fake_model.base_url,
        "OPENAI_API_KEY": "test",
        "HF_HUB_OFFLINE": "1",
        "LANGSMITH_TRACING": "false",
        "LANGCHAIN_TRACING_V2": "false",
    }
    langgraph = Path(sys.executable).with_name("langgraph")
    command = [str(langgraph), "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--config", str(ROOT / "langgraph.json")]
    log = (base / "server.log").open("wb")
    process = subprocess.Popen(
        command, cwd=base, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"langgraph dev exited:\n{_tail(base / 'server.log')}")
            try:
                with urllib.request.urlopen(f"{url}/ok", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"langgraph dev did not start in {START_TIMEOUT_S:.0f} s")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:]


def _client(url: str) -> Any:
    return langgraph_sdk.get_sync_client(url=url, timeout=RUN_TIMEOUT_S)


def _data_url(path: Path) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode()


def _decode(text: str) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(text))) as image:
        return np.asarray(image.convert("RGB"))


def _level(out: dict[str, Any], region: str, attribute: str) -> dict[str, float]:
    return next(m for m in out["levels"] if (m["region"], m["attribute"]) == (region, attribute))


def _local_turns(rocket: Path, tmp_path: Path) -> np.ndarray:
    """The same two turns in this process, on the graph the server serves."""
    from pertouch.deployment import ServedAgents
    from pertouch.settings import Settings

    agents = ServedAgents(Settings(home=tmp_path / "home"))
    try:
        graph = agents.graph_for({})
        config = {"configurable": {"thread_id": "local"}, "recursion_limit": 60}
        first = {"instruction": "make the sky a bit bluer", "photo": _data_url(rocket)}
        graph.invoke(first, config)
        out = graph.invoke({"instruction": "a bit less"}, config, context={"image": "full"})
        return _decode(out["image"]["data"])
    finally:
        agents.close()


def test_a_remote_client_runs_two_turns_with_the_photo_as_data(server, rocket, tmp_path):
    from pertouch.graph.state import ServedOutput

    client = _client(server)
    thread = client.threads.create()["thread_id"]
    started = time.monotonic()
    first = client.runs.wait(
        thread,
        "pertouch",
        input={"instruction": "make the sky a bit bluer", "photo": _data_url(rocket)},
    )
    assert first["error"] == "", first["error"]
    assert set(first) == set(ServedOutput.__dataclass_fields__)  # not the internal state
    assert "sha256:" not in json.dumps(first)
    assert first["understood_as"] == "strong" and first["regions_used"] == ["sky"]
    colour = _level(first, "sky", "colorfulness")
    assert colour["measured"] > colour["before"] + 0.05
    assert abs(colour["measured"] - colour["target"]) <= 0.05
    image = first["image"]
    assert (image["width"], image["height"]) == (640, 427) and "data" not in image
    assert _decode(image["preview"]).shape == (427, 640, 3)

    second = client.runs.wait(
        thread, "pertouch", input={"instruction": "a bit less"}, context={"image": "full"}
    )
    elapsed = time.monotonic() - started
    assert second["error"] == "" and second["understood_as"] == "refine"
    less = _level(second, "sky", "colorfulness")
    assert colour["before"] < less["measured"] < colour["measured"]
    assert second["image"]["mime_type"] == "image/png"
    served = _decode(second["image"]["data"])
    original = np.asarray(Image.open(rocket).convert("RGB"))
    assert served.shape == original.shape
    assert np.array_equal(served, _local_turns(rocket, tmp_path))  # what a local caller gets
    assert elapsed < 2 * RUN_TIMEOUT_S


def test_a_photo_url_is_fetched_and_a_path_on_the_server_is_refused(server, photo_site, rocket):
    client = _client(server)
    fetched = client.runs.wait(
        None,
        "pertouch",
        input={"instruction": "warmer", "photo": f"{photo_site}/{rocket.name}"},
        context={"image": "none"},
    )
    assert fetched["error"] == "" and fetched["image"] == {"width": 640, "height": 427}
    refused = client.runs.wait(
        None, "pertouch", input={"instruction": "warmer", "photo": str(rocket)}
    )
    assert "not as a path on its disk" in refused["error"]
    missing = client.runs.wait(
        None, "pertouch", input={"instruction": "warmer", "photo": f"{photo_site}/absent.jpg"}
    )
    assert "answered 404" in missing["error"]


def test_the_model_is_chosen_per_run_and_checked(server, rocket, fake_model):
    client = _client(server)
    before = len(fake_model.requests)
    out = client.runs.wait(
        None,
        "pertouch",
        input={"instruction": "darken the sky", "photo": _data_url(rocket)},
        context={"model": FAKE_MODEL, "image": "none"},
    )
    assert out["error"] == "", out["error"]
    assert len(fake_model.requests) - before == len(SKY_SCRIPT)  # this run asked that model
    assert out["edits"] == [{"region": "sky", "attribute": "brightness", "delta": -0.2}]
    with pytest.raises(Exception, match="does not offer the model 'openai:gpt-4o'"):
        client.runs.wait(
            None,
            "pertouch",
            input={"instruction": "warmer", "photo": _data_url(rocket)},
            context={"model": "openai:gpt-4o"},
        )
