"""People, faces and facial parts from mediapipe 0.10.21's bundled models (no downloads).

Selfie segmentation alone paints person-shaped blobs onto chairs and coats, so its mask is kept
only where a detector vouches for a person: a connected part of it must hold a detected face or,
for people seen from behind or too small for the face model, a pose detection. The detectors are
fooled too (an apple as a face, a bird or a cheetah as a pose), so each answer must pass the checks
of :mod:`people_checks`: the face mesh, run on a close-up crop of each detected face, must find it
there (or a human pose put its nose in it); a pose must be a human skeleton that the selfie mask
agrees with. The mesh gives the face oval, lips and eyes as polygons; a face confirmed by the pose
alone keeps an ellipse in its detection box. For one body, the pose model's own mask trims the
selfie mask where it spills onto the ground under the feet.
mediapipe is imported here, on first use, so ``import pertouch`` stays light.

It is longer than 300 lines because the four mediapipe graphs and the rules that make them agree
share one lifetime and one lock.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation import people_checks as checks
from pertouch.tools.segmentation.types import SegmenterSetupError

FloatArray = NDArray[np.float32]
#: Side of the square the face mesh looks at around each detected face.
_MESH_SIZE = 256


@dataclass(frozen=True)
class FaceBox:
    """A detected face: pixel box ``(x0, y0, x1, y1)`` on the analysed view, and its score."""

    box: tuple[float, float, float, float]
    score: float


@dataclass
class PeopleAnalysis:
    """People found on one view; every mask is ``(h, w)`` float32 in [0, 1] on that view."""

    person: FloatArray
    face: FloatArray
    eyes: FloatArray
    lips: FloatArray
    faces: list[FaceBox] = field(default_factory=list)
    person_confidence: float = 0.0
    face_confidence: float = 0.0
    #: Share of the view the selfie model called person before any detector vouched for it.
    selfie_share: float = 0.0

    @property
    def has_person(self) -> bool:
        return self.person_confidence > 0.0

    @property
    def has_face(self) -> bool:
        return bool(self.faces)


def _loops(edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Order mesh connections into closed loops of landmark indices (contours can be concave)."""
    neighbours: dict[int, list[int]] = {}
    for a, b in edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    seen: set[int] = set()
    loops = []
    for start in neighbours:
        if start in seen:
            continue
        loop, previous, current = [start], -1, start
        seen.add(start)
        while True:
            following = [n for n in neighbours[current] if n != previous and n not in seen]
            if not following:
                break
            previous, current = current, following[0]
            seen.add(current)
            loop.append(current)
        loops.append(loop)
    return loops


def _fill(shape: tuple[int, int], polygons: list[NDArray[np.float64]]) -> FloatArray:
    canvas = np.zeros(shape, dtype=np.uint8)
    for polygon in polygons:
        if len(polygon) >= 3:
            cv2.fillPoly(
                canvas,
                [np.round(polygon * 4).astype(np.int32)],
                (1,),
                lineType=cv2.LINE_AA,
                shift=2,
            )
    return canvas.astype(np.float32)


