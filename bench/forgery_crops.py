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

from interview_guard.faces.core import HeadPose
from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.faces.second_look import SecondLook
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
    pose: np.ndarray  # (N, 2) yaw, pitch in degrees


def _key(path: Path, per_second: float, max_side: int) -> str:
    st = path.stat()
    raw = repr(("pose", "second look", str(path.resolve()), st.st_size, int(st.st_mtime), per_second, max_side, CROP_SIZE, CROP_MARGIN))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def cut_crops(path: Path, per_second: float = 4.0, max_side: int = 640, max_frames: int = 160) -> ClipCrops:
    """Crops of the largest face at `per_second` analysis frames, at most `max_frames` of them."""
    forgery = ForgeryOptions()
    times, frames, crops, widths, poses = [], [], [], [], []
    media = MediaOptions(analysis_fps=per_second, max_side=max_side)
    with open_recording(path, media, need_audio=False) as reader, FaceLandmarkerRunner(FaceOptions()) as runner, \
            SecondLook(FaceOptions()) as second:
        for item in reader.frames_and_audio():
            if not hasattr(item, "image") or not item.analysed:
                continue
            faces = runner.detect(item)
            if faces:
                second.seen(item, faces)
            else:  # as the face stage does: small, dim and rolled faces are found by the second look
                faces, _ = second.look(item)
            if not faces:
                continue
            h, w = item.image.shape[:2]
            pts = [landmarks_to_pixels(f.landmarks, w, h) for f in faces]
            k = max(range(len(pts)), key=lambda j: float(np.ptp(pts[j][:, 0]) * np.ptp(pts[j][:, 1])))
            p, pose = pts[k], HeadPose.from_matrix(faces[k].matrix)
            width = float(np.ptp(p[list(FACE_OVAL)][:, 0]))
            lm = faces[k].landmarks[:, :2]
            in_frame = float(np.mean((lm >= 0) & (lm <= 1)))
            if width * item.scale < forgery.min_face_px or in_frame < 0.9:  # as the stage skips them
                continue
            times.append(item.t)
            frames.append(item.index)
            crops.append(aligned_crop(item.image, p).image)
            widths.append(width)
            poses.append((pose.yaw, pose.pitch))
            if len(crops) >= max_frames:
                break
    shape = (0, CROP_SIZE, CROP_SIZE, 3)
    return ClipCrops(np.array(times, float), np.array(frames, int),
                     np.stack(crops) if crops else np.zeros(shape, np.uint8), np.array(widths, float),
                     np.array(poses, float).reshape(-1, 2))


def clip_crops(path: Path, per_second: float = 4.0, max_side: int = 640) -> ClipCrops:
    """cut_crops, computed once per clip and kept in ~/.cache/interview-guard-eval."""
    cached = CACHE / f"{path.stem[:60]}-{_key(path, per_second, max_side)}.npz"
    if cached.is_file():
        with np.load(cached) as z:
            return ClipCrops(z["times"], z["frames"], z["crops"], z["face_px"], z["pose"])
    found = cut_crops(path, per_second, max_side)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, times=found.times, frames=found.frames, crops=found.crops, face_px=found.face_px,
                        pose=found.pose)
    tmp.replace(cached)
    return found
