"""MediaPipe Face Landmarker in VIDEO mode: landmarks, blendshapes and pose per frame."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.media.core import VideoFrame
from interview_guard.model_store import resolve_model
from interview_guard.options import FaceOptions



@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """MediaPipe's C++ side prints set-up notes straight to fd 2; keep them off the user's terminal."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True)
class RawFace:
    """One face as MediaPipe returns it, before tracking."""

    landmarks: np.ndarray  # (478, 3) normalised
    blendshapes: np.ndarray  # (52,)
    matrix: np.ndarray  # (4, 4)


class FaceLandmarkerRunner:
    """Owns one FaceLandmarker for one stream (VIDEO mode keeps tracking state per stream)."""

    def __init__(self, options: FaceOptions, still_images: bool = False) -> None:
        try:
            from mediapipe.tasks.python import BaseOptions, vision
        except ImportError as e:
            raise ModelError("face analysis requires the mediapipe package: pip install mediapipe") from e
        import mediapipe as mp

        self._mp = mp
        task_options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(resolve_model("face_landmarker"))),
            running_mode=vision.RunningMode.IMAGE if still_images else vision.RunningMode.VIDEO,
            num_faces=options.max_faces,
            min_face_detection_confidence=options.min_detection_confidence,
            min_face_presence_confidence=options.min_presence_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        with _quiet_native_stderr():
            self._landmarker = vision.FaceLandmarker.create_from_options(task_options)
        self._last_ms = -1
        self._calls = 0

    def __enter__(self) -> "FaceLandmarkerRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def detect(self, frame: VideoFrame) -> list[RawFace]:
        if self._landmarker is None:
            raise RuntimeError("FaceLandmarkerRunner is closed")
        # VIDEO mode needs strictly increasing integer milliseconds.
        ms = max(int(round(frame.t * 1000)), self._last_ms + 1)
        self._last_ms = ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=frame.image)
        self._calls += 1
        if self._calls <= 2:  # the first calls log their delegate set-up
            with _quiet_native_stderr():
                result = self._landmarker.detect_for_video(image, ms)
        else:
            result = self._landmarker.detect_for_video(image, ms)
        return _raw_faces(result)

    def detect_image(self, image: np.ndarray) -> list[RawFace]:
        """Faces in one still image (a runner made with still_images=True)."""
        if self._landmarker is None:
            raise RuntimeError("FaceLandmarkerRunner is closed")
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))
        return _raw_faces(self._landmarker.detect(mp_image))


def _raw_faces(result) -> list[RawFace]:
    faces = []
    for i, lms in enumerate(result.face_landmarks):
        landmarks = np.array([(p.x, p.y, p.z) for p in lms], dtype=np.float32)
        shapes = result.face_blendshapes[i] if i < len(result.face_blendshapes) else []
        blend = np.array([c.score for c in shapes], dtype=np.float32)
        mats = result.facial_transformation_matrixes
        matrix = np.asarray(mats[i], dtype=np.float32) if i < len(mats) else np.eye(4, dtype=np.float32)
        faces.append(RawFace(landmarks, blend, matrix))
    return faces
