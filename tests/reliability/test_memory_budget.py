"""PERTOUCH_MEMORY_BUDGET reaches every surface that decodes a photo, not only the batch: a photo
that would not fit is refused from its header with one sentence that says what does fit."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from pertouch.api import Retoucher
from pertouch.cli import main
from pertouch.core.imageio import save_photo
from pertouch.core.memory_budget import PhotoTooLargeError
from pertouch.core.sources import PhotoSources, read_photo
from pertouch.mcp_trust import Inbox

#: 1 MP needs about 50 MB to retouch; 20 MB fits about 0.4 MP.
BUDGET = "20M"


@pytest.fixture
def photo(tmp_path):
    """The astronaut at 1024 x 1024 (1 MP), a real photo too large for :data:`BUDGET`."""
    path = tmp_path / "astronaut.png"
    save_photo(path, cv2.resize(data.astronaut(), (1024, 1024), interpolation=cv2.INTER_CUBIC))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["retouch", "{photo}", "a touch warmer", "-o", "{out}"],
        ["measure", "{photo}"],
        ["segment", "{photo}", "--propose"],
    ],
)
def test_the_cli_refuses_a_photo_over_the_budget(photo, tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PERTOUCH_MEMORY_BUDGET", BUDGET)
    argv = [a.format(photo=photo, out=tmp_path / "out.jpg") for a in command]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert "astronaut.png is 1024x1024" in error and "photos up to about 0.4 MP fit" in error
    assert not (tmp_path / "out.jpg").exists()
    monkeypatch.setenv("PERTOUCH_MEMORY_BUDGET", "none")
    assert main(["measure", str(photo)]) == 0  # the same photo, with no budget, is measured


def test_the_api_refuses_a_photo_over_the_budget(photo, tmp_path):
    with Retoucher(home=tmp_path / "home", memory_budget=20 * 2**20, rounds=1) as agent:
        with pytest.raises(PhotoTooLargeError, match=r"0\.4 MP fit"):
            agent.turn("a touch warmer", photo)
    with Retoucher(home=tmp_path / "home", memory_budget=200 * 2**20, rounds=1) as agent:
        result = agent.turn("a touch warmer", photo)
    assert result.image.shape == (1024, 1024, 3)


def test_the_graph_and_mcp_uploads_use_the_budget(photo, tmp_path):
    with pytest.raises(PhotoTooLargeError):
        read_photo(str(photo), PhotoSources(memory_budget=20 * 2**20))
    assert read_photo(str(photo), PhotoSources(memory_budget=0)).pixels.shape[:2] == (1024, 1024)
    inbox = Inbox(tmp_path / "inbox", memory_budget=20 * 2**20)
    with pytest.raises(PhotoTooLargeError):
        with inbox.receive(photo.read_bytes()):
            pass
    assert not any((tmp_path / "inbox").iterdir())  # the refused upload is not left behind
    with Inbox(tmp_path / "inbox2", memory_budget=0).receive(photo.read_bytes()) as (_, loaded):
        assert np.asarray(loaded.pixels).shape == (1024, 1024, 3)
