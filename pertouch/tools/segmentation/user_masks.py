"""Masks a person gives for a word, used before any segmentation.

When the segmenter cannot find "the water", or finds it wrongly, the person can show it: a mask
file on the command line (``--mask water=water.png``), a brush in the app, a mask image or base64
through MCP. :class:`UserMasks` holds those masks by word; :class:`WithUserMasks` wraps any
:class:`~pertouch.tools.segmentation.types.Segmenter` so that a phrase meaning the same region
("the lake" for a mask given as "water") gets the person's mask, and every other phrase goes to
the segmenter as before.

Words are matched the way phrases are understood everywhere else: a word naming a region the
segmenter knows by its lexicon is stored under its region class ("lake", "the water" and "sea"
are all *water*); an object, or any other word (even one the embedding would guess a class for:
"kite" is not the sky) ("boats", "the red car") is stored under its content words, so "the
boats" finds a mask given as "boats" and the red car keeps its own mask beside the boats. A mask may be bool, uint8, uint16 or float, ``(H, W)``, or an image whose alpha (for a
painted layer) or grey value is the weight; it is resized to the photo when it has the photo's
shape, and refused, with one sentence, when its aspect ratio differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import ImageReadError, MaskError
from pertouch.core.imageio import load_photo
from pertouch.core.metrics import mask_to_float
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.tools.segmentation.lexicon import Lexicon, check_phrase, content_words
from pertouch.tools.segmentation.types import FloatMask, RegionMap, Segmentation, Segmenter

#: Largest relative difference between the mask's and the photo's aspect ratios.
ASPECT_TOLERANCE = 0.02
MaskLike = NDArray[np.generic] | str | Path


def mask_weights(mask: MaskLike) -> FloatMask:
    """A mask array or image file as ``(h, w)`` float32 weights in [0, 1].

    Images with a varying alpha channel (a painted layer) give their alpha; others their grey
    value. Raises :class:`MaskError` for unreadable files and arrays that are not masks.
    """
    if isinstance(mask, (str, Path)):
        try:
            photo = load_photo(mask)
        except ImageReadError as err:
            raise MaskError(f"The mask {Path(mask).name} is unreadable: {err}") from None
        alpha = photo.alpha
        if alpha is not None and alpha.min() != alpha.max():
            return mask_to_float(alpha)
        pixels = mask_to_float(photo.pixels)
        return np.asarray(pixels @ np.array([0.299, 0.587, 0.114], np.float32), np.float32)
    if not isinstance(mask, np.ndarray) or mask.ndim not in (2, 3) or 0 in mask.shape[:2]:
        shape = getattr(mask, "shape", None)
        raise MaskError(f"A mask must be an (H, W) array or an image file, not {shape}.")
    array: NDArray[np.generic] = mask
    if array.ndim == 3:
        if array.shape[2] == 4 and array[..., 3].min() != array[..., 3].max():
            array = array[..., 3]
        else:
            array = array[..., :3].astype(np.float32).mean(axis=2).astype(array.dtype)
    if array.dtype not in (np.bool_, np.uint8, np.uint16) and not np.issubdtype(
        array.dtype, np.floating
    ):
        raise MaskError(f"Mask values of type {array.dtype} are not supported; use 0-255 or 0-1.")
    return mask_to_float(array)


def fit_to(weights: FloatMask, shape: tuple[int, int]) -> FloatMask:
    """``weights`` resized to ``shape`` (H, W); refused when the aspect ratios differ."""
    height, width = shape
    if weights.shape == (height, width):
        return weights
    mask_ratio = weights.shape[1] / weights.shape[0]
    if abs(mask_ratio / (width / height) - 1.0) > ASPECT_TOLERANCE:
        raise MaskError(
            f"The mask is {weights.shape[1]}x{weights.shape[0]} but the photo is "
            f"{width}x{height}; draw the mask on the photo itself (or a scaled copy of it)."
        )
    resized = cv2.resize(weights, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(np.asarray(resized, np.float32), 0.0, 1.0)


class UserMasks(Mapping[str, FloatMask]):
    """The masks a person gave, by region key (a region class, or the words of an object).

    Args:
        lexicon: how words become keys; the default is the plain synonym lexicon.

    Example:
        >>> brush = np.zeros((400, 600), np.uint8); brush[300:] = 255   # or a file's path
        >>> masks = UserMasks()
        >>> masks.put("water", brush)
        'water'
        >>> masks.find("the lake", (800, 1200)).mask.shape
        (800, 1200)
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon or Lexicon()
        self._masks: dict[str, FloatMask] = {}
        self._words: dict[str, str] = {}

    @classmethod
    def from_specs(cls, specs: Iterable[str], lexicon: Lexicon | None = None) -> UserMasks:
        """Masks from ``WORD=FILE`` strings, as ``--mask water=water.png`` gives them."""
        masks = cls(lexicon)
        for spec in specs:
            word, sep, path = spec.partition("=")
            if not sep or not word.strip() or not path.strip():
                raise MaskError(f"Give a mask as WORD=FILE (e.g. water=water.png), not {spec!r}.")
            masks.put(word, path.strip())
        return masks

    def key(self, phrase: str) -> str:
        """The key a word or phrase is stored and looked up under."""
        resolution = self._lexicon.resolve(check_phrase(phrase))
        # Only a word the lexicon knows names a region class: the embedding's nearest guess would
        # file a mask shown as "kite" under the sky, and edit the whole sky with it.
        named = resolution.known and not resolution.within and resolution.matched_by == "lexicon"
        if named and CLASSES_BY_NAME[resolution.region].kind != "object":
            return resolution.region
        return content_words(phrase)

    def put(self, word: str, mask: MaskLike) -> str:
        """Keep ``mask`` for ``word`` (replacing an earlier one); returns the key it is under."""
        weights = mask_weights(mask)
        if float(weights.max()) <= 0.0:
            raise MaskError(f"The mask for {word.strip()!r} is empty; paint the region in it.")
        key = self.key(word)
        self._masks[key] = weights
        self._words[key] = word.strip()
        return key

    def find(self, phrase: str, shape: tuple[int, int]) -> Segmentation | None:
        """The person's mask for ``phrase`` at ``shape``, as a found answer, or None."""
        key = self._closest(self.key(phrase))
        if key is None:
            return None
        mask = fit_to(self._masks[key], shape)
        note = f"Used the mask you gave for {self._words[key]!r}."
        return Segmentation(phrase.strip(), key, mask, 1.0, True, "user mask", note)

    def _closest(self, key: str) -> str | None:
        """``key`` when a mask is stored under it, else the one mask whose words contain it or
        are contained in it ("the car" for a mask given as "the red car"), else None.

        Only a single such mask is used: with a red car and a blue car, "the car" is ambiguous.
        """
        if key in self._masks:
            return key
        words = set(key.split())
        if not words:
            return None
        near = [k for k in self._masks if words <= set(k.split()) or set(k.split()) <= words]
        return near[0] if len(near) == 1 else None

    def __getitem__(self, key: str) -> FloatMask:
        return self._masks[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._masks)

    def __len__(self) -> int:
        return len(self._masks)


class WithUserMasks:
    """A segmenter that answers from the person's masks first (see the module doc).

    Args:
        segmenter: the segmenter for every phrase the person gave no mask for.
        masks: the person's masks; shared, so masks added later are used too.
    """

    def __init__(self, segmenter: Segmenter, masks: UserMasks) -> None:
        self.segmenter = segmenter
        self.masks = masks

    def segment(self, image: NDArray[np.generic], phrase: str) -> Segmentation:
        """The person's mask for ``phrase`` if they gave one, else the segmenter's answer."""
        shape = (int(image.shape[0]), int(image.shape[1]))
        return self.masks.find(phrase, shape) or self.segmenter.segment(image, phrase)

    def propose(self, image: NDArray[np.generic]) -> RegionMap:
        """The segmenter's region map (the person's masks are asked for by name)."""
        return self.segmenter.propose(image)

    def contents(self, image: NDArray[np.generic]) -> tuple[str, ...]:
        """What the segmenter finds, plus the words the person gave masks for."""
        lister = getattr(self.segmenter, "contents", None)
        found = lister(image) if callable(lister) else self.segmenter.propose(image).names()
        return (*found, *(k for k in self.masks if k not in found))
