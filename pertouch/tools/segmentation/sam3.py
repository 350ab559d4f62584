"""SAM3 behind the Segmenter interface: open-vocabulary masks from text, and automatic regions.

Needs the ``sam3`` extra (``pip install 'pertouch[sam3]'``: sam3==0.1.4, which pulls torchvision
through timm, and open_clip_torch for the BPE vocabulary that sam3's wheel leaves out) and the gated
``sam3.pt`` checkpoint from Hugging Face's facebook/sam3, put where ``checkpoint`` points.

Text phrases go to SAM3 as the user's own words ("woman's face" -> "woman face"); tonal, colour,
spatial, global and subject/background regions are not objects, so they are delegated to the
offline segmenter. Proposals follow the paper's data preparation: a 32 x 32 grid of point prompts,
one mask per point, a 3 x 3 opening, regions under 400 px dropped, both on the 512 px working view
(the paper's map size). sam3 hard-codes "cuda" in a few places; on CPU the model is built and run
under :class:`CudaToCpu`, which redirects those calls.
"""

from __future__ import annotations

import importlib.util
from collections import OrderedDict
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.metrics import analysis_shape, resize_area, to_float_rgb
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.tools.segmentation.lexicon import Lexicon, check_phrase, content_words
from pertouch.tools.segmentation.offline import OfflineSegmenter, check_image, photo_key
from pertouch.tools.segmentation.refine import refine_mask
from pertouch.tools.segmentation.types import (
    ProposedRegion,
    RegionMap,
    Segmentation,
    SegmenterSetupError,
)

BPE_FILE = "bpe_simple_vocab_16e6.txt.gz"
_DELEGATED_KINDS = {"tone", "colour", "spatial", "global", "subject"}


def find_bpe_vocab(bpe_path: str | Path | None = None) -> Path:
    """The CLIP BPE vocabulary SAM3's tokenizer needs: the given path, sam3's own, or open_clip's.

    Raises:
        SegmenterSetupError: none of them exists.
    """
    candidates = [Path(bpe_path)] if bpe_path is not None else []
    for package in ("sam3", "open_clip"):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            root = Path(next(iter(spec.submodule_search_locations)))
            candidates += [root / BPE_FILE, root.parent / "assets" / BPE_FILE]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SegmenterSetupError(
        f"SAM3 needs its tokenizer vocabulary {BPE_FILE}; install open_clip_torch "
        "(pip install 'pertouch[sam3]') or pass its path."
    )


def _cuda_to_cpu_mode() -> Any:
    import torch
    from torch.overrides import TorchFunctionMode

    class CudaToCpu(TorchFunctionMode):
        """Inside this mode, tensors that sam3 sends to "cuda" stay on the CPU."""

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = dict(kwargs or {})
            if func in (torch.Tensor.cuda, torch.Tensor.pin_memory):
                return args[0]
            if str(kwargs.get("device", "")).startswith("cuda"):
                kwargs["device"] = "cpu"
            if func is torch.Tensor.to and len(args) > 1 and str(args[1]).startswith("cuda"):
                args = (args[0], "cpu", *args[2:])
            return func(*args, **kwargs)

    return CudaToCpu()


def _device_scope(device: str) -> Any:
    from contextlib import nullcontext

    return _cuda_to_cpu_mode() if device == "cpu" else nullcontext()


def load_sam3(
    checkpoint: str | Path | None,
    device: str = "cpu",
    bpe_path: str | Path | None = None,
    confidence_threshold: float = 0.5,
) -> Any:
    """Build SAM3 and its ``Sam3Processor`` from a local checkpoint (nothing is downloaded).

    Args:
        checkpoint: path of ``sam3.pt``; ``None`` builds untrained weights (for tests only).
        device: "cpu" (default) or a CUDA device.

    Raises:
        SegmenterSetupError: the checkpoint is missing, or the sam3 extra is not installed.
    """
    if checkpoint is not None and not Path(checkpoint).is_file():
        raise SegmenterSetupError(
            f"SAM3 weights are not at {checkpoint}; request access to facebook/sam3 on "
            "Hugging Face, "
            "download sam3.pt and put it there (or pass --sam3-checkpoint PATH)."
        )
    try:
        from sam3 import build_sam3_image_model
        from sam3.model.sam3_image_processor import Sam3Processor
    except ImportError as err:
        raise SegmenterSetupError(
            f"The SAM3 backend needs the sam3 extra ({err.name} is missing); "
            "install it with: pip install 'pertouch[sam3]'."
        ) from err
    vocab = find_bpe_vocab(bpe_path)
    with _device_scope(device):
        model = build_sam3_image_model(
            bpe_path=str(vocab),
            device=device,
            checkpoint_path=None if checkpoint is None else str(checkpoint),
            load_from_HF=False,
            enable_inst_interactivity=True,
        )
        return Sam3Processor(model, device=device, confidence_threshold=confidence_threshold)


def _numpy(value: Any) -> NDArray[Any]:
    if hasattr(value, "detach"):
        value = value.detach().float().cpu().numpy()
    return np.asarray(value)


