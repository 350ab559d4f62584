"""People, faces and their parts as detections on the working view, from one people analysis.

The person and face masks come from mediapipe (:mod:`people`); skin, hair and clothes are colour
models learnt inside them: skin is the face's own skin colour found across the person, hair is the
person around and above each face minus face and skin, clothes are the rest of the person.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from pertouch.tools.segmentation import scene
from pertouch.tools.segmentation.people import PeopleAnalysis

FloatArray = NDArray[np.float32]
#: Every region class answered from the people analysis.
PEOPLE = frozenset(
    {"person", "face", "face skin", "body skin", "skin", "eyes", "lips", "hair", "clothes"}
)


def detect_people(p: PeopleAnalysis, features: scene.SceneFeatures, name: str) -> scene.Detection:
    """The detection of the people region ``name`` (one of :data:`PEOPLE`)."""
    height, width = p.person.shape
    shape = (height, width)
    if name == "person":
        return (
            scene.Detection(p.person, p.person_confidence)
            if p.has_person
            else scene.Detection.absent(shape)
        )
    if not p.has_face:
        if name in ("skin", "body skin", "clothes") and p.has_person:
            return body_part(p, features, name)
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
    return body_part(p, features, name)


def body_part(p: PeopleAnalysis, features: scene.SceneFeatures, name: str) -> scene.Detection:
    """Skin, hair and clothes: colour models inside the person and around the faces."""
    height, width = p.person.shape
    shape = (height, width)
    parts = np.maximum(p.eyes, p.lips)
    likelihood = scene.skin_likelihood(features, p.face, parts)
    body = np.maximum(p.person, p.face)
    skin = body * likelihood * (1.0 - parts)
    face_skin = p.face * likelihood * (1.0 - parts)
    confidence = 0.8 * max(p.face_confidence, p.person_confidence)
    if name == "face skin":
        part = face_skin
    elif name == "skin":
        part = np.maximum(skin, face_skin)
    elif name == "body skin":
        part = skin * (1.0 - p.face)
    else:
        hair = _hair(p, skin, shape)
        part = (
            hair if name == "hair" else p.person * (1.0 - np.maximum(skin, p.face)) * (1.0 - hair)
        )
        confidence *= 0.7
    part = part.astype(np.float32)
    return (
        scene.Detection(part, confidence) if part.mean() >= 0.002 else scene.Detection.absent(shape)
    )


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
