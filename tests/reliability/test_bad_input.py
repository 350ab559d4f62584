"""One sentence and exit status 2, never a traceback, for each bad input or broken environment
that the fault run found (issue 16, item 4), through the real `pertouch` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pertouch.cli import main
from tests.reliability.conftest import REPO, assert_one_sentence, command_env

DEEP = 100_000


def _deep_state() -> str:
    """A JSON object nested 100,000 levels deep (json.loads recurses once per level)."""
    return '{"edits": ' + "[" * DEEP + "]" * DEEP + "}"


def test_a_state_file_nested_100000_deep_gets_one_sentence(pertouch, rocket_png):
    rocket_png.with_name("deep.json").write_text(_deep_state())
    result = pertouch("render", "rocket.png", "--state", "deep.json", "-o", "out.png")
    assert_one_sentence(result, "nested far too deeply")
    assert not rocket_png.with_name("out.png").exists()


def test_an_inline_state_nested_100000_deep_gets_one_sentence(rocket_png, capsys):
    # Too long for one command-line argument (128 KiB), so the command runs in-process here.
    args = [
        "render",
        str(rocket_png),
        "--state",
        _deep_state(),
        "-o",
        str(rocket_png.parent / "o.png"),
    ]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "nested far too deeply" in err and "Traceback" not in err


def test_a_scale_file_nested_deep_gets_one_sentence(pertouch, rocket_png):
    rocket_png.with_name("scale.json").write_text("[" * DEEP + "]" * DEEP)
    assert_one_sentence(pertouch("measure", "rocket.png", "--scale", "scale.json"), "level scale")


def test_a_memory_import_nested_deep_gets_one_sentence(pertouch, tmp_path):
    header = json.dumps({"format": "pertouch-memory/1", "user": "ana", "created_at": 0})
    (tmp_path / "ana.jsonl").write_text(header + "\n" + "[" * DEEP + "]" * DEEP + "\n")
    result = pertouch("memory", "--store", str(tmp_path / "memory"), "import", "ana.jsonl")
    assert_one_sentence(result, "Line 2", "nested far too deeply")


@pytest.mark.parametrize(
    ("value", "words"),
    [("abc", "must be a number of seconds, not 'abc'"), ("-1", "between 0 and 3600 seconds")],
)
def test_a_bad_model_timeout_gets_one_sentence(pertouch, rocket_png, value, words):
    result = pertouch(
        "retouch", "rocket.png", "brighter", "-o", "out.png", env={"PERTOUCH_MODEL_TIMEOUT": value}
    )
    assert_one_sentence(result, "PERTOUCH_MODEL_TIMEOUT" if value == "abc" else "timeout", words)


def test_a_home_that_is_a_file_gets_one_sentence(pertouch, rocket_png, tmp_path):
    (tmp_path / "home-file").write_text("not a folder")
    result = pertouch(
        "retouch",
        "rocket.png",
        "brighter",
        "-o",
        "out.png",
        env={"PERTOUCH_HOME": str(tmp_path / "home-file")},
    )
    assert_one_sentence(result, "is a file, not a folder")


def test_a_home_that_cannot_be_created_gets_one_sentence(pertouch, rocket_png):
    # /sys refuses new folders even to root, so this holds whoever runs the tests.
    result = pertouch(
        "retouch",
        "rocket.png",
        "brighter",
        "-o",
        "out.png",
        env={"PERTOUCH_HOME": "/sys/pertouch-home"},
    )
    assert_one_sentence(result, "Cannot create the PerTouch folder", "/sys/pertouch-home")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_a_home_without_write_permission_gets_one_sentence(pertouch, rocket_png, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = pertouch(
        "retouch", "rocket.png", "brighter", "-o", "out.png", env={"PERTOUCH_HOME": str(locked)}
    )
    assert_one_sentence(result, "not writable")


def test_an_image_store_that_is_a_file_gets_one_sentence(pertouch, rocket_png, tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "store").write_text("not a folder")
    result = pertouch("retouch", "rocket.png", "brighter", "-o", "out.png")
    assert_one_sentence(result, "image store", "is a file, not a folder")


def test_a_memory_store_that_is_a_file_gets_one_sentence(pertouch, rocket_png, tmp_path):
    (tmp_path / "memory-file").write_text("not a folder")
    result = pertouch(
        "retouch",
        "rocket.png",
        "brighter",
        "-o",
        "out.png",
        "--user",
        "ana",
        "--memory",
        "memory-file",
    )
    assert_one_sentence(result, "memory folder")


@pytest.mark.parametrize("command", ["retouch", "memory"])
def test_an_ftp_memory_is_refused_and_makes_no_folder(pertouch, rocket_png, tmp_path, command):
    if command == "retouch":
        args = [
            "retouch",
            "rocket.png",
            "brighter",
            "-o",
            "out.png",
            "--user",
            "ana",
            "--memory",
            "ftp://example.org/m",
        ]
    else:
        args = ["memory", "--store", "ftp://example.org/m", "create", "ana"]
    assert_one_sentence(pertouch(*args), "neither a folder nor an http(s)://")
    assert not (tmp_path / "ftp:").exists()


def test_garbage_in_the_thread_database_gets_one_sentence(pertouch, rocket_png, tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "threads.sqlite").write_bytes(b"not a database at all " * 200)
    result = pertouch("retouch", "rocket.png", "brighter", "-o", "out.png")
    assert_one_sentence(result, "thread database", "cannot be used", "move it away")


def test_a_thread_database_that_is_a_folder_gets_one_sentence(pertouch, rocket_png, tmp_path):
    (tmp_path / "home" / "threads.sqlite").mkdir(parents=True)
    result = pertouch("retouch", "rocket.png", "brighter", "-o", "out.png")
    assert_one_sentence(result, "thread database", "is not a file")


def _hold_lock(database: Path) -> subprocess.Popen[str]:
    """Another process that creates the thread tables, then holds the database's write lock."""
    code = (
        "import sqlite3, sys, time\n"
        "from langgraph.checkpoint.sqlite import SqliteSaver\n"
        "c = sqlite3.connect(sys.argv[1], isolation_level=None, check_same_thread=False)\n"
        "SqliteSaver(c).setup()\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(database)],
        stdout=subprocess.PIPE,
        text=True,
        env=command_env(),
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_a_thread_database_locked_by_another_process_is_waited_for_then_named(
    pertouch, rocket_png, tmp_path
):
    from pertouch.services import THREADS_LOCK_TIMEOUT_S

    (tmp_path / "home").mkdir()
    holder = _hold_lock(tmp_path / "home" / "threads.sqlite")
    try:
        start = time.monotonic()
        result = pertouch("-q", "retouch", "rocket.png", "brighter", "-o", "out.png", timeout=180)
        waited = time.monotonic() - start
    finally:
        holder.kill()
        holder.wait()
    # Only the last line matters here: mediapipe may log to stderr while the turn runs.
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("pertouch: The thread database") and "stayed busy for 10 s" in last
    assert THREADS_LOCK_TIMEOUT_S <= waited < THREADS_LOCK_TIMEOUT_S + 60
    assert not rocket_png.with_name("out.png").exists()


def test_a_lock_taken_during_a_turn_ends_it_with_a_sentence(tmp_path, rocket_png, monkeypatch):
    """The lock can come after the database opened; the turn's own writes then wait and stop."""
    import pertouch.services as services
    from pertouch.api import Retoucher

    monkeypatch.setattr(services, "THREADS_LOCK_TIMEOUT_S", 0.5)
    with Retoucher(home=tmp_path / "home", rounds=1) as agent:
        holder = _hold_lock(tmp_path / "home" / "threads.sqlite")
        try:
            with pytest.raises(services.ThreadsBusyError, match=r"stayed busy for 0\.5 s"):
                agent.turn("brighter", rocket_png)
        finally:
            holder.kill()
            holder.wait()
        result = agent.turn("brighter", rocket_png)  # the lock gone, the same agent works again
        assert result.image.shape == (427, 640, 3)


@pytest.mark.parametrize(
    "args",
    [
        ["measure", "rocket.png", "--json"],
        ["plan", "brighten the faces a little", "--json"],
        ["render", "rocket.png", "--state", '{"edits": []}', "-o", "out.png", "--json"],
    ],
)
def test_json_into_a_closed_pipe_ends_quietly(rocket_png, tmp_path, args):
    read, write = os.pipe()
    os.close(
        read
    )  # `pertouch ... --json | head -c0`: the reader is gone before anything is written
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pertouch", *args],
            cwd=tmp_path,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=command_env(home=tmp_path / "home"),
            timeout=240,
        )
    finally:
        os.close(write)
    assert result.returncode == 0 and result.stderr == "", result.stderr[-2000:]


def test_the_helpers_run_this_checkout():
    assert (REPO / "pertouch" / "cli" / "common.py").is_file()
