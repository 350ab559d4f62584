"""Tiny random PerTouch models, built on the CPU in well under a second."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("diffusers")

import torch
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from pertouch.backbone.diffusion.architecture import TINY, build_random
from pertouch.backbone.diffusion.controlnet import PerTouchControlNet
from pertouch.backbone.diffusion.loading import save_checkpoint
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline


def awaken(controlnet: PerTouchControlNet, seed: int = 1) -> PerTouchControlNet:
    """Give the zero-initialised convolutions random weights, as training would.

    An untrained ControlNet adds exactly nothing, and PyTorch's default initialisation shrinks a
    signal through the seven convolutions of the map path, so a test of what the map does needs
    weights that carry it: He-normal for the map path, random for the zero convolutions.
    """
    generator = torch.Generator().manual_seed(seed)
    embedding = controlnet.controlnet_cond_embedding
    with torch.no_grad():
        for conv in (embedding.conv_in, *embedding.blocks):
            fan_in = conv.weight[0].numel()
            conv.weight.copy_(
                torch.randn(conv.weight.shape, generator=generator) * (2 / fan_in) ** 0.5
            )
    zero_convs = [
        controlnet.controlnet_cond_embedding.conv_out,
        *controlnet.controlnet_down_blocks,
        controlnet.controlnet_mid_block,
    ]
    with torch.no_grad():
        for conv in zero_convs:
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator) * 0.3)
    return controlnet


def tiny_pipeline(seed: int = 0) -> PerTouchPipeline:
    pipeline = build_random(TINY, seed)
    awaken(pipeline.controlnet, seed + 1)
    return pipeline


@pytest.fixture
def pipeline() -> PerTouchPipeline:
    return tiny_pipeline()


def write_base_model(root: Path, pipeline: PerTouchPipeline) -> Path:
    """A base-model directory in diffusers layout with a tiny CLIP text encoder and tokenizer."""
    pipeline.vae.save_pretrained(root / "vae")
    pipeline.unet.save_pretrained(root / "unet")
    pipeline.scheduler.save_pretrained(root / "scheduler")
    words = root / "words"
    words.mkdir(parents=True)
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "a</w>": 2, "a": 3}
    (words / "vocab.json").write_text(json.dumps(vocab))
    (words / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(
        vocab_file=str(words / "vocab.json"),
        merges_file=str(words / "merges.txt"),
        model_max_length=77,
        pad_token="<|endoftext|>",
    )
    tokenizer.save_pretrained(root / "tokenizer")
    torch.manual_seed(0)
    config = CLIPTextConfig(
        vocab_size=len(vocab),
        hidden_size=TINY.text_width,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        max_position_embeddings=77,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
    )
    CLIPTextModel(config).save_pretrained(root / "text_encoder")
    return root


@pytest.fixture(scope="session")
def weights(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """``(base_model, checkpoint)`` directories of one tiny awakened model."""
    root = tmp_path_factory.mktemp("weights")
    source = tiny_pipeline()
    with torch.no_grad():  # a head that differs from the UNet's own conv_out
        source.unet.conv_out.weight.mul_(-1.0)
    base = write_base_model(root / "base", build_random(TINY))
    checkpoint = save_checkpoint(root / "checkpoint", source.controlnet, source.unet)
    return base, checkpoint
