"""Training checkpoints: accelerate's state plus a PerTouch checkpoint the renderers can load.

``OUTPUT/checkpoints/checkpoint-0001000/`` holds accelerate's optimiser, scaler and RNG states,
``pertouch/`` (``controlnet/`` and ``unet_conv_out.safetensors``, as ``load_pipeline`` reads them),
``config.json`` and ``trainer_state.json``. Only the trained parts are written: the frozen UNet
and VAE come from the base model again on resume. ``OUTPUT/final/`` is the finished model with the
level scale its maps were expressed in (``scale.json``, or ``quantile_scale.json`` for data prepared
with the reference's metrics, which the diffusion renderer's reference profile loads).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pertouch.training.config import ConfigError, TrainConfig, save_config

CHECKPOINTS = "checkpoints"
PREFIX = "checkpoint-"


def register_hooks(accelerator: Any) -> None:
    """Make ``save_state``/``load_state`` write and read the trained parts in PerTouch's format."""
    from pertouch.backbone.diffusion.head import attach_head, read_head
    from pertouch.backbone.diffusion.loading import head_path, load_controlnet, save_checkpoint

    def save_hook(models: list[Any], weights: list[Any], output_dir: str) -> None:
        for model in models:
            trainee = accelerator.unwrap_model(model)
            if accelerator.is_main_process:
                save_checkpoint(Path(output_dir) / "pertouch", trainee.controlnet, trainee.unet)
            if weights:
                weights.pop()  # written above; accelerate need not pickle the whole UNet

    def load_hook(models: list[Any], input_dir: str) -> None:
        while models:
            trainee = accelerator.unwrap_model(models.pop())
            root = Path(input_dir) / "pertouch"
            trained = load_controlnet(root)
            trainee.controlnet.load_state_dict(trained.state_dict())
            attach_head(trainee.unet, read_head(head_path(root)), source=str(root))

    accelerator.register_save_state_pre_hook(save_hook)
    accelerator.register_load_state_pre_hook(load_hook)


def save_training_state(accelerator: Any, output: Path, step: int, config: TrainConfig) -> Path:
    """Write ``checkpoint-STEP`` and drop the oldest beyond ``checkpoints_total_limit``."""
    path = output / CHECKPOINTS / f"{PREFIX}{step:07d}"
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        accelerator.save_state(str(path))
        save_config(config, path / "config.json")
        (path / "trainer_state.json").write_text(json.dumps({"step": step}))
        kept = list_checkpoints(output)
        for old in kept[: max(0, len(kept) - config.checkpoints_total_limit)]:
            shutil.rmtree(old)
    accelerator.wait_for_everyone()
    return path


def list_checkpoints(output: Path) -> list[Path]:
    """Complete checkpoints under ``output``, oldest first."""
    folder = output / CHECKPOINTS
    if not folder.is_dir():
        return []
    done = [p for p in folder.glob(f"{PREFIX}*") if (p / "trainer_state.json").is_file()]
    return sorted(done, key=read_step)


def read_step(checkpoint: Path) -> int:
    return int(json.loads((checkpoint / "trainer_state.json").read_text())["step"])


def find_checkpoint(output: Path, resume: str) -> Path | None:
    """The checkpoint ``resume`` names: ``""`` none, ``latest`` the newest (None if there is none)."""
    if not resume:
        return None
    if resume == "latest":
        kept = list_checkpoints(output)
        return kept[-1] if kept else None
    path = Path(resume).expanduser()
    if not (path / "trainer_state.json").is_file():
        raise ConfigError(
            f"{resume!r} is not a training checkpoint (it has no trainer_state.json)."
        )
    return path


def save_final(trainee: Any, dataset: Any, config: TrainConfig, output: Path) -> Path:
    """``OUTPUT/final``: the PerTouch checkpoint, the level scale and the training config."""
    from pertouch.backbone.diffusion.loading import save_checkpoint
    from pertouch.training.layout import SCALE_FILES

    final = save_checkpoint(output / "final", trainee.controlnet, trainee.unet)
    dataset.scale.save(final / SCALE_FILES[dataset.metrics])
    save_config(config, final / "config.json")
    return final