class Sam3Segmenter:
    """Open-vocabulary segmentation with SAM3, through the same interface as the offline one.

    Args:
        processor: a ``sam3`` ``Sam3Processor`` (see :func:`load_sam3`), or anything with its
            ``set_image``, ``set_text_prompt`` and ``model.predict_inst``.
        device: where the processor runs; "cpu" turns on the CUDA-to-CPU redirection.
        offline: handles tonal, colour, spatial, global and subject regions.
        points_per_side, min_region_px: the proposal grid, and the smallest region kept (in
            pixels of the working view).
    """

    def __init__(
        self,
        processor: Any,
        device: str = "cpu",
        offline: OfflineSegmenter | None = None,
        lexicon: Lexicon | None = None,
        points_per_side: int = 32,
        min_region_px: int = 400,
        work_size: int = 512,
        cache_size: int = 2,
    ):
        self.processor = processor
        self.device = device
        self.offline = offline or OfflineSegmenter(work_size=work_size)
        self.lexicon = lexicon or Lexicon()
        self.points_per_side = points_per_side
        self.min_region_px = min_region_px
        self.work_size = work_size
        self.cache_size = cache_size
        self._states: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def _state(self, image: NDArray[np.generic]) -> dict[str, Any]:
        """The processor's image state (the costly backbone pass), cached per photo."""
        key = photo_key(image)
        if key not in self._states:
            from PIL import Image

            rgb = np.round(to_float_rgb(image) * 255).astype(np.uint8)
            # Sam3Processor reads (H, W) from an array's last two axes, so give it a PIL image.
            with _device_scope(self.device):
                state = self.processor.set_image(Image.fromarray(rgb))
            self._states[key] = {"state": state, "full": to_float_rgb(image), "results": {}}
            while len(self._states) > self.cache_size:
                self._states.popitem(last=False)
        self._states.move_to_end(key)
        return self._states[key]

    def segment(self, image: NDArray[np.generic], phrase: str) -> Segmentation:
        """Mask of what ``phrase`` names, found by SAM3 from the words themselves."""
        phrase = check_phrase(phrase)
        image = check_image(image)
        resolution = self.lexicon.resolve(phrase)
        if resolution.known and CLASSES_BY_NAME[resolution.region].kind in _DELEGATED_KINDS:
            return self.offline.segment(image, phrase)
        prompt = content_words(phrase)
        entry = self._state(image)
        if prompt not in entry["results"]:
            with _device_scope(self.device):
                state = self.processor.set_text_prompt(prompt, entry["state"])
            probabilities = _numpy(state["masks_logits"]).reshape(-1, *entry["full"].shape[:2])
            scores = _numpy(state["scores"]).reshape(-1)
            entry["results"][prompt] = self._answer(
                phrase, prompt, probabilities, scores, entry["full"]
            )
        return entry["results"][prompt]

    def _answer(
        self,
        phrase: str,
        prompt: str,
        probabilities: NDArray[Any],
        scores: NDArray[Any],
        full: NDArray[np.float32],
    ) -> Segmentation:
        height, width = full.shape[:2]
        shape = (height, width)
        if len(scores) == 0:
            empty = np.zeros(shape, np.float32)
            note = f"SAM3 found no {prompt} in this photo."
            return Segmentation(phrase, prompt, empty, 0.0, False, "open-vocabulary", note)
        soft = probabilities.max(axis=0).astype(np.float32)
        small_shape = analysis_shape(height, width, self.work_size)
        mask = refine_mask(
            resize_area(soft, small_shape), resize_area(full, small_shape), full, 2, 1e-3
        )
        return Segmentation(phrase, prompt, mask, float(scores.max()), True, "open-vocabulary")

    def propose(self, image: NDArray[np.generic]) -> RegionMap:
        """Automatic regions from a point grid, as the paper's data preparation makes them."""
        image = check_image(image)
        entry = self._state(image)
        height, width = entry["full"].shape[:2]
        small_shape = analysis_shape(height, width, self.work_size)
        n = self.points_per_side
        xs = (np.arange(n) + 0.5) / n * width
        ys = (np.arange(n) + 0.5) / n * height
        kernel = np.ones((3, 3), np.uint8)
        found: list[tuple[float, NDArray[np.bool_]]] = []
        with _device_scope(self.device):
            for y in ys:
                for x in xs:
                    masks, scores, _ = self.processor.model.predict_inst(
                        entry["state"],
                        point_coords=np.array([[x, y]], np.float32),
                        point_labels=np.array([1], np.int32),
                        multimask_output=False,
                    )
                    mask = _numpy(masks).reshape(-1, height, width)[0] > 0.5
                    small = resize_area(mask.astype(np.float32), small_shape) > 0.5
                    small = cv2.morphologyEx(small.astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(
                        bool
                    )
                    if small.sum() >= self.min_region_px:
                        found.append((float(_numpy(scores).reshape(-1)[0]), small))
        return self._region_map(found, (height, width), small_shape)

    @staticmethod
    def _region_map(
        found: list[tuple[float, NDArray[np.bool_]]],
        shape: tuple[int, int],
        small_shape: tuple[int, int],
    ) -> RegionMap:
        """Drop near-duplicates (IoU > 0.8, keeping the better score), paint large regions first."""
        kept: list[tuple[float, NDArray[np.bool_]]] = []
        for score, mask in sorted(found, key=lambda item: -item[0]):
            if all((mask & other).sum() <= 0.8 * (mask | other).sum() for _, other in kept):
                kept.append((score, mask))
        kept.sort(key=lambda item: -int(item[1].sum()))
        small_labels = np.zeros(small_shape, np.uint16)
        for index, (_, mask) in enumerate(kept, start=1):
            small_labels[mask] = index
        labels = cv2.resize(small_labels, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
        counts = np.bincount(labels.ravel(), minlength=len(kept) + 1) / labels.size
        regions = [
            ProposedRegion(i, f"region {i}", float(counts[i]), score)
            for i, (score, _) in enumerate(kept, start=1)
            if counts[i] > 0
        ]
        regions.sort(key=lambda r: -r.area)
        return RegionMap(labels.astype(np.uint16), tuple(regions))
