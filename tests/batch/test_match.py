"""``--match``: a shoot of one scene under changing exposure and light lands on the reference's
per-region levels, within the renderer's promise of 0.05."""

from __future__ import annotations

import json

import numpy as np
import pytest
from skimage import data

from pertouch.batch.match import REST, partition, region_levels
from pertouch.batch.photo import make_proxy
from pertouch.cli import main
from pertouch.core.imageio import load_photo, save_photo
from pertouch.services import open_services
from tests.batch.conftest import manifest_records, small

#: (exposure gain, red gain, blue gain): the same scene shot brighter, darker, warmer, cooler.
TAKES = {
    "take1": (1.0, 1.0, 1.0),
    "take2": (0.85, 1.0, 1.0),
    "take3": (1.1, 1.0, 0.95),
    "take4": (1.0, 0.94, 1.06),
}


def _take(pixels: np.ndarray, gain: float, red: float, blue: float) -> np.ndarray:
    linear = (pixels / 255.0) ** 2.2 * gain * np.array([red, 1.0, blue])
    return np.round(np.clip(linear, 0, 1) ** (1 / 2.2) * 255).astype(np.uint8)


@pytest.mark.parametrize(
    "scene",
    [
        "rocket",
        pytest.param(
            "astronaut",
            marks=pytest.mark.xfail(
                strict=True,
                reason="known limit (issue 14): with the tighter person mask (no helmet, no flag) "
                "the portrait's takes land up to 0.06 from the reference's levels, not 0.05; the "
                "batch says so in each photo's note",
            ),
        ),
    ],
)
def test_every_photo_lands_on_the_reference_levels(tmp_path, home, settings, capsys, scene):
    pixels = small(getattr(data, scene)())
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    for name, (gain, red, blue) in TAKES.items():
        save_photo(shoot / f"{name}.png", _take(pixels, gain, red, blue))
    look = '{"edits": [{"region": "global", "attribute": "contrast", "delta": 0.15}, {"region": "global", "attribute": "colorfulness", "delta": 0.1}]}'
    out = tmp_path / "out"
    status = main(
        [
            "batch",
            str(shoot),
            "-o",
            str(out),
            "--match",
            str(shoot / "take1.png"),
            "--state",
            look,
            "--json",
        ]
    )
    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    target = summary["look"]["match"]["levels"]
    assert summary["done"] == len(TAKES) and len(target) >= 3  # global, the rest and named regions
    with open_services(settings) as services:
        for record in (r for r in manifest_records(out) if r["event"] == "done"):
            assert record["residual"] <= 0.05, record
            proxy = make_proxy(load_photo(shoot / record["name"]).pixels, 1024)
            masks = partition(proxy, services, set(target) - {"global", REST})
            reached = region_levels(load_photo(out / record["name"]).pixels, masks, services)
            for region, levels in reached.items():
                if region == "global" and REST in masks and REST in target:
                    continue  # the whole follows from its parts
                if region not in target:
                    continue  # a rest the reference had none of: the whole (global) covers it
                want = np.clip(
                    [
                        target[region][a]
                        for a in ("colorfulness", "contrast", "temperature", "brightness")
                    ],
                    -1,
                    1,
                )
                assert np.abs(levels - want).max() <= 0.05, (record["name"], region, levels, want)
