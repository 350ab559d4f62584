"""Time the PerTouch diffusion pipeline: the reference configuration against ours.

Reference: float32, DDIM, 50 steps (the paper's inference). Ours: bfloat16 (or --dtype), DPM-Solver++
(2M) at 20 steps (or --scheduler/--steps), channels-last convolutions, PyTorch's SDPA attention
(diffusers' default) and, with --compile, torch.compile on the UNet and the ControlNet. Both run the
same random-weight model from the same starting noise; each configuration is warmed up once (3
steps), then timed over one run. Printed: seconds per image, the speed ratio, peak GPU memory, and
the mean absolute difference between the two outputs (a sanity check only: random weights say
nothing about quality).

On CUDA the model is the real SD 2.1 architecture (UNet 320/640/1280/1280, cross-attention 1024,
SD 2.1 VAE) at 512 x 512 with a random (1, 77, 1024) empty-prompt embedding; on the CPU, or with
--tiny, a tiny configuration at 64 x 64 so the script cannot rot.

Run: python benchmarks/bench_diffusion.py [--device cuda|cpu] [--tiny] [--dtype bf16] [--steps 20]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import torch
from diffusers.utils import logging as diffusers_logging

from pertouch.backbone.diffusion.architecture import SD21, TINY, build_random
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline, make_scheduler, parse_dtype


@dataclass
class Timing:
    name: str
    seconds_per_image: float
    peak_bytes: int
    output: torch.Tensor


def inputs(batch: int, size: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A smooth random 'photo' in [-1, 1] and a parameter map with two regions."""
    generator = torch.Generator().manual_seed(0)
    coarse = torch.rand(batch, 3, 8, 8, generator=generator) * 2 - 1
    image = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bicubic").clamp(-1, 1)
    image = image + 0.05 * torch.randn(image.shape, generator=generator)
    control = torch.zeros(batch, 4, size, size)
    control[:, :, :, : size // 2] = torch.tensor([0.2, -0.1, 0.3, 0.4]).view(1, 4, 1, 1)
    return image.clamp(-1, 1).to(device), control.to(device)


def timed(
    name: str, pipeline: PerTouchPipeline, image: torch.Tensor, control: torch.Tensor, steps: int
) -> Timing:
    cuda = image.device.type == "cuda"
    pipeline(image, control, num_inference_steps=3, generator=torch.Generator().manual_seed(0))
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    out = pipeline(
        image, control, num_inference_steps=steps, generator=torch.Generator().manual_seed(0)
    )
    if cuda:
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / image.shape[0]
    peak = torch.cuda.max_memory_allocated() if cuda else 0
    print(f"{name:<44} {seconds:8.3f} s/image   peak {peak / 2**30:6.2f} GiB", flush=True)
    return Timing(name, seconds, peak, out.float().cpu())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--device", choices=("cuda", "cpu"), default="cuda" if torch.cuda.is_available() else "cpu"
    )
    parser.add_argument("--tiny", action="store_true", help="tiny model at 64 px (the CPU default)")
    parser.add_argument("--size", type=int, default=None, help="image side (default 512, tiny 64)")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--reference-steps", type=int, default=50)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--scheduler", default="dpm++2m")
    parser.add_argument(
        "--dtype", default=None, help="ours: bf16, fp16 or fp32 (default bf16 on CUDA, fp32 on CPU)"
    )
    parser.add_argument(
        "--compile-mode",
        default="default",
        help="torch.compile mode with --compile: default, reduce-overhead (CUDA graphs), max-autotune",
    )
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile the UNet and ControlNet (ours)"
    )
    args = parser.parse_args()
    args.dtype = args.dtype or ("bf16" if args.device == "cuda" else "fp32")
    diffusers_logging.set_verbosity_error()  # its dtype-cast notice would repeat for every model

    tiny = args.tiny or args.device == "cpu"
    size = args.size or (64 if tiny else 512)
    arch = TINY if tiny else SD21
    print(
        f"torch {torch.__version__}, device {args.device}"
        + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else "")
        + f", {'tiny' if tiny else 'SD 2.1'} architecture, {size}x{size}, batch {args.batch}"
        + f", TF32 matmul {torch.backends.cuda.matmul.allow_tf32}, TF32 conv {torch.backends.cudnn.allow_tf32}",
        flush=True,
    )
    start = time.perf_counter()
    with torch.device(args.device):  # random initialisation on the device: seconds, not minutes
        pipeline = build_random(arch)
    pipeline.to(device=args.device)
    params = sum(
        p.numel()
        for m in (pipeline.unet, pipeline.controlnet, pipeline.vae)
        for p in m.parameters()
    )
    print(
        f"built {params / 1e6:.2f} M parameters in {time.perf_counter() - start:.1f} s", flush=True
    )
    image, control = inputs(args.batch, size, args.device)

    reference = timed(
        f"reference: fp32, DDIM, {args.reference_steps} steps",
        pipeline,
        image,
        control,
        args.reference_steps,
    )

    dtype = parse_dtype(args.dtype)
    pipeline.to(dtype=dtype)
    pipeline.scheduler = make_scheduler(args.scheduler, pipeline.scheduler.config)
    if args.device == "cuda":  # on the CPU, channels-last GroupNorm is slower, not faster
        for model in (pipeline.unet, pipeline.controlnet, pipeline.vae):
            model.to(memory_format=torch.channels_last)
    if args.compile:
        mode = args.compile_mode
        pipeline.unet = torch.compile(pipeline.unet, fullgraph=False, mode=mode)  # type: ignore[assignment]
        pipeline.controlnet = torch.compile(pipeline.controlnet, fullgraph=False, mode=mode)  # type: ignore[assignment]
    name = f"ours: {args.dtype}, {args.scheduler}, {args.steps} steps" + (
        f", compiled ({args.compile_mode})" if args.compile else ""
    )
    ours = timed(name, pipeline, image, control, args.steps)

    difference = (ours.output - reference.output).abs().mean().item()
    print(f"speed-up: {reference.seconds_per_image / ours.seconds_per_image:.2f}x", flush=True)
    print(
        f"outputs finite: {bool(torch.isfinite(ours.output).all())}; mean |ours - reference| = {difference:.4f} "
        "(random weights: a sanity check, not a quality measure)",
        flush=True,
    )


if __name__ == "__main__":
    main()
