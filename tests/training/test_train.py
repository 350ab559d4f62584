"""The training loop on tiny random models: it learns, it resumes exactly, it writes what it should."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from pertouch.backbone.diffusion.loading import load_controlnet
from pertouch.cli import main
from pertouch.training.config import TrainConfig
from pertouch.training.dataset import Augmentation, PairDataset
from pertouch.training.model import build_models, training_loss
from pertouch.training.train import Event, train
from tests.training.conftest import PairSet


def _config(pairs: PairSet, output: Path, **changes: object) -> TrainConfig:
    base = TrainConfig(
        data=str(pairs.prepared),
        output_dir=str(output),
        base_model="random:tiny",
        resolution=64,
        batch_size=2,
        gradient_accumulation=2,
        lr=1e-3,
        max_steps=4,
        checkpoint_every=2,
        replacement_alpha=0.5,
        replacement_min_area=256,
        log_with="none",
    )
    return dataclasses.replace(base, **changes)


def _fixed_batch_loss(pairs: PairSet, checkpoint: Path | None) -> float:
    frozen, model = build_models("random:tiny")
    if checkpoint is not None:
        model.controlnet.load_state_dict(load_controlnet(checkpoint).state_dict())
        head = load_file(str(checkpoint / "unet_conv_out.safetensors"))
        model.unet.conv_out.load_state_dict({k.split(".", 1)[1]: v for k, v in head.items()})
    data = PairDataset(pairs.prepared, 64, Augmentation(0.0, perturb=False))
    batch = {
        k: torch.stack([data.sample(i, False)[k] for i in range(4)])
        for k in ("input", "target", "map")
    }
    with torch.no_grad():
        return (
            sum(
                training_loss(frozen, model, batch, torch.Generator().manual_seed(s)).item()
                for s in range(8)
            )
            / 8
        )


def test_loss_on_a_fixed_batch_falls(pairs: PairSet, tmp_path: Path) -> None:
    config = _config(
        pairs, tmp_path, max_steps=12, checkpoint_every=100, gradient_accumulation=1, batch_size=3
    )
    result = train(config)
    assert result.step == 12 and len(result.losses) == 12
    before, after = _fixed_batch_loss(pairs, None), _fixed_batch_loss(pairs, tmp_path / "final")
    assert after < 0.8 * before, (before, after)


def test_interrupted_run_resumes_to_the_same_weights(pairs: PairSet, tmp_path: Path) -> None:
    whole = train(_config(pairs, tmp_path / "whole"))

    def interrupt(event: Event) -> None:
        if event.kind == "step" and event.step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(_config(pairs, tmp_path / "parts"), callbacks=[interrupt])
    assert not (tmp_path / "parts" / "final").exists()
    resumed = train(_config(pairs, tmp_path / "parts", resume="latest"))
    assert resumed.step == 4 and len(resumed.losses) == 2
    assert resumed.losses == pytest.approx(whole.losses[2:], rel=1e-5)
    for name in ("controlnet/diffusion_pytorch_model.safetensors", "unet_conv_out.safetensors"):
        one, two = (
            load_file(str(tmp_path / "whole/final" / name)),
            load_file(str(tmp_path / "parts/final" / name)),
        )
        for key in one:
            torch.testing.assert_close(one[key], two[key], rtol=1e-5, atol=1e-6)


def test_cli_trains_with_checkpoints_validation_and_tensorboard(
    pairs: PairSet, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "run"
    config = tmp_path / "train.toml"
    config.write_text(f'data = "{pairs.prepared}"\nbase_model = "random:tiny"\nresolution = 64\n')
    status = main(
        [
            "train",
            "--config",
            str(config),
            f"output_dir={out}",
            "max_steps=2",
            "checkpoint_every=1",
            "checkpoints_total_limit=1",
            "validate_every=2",
            "num_validation=2",
            "validation_steps=2",
        ]
    )
    assert status == 0, capsys.readouterr().err
    assert [p.name for p in (out / "checkpoints").iterdir()] == ["checkpoint-0000002"]
    assert (out / "validation" / "step-0000002.png").is_file()
    assert list(out.rglob("events.out.tfevents.*"))
    assert {p.name for p in (out / "final").iterdir()} >= {
        "controlnet",
        "unet_conv_out.safetensors",
        "scale.json",
    }


def test_cli_refuses_bad_settings_in_one_sentence(tmp_path: Path, capsys) -> None:
    assert main(["train", "lr=abc"]) == 2
    assert "'lr' must be float" in capsys.readouterr().err
    assert main(["train", f"output_dir={tmp_path}"]) == 2
    assert "base_model" in capsys.readouterr().err
    assert main(["prepare-data", str(tmp_path), str(tmp_path / "out")]) == 2
    assert "input/" in capsys.readouterr().err
