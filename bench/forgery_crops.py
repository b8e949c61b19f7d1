"""Aligned face crops of a clip, as the forgery stage cuts them, cached outside the repository.

The crops depend only on the clip, the analysis size and the crop geometry, not on the model, so scoring
another model over every clip in ../shared/media takes seconds once they are cut. The face is the largest
the face stage finds (the landmarker, then the second look where it finds none), on analysis frames decoded by
the project's own reader (media/reader.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.faces.tracker import FaceTracker
from interview_guard.faces.second_look import SecondLook
from interview_guard.forgery.stage import scorable
from interview_guard.forgery.crop import CROP_MARGIN, CROP_SIZE, FACE_OVAL, aligned_crop, landmarks_to_pixels
from interview_guard.media.reader import open_recording
from interview_guard.options import FaceOptions, ForgeryOptions, MediaOptions

CACHE = Path.home() / ".cache" / "interview-guard-eval" / "forgery-crops"


@dataclass(frozen=True)
class ClipCrops:
    """The scored frames of one clip: times, frame indices, crops (N, 128, 128, 3) and face widths."""

    times: np.ndarray
    frames: np.ndarray
    crops: np.ndarray
    face_px: np.ndarray


def _key(path: Path, per_second: float, max_side: int) -> str:
    st = path.stat()
    raw = repr(("stage gate", "second look", str(path.resolve()), st.st_size, int(st.st_mtime), per_second, max_side, CROP_SIZE, CROP_MARGIN))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cut_crops(path: Path, per_second: float = 4.0, max_side: int = 640, max_frames: int = 160) -> ClipCrops:
    """Crops of the largest face at `per_second` analysis frames, at most `max_frames` of them."""
    forgery = ForgeryOptions()
    tracker = FaceTracker(FaceOptions().track_max_gap_s)
    times, frames, crops, widths = [], [], [], []
    media = MediaOptions(analysis_fps=per_second, max_side=max_side)
    with open_recording(path, media, need_audio=False) as reader, FaceLandmarkerRunner(FaceOptions()) as runner, \
            SecondLook(FaceOptions()) as second:
        for item in reader.frames_and_audio():
            if not hasattr(item, "image") or not item.analysed:
                continue
            raw, search = runner.detect(item), None
            if raw:
                second.seen(item, raw)
            else:  # as the face stage does: small, dim and rolled faces are found by the second look
                raw, search = second.look(item)
            face = tracker.update(item, raw, search).largest
            if face is None or not scorable(face, forgery):  # the forgery stage's own rule
                continue
            h, w = item.image.shape[:2]
            p = landmarks_to_pixels(face.landmarks, w, h)
            times.append(item.t)
            frames.append(item.index)
            crops.append(aligned_crop(item.image, p).image)
            widths.append(float(np.ptp(p[list(FACE_OVAL)][:, 0])))
            if len(crops) >= max_frames:
                break
    shape = (0, CROP_SIZE, CROP_SIZE, 3)
    return ClipCrops(np.array(times, float), np.array(frames, int),
                     np.stack(crops) if crops else np.zeros(shape, np.uint8), np.array(widths, float))


def clip_crops(path: Path, per_second: float = 4.0, max_side: int = 640) -> ClipCrops:
    """cut_crops, computed once per clip and kept in ~/.cache/interview-guard-eval."""
    cached = CACHE / f"{path.stem[:60]}-{_key(path, per_second, max_side)}.npz"
    if cached.is_file():
        with np.load(cached) as z:
            return ClipCrops(z["times"], z["frames"], z["crops"], z["face_px"])
    found = cut_crops(path, per_second, max_side)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, times=found.times, frames=found.frames, crops=found.crops, face_px=found.face_px)
    tmp.replace(cached)
    return found
