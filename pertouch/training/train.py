"""``pertouch train``: fit the ControlNet and the UNet head on prepared data, with accelerate.

Run it as ``pertouch train`` on one device, or ``accelerate launch -m pertouch.cli.training train``
on several GPUs or machines. Reading order: :func:`train` builds everything and runs the loop;
checkpoints (:mod:`checkpoints`) carry the optimiser and a PerTouch checkpoint that the renderers
load; events go to callbacks, one of which logs to TensorBoard or wandb.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from pertouch.training.checkpoints import (
    find_checkpoint,
    read_step,
    register_hooks,
    save_final,
    save_training_state,
)
from pertouch.training.config import TrainConfig, to_dict
from pertouch.training.dataset import Augmentation, PairDataset
from pertouch.training.model import build_models, training_loss


@dataclass(frozen=True)
class Event:
    """What the loop tells its callbacks: ``kind`` is step, checkpoint, validation or end."""

    kind: str
    step: int
    values: dict[str, Any] = field(default_factory=dict)


Callback = Callable[[Event], None]


def learning_rate(step: int, config: TrainConfig) -> float:
    """The learning rate at optimiser step ``step``: constant, as in the reference."""
    return config.lr


class EpochSampler(torch.utils.data.Sampler[int]):
    """A fresh permutation each epoch, fixed by ``(seed, epoch)``, so resuming replays it."""

    def __init__(self, size: int, seed: int) -> None:
        self.size, self.seed, self.epoch = size, seed, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
        return iter(torch.randperm(self.size, generator=generator).tolist())

    def __len__(self) -> int:
        return self.size


@dataclass
class TrainResult:
    step: int
    output_dir: Path
    losses: list[float]


def train(config: TrainConfig, callbacks: Sequence[Callback] = ()) -> TrainResult:
    """Train until ``max_steps`` optimiser steps or ``epochs``, whichever comes first."""
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    _check(config)
    output = Path(config.output_dir).expanduser()
    trackers = None if config.log_with == "none" else config.log_with
    accelerator = Accelerator(
        gradient_accumulation_steps=config.gradient_accumulation,
        mixed_precision=config.mixed_precision,
        log_with=trackers,
        project_dir=str(output),
    )
    set_seed(config.seed)
    frozen, model = build_models(config.base_model, config.init_checkpoint, config.seed)
    weight_dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(config.mixed_precision)
    frozen.vae.to(accelerator.device)
    if (
        weight_dtype is not None
    ):  # the frozen VAE and UNet body in half precision; trained parts fp32
        frozen.vae.to(dtype=weight_dtype)
        model.unet.to(dtype=weight_dtype)
        model.unet.conv_out.to(dtype=torch.float32)

    dataset = PairDataset(
        config.data,
        config.resolution,
        Augmentation(config.replacement_alpha, config.replacement_min_area, config.perturb),
        seed=config.seed,
    )
    sampler = EpochSampler(len(dataset), config.seed)
    loader = torch.utils.data.DataLoader(
        dataset, config.batch_size, sampler=sampler, num_workers=config.num_workers, drop_last=True
    )
    optimizer = torch.optim.AdamW(
        model.trainable_parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    register_hooks(accelerator)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    micro_per_epoch = len(loader) // config.gradient_accumulation * config.gradient_accumulation
    if micro_per_epoch == 0:
        from pertouch.training.config import ConfigError

        raise ConfigError(
            f"The data gives {len(loader)} batch(es) per epoch, fewer than gradient_accumulation="
            f"{config.gradient_accumulation}; lower batch_size or gradient_accumulation."
        )
    steps_per_epoch = micro_per_epoch // config.gradient_accumulation
    total = min(config.max_steps, config.epochs * steps_per_epoch)

    step = 0
    resume_from = find_checkpoint(output, config.resume)
    if resume_from is not None:
        accelerator.load_state(str(resume_from))
        step = read_step(resume_from)
    if trackers:
        accelerator.init_trackers(
            "pertouch", config={k: str(v) for k, v in to_dict(config).items()}
        )
    events = [*([_tracker_callback(accelerator)] if trackers else []), *callbacks]

    def emit(kind: str, values: dict[str, Any]) -> None:
        if accelerator.is_main_process:
            for callback in events:
                callback(Event(kind, step, values))

    losses: list[float] = []
    started = time.perf_counter()
    while step < total:
        epoch, done = divmod(step, steps_per_epoch)
        sampler.set_epoch(epoch)
        dataset.set_epoch(epoch)
        batches = accelerator.skip_first_batches(loader, done * config.gradient_accumulation)
        for micro, batch in enumerate(batches):
            if step >= total or micro >= micro_per_epoch - done * config.gradient_accumulation:
                break
            seed = hash(
                (config.seed, step, micro % config.gradient_accumulation, accelerator.process_index)
            )
            generator = torch.Generator().manual_seed(seed & 0x7FFF_FFFF_FFFF_FFFF)
            with accelerator.accumulate(model):
                loss = training_loss(frozen, model, batch, generator)
                accelerator.backward(loss)
                if accelerator.sync_gradients and config.grad_clip > 0:
                    accelerator.clip_grad_norm_(model.parameters(), config.grad_clip)
                for group in optimizer.param_groups:
                    group["lr"] = learning_rate(step, config)
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
            if not accelerator.sync_gradients:
                continue
            step += 1
            value = accelerator.gather(loss.detach()).mean().item()
            losses.append(value)
            elapsed = time.perf_counter() - started
            emit(
                "step",
                {
                    "loss": value,
                    "lr": learning_rate(step - 1, config),
                    "epoch": epoch,
                    "seconds": elapsed,
                },
            )
            if step % config.checkpoint_every == 0 or step == total:
                path = save_training_state(accelerator, output, step, config)
                emit("checkpoint", {"path": str(path)})
            if config.validate_every and (step % config.validate_every == 0 or step == total):
                from pertouch.training.validation import render_validation

                if accelerator.is_main_process:
                    with accelerator.autocast():
                        path = render_validation(
                            frozen, accelerator.unwrap_model(model), dataset, config, step, output
                        )
                    model.train()
                    emit("validation", {"path": str(path)})
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        final = save_final(accelerator.unwrap_model(model), dataset, config, output)
        emit("end", {"path": str(final), "losses": losses})
    accelerator.end_training()
    return TrainResult(step, output, losses)


def _check(config: TrainConfig) -> None:
    from pertouch.training.config import ConfigError

    if not config.base_model:
        raise ConfigError(
            "Set base_model to a Stable Diffusion 2.1 folder (or random:tiny to try)."
        )
    if config.mixed_precision not in ("no", "fp16", "bf16"):
        raise ConfigError(
            f"mixed_precision must be no, fp16 or bf16, got {config.mixed_precision!r}."
        )
    if config.log_with not in ("tensorboard", "wandb", "none"):
        raise ConfigError(f"log_with must be tensorboard, wandb or none, got {config.log_with!r}.")
    if config.resolution % 64:
        raise ConfigError(f"resolution must be a multiple of 64, got {config.resolution}.")
    for name in ("batch_size", "gradient_accumulation", "checkpoint_every", "max_steps"):
        if getattr(config, name) < 1:
            raise ConfigError(f"{name} must be at least 1, got {getattr(config, name)}.")
    if not math.isfinite(config.lr) or config.lr <= 0:
        raise ConfigError(f"lr must be a positive number, got {config.lr}.")


def _tracker_callback(accelerator: Any) -> Callback:
    def log(event: Event) -> None:
        if event.kind == "step":
            values = {k: v for k, v in event.values.items() if k in ("loss", "lr")}
            accelerator.log(values, step=event.step)

    return log
