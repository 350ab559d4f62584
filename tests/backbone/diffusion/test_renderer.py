from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from pertouch.backbone.base import Renderer
from pertouch.backbone.diffusion import build_diffusion_renderer
from pertouch.backbone.diffusion.errors import DiffusionOptionError
from pertouch.backbone.diffusion.options import DiffusionOptions
from pertouch.backbone.diffusion.renderer import DiffusionRenderer, working_shape
from pertouch.cli import main
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.auto_moves import AutoLook, RegionLook
from pertouch.core.errors import MaskError, StateError
from pertouch.core.imageio import load_photo
from pertouch.core.metrics import measure_raw

from .conftest import tiny_pipeline

FAST = DiffusionOptions(size=96, steps=3, device="cpu")


@pytest.fixture
def renderer() -> DiffusionRenderer:
    return DiffusionRenderer(tiny_pipeline(), options=FAST)


@pytest.fixture(scope="module")
def photo(coffee: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(coffee[:301, :457])  # odd size: not a multiple of anything


def test_is_a_renderer_and_keeps_size_and_dtype(
    renderer: DiffusionRenderer, photo: np.ndarray
) -> None:
    assert isinstance(renderer, Renderer)
    state = AdjustmentState().with_edit("global", "brightness", 0.3)
    out = renderer.render(photo, state, {})
    assert out.shape == photo.shape and out.dtype == np.uint8
    wide = (photo.astype(np.uint16) * 257)[:120, :200]
    out16 = renderer.render(wide, state, {})
    assert out16.shape == wide.shape and out16.dtype == np.uint16


def test_deterministic_under_a_seed(renderer: DiffusionRenderer, photo: np.ndarray) -> None:
    state = AdjustmentState().with_edit("global", "contrast", 0.2)
    np.testing.assert_array_equal(
        renderer.render(photo, state, {}), renderer.render(photo, state, {})
    )


def test_parameter_map_follows_the_state_and_masks(
    renderer: DiffusionRenderer, photo: np.ndarray
) -> None:
    mask = np.zeros(photo.shape[:2], np.uint8)
    mask[:, :200] = 255
    rest = 255 - mask
    # the auto look moves the uncovered part's contrast; the edit lifts the left part
    look = AutoLook((RegionLook("global", "other", (0.0, 0.1, 0.0, 0.0), ("",) * 4),))
    state = AdjustmentState("auto", auto=look).with_edit("left", "brightness", 0.3)
    pmap = renderer.parameter_map(photo, state, {"left": mask}, (64, 96))
    assert pmap.shape == (64, 96, 4) and pmap.dtype == np.float32
    raw = measure_raw(photo, {"left": mask, "rest": rest, "global": np.full_like(mask, 255)})
    levels = {name: renderer.scale.to_level(values) for name, values in raw.items()}
    # "left" is not in the look, so it takes the look's "global" move too
    left = np.clip(levels["left"] + [0.0, 0.1, 0.0, 0.3], -1, 1)
    np.testing.assert_allclose(pmap[:, :30], np.broadcast_to(left, (64, 30, 4)), atol=1e-5)
    whole = np.clip(levels["global"] + [0.0, 0.1, 0.0, 0.0], -1, 1)
    np.testing.assert_allclose(pmap[:, -30:], np.broadcast_to(whole, (64, 30, 4)), atol=1e-5)


def test_bad_masks_and_states_raise(renderer: DiffusionRenderer, photo: np.ndarray) -> None:
    state = AdjustmentState().with_edit("sky", "brightness", 0.2)
    with pytest.raises(StateError, match="sky"):
        renderer.render(photo, state, {})
    with pytest.raises(MaskError, match="sky"):
        renderer.render(photo, state, {"sky": np.ones((10, 10), np.uint8)})
    with pytest.raises(ValueError, match="uint8 or uint16"):
        renderer.render(photo.astype(np.float32), state, {})
    with pytest.raises(DiffusionOptionError, match="steps"):
        DiffusionOptions(steps=0)


def test_working_shape_keeps_aspect_in_multiples() -> None:
    assert working_shape(3000, 4000, 512, 64) == (384, 512)
    assert working_shape(100, 100, 512, 64) == (512, 512)
    assert working_shape(4000, 100, 512, 64) == (512, 64)


def test_factory_loads_from_directories(weights: tuple[Path, Path], photo: np.ndarray) -> None:
    renderer = build_diffusion_renderer(*weights, options=FAST)
    assert renderer.pipeline.dtype == torch.float32 and str(renderer.pipeline.device) == "cpu"
    assert renderer.render(photo, AdjustmentState(), {}).shape == photo.shape
    with pytest.raises(DiffusionOptionError, match="dtype"):
        DiffusionOptions(dtype="float64")


def test_cli_renders_with_the_diffusion_renderer(
    weights: tuple[Path, Path], tmp_path: Path, coffee: np.ndarray
) -> None:
    from PIL import Image

    Image.fromarray(coffee[:120, :160]).save(tmp_path / "in.png")
    state = '{"baseline": "as_shot", "edits": [{"region": "global", "attribute": "brightness", "delta": 0.2}]}'
    args = ["render", str(tmp_path / "in.png"), "--state", state, "-o", str(tmp_path / "out.png")]
    base, checkpoint = weights
    code = main(
        [
            *args,
            "--renderer",
            "diffusion",
            "--base-model",
            str(base),
            "--checkpoint",
            str(checkpoint),
        ]
    )
    assert code == 0
    assert load_photo(tmp_path / "out.png").pixels.shape == (120, 160, 3)


def test_cli_explains_missing_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], coffee: np.ndarray
) -> None:
    from PIL import Image

    Image.fromarray(coffee[:64, :64]).save(tmp_path / "in.png")
    args = ["render", str(tmp_path / "in.png"), "--state", "{}", "-o", str(tmp_path / "out.png")]
    assert (
        main(
            [
                *args,
                "--renderer",
                "diffusion",
                "--base-model",
                str(tmp_path),
                "--checkpoint",
                str(tmp_path),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("pertouch: ") and "unet_conv_out.pth" in err and err.count("\n") == 1
    assert not (tmp_path / "out.png").exists()


def test_importing_the_cli_and_the_parametric_path_stays_light() -> None:
    code = (
        "import sys, pertouch.cli, pertouch.backbone.parametric, pertouch.backbone.diffusion;"
        "print(sorted(m for m in ('torch', 'diffusers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_retouch_runs_the_agent_on_the_diffusion_renderer(
    weights: tuple[Path, Path], tmp_path: Path, coffee: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    monkeypatch.setenv("PERTOUCH_HOME", str(tmp_path / "home"))
    Image.fromarray(coffee[:120, :160]).save(tmp_path / "in.png")
    base, checkpoint = weights
    code = main(
        [
            "retouch",
            str(tmp_path / "in.png"),
            "make it a bit brighter",
            "-o",
            str(tmp_path / "out.png"),
            "--rounds",
            "1",
            "--renderer",
            "diffusion",
            "--base-model",
            str(base),
            "--checkpoint",
            str(checkpoint),
            "--json",
        ]
    )
    assert code == 0
    out = load_photo(tmp_path / "out.png").pixels
    assert out.shape == (120, 160, 3)
    assert not np.array_equal(out, coffee[:120, :160])  # the model's render, not the photo
