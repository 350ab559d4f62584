"""The reference profile's maps and image handling against the reference's procedure, written out."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from pertouch.backbone.diffusion.quantile import QuantileScale
from pertouch.backbone.diffusion.reference import (
    nearest_mask,
    reference_parameter_map,
    resize_back,
    stretch_bicubic,
)
from pertouch.core.adjustments import AdjustmentState
from pertouch.core.levels import sample_regions
from pertouch.core.parameter_map import build_parameter_map
from pertouch.core.reference_metrics import measurement_view, reference_raw_metrics

CHANNEL = {"colorfulness": 0, "contrast": 1, "temperature": 2, "brightness": 3}


def literal_map(
    state: list[tuple[str, dict[str, float]]], masks: dict[str, np.ndarray]
) -> np.ndarray:
    """The reference's map from absolute values: global first, then regions channel by channel."""
    param_map = np.zeros((512, 512, 4), dtype=np.float32)
    for attr, val in dict(state).get("global", {}).items():
        param_map[:, :, CHANNEL[attr]] = val
    for region, params in state:
        if region == "global":
            continue
        mask = masks[region]
        for attr, val in params.items():
            idx = CHANNEL[attr]
            param_map[:, :, idx] = param_map[:, :, idx] * (1 - mask) + val * mask
    return param_map


def literal_mask(mask: np.ndarray) -> np.ndarray:
    return (cv2.resize(mask, (512, 512), interpolation=cv2.INTER_NEAREST) / 255.0 >= 0.5).astype(
        np.float32
    )


@pytest.fixture(scope="module")
def scale(astronaut: np.ndarray, chelsea: np.ndarray) -> QuantileScale:
    masks = np.stack([m > 0 for m in sample_regions(512, 512, (1, 2, 3, 4, 5))])
    raw = np.concatenate(
        [reference_raw_metrics(measurement_view(p), masks) for p in (astronaut, chelsea)]
    )
    return QuantileScale.fit([raw[:, c] for c in range(4)])


