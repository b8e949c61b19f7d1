"""The forgery stage: score aligned crops of the faces a few times a second, per track.

Runs where the frame's pixels are (after identity, on the identity thread), so the analyzers read the
scores off the FaceFrame like every other face measurement.
"""

from __future__ import annotations

import time
from dataclasses import replace

import cv2
import numpy as np

from interview_guard.faces.core import FaceFrame, FaceObservation
from interview_guard.forgery.core import ForgeryScore
from interview_guard.forgery.crop import CROP_SIZE, FACE_OVAL, aligned_crop, landmarks_to_pixels
from interview_guard.forgery.model import ForgeryModel, load_forgery_model
from interview_guard.media.core import VideoFrame
from interview_guard.options import ForgeryOptions

_MIN_IN_FRAME = 0.9  # a face cut by the frame's edge gives a crop the model never saw


class ForgeryStage:
    """process(frame, faces) -> the same FaceFrame, with ForgeryScore on the faces due for one."""

    def __init__(self, options: ForgeryOptions, model: ForgeryModel | None = None) -> None:
        self.options = options
        self.model = model or load_forgery_model(options.use_gpu)
        self._last: dict[int, float] = {}  # track -> time of its last score
        self.crops_scored = 0
        self.seconds = 0.0

    def process(self, frame: VideoFrame, faces: FaceFrame) -> FaceFrame:
        if not frame.analysed or not faces.faces:
            return faces
        due = [i for i, f in enumerate(faces.faces) if self._due(f)]
        if not due:
            return faces
        started = time.perf_counter()
        h, w = frame.image.shape[:2]
        points = [landmarks_to_pixels(faces.faces[i].landmarks, w, h) for i in due]
        cut = [aligned_crop(frame.image, p) for p in points]
        probs, cams = self.model.score([c.image for c in cut])
        observed = list(faces.faces)
        for k, i in enumerate(due):
            oval = points[k][list(FACE_OVAL)]
            score = ForgeryScore(float(probs[k]), cams[k], float(np.ptp(oval[:, 0])),
                                 _source_box(cut[k].matrix, frame.scale))
            observed[i] = replace(observed[i], forgery=score)
            self._last[observed[i].track_id] = frame.t
        self.crops_scored += len(due)
        self.seconds += time.perf_counter() - started
        return replace(faces, faces=tuple(observed))

    def _due(self, face: FaceObservation) -> bool:
        if not scorable(face, self.options):
            return False
        last = self._last.get(face.track_id)
        return last is None or face.t - last >= 1.0 / self.options.per_second - 1e-6


def scorable(face: FaceObservation, options: ForgeryOptions) -> bool:
    """A face the model can judge: whole in the frame, near-frontal, wide enough (bench/forgery_crops.py
    cuts its evaluation crops by this same rule)."""
    return (face.in_frame >= _MIN_IN_FRAME and abs(face.pose.yaw) <= options.max_yaw
            and abs(face.pose.pitch) <= options.max_pitch and face.width >= options.min_face_px)


def _source_box(matrix: np.ndarray, scale: float) -> tuple[float, float, float, float]:
    """The box (source pixels) bounding the crop's square, from its image -> crop map."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0], [CROP_SIZE, 0], [0, CROP_SIZE], [CROP_SIZE, CROP_SIZE]], np.float64)
    pts = (corners @ inverse[:, :2].T + inverse[:, 2]) * scale
    return (round(float(pts[:, 0].min()), 1), round(float(pts[:, 1].min()), 1),
            round(float(pts[:, 0].max()), 1), round(float(pts[:, 1].max()), 1))
