"""The PerTouch sampling pipeline: encode the original, sample from the parameter map, decode.

Thin orchestration in the diffusers manner: the components are injected, inputs are checked in one
place, and everything runs where and in the dtype the components were put. The prompt is always
empty and guidance is 0 (as trained), so the text encoder is not needed at sampling time: one
empty-prompt embedding, computed when the base model is loaded, is all it contributes.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import torch
from diffusers import (
    AutoencoderKL,
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerDiscreteScheduler,
    UNet2DConditionModel,
    UniPCMultistepScheduler,
)
from diffusers.utils.torch_utils import randn_tensor

from pertouch.backbone.diffusion.controlnet import PerTouchControlNet
from pertouch.backbone.diffusion.errors import DiffusionOptionError

if TYPE_CHECKING:
    from pertouch.backbone.diffusion.options import DiffusionOptions

#: Samplers by name; every one is built from the base model's scheduler config (v-prediction).
SCHEDULERS: dict[str, Any] = {
    "ddim": DDIMScheduler,
    "dpm++2m": DPMSolverMultistepScheduler,
    "unipc": UniPCMultistepScheduler,
    "euler": EulerDiscreteScheduler,
}
DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def make_scheduler(name: str, config: Any) -> Any:
    """A fresh scheduler of kind ``name`` with the base model's noise schedule and prediction type."""
    if name not in SCHEDULERS:
        raise DiffusionOptionError(
            f"Unknown scheduler {name!r}; choose one of {', '.join(SCHEDULERS)}."
        )
    return SCHEDULERS[name].from_config(config)


def parse_dtype(name: str) -> torch.dtype:
    """``"float32"``, ``"float16"`` or ``"bfloat16"`` (also ``fp32``, ``fp16``, ``bf16``) as a torch dtype."""
    aliases = {"fp32": "float32", "fp16": "float16", "bf16": "bfloat16"}
    key = aliases.get(name, name)
    if key not in DTYPES:
        raise DiffusionOptionError(f"Unknown dtype {name!r}; choose float32, float16 or bfloat16.")
    return DTYPES[key]


