"""Shared by the reliability tests: the real `pertouch` command in a subprocess, and real photos.

Each case runs the command the way a person would (``python -m pertouch``, this checkout first
on the path, offline) and checks the one promise every entry point makes for bad input: exit
status 2 and one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]

Command = Callable[..., subprocess.CompletedProcess[str]]


def command_env(extra: Mapping[str, str] | None = None, home: Path | None = None) -> dict[str, str]:
    """The environment for a ``pertouch`` subprocess: offline, this checkout, its own home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERTOUCH_")}
    env.update(
        PYTHONPATH=str(REPO),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
    )
    if home is not None:
        env["PERTOUCH_HOME"] = str(home)
        env["XDG_DATA_HOME"] = str(home / "data")  # the default memory stays inside the test
    env.update(extra or {})
    return env


@pytest.fixture
def pertouch(tmp_path: Path) -> Command:
    """Run ``pertouch ARGS`` in ``tmp_path`` with its own home; ``env=`` adds variables."""

    def run(
        *args: str, env: Mapping[str, str] | None = None, timeout: float = 240
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pertouch", *args],
            cwd=tmp_path,
            env=command_env(env, home=tmp_path / "home"),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit status 2, one ``pertouch: ...`` line on stderr containing ``words``, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("pertouch: "), result.stderr[-2000:]
    sentence = lines[0].removeprefix("pertouch: ")
    assert sentence.endswith("."), sentence
    for word in words:
        assert word in sentence, (word, sentence)
    return sentence


@pytest.fixture
def rocket_png(tmp_path: Path, rocket: np.ndarray) -> Path:
    """scikit-image's rocket (640x427, a sky over a launch pad) as a PNG in the test folder."""
    path = tmp_path / "rocket.png"
    Image.fromarray(rocket).save(path)
    return path
