"""The same batch on a Ray cluster: a local one, started here on 127.0.0.1 and stopped after."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.batch.conftest import manifest_records, write_shoot

ray = pytest.importorskip("ray", reason="the 'ray' extra is not installed")
ROOT = Path(__file__).resolve().parents[2]
#: The whole test (cluster start, actors loading the models, four photos) stays within this.
DEADLINE_S = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def cluster(tmp_path):
    """A one-node Ray cluster on 127.0.0.1 with 2 CPUs, in a process group of its own."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")  # Ray's socket paths must stay short
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "RAY_USAGE_STATS_ENABLED": "0",
    }
    command = [
        str(Path(sys.executable).parent / "ray"),
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        "--num-cpus=2",
        "--include-dashboard=false",
        "--disable-usage-stats",
        f"--temp-dir={temp}",
    ]
    head = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert head.poll() is None, "the Ray head stopped while starting"
            time.sleep(0.5)
        else:
            pytest.fail("the Ray head did not start within 90 s")
        yield address, env
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait(timeout=10)
        try:
            os.killpg(head.pid, signal.SIGKILL)  # anything of the cluster still in its group
        except ProcessLookupError:
            pass
        shutil.rmtree(temp, ignore_errors=True)


def test_a_batch_runs_on_a_local_ray_cluster(tmp_path, home, warmer, cluster):
    address, env = cluster
    shoot = tmp_path / "shoot"
    write_shoot(shoot, ("astronaut", "coffee", "chelsea", "rocket"))
    (shoot / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    out = tmp_path / "out"
    env = {**env, "PERTOUCH_HOME": str(home)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pertouch",
            "batch",
            str(shoot),
            "-o",
            str(out),
            "--state",
            str(warmer),
            "--ray",
            address,
            "--json",
        ],
        env=env,
        capture_output=True,
        timeout=DEADLINE_S,
    )
    assert result.returncode == 1, result.stderr.decode()  # the broken file
    summary = json.loads(result.stdout)
    assert summary["engine"] == "ray" and summary["workers"] == 2
    assert (summary["done"], summary["failed"]) == (4, 1)
    workers = {r["worker"] for r in manifest_records(out) if r["event"] == "done"}
    assert len(workers) == 2 and all(
        str(os.getpid()) not in w for w in workers
    )  # the actors did it
    for name in ("astronaut.jpg", "coffee.jpg", "chelsea.jpg", "rocket.jpg"):
        assert (out / name).stat().st_size > 0