class PerTouchPipeline:
    """Retouch ``(B, 3, H, W)`` images in [-1, 1] under ``(B, 4, H, W)`` parameter maps.

    Args:
        vae: the base model's autoencoder.
        unet: the base model's UNet with the PerTouch head attached (see ``head.attach_head``).
        controlnet: the PerTouch ControlNet.
        scheduler: any diffusers scheduler configured for the base model (v-prediction for SD 2.1).
        prompt_embeds: ``(1, 77, D)`` embedding of the empty prompt.
    """

    def __init__(
        self,
        vae: AutoencoderKL,
        unet: UNet2DConditionModel,
        controlnet: PerTouchControlNet,
        scheduler: Any,
        prompt_embeds: torch.Tensor,
    ) -> None:
        self.vae = vae.eval()
        self.unet = unet.eval()
        self.controlnet = controlnet.eval()
        self.scheduler = scheduler
        self.prompt_embeds = prompt_embeds

    @property
    def device(self) -> torch.device:
        return self.unet.device

    @property
    def dtype(self) -> torch.dtype:
        return self.unet.dtype

    @property
    def factor(self) -> int:
        """How many pixels one latent covers along a side (8 for SD)."""
        return 2 ** (len(self.vae.config.block_out_channels) - 1)

    @property
    def multiple(self) -> int:
        """Image sides must be multiples of this (64 for SD: the VAE's 8 times the UNet's 8)."""
        return self.factor * 2 ** (len(self.unet.config.block_out_channels) - 1)

    def to(
        self, device: str | torch.device | None = None, dtype: torch.dtype | None = None
    ) -> PerTouchPipeline:
        """Move every component (and the prompt embedding) to ``device`` and/or ``dtype``."""
        for model in (self.vae, self.unet, self.controlnet):
            if dtype is not None and dtype != model.dtype:
                model.to(dtype=dtype)
            if device is not None:
                model.to(device=device)
        self.prompt_embeds = self.prompt_embeds.to(device=device, dtype=dtype)
        return self

    def check_inputs(self, image: torch.Tensor, parameter_map: torch.Tensor, steps: int) -> None:
        """Raise ``DiffusionOptionError`` or ``ValueError`` with one sentence for unusable inputs."""
        if image.ndim != 4 or image.shape[1] != 3:
            raise ValueError(f"image must be (B, 3, H, W), got {tuple(image.shape)}")
        if parameter_map.shape != (image.shape[0], 4, *image.shape[2:]):
            raise ValueError(
                f"parameter_map must be (B, 4, H, W) like the image {tuple(image.shape)}, got {tuple(parameter_map.shape)}"
            )
        multiple = self.multiple
        if image.shape[2] % multiple or image.shape[3] % multiple:
            raise ValueError(
                f"image size {tuple(image.shape[2:])} must be a multiple of {multiple} for this model"
            )
        if not 1 <= steps <= 1000:
            raise DiffusionOptionError(
                f"The number of steps must be between 1 and 1000, got {steps}."
            )

    @torch.no_grad()
    def encode(
        self,
        image: torch.Tensor,
        sample: bool = False,
        generator: torch.Generator | list[torch.Generator] | None = None,
    ) -> torch.Tensor:
        """Scaled latent of ``(B, 3, H, W)`` images in [-1, 1].

        ``sample=False`` takes the posterior's mean (no noise); ``sample=True`` one draw from it,
        from ``generator``, as the reference encodes the photo.
        """
        posterior = self.vae.encode(image.to(self.device, self.vae.dtype)).latent_dist
        latent = posterior.sample(generator=generator) if sample else posterior.mode()
        return latent * self.vae.config.scaling_factor

    @torch.no_grad()
    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1] from scaled latents."""
        image = self.vae.decode(latents.to(self.vae.dtype) / self.vae.config.scaling_factor).sample
        return image.clamp(-1.0, 1.0)

    @torch.no_grad()
    def __call__(
        self,
        image: torch.Tensor,
        parameter_map: torch.Tensor,
        num_inference_steps: int = 20,
        generator: torch.Generator | list[torch.Generator] | None = None,
        conditioning_scale: float = 1.0,
        latent: str = "mode",
    ) -> torch.Tensor:
        """Sample the retouched images.

        Args:
            image: ``(B, 3, H, W)`` originals in [-1, 1]; ``H`` and ``W`` multiples of 64 for SD.
            parameter_map: ``(B, 4, H, W)`` target levels in [-1, 1].
            num_inference_steps: sampler steps.
            generator: seeds the starting noise (one per image, or one for the batch); CPU
                generators give the same noise on every device.
            conditioning_scale: strength of the ControlNet's residuals.
            latent: ``mode`` (the photo's posterior mean) or ``sample`` (a draw from it, taken from
                ``generator`` after the starting noise, so the starting noise is the first draw of
                a freshly seeded generator, as in the reference; the reference draws its posterior
                sample from torch's unseeded global generator, which no seed can reproduce).

        Returns:
            ``(B, 3, H, W)`` float32 images in [-1, 1], on the pipeline's device.
        """
        self.check_inputs(image, parameter_map, num_inference_steps)
        if latent not in ("mode", "sample"):
            raise DiffusionOptionError(f"Unknown latent {latent!r}; choose mode or sample.")
        batch, dtype, device = image.shape[0], self.dtype, self.device
        latent_shape = (
            batch,
            self.vae.config.latent_channels,
            image.shape[2] // self.factor,
            image.shape[3] // self.factor,
        )
        noise = randn_tensor(latent_shape, generator=generator, device=device, dtype=torch.float32)
        image_latent = self.encode(image, latent == "sample", generator).to(dtype)
        control = parameter_map.to(device, dtype)
        embeds = self.prompt_embeds.to(device, dtype).expand(batch, -1, -1)

        scheduler = self.scheduler
        scheduler.set_timesteps(num_inference_steps, device=device)
        # Stochastic samplers take the generator; deterministic ones (UniPC, DPM++) do not accept it.
        step_options = (
            {"generator": generator}
            if "generator" in inspect.signature(scheduler.step).parameters
            else {}
        )
        latents = (noise * scheduler.init_noise_sigma).to(dtype)
        for t in scheduler.timesteps:
            # Under torch.compile(mode="reduce-overhead") each model replays a CUDA graph whose
            # outputs live in a pool the next replay reuses: mark the step, and copy the
            # ControlNet's residuals out of its pool before the UNet runs (a few MB per step).
            torch.compiler.cudagraph_mark_step_begin()
            model_input = scheduler.scale_model_input(latents, t)
            down, mid = self.controlnet(
                model_input, t, embeds, control, image_latent, conditioning_scale=conditioning_scale
            )
            down, mid = [d.clone() for d in down], mid.clone()
            velocity = self.unet(
                model_input,
                t,
                encoder_hidden_states=embeds,
                down_block_additional_residuals=down,
                mid_block_additional_residual=mid,
            ).sample
            latents = scheduler.step(velocity, t, latents, **step_options).prev_sample
        return self.decode(latents).float()


def make_generator(options: DiffusionOptions, device: torch.device) -> torch.Generator:
    """The seeded generator: on the CPU (the same noise on every device) or on ``device``."""
    place = device if options.generator == "device" else torch.device("cpu")
    return torch.Generator(device=place).manual_seed(options.seed)


def resolve_device(options: DiffusionOptions) -> str:
    """``options.device``, with ``auto`` meaning CUDA when torch sees a GPU, else the CPU."""
    if options.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if options.device.startswith("cuda") and not torch.cuda.is_available():
        raise DiffusionOptionError("The device 'cuda' was asked for, but torch sees no CUDA GPU.")
    return options.device


def resolve_dtype(options: DiffusionOptions, device: str) -> torch.dtype:
    """``options.dtype``, with ``auto`` meaning float32 on the CPU, else bfloat16 where supported.

    bfloat16 runs as fast as float16 on recent GPUs and cannot overflow as float16 can.
    """
    if options.dtype != "auto":
        return parse_dtype(options.dtype)
    if not device.startswith("cuda"):
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def configure(pipeline: PerTouchPipeline, options: DiffusionOptions) -> PerTouchPipeline:
    """Put ``pipeline`` on the options' device and dtype with their sampler (and compile it).

    In the ``fast`` profile on CUDA the UNet and ControlNet take channels-last memory (faster
    convolutions); the ``reference`` profile keeps PyTorch's default layout, as the reference runs,
    so cuDNN picks the same kernels. With ``options.compile`` they are compiled into CUDA graphs:
    at batch 1 the uncompiled model is bound by kernel launches (on an H100, 20 bf16 steps took
    0.81 s uncompiled and 0.20 s compiled), and the first render pays about a minute of compilation.
    """
    device = resolve_device(options)
    pipeline.to(device=device, dtype=resolve_dtype(options, device))
    pipeline.scheduler = make_scheduler(options.scheduler, pipeline.scheduler.config)
    if device.startswith("cuda"):
        if options.profile == "fast":
            for model in (pipeline.unet, pipeline.controlnet):
                model.to(memory_format=torch.channels_last)
        if options.compile:
            pipeline.unet = torch.compile(pipeline.unet, mode="reduce-overhead")
            pipeline.controlnet = torch.compile(pipeline.controlnet, mode="reduce-overhead")
    return pipeline
