"""The pictures bench/eval_faces.py scores, made at run time from the media folder: a dim 1080p webcam copy, rolled
and cut copies, dark glasses, and faceless pictures. Nothing is written to disk."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np

from bench.face_label_sheets import analysed_frames
from interview_guard.faces import FaceLandmarkerRunner
from interview_guard.media.core import VideoFrame

CANVAS = (640, 360)  # what the face stage sees of a 1920x1080 frame (max_side 640)
Transform = Callable[[VideoFrame], VideoFrame]


def _frame(vf: VideoFrame, image: np.ndarray, size: tuple[int, int]) -> VideoFrame:
    return VideoFrame(index=vf.index, t=vf.t, image=np.ascontiguousarray(image), source_size=size, analysed=vf.analysed)


def webcam_1080p(vf: VideoFrame) -> VideoFrame:
    """The clip at half the height of a 1920x1080 canvas (a dim room's grey around it), 40 % darker."""
    w, h = CANVAS
    im = vf.image
    scale = min(h / 2 / im.shape[0], w / im.shape[1])
    small = cv2.resize(im, (max(2, int(im.shape[1] * scale)), max(2, int(im.shape[0] * scale))),
                       interpolation=cv2.INTER_AREA)
    canvas = np.full((h, w, 3), 70, np.uint8)
    y0, x0 = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    canvas[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
    return _frame(vf, (canvas.astype(np.float32) * 0.6).astype(np.uint8), (1920, 1080))


def rolled(degrees: float) -> Transform:
    def roll(vf: VideoFrame) -> VideoFrame:
        h, w = vf.image.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        return _frame(vf, cv2.warpAffine(vf.image, m, (w, h), borderMode=cv2.BORDER_REPLICATE), vf.source_size)
    return roll


def at_left_edge(vf: VideoFrame) -> VideoFrame:
    """The picture moved left by 40 % of its width: a centred face is cut by the frame's edge."""
    h, w = vf.image.shape[:2]
    m = np.float32([[1, 0, -0.4 * w], [0, 1, 0]])
    return _frame(vf, cv2.warpAffine(vf.image, m, (w, h), borderMode=cv2.BORDER_REPLICATE), vf.source_size)


def sunglasses(landmarker: FaceLandmarkerRunner) -> Transform:
    """Dark lenses drawn over both eyes where the landmarker finds them on the clean picture (a frame where it finds
    no face is left clean, and then scores as the clean clip does)."""
    def wear(vf: VideoFrame) -> VideoFrame:
        faces = landmarker.detect_image(vf.image)
        if not faces:
            return vf
        h, w = vf.image.shape[:2]
        xy = faces[0].landmarks[:, :2] * (w, h)
        image = vf.image.copy()
        for outer, inner in ((33, 133), (263, 362)):
            centre = (xy[outer] + xy[inner]) / 2
            width = float(np.linalg.norm(xy[outer] - xy[inner]))
            angle = float(np.degrees(np.arctan2(*(xy[inner] - xy[outer])[::-1])))
            cv2.ellipse(image, tuple(int(v) for v in centre), (int(1.0 * width), int(0.7 * width)), angle, 0, 360,
                        (18, 18, 22), -1, cv2.LINE_AA)
        cv2.line(image, tuple(int(v) for v in xy[133]), tuple(int(v) for v in xy[362]), (18, 18, 22),
                 max(1, int(0.1 * np.linalg.norm(xy[133] - xy[362]))), cv2.LINE_AA)
        return _frame(vf, image, vf.source_size)
    return wear


def faceless_pictures(media: Path) -> dict[str, Iterator[np.ndarray]]:
    rng = np.random.default_rng(7)
    w, h = CANVAS
    room = _dfdc_room(media)
    pictures = {
        "black": lambda: np.zeros((h, w, 3), np.uint8),
        "flat grey + sensor noise": lambda: np.clip(120 + rng.normal(0, 3, (h, w, 3)), 0, 255).astype(np.uint8),
        "uniform noise": lambda: rng.integers(0, 256, (h, w, 3), dtype=np.uint8),
        "smoothed noise (blobs)": lambda: cv2.GaussianBlur(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), (0, 0), 6),
    }
    if room:
        for name, region in room.items():
            pictures[name] = (lambda r=region: np.clip(r.astype(np.int16) + rng.integers(-2, 3, r.shape), 0,
                                                       255).astype(np.uint8))
    return pictures


def _dfdc_room(media: Path) -> dict[str, np.ndarray]:
    """The DFDC room without its person: the parts of the frame left and right of her, scaled to 640x360."""
    clip = next(media.glob("manipulated/dfdc_*_FAKE.mp4"), None)
    if clip is None:
        return {}
    frame = next(analysed_frames(clip, 0.5)).image
    fw = frame.shape[1]
    left, right = frame[:, : int(0.36 * fw)], frame[:, int(0.62 * fw):]
    out = {}
    for name, part in (("room without its person (DFDC, left)", left), ("room without its person (DFDC, right)", right)):
        out[name] = cv2.resize(part, CANVAS, interpolation=cv2.INTER_CUBIC)
        out[name + ", 40 % darker"] = (out[name].astype(np.float32) * 0.6).astype(np.uint8)
    return out
