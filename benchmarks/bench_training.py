"""Time training: data preparation throughput and optimiser steps per second.

On the CPU (default): preparation of real photos (scikit-image's) with the offline segmenter at
512 x 512 maps, in images per second, then training steps per second of the tiny random model at
64 x 64. With ``--device cuda``: training steps per second of the real architecture (SD 2.1 UNet
and VAE, PerTouch ControlNet; random weights) at 512 x 512 on a synthetic batch, in fp32 and with
bf16 autocast (frozen parts held in bf16, trained parts in fp32, as ``pertouch train`` does).

A step is what ``pertouch train`` does per optimiser step without accumulation: encode the expert
and the original with the VAE, noise, ControlNet + UNet forward, v-prediction MSE, backward, clip
at 1.0, AdamW. Each configuration is warmed up, then timed over ``--steps`` steps.

Run: python benchmarks/bench_training.py [--device cuda] [--batch 4] [--steps 8] [--skip-prepare]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from pertouch.training.model import FrozenParts, Trainee, build_models, training_loss


def bench_prepare(count: int) -> None:
    import numpy as np
    from skimage import data

    from pertouch.backbone.parametric import ParametricRenderer
    from pertouch.core.adjustments import AdjustmentState
    from pertouch.core.imageio import save_photo
    from pertouch.tools.segmentation import OfflineSegmenter
    from pertouch.training.config import PrepareConfig
    from pertouch.training.prepare import prepare

    photos = [data.astronaut(), data.coffee(), data.rocket(), data.chelsea()]
    renderer = ParametricRenderer()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("input", "expertA", "expertB"):
            (root / "data" / folder).mkdir(parents=True)
        for i in range(count):
            image = np.ascontiguousarray(photos[i % len(photos)])
            name = f"{i:04d}.png"
            save_photo(root / "data" / "input" / name, image)
            for expert, delta in (("expertA", 0.3), ("expertB", -0.3)):
                state = AdjustmentState("as_shot").with_edit("global", "brightness", delta)
                save_photo(root / "data" / expert / name, renderer.render(image, state, {}))
        config = PrepareConfig(data=str(root / "data"), output=str(root / "out"), progress=False)
        segmenter = OfflineSegmenter(work_size=config.map_size)
        start = time.perf_counter()
        prepare(config, segmenter=segmenter)
        seconds = time.perf_counter() - start
    images = 2 * count
    print(
        f"prepare-data (offline segmenter, 512 px maps, 1 process): {images} expert images in "
        f"{seconds:.1f} s = {images / seconds:.2f} images/s"
    )


def synthetic_batch(batch: int, size: int) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    coarse = torch.rand(batch, 3, 8, 8, generator=generator) * 2 - 1
    image = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bicubic").clamp(-1, 1)
    control = torch.zeros(batch, 4, size, size)
    control[:, :, :, : size // 2] = torch.tensor([0.2, -0.1, 0.3, 0.4]).view(1, 4, 1, 1)
    return {"input": image, "target": (image * 0.9 + 0.05).clamp(-1, 1), "map": control}


def steps_per_second(
    frozen: FrozenParts,
    model: Trainee,
    batch: dict[str, torch.Tensor],
    steps: int,
    dtype: torch.dtype | None,
) -> float:
    device = frozen.vae.device
    optimizer = torch.optim.AdamW(model.trainable_parameters(), lr=5e-5)
    batch = {k: v.to(device) for k, v in batch.items()}

    def step(i: int) -> None:
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            loss = training_loss(frozen, model, batch, torch.Generator().manual_seed(i))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.trainable_parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    for i in range(2):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for i in range(steps):
        step(i)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - start)


def bench_train(device: str, batch: int, steps: int, precisions: list[str]) -> None:
    tiny = device == "cpu"
    size = 64 if tiny else 512
    start = time.perf_counter()
    frozen, model = build_models("random:tiny" if tiny else "random:sd21")
    frozen.vae.to(device)
    model.to(device)
    print(
        f"built {'tiny' if tiny else 'SD 2.1'} models in {time.perf_counter() - start:.1f} s on {device}"
    )
    data = synthetic_batch(batch, size)
    for precision in precisions:
        dtype = {"fp32": None, "bf16": torch.bfloat16}[precision]
        if dtype is not None:  # as `pertouch train` does: frozen parts in bf16, trained in fp32
            frozen.vae.to(dtype=dtype)
            model.unet.to(dtype=dtype)
            model.unet.conv_out.to(dtype=torch.float32)
        rate = steps_per_second(frozen, model, data, steps, dtype)
        peak = (
            f", peak {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB"
            if device == "cuda"
            else ""
        )
        print(
            f"train {precision} {size}px batch {batch}: {rate:.2f} steps/s = {rate * batch:.2f} images/s{peak}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch", type=int, default=None, help="default 2 on the CPU, 4 on CUDA")
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument(
        "--prepare-images", type=int, default=4, help="originals to prepare (x2 experts)"
    )
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(0)
    cuda = args.device.startswith("cuda")
    if not cuda and not args.skip_prepare:
        bench_prepare(args.prepare_images)
    if cuda:
        torch.backends.cuda.matmul.allow_tf32 = False  # the reference's fp32 is true fp32
        print(torch.cuda.get_device_name())
    bench_train(
        args.device,
        args.batch or (4 if cuda else 2),
        args.steps,
        ["fp32", "bf16"] if cuda else ["fp32"],
    )


if __name__ == "__main__":
    main()
