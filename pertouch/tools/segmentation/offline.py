"""The offline segmenter: every region PerTouch can find without downloads, behind one interface.

People, faces and facial parts come from mediapipe's bundled models (:mod:`people_parts`); sky,
water, vegetation, architecture and ground from superpixels labelled by colour, texture, straight
lines, position and the horizon (:mod:`landscape`, whose docstring gives the cues per kind); tonal,
colour and spatial regions from pixel values and coordinates; the subject from people, an object
against the sky, or else a saliency estimate (:mod:`scene`). A tonal or colour range can be
narrowed to a region ("the orange in the sky", "the shadows in the trees"). Each photo is analysed
once on a small working view and cached, so asking "the sky", then "the faces", then "the shadows"
of the same photo costs one analysis; masks reach full resolution through edge-aware refinement
(:mod:`refine`), and the sky's edge through a colour matte (:mod:`sky_matte`: the sky between a
tower's bars or a tree's twigs is sky, so an edit to the sky leaves no halo). What is not found is answered honestly (:mod:`answers`): confidently absent, not
found, or an object the offline models have no notion of, with what the photo does contain.

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
from pertouch.tools.segmentation import answers, landscape, ranges, scene
from pertouch.tools.segmentation.cell_classifier import bundled_model
from pertouch.tools.segmentation.lexicon import Lexicon, Resolution
from pertouch.tools.segmentation.people import PeopleAnalysis, PeopleDetector
from pertouch.tools.segmentation.people_parts import PEOPLE, detect_people
from pertouch.tools.segmentation.refine import refine_mask, upsample_mask
from pertouch.tools.segmentation.sky_matte import matte_sky
from pertouch.tools.segmentation.superpixels import superpixels
from pertouch.tools.segmentation.types import FloatMask, ProposedRegion, RegionMap, Segmentation

FloatArray = NDArray[np.float32]
#: Classes that name things in the photo and so appear in a region map, least specific first.
PROPOSED = (
    "ground",
    "water",
    "vegetation",
    "architecture",
    "sky",
    "subject",
    "person",
    "hair",
    "face",
)
_SCENE_ORDER = landscape.KINDS
#: Share of the photo objects against the sky need to be the subject: a kite 50 px across in a
#: 1280 px photo is 0.1 %; specks smaller than 0.05 % are left to the saliency estimate.
MIN_SUBJECT_IN_SKY = 0.0005
#: Share of the photo a tonal or colour range needs before it counts as present.
MIN_RANGE_AREA = 0.005
#: Object classes the main subject may stand in for (see ``OfflineSegmenter._subject_for``), and
#: the share of the photo a standing-in subject may have: a speck is not the thing, and a subject
#: filling the frame is the photo.
SUBJECT_STAND_INS = ("animals", "objects")
MIN_STAND_IN, MAX_STAND_IN = 0.005, 0.6
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
    landscape: landscape.LandscapeLabels | None = None
    sky_objects: FloatMask | None = None
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
        learned: label landscape regions with the bundled learned labeller
            (:mod:`cell_classifier`); False leaves them to the hand-set rules alone.

    Example:
        >>> from skimage import data
        >>> with OfflineSegmenter() as segmenter:
        ...     answer = segmenter.segment(data.rocket(), "the sky")
        >>> answer.found, answer.mask.shape
        (True, (427, 640))
    """

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        people: PeopleDetector | None = None,
        work_size: int = 512,
        cache_size: int = 2,
        learned: bool = True,
    ):
        self.lexicon = lexicon or Lexicon()
        self._people = people
        self.work_size = work_size
        self.cache_size = cache_size
        self.landscape_model = bundled_model() if learned else None
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
        """Mask of the region ``phrase`` names, or an honest answer of why there is none."""
        resolution = self.lexicon.resolve(phrase)
        analysis = self._analyse(check_image(image))
        if not resolution.known:
            return self._not_found(analysis, resolution, "unknown_phrase")
        name = resolution.region
        if CLASSES_BY_NAME[name].kind == "object":
            stand_in = self._subject_for(analysis, resolution)
            if stand_in is not None:
                return stand_in
            return self._not_found(analysis, resolution, "unknown_object")
        detection = self._detection(analysis, name)
        if detection.confidence <= 0.0:
            return self._not_found(analysis, resolution, self._absence(analysis, name))
        mask = self._full_mask(analysis, name, detection)
        region = name
        if resolution.within:
            inside = self._detection(analysis, resolution.within)
            if inside.confidence <= 0.0:
                narrowed = Resolution(phrase, resolution.within, resolution.matched_by, 1.0)
                return self._not_found(
                    analysis, narrowed, self._absence(analysis, resolution.within)
                )
            mask = mask * self._full_mask(analysis, resolution.within, inside)
            region = f"{name} in {resolution.within}"
            if float(mask.mean()) < MIN_RANGE_AREA / 5:
                narrowed = Resolution(phrase, region, resolution.matched_by, 1.0)
                return self._not_found(analysis, narrowed, "not_found")
        note = (
            "" if resolution.matched_by == "lexicon" else f"Took {phrase.strip()!r} to mean {name}."
        )
        return Segmentation(
            phrase, region, mask, detection.confidence, True, resolution.matched_by, note
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

    def landscape_labels(self, image: NDArray[np.generic]) -> landscape.LandscapeLabels:
        """The landscape labels of the photo's superpixels (what evaluation and fitting read)."""
        return self._landscape(self._analyse(check_image(image)))

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
        if name in PEOPLE:
            return self._detect_people(a, name)
        if kind == "scene":
            labels = self._landscape(a)
            share = labels.share(name)
            if labels.confidence[name] <= 0.0:
                return scene.Detection.absent(shape)
            mask = labels.mask(name)
            if name == "sky":
                mask = self._sky_objects(a)[1]
            mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), 0.8), np.float32)
            return scene.Detection(mask, labels.confidence[name] if share > 0 else 0.0)
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
            objects = scene.main_objects(self._sky_objects(a)[0])
            if float(objects.mean()) >= MIN_SUBJECT_IN_SKY:
                blurred = cv2.GaussianBlur(objects, (0, 0), 0.8)
                return scene.Detection(np.asarray(blurred, np.float32), 0.8)
            # sky, water, vegetation and ground are never the subject; a building can be (a
            # tower, a church, a rocket on its pad)
            labels = self._landscape(a)
            built = ("none", *landscape.KINDS).index("architecture")
            taken = labels.cells.paint((labels.label > 0) & (labels.label != built))
            return scene.detect_salient(a.features, taken)
        if name == "background":
            subject = self._detection(a, "subject")
            if subject.confidence <= 0:
                return scene.Detection.absent(shape)
            return scene.Detection((1.0 - subject.mask).astype(np.float32), subject.confidence)
        if name == "global":
            return scene.Detection(np.ones(shape, np.float32), 1.0)
        return scene.Detection(ranges.spatial_mask(shape, name), 1.0)

    def _detect_people(self, a: _Analysis, name: str) -> scene.Detection:
        return detect_people(self._people_of(a), a.features, name)

    def _landscape(self, a: _Analysis) -> landscape.LandscapeLabels:
        if a.landscape is None:
            cells = superpixels(a.small, a.features.lab)
            person = self._detection(a, "person").mask
            excluded = cells.mean_of(person) > 0.5
            a.landscape = landscape.label_landscape(
                cells, a.features.lab, excluded, self.landscape_model
            )
        return a.landscape

    def _sky_objects(self, a: _Analysis) -> tuple[FloatMask, FloatMask]:
        """Objects against the sky and the sky without them, on the working view."""
        if a.sky_objects is None:
            labels = self._landscape(a)
            sky = labels.mask("sky") > 0.5 if labels.confidence["sky"] > 0 else None
            if sky is None:
                empty = np.zeros(a.small.shape[:2], np.float32)
                a.sky_objects = np.stack([empty, empty])
            else:
                a.sky_objects = np.stack(scene.sky_objects(a.features, sky))
        return a.sky_objects[0], a.sky_objects[1]

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
                radius, eps = _REFINE["people" if name in PEOPLE else kind]
                mask = refine_mask(detection.mask, a.small, a.full, radius, eps)
                if name == "sky":
                    mask = matte_sky(detection.mask, mask, a.small, a.full)
                elif (name == "subject" and self._subject_against_sky(a)) or (
                    kind == "scene" and self._detection(a, "sky").confidence > 0
                ):
                    # the sky the matte finds between a tower's bars, past a roof's edge or
                    # among branches is not subject, building or tree: "make the houses warmer"
                    # turned the overcast sky orange beside every roof
                    sky = self._full_mask(a, "sky", self._detection(a, "sky"))
                    mask = mask * (1.0 - sky)
                a.masks[name] = mask
        return a.masks[name]

    def _subject_against_sky(self, a: _Analysis) -> bool:
        """Whether the subject is a thing (not people) in a photo with a sky."""
        person = self._detection(a, "person").confidence
        return person <= 0 and self._detection(a, "sky").confidence > 0

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

    def _absence(self, a: _Analysis, name: str) -> answers.Absence:
        """Whether a region that was not found is confidently absent (see :mod:`answers`)."""
        if name in _SCENE_ORDER:
            return answers.scene_absence(self._landscape(a).possible[name])
        if name in PEOPLE:
            p = self._people_of(a)
            return answers.people_absence(p.has_person, p.has_face, name)
        return "absent"

    def _shares(self, a: _Analysis) -> tuple[tuple[str, float], ...]:
        """The named regions present and the share of the photo each covers."""
        shares = []
        for name in ("person", *_SCENE_ORDER, "subject"):
            detection = self._detection(a, name)
            if detection.confidence > 0:
                shares.append((name, float(detection.mask.mean())))
        if any(n == "person" for n, _ in shares):
            shares = [s for s in shares if s[0] != "subject"]
        return tuple(sorted(shares, key=lambda s: -s[1]))

    def _not_found(
        self, a: _Analysis, resolution: Resolution, outcome: answers.Outcome
    ) -> Segmentation:
        empty = np.zeros(a.full.shape[:2], dtype=np.float32)
        offers = self._stand_ins(a) if outcome == "unknown_object" else ()
        return answers.not_found(
            resolution, outcome, empty, self._contents(a), self._shares(a), offers
        )

    def _subject_for(self, a: _Analysis, resolution: Resolution) -> Segmentation | None:
        """The main subject standing in for an animal or a thing the offline models cannot name,
        when the subject is plainly a thing of its own: no person in the photo, and the subject
        not mostly sky, water, plants, ground or building. "Make the squirrel pop" on a squirrel
        close-up then does what it says, and the reply says what stood in; a boat or a car, often
        one part of a wider scene, is only offered the subject."""
        if resolution.region not in SUBJECT_STAND_INS:
            return None
        if self._detection(a, "person").confidence > 0:
            return None
        subject = self._detection(a, "subject")
        if subject.confidence <= 0:
            return None
        share = float(subject.mask.mean())
        labels = self._landscape(a)
        scenery = float((labels.cells.paint(labels.label > 0) * subject.mask).sum())
        if not MIN_STAND_IN <= share <= MAX_STAND_IN or scenery > 0.3 * share * subject.mask.size:
            return None
        mask = self._full_mask(a, "subject", subject)
        asked = resolution.phrase.strip()
        note = (
            f"I can't pick out {asked!r} offline, so the main subject ({float(mask.mean()):.0%} "
            "of the photo) stands in for it; paint a mask if that is not it."
        )
        return Segmentation(
            resolution.phrase, "subject", mask, subject.confidence, True, "stand-in", note
        )

    def _stand_ins(self, a: _Analysis) -> tuple[str, ...]:
        """What could stand in for an object: the subject, and the main colour off the landscape."""
        offers = []
        subject = self._detection(a, "subject")
        if subject.confidence > 0:
            offers.append("subject")
        labels = self._landscape(a)
        free = 1.0 - labels.cells.paint(labels.label > 0)
        if subject.confidence > 0:
            free = free * subject.mask
        best, best_share = "", 0.0
        for name in ranges.HUE_CENTRES:
            share = float((ranges.colour_mask(a.small, name) * free).mean())
            if share > best_share:
                best, best_share = name, share
        if best_share >= 0.01:
            offers.append(best)
        return tuple(offers)
