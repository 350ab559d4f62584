"""The SAM3 adapter against a fake processor (the real package needs torchvision, an extra)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from pertouch.tools.segmentation.sam3 import Sam3Segmenter, find_bpe_vocab, load_sam3
from pertouch.tools.segmentation.types import SegmenterSetupError


class FakeModel:
    """Answers a point prompt with the square of 60 px around it, scored by its row."""

    def __init__(self) -> None:
        self.calls = 0

    def predict_inst(self, state, point_coords, point_labels, multimask_output):
        assert point_coords.shape == (1, 2) and list(point_labels) == [1] and not multimask_output
        self.calls += 1
        h, w = state["size"]
        x, y = point_coords[0]
        mask = np.zeros((1, h, w), bool)
        mask[0, max(0, int(y) - 30) : int(y) + 30, max(0, int(x) - 30) : int(x) + 30] = True
        return mask, np.array([0.5 + 0.4 * y / h]), np.zeros((1, 256, 256))


class FakeProcessor:
    """Knows "sky" (the top third, two instances) and nothing else, like Sam3Processor's outputs."""

    def __init__(self) -> None:
        self.model = FakeModel()
        self.images = 0
        self.prompts: list[str] = []

    def set_image(self, image):
        self.images += 1
        return {"size": (image.height, image.width)}

    def set_text_prompt(self, prompt, state):
        self.prompts.append(prompt)
        h, w = state["size"]
        if prompt != "sky":
            return {**state, "masks_logits": torch.zeros(0, 1, h, w), "scores": torch.zeros(0)}
        probs = torch.zeros(2, 1, h, w)
        probs[0, 0, : h // 3, : w // 2] = 0.9
        probs[1, 0, : h // 3, w // 2 :] = 0.8
        return {**state, "masks_logits": probs, "scores": torch.tensor([0.7, 0.9])}


@pytest.fixture
def fake():
    return FakeProcessor()


def test_text_prompt_masks_are_merged_refined_and_cached(fake, photos):
    segmenter = Sam3Segmenter(fake, points_per_side=4)
    answer = segmenter.segment(photos["rocket"], "the sky")
    assert (
        answer.found
        and answer.matched_by == "open-vocabulary"
        and answer.confidence == pytest.approx(0.9)
    )
    assert answer.mask.shape == photos["rocket"].shape[:2]
    h = photos["rocket"].shape[0]
    assert answer.mask[: h // 3 - 20].mean() > 0.7 and answer.mask[h // 3 + 20 :].max() < 0.1
    segmenter.segment(photos["rocket"], "sky")
    assert fake.images == 1 and fake.prompts == ["sky"]  # one backbone pass, one prompt


def test_absent_object_is_reported_not_guessed(fake, photos):
    answer = Sam3Segmenter(fake).segment(photos["coffee"], "the woman's face")
    assert not answer.found and not answer.mask.any() and fake.prompts == ["woman face"]


def test_ranges_and_subject_go_to_the_offline_segmenter(fake, photos):
    segmenter = Sam3Segmenter(fake)
    answer = segmenter.segment(photos["coffee"], "the shadows")
    assert answer.found and answer.matched_by == "lexicon" and fake.prompts == []


def test_propose_follows_the_papers_recipe(fake, photos):
    image = photos["coffee"]  # 400 x 600: the working view is 341 x 512
    segmenter = Sam3Segmenter(fake, points_per_side=4, min_region_px=400)
    region_map = segmenter.propose(image)
    assert fake.model.calls == 16  # one mask per grid point
    assert region_map.labels.shape == image.shape[:2]
    assert len(region_map.regions) == 16  # 60 px squares are ~ 51 x 51 px on the view: kept
    assert all(r.label.startswith("region ") for r in region_map.regions)
    small = Sam3Segmenter(fake, points_per_side=4, min_region_px=3000).propose(image)
    assert small.regions == ()  # every region is under the size floor


def test_duplicate_proposals_are_merged():
    square = np.zeros((100, 100), bool)
    square[10:60, 10:60] = True
    region_map = Sam3Segmenter._region_map(
        [(0.6, square), (0.9, square.copy())], (200, 200), (100, 100)
    )
    assert len(region_map.regions) == 1 and region_map.regions[0].confidence == 0.9


def test_missing_checkpoint_says_where_to_put_it(tmp_path):
    with pytest.raises(SegmenterSetupError, match=r"sam3\.pt"):
        load_sam3(tmp_path / "sam3.pt")


@pytest.mark.skipif(
    importlib.util.find_spec("sam3") is not None, reason="the sam3 extra is installed"
)
def test_missing_extra_is_one_sentence():
    with pytest.raises(SegmenterSetupError, match=r"pertouch\[sam3\]"):
        load_sam3(None)


def test_bpe_vocab_given_path(tmp_path):
    vocab = tmp_path / "bpe_simple_vocab_16e6.txt.gz"
    vocab.write_bytes(b"")
    assert find_bpe_vocab(vocab) == vocab


@pytest.mark.sam3
def test_real_model_with_random_weights_runs_on_cpu(photos):
    """Builds the real SAM3 graph untrained on CPU: checks the wiring and the CUDA redirection."""
    processor = load_sam3(None, device="cpu")
    segmenter = Sam3Segmenter(processor, device="cpu", points_per_side=2)
    answer = segmenter.segment(photos["coffee"], "cup")
    assert answer.mask.shape == photos["coffee"].shape[:2]
    region_map = segmenter.propose(photos["coffee"])
    assert region_map.labels.shape == photos["coffee"].shape[:2]
