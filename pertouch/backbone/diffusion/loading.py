"""Loading and saving weights, from local directories only.

Two directories, both from configuration:

- the *base model*, Stable Diffusion 2.1 (768-v, v-prediction) in diffusers layout: ``vae/``,
  ``unet/``, ``text_encoder/``, ``tokenizer/`` and ``scheduler/``;
- the *PerTouch checkpoint*: ``controlnet/`` (a diffusers ControlNet directory) and the UNet head,
  ``unet_conv_out.pth`` as published or ``unet_conv_out.safetensors`` as we save it.

Weights may be safetensors or torch ``.bin`` / ``.pth`` files; the latter are read with
``torch.load(weights_only=True)`` (diffusers and transformers do the same), so a file that would
run code when unpickled is refused rather than executed.

Every file is checked before anything is read, so a missing one is reported in one sentence that
names the file, where it was expected, and where the published weights come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel

from pertouch.backbone.diffusion.controlnet import PerTouchControlNet
from pertouch.backbone.diffusion.errors import WeightsError
from pertouch.backbone.diffusion.head import HEAD_FILES, attach_head, read_head, save_head
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline, make_scheduler

BASE_SOURCE = (
    "Stable Diffusion 2.1 (768-v) in diffusers layout, e.g. a local copy of the "
    "stabilityai/stable-diffusion-2-1 repository"
)
CHECKPOINT_SOURCE = "the PerTouch checkpoint published with https://github.com/Auroral703/PerTouch"
MODEL_WEIGHTS = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin")
#: Per folder, the files it needs; each entry lists alternatives, the preferred first.
BASE_FILES: dict[str, tuple[tuple[str, ...], ...]] = {
    "vae": (("config.json",), MODEL_WEIGHTS),
    "unet": (("config.json",), MODEL_WEIGHTS),
    "text_encoder": (("config.json",), ("model.safetensors", "pytorch_model.bin")),
    "tokenizer": (("tokenizer_config.json",),),
    "scheduler": (("scheduler_config.json",),),
}


@dataclass
class BaseModel:
    """What PerTouch uses of the base model: the VAE, the UNet, its noise schedule, the empty prompt."""

    vae: AutoencoderKL
    unet: UNet2DConditionModel
    scheduler_config: Any
    prompt_embeds: torch.Tensor


def load_base_model(directory: str | Path) -> BaseModel:
    """Load the base model on the CPU in float32 and encode the empty prompt once.

    The text encoder is dropped after encoding: guidance is 0 and the prompt is always empty.

    Raises:
        WeightsError: a file is missing or does not load.
    """
    root = _existing_dir(directory, "base model", BASE_SOURCE)
    for part, files in BASE_FILES.items():
        for names in files:
            _require(root / part, names, BASE_SOURCE)
    vae = _from_pretrained(AutoencoderKL, root / "vae", BASE_SOURCE)
    unet = _from_pretrained(UNet2DConditionModel, root / "unet", BASE_SOURCE)
    scheduler_config = DDIMScheduler.load_config(root / "scheduler")
    return BaseModel(vae, unet, scheduler_config, encode_empty_prompt(root))


def encode_empty_prompt(root: Path) -> torch.Tensor:
    """``(1, 77, D)`` last hidden state of the text encoder for the empty prompt."""
    from transformers import AutoTokenizer, CLIPTextModel

    try:
        tokenizer = AutoTokenizer.from_pretrained(root / "tokenizer")
        encoder = CLIPTextModel.from_pretrained(root / "text_encoder")
    except (OSError, ValueError) as err:
        raise WeightsError(
            f"The text encoder or tokenizer in {root} does not load ({_first_line(err)}); expected {BASE_SOURCE}."
        ) from None
    tokens = tokenizer(
        "",
        padding="max_length",
        max_length=tokenizer.model_max_length,
        truncation=True,
        return_tensors="pt",
    )
    with torch.no_grad():
        return encoder(tokens.input_ids).last_hidden_state.detach()


def load_controlnet(directory: str | Path) -> PerTouchControlNet:
    """Load ``controlnet/`` of a PerTouch checkpoint directory."""
    root = _existing_dir(directory, "PerTouch checkpoint", CHECKPOINT_SOURCE)
    for names in (("config.json",), MODEL_WEIGHTS):
        _require(root / "controlnet", names, CHECKPOINT_SOURCE)
    return _from_pretrained(PerTouchControlNet, root / "controlnet", CHECKPOINT_SOURCE)


def head_path(directory: str | Path) -> Path:
    """The head's weights in a checkpoint directory (``.safetensors``, else ``.pth``, else ``.bin``)."""
    root = Path(directory)
    for name in HEAD_FILES:
        if (root / name).is_file():
            return root / name
    raise WeightsError(
        f"The UNet head {HEAD_FILES[1]} (or {HEAD_FILES[0]}, {HEAD_FILES[2]}) is missing from {root}; "
        f"it comes with {CHECKPOINT_SOURCE}."
    )