@pytest.fixture(scope="module")
def scene(coffee: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    photo = np.ascontiguousarray(coffee[:, :560])  # 400 x 560: the stretch changes the aspect
    person = np.zeros(photo.shape[:2], np.uint8)
    person[100:380, 150:450] = 255
    face = np.zeros_like(person)
    face[120:220, 250:350] = 255  # inside the person
    sky = np.zeros_like(person)
    sky[:90] = 200  # soft but above one half
    return photo, {"sky": sky, "person": person, "face": face}


def test_auto_map_is_the_reference_painting_of_what_each_region_sets(
    scene: tuple[np.ndarray, dict[str, np.ndarray]], scale: QuantileScale
) -> None:
    photo, masks = scene
    state = (
        AdjustmentState("auto")
        .with_edit("person", "brightness", 0.5)
        .with_edit("face", "colorfulness", -0.4)
        .with_edit("global", "contrast", 0.2)
    )
    ours = reference_parameter_map(photo, state, masks, scale)
    expected = literal_map(
        [
            ("global", {"contrast": 0.2}),
            ("person", {"brightness": 0.5}),
            ("face", {"colorfulness": -0.4}),
        ],
        {name: literal_mask(mask) for name, mask in masks.items()},
    )
    np.testing.assert_array_equal(ours, expected)
    face = literal_mask(masks["face"]) > 0
    assert np.all(ours[face, 3] == 0.5)  # the face keeps the person's brightness...
    project = build_parameter_map(
        state.targets({n: np.zeros(4) for n in ["global", *masks]}),
        {n: literal_mask(m) for n, m in masks.items()},
        (512, 512),
    )
    assert np.all(project[face, 3] == 0.0)  # ...where painting whole vectors would reset it


def test_as_shot_map_is_the_measured_picture_then_the_edits(
    scene: tuple[np.ndarray, dict[str, np.ndarray]], scale: QuantileScale
) -> None:
    photo, masks = scene
    state = (
        AdjustmentState("as_shot")
        .with_edit("person", "brightness", 0.5)
        .with_edit("face", "colorfulness", 0.3)
    )
    small = {name: literal_mask(mask) for name, mask in masks.items()}
    binary = np.stack([np.ones((512, 512), bool), *(m > 0 for m in small.values())])
    view = cv2.resize(photo, (512, 512)).astype(np.float32)
    levels = scale.to_level(reference_raw_metrics(view, binary)).astype(np.float64)
    names = ["global", *small]
    values = {n: dict(zip(CHANNEL, row, strict=True)) for n, row in zip(names, levels, strict=True)}
    values["person"]["brightness"] = min(values["person"]["brightness"] + 0.5, 1.0)
    values["face"]["colorfulness"] = min(values["face"]["colorfulness"] + 0.3, 1.0)
    painting = [(n, values[n]) for n in names]  # the measured picture, in the masks' order...
    painting += [  # ...then what each edit sets, in the order the edits name the regions
        ("person", {"brightness": values["person"]["brightness"]}),
        ("face", {"colorfulness": values["face"]["colorfulness"]}),
    ]
    ours = reference_parameter_map(photo, state, masks, scale)
    np.testing.assert_allclose(ours, literal_map(painting, small), atol=1e-6)
    face = small["face"] > 0
    np.testing.assert_allclose(ours[face, 3], values["person"]["brightness"], atol=1e-6)


def test_masks_are_resized_nearest_and_made_binary() -> None:
    mask = np.zeros((30, 50), np.float32)
    mask[3:9, 10:20] = 0.7
    mask[20:, 30:] = 0.3
    out = nearest_mask(mask, 64)
    np.testing.assert_array_equal(
        out, (cv2.resize(mask, (64, 64), interpolation=cv2.INTER_NEAREST) >= 0.5)
    )
    assert set(np.unique(out)) == {0.0, 1.0}
    boolean = nearest_mask(mask > 0.5, 64)
    np.testing.assert_array_equal(boolean, out)


def test_the_model_sees_pils_bicubic_stretch(coffee: np.ndarray) -> None:
    # torchvision's Resize on a PIL image is PIL's resize; ToTensor divides by 255
    expected = (
        np.asarray(Image.fromarray(coffee).resize((512, 512), Image.BICUBIC), np.float32) / 255
    )
    np.testing.assert_array_equal(stretch_bicubic(coffee, 512), expected)
    deep = stretch_bicubic(coffee.astype(np.uint16) * 257, 512)
    # the same picture; PIL's 8-bit path rounds and clips between its two passes, the 16-bit does not
    difference = np.abs(deep - expected) * 255
    assert difference.mean() < 0.5 and np.percentile(difference, 99.9) < 1.5


def test_model_pixels_come_back_as_diffusers_and_lanczos_give_them(coffee: np.ndarray) -> None:
    from diffusers.image_processor import VaeImageProcessor

    decoded = torch.rand(1, 3, 64, 96, generator=torch.Generator().manual_seed(0)) * 2.4 - 1.2
    expected = VaeImageProcessor().postprocess(decoded, output_type="pil")[0]
    expected = np.asarray(expected.resize((157, 101), Image.LANCZOS))
    low = (decoded[0] * 0.5 + 0.5).clamp(0, 1).permute(1, 2, 0).numpy()
    np.testing.assert_array_equal(resize_back(low, (101, 157), np.dtype(np.uint8)), expected)
    photo = stretch_bicubic(coffee, 512)  # a smooth picture: noise would ring differently
    eight = resize_back(photo, (400, 600), np.dtype(np.uint8)).astype(np.float64)
    deep = resize_back(photo, (400, 600), np.dtype(np.uint16))
    difference = np.abs(deep / 257.0 - eight)
    assert (
        deep.dtype == np.uint16
        and difference.mean() < 0.5
        and np.percentile(difference, 99.9) < 1.5
    )
