"""The UNet feature head: PerTouch's trained 320 -> 4 convolution in place of the UNet's conv_out.

The UNet stays frozen and keeps its final GroupNorm and SiLU; only its last 3x3 convolution is
replaced by one trained with the ControlNet (initialised in training from the UNet's own). Its
weights ship beside ``controlnet/`` as ``unet_conv_out.pth`` (a torch state dict with
``conv_out.weight`` and ``conv_out.bias``, as published); we write ``unet_conv_out.safetensors``
with the same keys.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import torch
from diffusers import UNet2DConditionModel
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from pertouch.backbone.diffusion.errors import WeightsError

HEAD_FILES = ("unet_conv_out.safetensors", "unet_conv_out.pth", "unet_conv_out.bin")
HEAD_KEYS = ("conv_out.weight", "conv_out.bias")


def head_state(unet: UNet2DConditionModel) -> dict[str, torch.Tensor]:
    """The head's state dict as stored on disk (``conv_out.weight``, ``conv_out.bias``)."""
    return {
        f"conv_out.{name}": p.detach().cpu().contiguous()
        for name, p in unet.conv_out.state_dict().items()
    }


def save_head(unet: UNet2DConditionModel, directory: str | Path) -> Path:
    """Write the UNet's current head to ``directory/unet_conv_out.safetensors``."""
    path = Path(directory) / HEAD_FILES[0]
    save_file(head_state(unet), str(path))
    return path


def read_head(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a head state dict from ``.safetensors`` or a torch ``.pth``/``.bin`` (tensors only, no pickled code).

    Raises:
        WeightsError: the file cannot be read or lacks ``conv_out.weight`` / ``conv_out.bias``.
    """
    path = Path(path)
    try:
        if path.suffix == ".safetensors":
            state = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError, SafetensorError) as err:
        raise WeightsError(f"Cannot read the UNet head weights {path} ({err}).") from None
    if not isinstance(state, dict) or any(k not in state for k in HEAD_KEYS):
        raise WeightsError(
            f"{path} should hold a state dict with {' and '.join(HEAD_KEYS)}; it does not."
        )
    return {k: state[k] for k in HEAD_KEYS}


def attach_head(
    unet: UNet2DConditionModel, state: dict[str, torch.Tensor], source: str = "the head"
) -> None:
    """Load the head's weights into ``unet.conv_out`` in place.

    Raises:
        WeightsError: the weights' shapes do not fit this UNet (e.g. a head for another base model).
    """
    conv = unet.conv_out
    for key, param in (("conv_out.weight", conv.weight), ("conv_out.bias", conv.bias)):
        if tuple(state[key].shape) != tuple(param.shape):
            raise WeightsError(
                f"{source} has {key} of shape {tuple(state[key].shape)} but this UNet needs "
                f"{tuple(param.shape)}; use the PerTouch checkpoint trained on this base model."
            )
    with torch.no_grad():
        conv.weight.copy_(state["conv_out.weight"])
        conv.bias.copy_(state["conv_out.bias"])