def load_pipeline(
    base_model: str | Path, checkpoint: str | Path, scheduler: str = "dpm++2m"
) -> PerTouchPipeline:
    """The full PerTouch pipeline on the CPU in float32; move it with ``.to(device, dtype)``."""
    head_file = head_path(_existing_dir(checkpoint, "PerTouch checkpoint", CHECKPOINT_SOURCE))
    controlnet = load_controlnet(checkpoint)
    base = load_base_model(base_model)
    attach_head(base.unet, read_head(head_file), source=str(head_file))
    if controlnet.config.block_out_channels != base.unet.config.block_out_channels:
        raise WeightsError(
            f"The ControlNet in {checkpoint} was built for a UNet with widths "
            f"{tuple(controlnet.config.block_out_channels)}, but the base model's UNet has "
            f"{tuple(base.unet.config.block_out_channels)}; use {BASE_SOURCE}."
        )
    return PerTouchPipeline(
        base.vae,
        base.unet,
        controlnet,
        make_scheduler(scheduler, base.scheduler_config),
        base.prompt_embeds,
    )


def save_checkpoint(
    directory: str | Path, controlnet: PerTouchControlNet, unet: UNet2DConditionModel
) -> Path:
    """Write a PerTouch checkpoint directory: ``controlnet/`` and ``unet_conv_out.safetensors``."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    controlnet.save_pretrained(root / "controlnet", safe_serialization=True)
    save_head(unet, root)
    return root


def _existing_dir(directory: str | Path, what: str, source: str) -> Path:
    root = Path(directory).expanduser()
    if not root.is_dir():
        raise WeightsError(f"The {what} directory {root} does not exist; it should hold {source}.")
    return root


def _require(folder: Path, names: tuple[str, ...], source: str) -> None:
    """Raise unless one of ``names`` (alternatives, the preferred first) is a file in ``folder``."""
    if not any((folder / name).is_file() for name in names):
        others = f" (or {', '.join(names[1:])})" if len(names) > 1 else ""
        raise WeightsError(
            f"Expected {names[0]} in {folder}{others}, but it is missing; it comes with {source}."
        )


def _from_pretrained(cls: Any, path: Path, source: str) -> Any:
    """``cls.from_pretrained`` that refuses partial loads (diffusers only warns about those)."""
    try:
        model, info = cls.from_pretrained(path, low_cpu_mem_usage=False, output_loading_info=True)
    except (OSError, ValueError, RuntimeError, KeyError) as err:
        raise WeightsError(
            f"The weights in {path} do not fit {cls.__name__} ({_first_line(err)}); expected {source}."
        ) from None
    for kind in ("missing_keys", "unexpected_keys"):
        keys = sorted(info.get(kind) or [])
        if keys:
            raise WeightsError(
                f"The weights in {path} do not fit {cls.__name__} ({len(keys)} {kind.replace('_', ' ')}, "
                f"e.g. {keys[0]}); expected {source}."
            )
    return model


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    telling = [line for line in lines if "size mismatch" in line] or lines
    return telling[0][:300] if telling else type(err).__name__
