"""FaceFrames with liveness measurements built by hand, so each check sees a known truth."""

from __future__ import annotations

import numpy as np

from interview_guard.faces.core import FaceFrame, FaceObservation, HeadPose
from interview_guard.liveness.appearance import THUMB, FaceAppearance, FramePicture

SIZE = (640, 480)


def base_landmarks(seed: int = 0) -> np.ndarray:
    """A face-like cloud of 478 points (normalised), with the outer eye corners 33/263 level."""
    rng = np.random.default_rng(seed)
    lm = np.zeros((478, 3), np.float32)
    lm[:, 0] = 0.5 + rng.normal(0, 0.06, 478)
    lm[:, 1] = 0.5 + rng.normal(0, 0.08, 478)
    lm[33, :2], lm[263, :2] = (0.44, 0.45), (0.56, 0.45)
    return lm


def similarity(lm: np.ndarray, shift: tuple[float, float], scale: float, angle_deg: float) -> np.ndarray:
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    out = lm.copy()
    centred = lm[:, :2] - 0.5
    out[:, :2] = (centred @ rot.T) * scale + 0.5 + np.asarray(shift, np.float32)
    return out


def observation(t: float, landmarks: np.ndarray | None = None, blend: np.ndarray | None = None,
                yaw: float = 0.0, pitch: float = 0.0, face_thumb: np.ndarray | None = None,
                skin_rgb: np.ndarray | None = None, edge_ratio: float = 0.3,
                embedding: np.ndarray | None = None) -> FaceObservation:
    lm = base_landmarks() if landmarks is None else landmarks
    xs, ys = lm[:, 0] * SIZE[0], lm[:, 1] * SIZE[1]
    appearance = FaceAppearance(
        skin_rgb=np.full((3, 3), 120.0, np.float32) if skin_rgb is None else skin_rgb, skin_px=2000,
        thumb=np.full((THUMB, THUMB), 100.0, np.float32) if face_thumb is None else face_thumb,
        luma=120.0, edge_ratio=edge_ratio, detail_ratio=0.0)
    return FaceObservation(t=t, frame_index=int(round(t * 30)), track_id=1,
                           box=(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())),
                           landmarks=lm, blendshapes=np.zeros(52, np.float32) if blend is None else blend,
                           pose=HeadPose(yaw, pitch, 0.0), in_frame=1.0, embedding=embedding,
                           appearance=appearance)


def frame(t: float, faces: tuple[FaceObservation, ...], picture_thumb: np.ndarray | None = None,
          analysed: bool = True) -> FaceFrame:
    thumb = np.full((THUMB, THUMB), 90.0, np.float32) if picture_thumb is None else picture_thumb
    return FaceFrame(t=t, frame_index=int(round(t * 30)), frame_size=SIZE, faces=faces,
                     picture=FramePicture(thumb=thumb, background_luma=90.0), analysed=analysed)


def blend_with_blink(level: float) -> np.ndarray:
    b = np.zeros(52, np.float32)
    b[9] = b[10] = level
    return b


def run(analyzer, frames: list[FaceFrame], end: float | None = None) -> list:
    found = []
    for f in frames:
        found += analyzer.on_faces(f)
    return found + analyzer.finish(end if end is not None else frames[-1].t + 0.1)
