"""Crop pairs and their targets from real talking video, through the pipeline's own decoding and landmarker.

Each frame with a face is read against each of the three frames before it and after it (the landmarked
frames around it are up to three frames away at 10 analysed frames a second on 30 fps video): both crops
placed by the other frame's landmarks, the target the change of (lip gap, mouth width, jawOpen) from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from training.clip_cache import cached_per_clip
from training.mouth_shape.crops import CROP_H, CROP_W, mouth_crop, shape_values

MAX_BACK = 3


@dataclass(frozen=True)
class CropPairs:
    """pairs: (n, 2, CROP_H, CROP_W) uint8 (the frame read, the landmarked one); targets: (n, 3) change of the
    shape values; earlier: (n, 3) the landmarked frame's values; back: frames from it to the frame read
    (negative: it comes after); frames: the source frame index of the frame read (VideoFrame.index)."""

    clip: str
    pairs: np.ndarray
    targets: np.ndarray
    earlier: np.ndarray
    back: np.ndarray
    frames: np.ndarray

    @classmethod
    def empty(cls, clip: str) -> "CropPairs":
        return cls(clip, np.zeros((0, 2, CROP_H, CROP_W), np.uint8), np.zeros((0, 3), np.float32),
                   np.zeros((0, 3), np.float32), np.zeros(0, np.int16), np.zeros(0, np.int32))


def collect(path: Path) -> CropPairs:
    from interview_guard.faces.core import JAW_OPEN
    from interview_guard.faces.landmarker import FaceLandmarkerRunner
    from interview_guard.media.core import VideoFrame
    from interview_guard.media.reader import open_recording
    from interview_guard.options import FULL_RATE_FPS, FaceOptions, MediaOptions

    greys: list[np.ndarray] = []
    indices: list[int] = []
    shapes: list[tuple[np.ndarray, float] | None] = []
    with open_recording(path, MediaOptions(), need_audio=False, full_rate_fps=FULL_RATE_FPS) as reader, \
            FaceLandmarkerRunner(FaceOptions(max_faces=1)) as runner:
        for frame in reader.frames_and_audio():
            if not isinstance(frame, VideoFrame):
                continue
            faces = runner.detect(frame)
            h, w = frame.image.shape[:2]
            greys.append(cv2.cvtColor(frame.image, cv2.COLOR_RGB2GRAY))
            indices.append(frame.index)
            shapes.append((faces[0].landmarks[:, :2] * (w, h), float(faces[0].blendshapes[JAW_OPEN]))
                          if faces else None)
    rows = [(i, i - k) for i in range(len(greys)) for k in (*range(-MAX_BACK, 0), *range(1, MAX_BACK + 1))
            if 0 <= i - k < len(greys) and shapes[i] is not None and shapes[i - k] is not None]
    if not rows:
        return CropPairs.empty(path.name)
    pairs = np.stack([np.stack([mouth_crop(greys[i], shapes[r][0]), mouth_crop(greys[r], shapes[r][0])])
                      for i, r in rows])
    now = np.stack([shape_values(*shapes[i]) for i, _ in rows])
    before = np.stack([shape_values(*shapes[r]) for _, r in rows])
    return CropPairs(path.name, pairs, now - before, before, np.array([indices[i] - indices[r] for i, r in rows],
                                                                      np.int16),
                     np.array([indices[i] for i, _ in rows], np.int32))


def cached_collect(path: Path, cache_dir: Path) -> CropPairs:
    """collect(), measured once per clip and kept in `cache_dir` (training/clip_cache.py)."""
    return cached_per_clip(path, cache_dir, "mouth_shape 3", "mouth", collect)
