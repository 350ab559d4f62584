"""Time the diffusion renderer's profiles side by side: ``fast`` and ``reference``.

Both run the same model with random weights (no downloads): on CUDA the real Stable Diffusion 2.1
architecture (UNet 320/640/1280/1280, cross-attention 1024, the SD 2.1 VAE) with a random
(1, 77, 1024) empty-prompt embedding; on the CPU, or with --tiny, a tiny configuration so the script
cannot rot. Each profile is set up exactly as ``build_diffusion_renderer`` sets it up
(:func:`configure`: device, dtype, sampler, channels-last, compilation) and then timed twice:

- ``sample``: the pipeline alone (VAE encode, the sampler's steps, VAE decode) at the working size
  the profile gives the photo (fast: aspect kept, long side 512; reference: the 512 x 512 stretch),
  after one 3-step warm-up;
- ``render``: the whole render of a synthetic photo of --photo pixels with two regions: levels
  measured, map painted, the photo resized, sampled, and brought back to full size (fast: the
  full-resolution lift; reference: the model's pixels, Lanczos).

Printed per profile: seconds per image for both, peak GPU memory, and a JSON line with the lot.
The reference runs first (float32), then the model is cast for the fast profile. Random weights say
nothing about quality; finite outputs are checked as a sanity check only.

Run: python benchmarks/bench_diffusion.py [--profile both|fast|reference] [--device cuda|cpu]
     [--tiny] [--compile] [--photo 3000x4000] [--steps N] [--size N]
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np
import torch
from diffusers.utils import logging as diffusers_logging

from pertouch.backbone.diffusion.architecture import SD21, TINY, build_random
from pertouch.backbone.diffusion.options import DiffusionOptions
from pertouch.backbone.diffusion.pipeline import PerTouchPipeline, configure, make_generator
from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.backbone.diffusion.renderer import DiffusionRenderer, working_shape
from pertouch.core.adjustments import AdjustmentState

#: Plausible raw ranges per attribute (reference metrics), for a quantile scale without data.
RAW_RANGES = ((0.0, 120.0), (0.0, 400.0), (-12_000.0, -2_000.0), (10.0, 250.0))


def synthetic_photo(height: int, width: int) -> np.ndarray:
    """A smooth random 'photo' with fine noise, uint8 ``(H, W, 3)``."""
    generator = torch.Generator().manual_seed(0)
    coarse = torch.rand(1, 3, 8, 8, generator=generator)
    smooth = torch.nn.functional.interpolate(coarse, size=(height, width), mode="bicubic")
    noisy = smooth + 0.03 * torch.randn(smooth.shape, generator=generator)
    return (noisy.clamp(0, 1)[0].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)


def timed_sample(
    pipeline: PerTouchPipeline, options: DiffusionOptions, shape: tuple[int, int]
) -> tuple[float, int, bool]:
    """Seconds, peak bytes and finiteness of one warm sampling run at working ``shape``."""
    device = pipeline.device
    image = torch.rand(1, 3, *shape, generator=torch.Generator().manual_seed(1)) * 2 - 1
    control = torch.zeros(1, 4, *shape)
    control[:, :, :, : shape[1] // 2] = torch.tensor([0.2, -0.1, 0.3, 0.4]).view(1, 4, 1, 1)

    def run(steps: int) -> torch.Tensor:
        return pipeline(
            image.to(device),
            control.to(device),
            num_inference_steps=steps,
            generator=make_generator(options, device),
            latent=options.latent,
        )

    run(3)  # warm-up (and, with --compile, the compilation)
    seconds, peak, out = _measure(lambda: run(options.steps), device)
    return seconds, peak, bool(torch.isfinite(out).all())


def timed_render(renderer: DiffusionRenderer, photo: np.ndarray) -> tuple[float, int, bool]:
    """Seconds, peak bytes and sanity of one render of ``photo`` with two edited regions."""
    left = np.zeros(photo.shape[:2], np.uint8)
    left[:, : photo.shape[1] // 2] = 255
    top = np.zeros_like(left)
    top[: photo.shape[0] // 3] = 255
    state = AdjustmentState().with_edit("left", "brightness", 0.3)
    state = state.with_edit("top", "temperature", -0.2)
    masks = {"left": left, "top": top}
    seconds, peak, out = _measure(
        lambda: renderer.render(photo, state, masks), renderer.pipeline.device
    )
    return seconds, peak, out.shape == photo.shape and out.dtype == photo.dtype


def _measure(work: Any, device: torch.device) -> tuple[float, int, Any]:
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    out = work()
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return seconds, torch.cuda.max_memory_allocated() if cuda else 0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=("both", "fast", "reference"), default="both")
    parser.add_argument(
        "--device", choices=("cuda", "cpu"), default="cuda" if torch.cuda.is_available() else "cpu"
    )
    parser.add_argument("--tiny", action="store_true", help="tiny model (the CPU default)")
    parser.add_argument("--photo", default="3000x4000", help="HEIGHTxWIDTH of the rendered photo")
    parser.add_argument("--steps", type=int, default=None, help="override both profiles' steps")
    parser.add_argument(
        "--size", type=int, default=None, help="override both profiles' working size"
    )
    parser.add_argument(
        "--compile", action="store_true", help="fast profile: compile into CUDA graphs"
    )
    parser.add_argument("--no-render", action="store_true", help="time the sampler only")
    args = parser.parse_args()
    diffusers_logging.set_verbosity_error()  # its dtype-cast notice would repeat for every model
    tiny = args.tiny or args.device == "cpu"
    height, width = (int(v) for v in args.photo.lower().split("x"))
    print(
        f"torch {torch.__version__}, device {args.device}"
        + (f" ({torch.cuda.get_device_name()})" if args.device == "cuda" else "")
        + f", {'tiny' if tiny else 'SD 2.1'} architecture, photo {height}x{width}"
        + f", TF32 matmul {torch.backends.cuda.matmul.allow_tf32}, conv {torch.backends.cudnn.allow_tf32}",
        flush=True,
    )
    start = time.perf_counter()
    with torch.device(args.device):  # random initialisation on the device: seconds, not minutes
        pipeline = build_random(TINY if tiny else SD21)
    models = (pipeline.unet, pipeline.controlnet, pipeline.vae)
    params = sum(p.numel() for m in models for p in m.parameters())
    print(
        f"built {params / 1e6:.1f} M parameters in {time.perf_counter() - start:.1f} s", flush=True
    )

    quantiles = QuantileScale(np.stack([np.linspace(low, high, 1000) for low, high in RAW_RANGES]))
    photo = synthetic_photo(height, width)
    profiles = ("reference", "fast") if args.profile == "both" else (args.profile,)
    rows = []
    for name in profiles:
        options = DiffusionOptions.for_profile(
            name,
            device=args.device,
            steps=args.steps,
            size=args.size,
            compile=args.compile and name == "fast",
        )
        configure(pipeline, options)
        renderer = DiffusionRenderer(pipeline, options=options, quantiles=quantiles)
        if name == "reference":
            shape = (options.size, options.size)
        else:
            shape = working_shape(height, width, options.size, pipeline.multiple)
        sample_s, sample_peak, sample_ok = timed_sample(pipeline, options, shape)
        chosen = ("scheduler", "steps", "seed", "output", "latent", "generator", "compile")
        row: dict[str, Any] = {
            "profile": name,
            "options": {k: getattr(options, k) for k in chosen},
            "dtype": str(pipeline.dtype),
            "working_shape": shape,
            "sample_s": round(sample_s, 3),
            "sample_peak_gib": round(sample_peak / 2**30, 2),
            "finite": sample_ok,
        }
        print(
            f"{name:<10} {options.scheduler:>8} {options.steps:>3} steps {pipeline.dtype!s:>15}  "
            f"sample {shape[0]}x{shape[1]}: {sample_s:7.3f} s/image  peak {sample_peak / 2**30:6.2f} GiB",
            flush=True,
        )
        if not args.no_render:
            render_s, render_peak, render_ok = timed_render(renderer, photo)
            row.update(render_s=round(render_s, 3), render_peak_gib=round(render_peak / 2**30, 2))
            row["finite"] = sample_ok and render_ok
            print(
                f"{'':<10} render {height}x{width} ({options.output}): {render_s:7.3f} s/image  "
                f"peak {render_peak / 2**30:6.2f} GiB",
                flush=True,
            )
        rows.append(row)
    if len(rows) == 2:
        ratio = rows[0]["sample_s"] / rows[1]["sample_s"]
        print(f"fast samples {ratio:.2f}x as fast as the reference", flush=True)
    print("RESULT " + json.dumps(rows), flush=True)


if __name__ == "__main__":
    main()