class PeopleDetector:
    """Finds people, faces, eyes and lips with mediapipe's bundled models.

    Args:
        min_face_confidence: face detections below this score are ignored.
        max_faces: the most detected faces kept (the best scored), each checked by the mesh.
        min_pose_visibility: mean landmark visibility a pose needs to count as a person.

    The mediapipe graphs are created on first use and released by :meth:`close`.
    """

    def __init__(
        self, min_face_confidence: float = 0.5, max_faces: int = 8, min_pose_visibility: float = 0.6
    ):
        self.min_face_confidence = min_face_confidence
        self.max_faces = max_faces
        self.min_pose_visibility = min_pose_visibility
        self._models: dict[str, Any] = {}

    def _model(self, name: str) -> Any:
        if name not in self._models:
            try:
                from mediapipe.python.solutions import (
                    face_detection,
                    face_mesh,
                    pose,
                    selfie_segmentation,
                )
            except ImportError as err:
                raise SegmenterSetupError(
                    "Finding people offline needs mediapipe 0.10.21; "
                    "install it with: pip install mediapipe==0.10.21."
                ) from err
            factories = {
                "detect": lambda: face_detection.FaceDetection(
                    model_selection=1, min_detection_confidence=self.min_face_confidence
                ),
                "selfie": lambda: selfie_segmentation.SelfieSegmentation(model_selection=0),
                "mesh": lambda: face_mesh.FaceMesh(
                    static_image_mode=True,
                    max_num_faces=2,  # one face close up, and a neighbour it must not take
                    refine_landmarks=True,
                    min_detection_confidence=self.min_face_confidence,
                ),
                # model_complexity=1 is the pose model in the wheel; 0 and 2 download theirs.
                "pose": lambda: pose.Pose(
                    static_image_mode=True, model_complexity=1, enable_segmentation=True
                ),
            }
            self._models[name] = factories[name]()
        return self._models[name]

    def close(self) -> None:
        """Release the mediapipe graphs."""
        for model in self._models.values():
            model.close()
        self._models.clear()

    def analyse(self, rgb: NDArray[np.uint8]) -> PeopleAnalysis:
        """Find people on an ``(h, w, 3)`` uint8 RGB view."""
        with _quiet_native_logs():
            return self._analyse(np.ascontiguousarray(rgb))

    def _analyse(self, rgb: NDArray[np.uint8]) -> PeopleAnalysis:
        shape = (rgb.shape[0], rgb.shape[1])
        selfie = self._model("selfie").process(rgb).segmentation_mask
        selfie = np.zeros(shape, np.float32) if selfie is None else selfie.astype(np.float32)
        detected = self._detect_faces(rgb)
        meshes = [self._mesh(rgb, f.box) for f in detected]
        pose = self._pose(rgb, selfie) if detected or (selfie > 0.5).any() else None
        faces, landmarks = [], []
        for f, mesh in zip(detected, meshes, strict=True):
            # A face the mesh cannot find up close counts only where a human pose puts its nose.
            if mesh is not None or (pose is not None and checks.inside(pose.nose, f.box)):
                faces.append(f)
                landmarks.append(mesh)
        person, confidence = self._gate(selfie, faces, pose, rgb)
        face, eyes, lips = _face_parts(shape, faces, landmarks)
        face_confidence = max((f.score for f in faces), default=0.0)
        share = float((selfie > 0.5).mean())
        return PeopleAnalysis(person, face, eyes, lips, faces, confidence, face_confidence, share)

    def _detect_faces(self, rgb: NDArray[np.uint8]) -> list[FaceBox]:
        h, w = rgb.shape[:2]
        result = self._model("detect").process(rgb)
        faces = []
        for detection in result.detections or []:
            box = detection.location_data.relative_bounding_box
            x0, y0 = max(0.0, box.xmin * w), max(0.0, box.ymin * h)
            x1, y1 = (
                min(float(w), (box.xmin + box.width) * w),
                min(float(h), (box.ymin + box.height) * h),
            )
            if x1 > x0 and y1 > y0:
                faces.append(FaceBox((x0, y0, x1, y1), float(detection.score[0])))
        faces.sort(key=lambda f: f.score, reverse=True)
        return faces[: self.max_faces]

    def _mesh(
        self, rgb: NDArray[np.uint8], box: tuple[float, float, float, float]
    ) -> NDArray[np.float64] | None:
        """The face mesh's landmarks (pixels) of the face in ``box``, or None when it finds none.

        The mesh looks at a square twice the box's size, so a face a twentieth of the photo wide
        fills its input as a selfie would.
        """
        crop = checks.face_crop(box, size=_MESH_SIZE)
        view = cv2.warpAffine(
            rgb, crop, (_MESH_SIZE, _MESH_SIZE), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )  # fmt: skip
        result = self._model("mesh").process(np.ascontiguousarray(view))
        found = [
            checks.from_crop(
                np.array([(p.x * _MESH_SIZE, p.y * _MESH_SIZE) for p in face.landmark]), crop
            )
            for face in result.multi_face_landmarks or []
        ]
        centre = np.array([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
        found = [points for points in found if checks.inside(points.mean(axis=0), box)]
        if not found:
            return None
        return min(found, key=lambda points: float(np.hypot(*(points.mean(axis=0) - centre))))

    def _gate(
        self,
        selfie: FloatArray,
        faces: list[FaceBox],
        pose: _Pose | None,
        rgb: NDArray[np.uint8],
    ) -> tuple[FloatArray, float]:
        """Keep the parts of the selfie mask that a face (or else a pose) vouches for."""
        anchors: list[tuple[float, float, float, float]] = [f.box for f in faces]
        confidence = max((f.score for f in faces), default=0.0)
        if not faces:
            if pose is None:
                return np.zeros_like(selfie), 0.0
            anchors, confidence = [pose.box], pose.visibility
        count, components = cv2.connectedComponents((selfie > 0.5).astype(np.uint8), connectivity=8)
        keep = np.zeros(count, dtype=bool)
        for x0, y0, x1, y1 in anchors:
            patch = components[int(y0) : int(np.ceil(y1)), int(x0) : int(np.ceil(x1))]
            labels, votes = np.unique(patch[patch > 0], return_counts=True)
            keep[labels[votes >= 0.2 * max(patch.size, 1)]] = True
        if not keep.any():
            return np.zeros_like(selfie), 0.0
        region = cv2.dilate(keep[components].astype(np.uint8), np.ones((15, 15), np.uint8))
        person = selfie * region.astype(np.float32)
        # One body: the pose model's own mask follows its limbs where the selfie model spills onto
        # the ground and what the person touches. Two or more faces may be several people, and
        # the pose model sees only one of them.
        if pose is not None and (
            not faces or (len(faces) == 1 and checks.inside(pose.nose, faces[0].box))
        ):
            person = checks.within_pose(person, pose.mask, rgb)
        return person, confidence

    def _pose(self, rgb: NDArray[np.uint8], selfie: FloatArray) -> _Pose | None:
        """The pose model's person, when it is a plausible human body that the selfie mask agrees with."""
        result = self._model("pose").process(rgb)
        if result.pose_landmarks is None or result.segmentation_mask is None:
            return None
        h, w = rgb.shape[:2]
        points = np.array(
            [(p.x * w, p.y * h, p.visibility) for p in result.pose_landmarks.landmark]
        )
        visible = points[points[:, 2] > checks.SEEN]
        visibility = float(visible[:, 2].mean()) if len(visible) >= 8 else 0.0
        if visibility < self.min_pose_visibility or not checks.plausible_skeleton(points):
            return None
        mask = result.segmentation_mask.astype(np.float32)
        # Pose alone finds "people" in motorcycles and chairs; it counts only when its own
        # person mask and the selfie model's agree.
        a, b = mask > 0.5, selfie > 0.5
        if (a & b).sum() < 0.5 * max((a | b).sum(), 1):
            return None
        x0, y0 = visible[:, :2].min(axis=0)
        x1, y1 = visible[:, :2].max(axis=0)
        box = (max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1))
        return _Pose(box, mask, visibility, points[checks.NOSE, :2])


@dataclass(frozen=True)
class _Pose:
    """A pose that passed the checks: its landmarks' box, its body mask, visibility and nose."""

    box: tuple[float, float, float, float]
    mask: FloatArray
    visibility: float
    nose: NDArray[np.float64]


def _face_parts(
    shape: tuple[int, int], faces: list[FaceBox], landmarks: list[NDArray[np.float64] | None]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Face oval, eyes and lips from each face's mesh; a face without one gets an ellipse."""
    from mediapipe.python.solutions import face_mesh

    h, w = shape
    ovals, eyes, lips_outer, lips_inner = [], [], [], []
    for points in landmarks:
        if points is None:
            continue
        ovals += [points[loop] for loop in _loops(face_mesh.FACEMESH_FACE_OVAL)]
        for eye in (face_mesh.FACEMESH_LEFT_EYE, face_mesh.FACEMESH_RIGHT_EYE):
            eyes += [points[loop] for loop in _loops(eye)]
        loops = sorted(
            (points[loop] for loop in _loops(face_mesh.FACEMESH_LIPS)), key=_area, reverse=True
        )
        lips_outer += loops[:1]
        lips_inner += loops[1:2]
    face = _fill(shape, ovals)
    for f, points in zip(faces, landmarks, strict=True):
        if points is not None:
            continue
        x0, y0, x1, y1 = f.box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        axes = (max(1, int((x1 - x0) / 2)), max(1, int((y1 - y0) * 0.65)))
        center = (int(min(cx, w - 1)), int(min(cy - (y1 - y0) * 0.1, h - 1)))
        cv2.ellipse(face, center, axes, 0, 0, 360, (1.0,), -1, cv2.LINE_AA)
    lips = np.clip(_fill(shape, lips_outer) - _fill(shape, lips_inner), 0.0, 1.0)
    return face, _fill(shape, eyes), lips


@contextlib.contextmanager
def _quiet_native_logs() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while mediapipe builds and runs its graphs.

    Its C++ side writes TensorFlow Lite and absl notices straight to the descriptor (before absl's
    logging is initialised, so no environment variable reaches them); a user of the CLI would see
    a dozen lines of noise per photo. Python's own errors are raised, not printed, so none is lost.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    sys.stderr.flush()
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _area(polygon: NDArray[np.float64]) -> float:
    return abs(float(cv2.contourArea(polygon.astype(np.float32))))
