"""``pertouch segment`` through argparse, as the command registers it."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest
from PIL import Image

from pertouch.cli.segment import add_segment_parser, run_segment
from pertouch.core.errors import ImageReadError, PerTouchError
from pertouch.core.imageio import load_mask, load_photo
from pertouch.tools.segmentation import Lexicon, OfflineSegmenter, RegionError


@pytest.fixture(scope="module")
def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pertouch")
    add_segment_parser(parser.add_subparsers(required=True))
    return parser


@pytest.fixture(scope="module")
def cli_segmenter(embedder):
    with OfflineSegmenter(lexicon=Lexicon(embedder)) as segmenter:
        yield segmenter


@pytest.fixture
def saved(tmp_path, photos):
    def save(name: str) -> str:
        path = tmp_path / f"{name}.png"
        Image.fromarray(photos[name]).save(path)
        return str(path)

    return save


def _run(parser, cli_segmenter, *argv: str) -> int:
    args = parser.parse_args(["segment", *argv])
    assert args.func is run_segment
    return run_segment(args, segmenter=cli_segmenter)


def test_mask_is_written_at_full_resolution(parser, cli_segmenter, saved, tmp_path, capsys):
    out = tmp_path / "sky.png"
    assert _run(parser, cli_segmenter, saved("rocket"), "the sky", "-o", str(out)) == 0
    mask = load_mask(out)
    assert mask.shape == (427, 640) and mask[10:120, 120:540].mean() > 0.9
    assert load_photo(out).bit_depth == 16
    assert "sky" in capsys.readouterr().out


def test_absent_region_exits_1_and_writes_nothing(parser, cli_segmenter, saved, tmp_path, capsys):
    out = tmp_path / "face.png"
    assert _run(parser, cli_segmenter, saved("coffee"), "the faces", "-o", str(out)) == 1
    assert not out.exists()
    assert "There is no face" in capsys.readouterr().out


def test_propose_prints_regions_and_saves_an_overlay(
    parser, cli_segmenter, saved, tmp_path, capsys
):
    overlay = tmp_path / "map.png"
    assert (
        _run(
            parser,
            cli_segmenter,
            saved("astronaut"),
            "--propose",
            "--overlay",
            str(overlay),
            "--json",
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out.splitlines()[0])
    assert {"person", "face"} <= {r["label"] for r in rows}
    assert all(0 < r["area"] <= 1 and 0 < r["confidence"] <= 1 for r in rows)
    picture = load_photo(overlay).pixels
    assert picture.shape == (512, 512, 3)
    assert not np.array_equal(picture, load_photo(saved("astronaut")).pixels)  # something was drawn


def test_embedding_fallback_is_shown(parser, cli_segmenter, saved, capsys):
    assert _run(parser, cli_segmenter, saved("astronaut"), "the ballerina") == 0
    assert "understood as person" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["PHOTO"], RegionError),
        (["PHOTO", "sky", "--propose"], RegionError),
        (["PHOTO", "--propose", "-o", "x.png"], RegionError),
        (["/no/such/photo.png", "sky"], ImageReadError),
    ],
)
def test_bad_input_raises_one_sentence(parser, cli_segmenter, saved, argv, error):
    argv = [saved("coffee") if a == "PHOTO" else a for a in argv]
    with pytest.raises(error) as info:
        _run(parser, cli_segmenter, *argv)
    assert isinstance(info.value, PerTouchError) and str(info.value).endswith(".")
