"""The offline segmenter: every region PerTouch can find without downloads, behind one interface.

People, faces and facial parts come from mediapipe's bundled models; sky, vegetation, water and
ground from colour, texture and position; tonal, colour and spatial regions from pixel values and
coordinates; subject and background from people, or a saliency estimate when there are none. Each
photo is analysed once on a small working view and cached, so asking "the sky", then "the faces",
then "the shadows" of the same photo costs one analysis; masks reach full resolution through
edge-aware refinement (:mod:`refine`). A region that cannot be found here (absent, or a class such
as mountains that no offline model covers) is answered as not found, with what the photo contains.

It is longer than 300 lines because every region kind's answer (found, absent, alternatives) goes
through one cached analysis of the photo.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.core.errors import ImageReadError
from pertouch.core.metrics import analysis_shape, resize_area, to_float_rgb
from pertouch.core.regions import CLASSES_BY_NAME
from pertouch.tools.segmentation import ranges, scene
from pertouch.tools.segmentation.lexicon import Lexicon
from pertouch.tools.segmentation.people import PeopleAnalysis, PeopleDetector
from pertouch.tools.segmentation.refine import refine_mask, upsample_mask
from pertouch.tools.segmentation.types import FloatMask, ProposedRegion, RegionMap, Segmentation

FloatArray = NDArray[np.float32]
#: Classes that name things in the photo and so appear in a region map, least specific first.
PROPOSED = ("ground", "water", "vegetation", "sky", "subject", "person", "hair", "face")
_PEOPLE = {"person", "face", "face skin", "body skin", "skin", "eyes", "lips", "hair", "clothes"}
_SCENE_ORDER = ("sky", "vegetation", "water", "ground")
#: Share of the photo a tonal or colour range needs before it counts as present.
MIN_RANGE_AREA = 0.005
#: (radius in working-view pixels, eps) of the refinement, per kind of region.
_REFINE = {
    "people": (2, 1e-3),
    "scene": (4, 1e-3),
    "subject": (4, 1e-3),
    "tone": (2, 1e-4),
    "colour": (2, 1e-4),
}


def check_image(image: NDArray[np.generic]) -> NDArray[np.generic]:
    """Return ``image`` if it is an ``(H, W, 3)`` RGB array, else raise :class:`ImageReadError`."""
    if not isinstance(image, np.ndarray) or image.ndim != 3 or image.shape[2] not in (3, 4):
        shape = getattr(image, "shape", None)
        raise ImageReadError(
            f"Segmentation needs an (H, W, 3) RGB photo, not an array of shape {shape}."
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ImageReadError("The photo has no pixels; give a photo with at least one pixel.")
    if image.dtype not in (np.uint8, np.uint16) and not np.issubdtype(image.dtype, np.floating):
        raise ImageReadError(
            f"Photo pixels of type {image.dtype} are not supported; use uint8, uint16 or float."
        )
    return image


def photo_key(image: NDArray[np.generic]) -> str:
    """A content digest of the pixels, so the cache never mixes two photos up."""
    data = np.ascontiguousarray(image)
    digest = hashlib.blake2b(data.data.cast("B"), digest_size=16)
    digest.update(f"{data.shape}{data.dtype}".encode())
    return digest.hexdigest()


@dataclass
class _Analysis:
    """What the segmenter knows about one photo; filled lazily, one class at a time."""

    full: FloatArray  # (H, W, 3) guide at full resolution
    small: FloatArray  # (h, w, 3) working view
    features: scene.SceneFeatures
    people: PeopleAnalysis | None = None
    detections: dict[str, scene.Detection] = field(default_factory=dict)
    masks: dict[str, FloatMask] = field(default_factory=dict)


class OfflineSegmenter:
    """Finds regions offline on CPU; see the module docstring for what it covers.

    Args:
        lexicon: maps phrases to classes; pass ``Lexicon(MiniLMEmbedder())`` for the embedding
            fallback (the default has none, so it starts instantly).
        people: the mediapipe people detector (created on demand when None).
        work_size: long side in pixels of the working view that regions are found on.
        cache_size: how many photos' analyses to keep.

    Example:
        >>> segmenter = OfflineSegmenter()
        >>> answer = segmenter.segment(photo.pixels, "the sky")
        >>> answer.found, answer.confidence, answer.mask.shape
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        people: PeopleDetector | None = None,
        work_size: int = 512,
        cache_size: int = 2,
    ):
        self.lexicon = lexicon or Lexicon()
        self._people = people
        self.work_size = work_size
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _Analysis] = OrderedDict()

    def close(self) -> None:
        """Release the people models and forget cached photos."""
        if self._people is not None:
            self._people.close()
        self._cache.clear()

    def __enter__(self) -> OfflineSegmenter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def segment(self, image: NDArray[np.generic], phrase: str) -> Segmentation:
        """Mask of the region ``phrase`` names, or a not-found answer listing what the photo has."""
        resolution = self.lexicon.resolve(phrase)
        analysis = self._analyse(check_image(image))
        if not resolution.known:
            return self._not_found(
                analysis,
                phrase,
                "",
                resolution.matched_by,
                f"PerTouch does not know a region called {phrase.strip()!r}",
            )
        name = resolution.region
        if CLASSES_BY_NAME[name].kind == "object":
            return self._not_found(
                analysis,
                phrase,
                name,
                resolution.matched_by,
                f"Finding {name} needs the SAM3 backend; the offline models cannot find it",
            )
        detection = self._detection(analysis, name)
        if detection.confidence <= 0.0:
            return self._not_found(
                analysis, phrase, name, resolution.matched_by, f"There is no {name} in this photo"
            )
        mask = self._full_mask(analysis, name, detection)
        note = (
            "" if resolution.matched_by == "lexicon" else f"Took {phrase.strip()!r} to mean {name}."
        )
        return Segmentation(
            phrase, name, mask, detection.confidence, True, resolution.matched_by, note
        )

    def propose(self, image: NDArray[np.generic]) -> RegionMap:
        """Label map of what the offline models find (people, faces, landscape parts, subject)."""
        analysis = self._analyse(check_image(image))
        shape = analysis.full.shape[:2]
        present = [n for n in PROPOSED if self._detection(analysis, n).confidence > 0.0]
        if "person" in present and "subject" in present:
            present.remove("subject")  # the subject is the people then; one label per pixel
        labels = np.zeros(shape, dtype=np.uint16)
        best = np.full(shape, 0.5, dtype=np.float32)
        for index, name in enumerate(present, start=1):  # later (more specific) classes win ties
            mask = self._full_mask(analysis, name, self._detection(analysis, name))
            if name in ("face", "hair"):
                take = mask >= 0.5
            else:
                take = mask >= best
                np.maximum(best, mask, out=best)
            labels[take] = index
        regions = []
        counts = np.bincount(labels.ravel(), minlength=len(present) + 1) / labels.size
        for index, name in enumerate(present, start=1):
            if counts[index] > 0:
                confidence = self._detection(analysis, name).confidence
                regions.append(ProposedRegion(index, name, float(counts[index]), confidence))
        regions.sort(key=lambda r: -r.area)
        return RegionMap(labels, tuple(regions))

    def contents(self, image: NDArray[np.generic]) -> tuple[str, ...]:
        """Names of the semantic regions present in ``image`` (what a not-found answer offers)."""
        return self._contents(self._analyse(check_image(image)))

    # -- analysis --------------------------------------------------------------------------

    def _analyse(self, image: NDArray[np.generic]) -> _Analysis:
        key = photo_key(image)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        full = to_float_rgb(image)
        height, width = full.shape[:2]
        small = resize_area(full, analysis_shape(height, width, self.work_size))
        analysis = _Analysis(full=full, small=small, features=scene.SceneFeatures.of(small))
        self._cache[key] = analysis
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return analysis

    def _people_of(self, analysis: _Analysis) -> PeopleAnalysis:
        if analysis.people is None:
            if self._people is None:
                self._people = PeopleDetector()
            view = np.round(analysis.small * 255).astype(np.uint8)
            analysis.people = self._people.analyse(view)
        return analysis.people

    def _detection(self, analysis: _Analysis, name: str) -> scene.Detection:
        if name not in analysis.detections:
            analysis.detections[name] = self._detect(analysis, name)
        return analysis.detections[name]

    def _detect(self, a: _Analysis, name: str) -> scene.Detection:
        height, width = a.small.shape[:2]
        shape = (height, width)
        kind = CLASSES_BY_NAME[name].kind
        if name in _PEOPLE:
            return self._detect_people(a, name)
        if kind == "scene":
            taken = self._detection(a, "person").mask
            for earlier in _SCENE_ORDER[: _SCENE_ORDER.index(name)]:
                taken = np.maximum(taken, self._detection(a, earlier).mask)
            detector = {
                "sky": scene.detect_sky,
                "vegetation": scene.detect_vegetation,
                "water": scene.detect_water,
                "ground": scene.detect_ground,
            }[name]
            return detector(a.features, taken)
        if kind in ("tone", "colour"):
            mask = (
                ranges.tonal_masks(a.small)[name]
                if kind == "tone"
                else ranges.colour_mask(a.small, name)
            )
            present = float(mask.mean()) >= MIN_RANGE_AREA
            return scene.Detection(mask, 1.0) if present else scene.Detection.absent(shape)
        if name == "subject":
            person = self._detection(a, "person")
            if person.confidence > 0:
                return person
            landscape = np.max([self._detection(a, n).mask for n in _SCENE_ORDER], axis=0)
            return scene.detect_salient(a.features, landscape)
        if name == "background":
            subject = self._detection(a, "subject")
            if subject.confidence <= 0:
                return scene.Detection.absent(shape)
            return scene.Detection((1.0 - subject.mask).astype(np.float32), subject.confidence)
        if name == "global":
            return scene.Detection(np.ones(shape, np.float32), 1.0)
        return scene.Detection(ranges.spatial_mask(shape, name), 1.0)

    def _detect_people(self, a: _Analysis, name: str) -> scene.Detection:
        p = self._people_of(a)
        height, width = a.small.shape[:2]
        shape = (height, width)
        if name == "person":
            return (
                scene.Detection(p.person, p.person_confidence)
                if p.has_person
                else scene.Detection.absent(shape)
            )
        if not p.has_face:
            if name in ("skin", "body skin", "clothes") and p.has_person:
                return self._body_part(a, p, name)
            return scene.Detection.absent(shape)
        if name == "face":
            return scene.Detection(p.face, p.face_confidence)
        if name in ("eyes", "lips"):
            mask = p.eyes if name == "eyes" else p.lips
            return (
                scene.Detection(mask, 0.9 * p.face_confidence)
                if mask.any()
                else scene.Detection.absent(shape)
            )
        return self._body_part(a, p, name)

    def _body_part(self, a: _Analysis, p: PeopleAnalysis, name: str) -> scene.Detection:
        """Skin, hair and clothes: colour models inside the person and around the faces."""
        height, width = a.small.shape[:2]
        shape = (height, width)
        features = np.maximum(p.eyes, p.lips)
        likelihood = scene.skin_likelihood(a.features, p.face, features)
        body = np.maximum(p.person, p.face)
        skin = body * likelihood * (1.0 - features)
        face_skin = p.face * likelihood * (1.0 - features)
        confidence = 0.8 * max(p.face_confidence, p.person_confidence)
        if name == "face skin":
            part = face_skin
        elif name == "skin":
            part = np.maximum(skin, face_skin)
        elif name == "body skin":
            part = skin * (1.0 - p.face)
        else:
            hair = self._hair(p, skin, shape)
            part = (
                hair
                if name == "hair"
                else p.person * (1.0 - np.maximum(skin, p.face)) * (1.0 - hair)
            )
            confidence *= 0.7
        part = part.astype(np.float32)
        return (
            scene.Detection(part, confidence)
            if part.mean() >= 0.002
            else scene.Detection.absent(shape)
        )

    @staticmethod
    def _hair(p: PeopleAnalysis, skin: FloatArray, shape: tuple[int, int]) -> FloatArray:
        """Hair: the person around and above each face, minus face and skin."""
        head = np.zeros(shape, np.float32)
        for face in p.faces:
            x0, y0, x1, y1 = face.box
            w, h = x1 - x0, y1 - y0
            top, bottom = max(0, int(y0 - 0.7 * h)), min(shape[0], int(y1 + 0.1 * h))
            left, right = max(0, int(x0 - 0.35 * w)), min(shape[1], int(x1 + 0.35 * w))
            head[top:bottom, left:right] = 1.0
        head = np.asarray(cv2.GaussianBlur(head, (0, 0), 2.0), dtype=np.float32)
        return (head * p.person * (1.0 - p.face) * (1.0 - skin)).astype(np.float32)

    def _full_mask(self, a: _Analysis, name: str, detection: scene.Detection) -> FloatMask:
        if name not in a.masks:
            kind = CLASSES_BY_NAME[name].kind
            height, width = a.full.shape[:2]
            shape = (height, width)
            if kind in ("spatial", "global"):
                # Smooth by design: edge snapping would imprint the photo onto a gradient.
                a.masks[name] = upsample_mask(detection.mask, shape)
            elif kind == "tone":
                # Refined together and renormalised, so they still partition the photo exactly.
                radius, eps = _REFINE["tone"]
                tones = ranges.tonal_masks(a.small)
                refined = {
                    n: refine_mask(m, a.small, a.full, radius, eps) for n, m in tones.items()
                }
                total = np.maximum(sum(refined.values()), 1e-6)
                a.masks.update({n: (m / total).astype(np.float32) for n, m in refined.items()})
            else:
                radius, eps = _REFINE["people" if name in _PEOPLE else kind]
                a.masks[name] = refine_mask(detection.mask, a.small, a.full, radius, eps)
        return a.masks[name]

    def _contents(self, a: _Analysis) -> tuple[str, ...]:
        found = [
            n
            for n in ("face", "person", *_SCENE_ORDER, "subject")
            if self._detection(a, n).confidence > 0
        ]
        if "person" in found and "subject" in found:
            found.remove("subject")
        return (
            (*found, "background", "global")
            if ("subject" in found or "person" in found)
            else (*found, "global")
        )

    def _not_found(
        self, a: _Analysis, phrase: str, region: str, matched_by, reason: str
    ) -> Segmentation:
        contents = self._contents(a)
        note = f"{reason}; it has: {', '.join(contents)} (and tonal, colour and spatial ranges)."
        empty = np.zeros(a.full.shape[:2], dtype=np.float32)
        return Segmentation(phrase, region, empty, 0.0, False, matched_by, note, contents)
