"""What a webcam scene puts over and onto a real face, for both classes alike.

The detector trained on self-blended photos alone raised real streamers: headsets, boom microphones,
strands of hair across the cheek, hands, and coloured LED light (bench/eval_forgery.py, the DeepFaceLive
webcam panels). An occluder's edge is a sharp boundary inside the face, like a blend's; drawn over real and
pseudo-fake crops alike, it stops being a cue. H.264 (what a call sends) differs from JPEG in its blocks
and its chroma, so a share of the crops goes through a real libx264 encode instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import cv2
import numpy as np


@dataclass(frozen=True)
class SceneAugment:
    """Shares of training crops (real and fake alike) given a webcam scene's effects."""

    occluders: float = 0.0  # a headset, microphone, hair, or a hand drawn over the crop
    light: float = 0.0  # coloured light falling across the face from one side
    h264: float = 0.0  # a libx264 intra encode instead of the JPEG step

    @property
    def any(self) -> bool:
        return self.occluders > 0 or self.light > 0 or self.h264 > 0


def _paint(img: np.ndarray, mask: np.ndarray, colour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Composite a flat-ish coloured object through `mask` with a slightly soft, anti-aliased edge."""
    soft = cv2.GaussianBlur(mask, (0, 0), rng.uniform(0.4, 1.3))[..., None]
    h, w = img.shape[:2]
    shade = np.linspace(rng.uniform(0.7, 1.0), rng.uniform(1.0, 1.3), h, dtype=np.float32)[:, None, None]
    layer = np.clip(colour[None, None, :] * shade + rng.normal(0, 3, (h, w, 3)), 0, 255)
    return np.clip(img * (1 - soft) + layer * soft, 0, 255)


def _headset(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    centre = (int(w / 2 + rng.uniform(-6, 6)), int(h * rng.uniform(0.45, 0.6)))
    axes = (int(w * rng.uniform(0.42, 0.55)), int(h * rng.uniform(0.45, 0.6)))
    cv2.ellipse(mask, centre, axes, 0, 190, 350, 1.0, int(rng.integers(5, 14)), cv2.LINE_AA)
    for side in (-1, 1):  # ear cups at the crop's edges, at eye to mouth height
        if rng.random() < 0.8:
            cx = int(w / 2 + side * w * rng.uniform(0.42, 0.52))
            cup = (int(w * rng.uniform(0.07, 0.14)), int(h * rng.uniform(0.14, 0.22)))
            cv2.ellipse(mask, (cx, int(h * rng.uniform(0.45, 0.62))), cup, 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    dark = rng.uniform(10, 70)
    colour = np.array([dark, dark, dark]) + (rng.uniform(0, 120, 3) if rng.random() < 0.3 else 0)
    return _paint(img, mask, colour, rng)


def _microphone(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    head = (int(w * rng.uniform(0.3, 0.7)), int(h * rng.uniform(0.72, 0.98)))
    if rng.random() < 0.6:  # a boom from the side
        start = (0 if rng.random() < 0.5 else w - 1, int(h * rng.uniform(0.5, 0.8)))
        cv2.line(mask, start, head, 1.0, int(rng.integers(2, 6)), cv2.LINE_AA)
    else:  # a desk microphone from below
        cv2.line(mask, (head[0], h - 1), head, 1.0, int(rng.integers(4, 10)), cv2.LINE_AA)
    r = int(w * rng.uniform(0.05, 0.12))
    cv2.ellipse(mask, head, (r, int(r * rng.uniform(1.0, 1.8))), rng.uniform(-30, 30), 0, 360, 1.0, -1,
                cv2.LINE_AA)
    return _paint(img, mask, np.full(3, rng.uniform(15, 90)), rng)


def _hair(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    top = img[: h // 8].reshape(-1, 3)
    base = top[rng.integers(len(top))].astype(np.float32) if rng.random() < 0.8 else np.full(3, rng.uniform(20, 200)) * rng.uniform(0.85, 1.15, 3)
    out = img
    x0 = rng.uniform(0.15, 0.85) * w
    for _ in range(int(rng.integers(4, 30))):  # strands falling from the top across forehead and cheek
        mask = np.zeros((h, w), np.float32)
        xs = x0 + rng.normal(0, 0.08 * w) + np.cumsum(rng.normal(0, 2.5, 8))
        ys = np.linspace(rng.uniform(-5, 0.2 * h), rng.uniform(0.45, 1.0) * h, 8)
        pts = np.stack([xs, ys], axis=1).astype(np.int32)
        cv2.polylines(mask, [pts], False, 1.0, int(rng.integers(1, 3)), cv2.LINE_AA)
        out = _paint(out, mask * rng.uniform(0.5, 1.0), base * rng.uniform(0.7, 1.2), rng)
    return out


def _hand(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    h, w = img.shape[:2]
    skin = img[int(h * 0.45):int(h * 0.6), int(w * 0.4):int(w * 0.6)].reshape(-1, 3).mean(axis=0)
    mask = np.zeros((h, w), np.float32)
    centre = (int(w * rng.uniform(0.1, 0.9)), int(h * rng.uniform(0.85, 1.1)))
    axes = (int(w * rng.uniform(0.12, 0.25)), int(h * rng.uniform(0.15, 0.3)))
    cv2.ellipse(mask, centre, axes, rng.uniform(-40, 40), 0, 360, 1.0, -1, cv2.LINE_AA)
    return _paint(img, mask, skin * rng.uniform(0.8, 1.15, 3), rng)


_OCCLUDERS = (_headset, _microphone, _hair, _hand)
_OCCLUDER_P = (0.3, 0.25, 0.3, 0.15)


def coloured_light(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A gradient of two coloured lights across the face (RGB LEDs, a monitor's glow)."""
    h, w = img.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    gx, gy = np.meshgrid(np.linspace(-1, 1, w), np.linspace(-1, 1, h))
    ramp = ((gx * np.cos(angle) + gy * np.sin(angle)) * 0.5 + 0.5).astype(np.float32)[..., None]
    c1, c2 = rng.uniform(0.75, 1.25, 3), rng.uniform(0.75, 1.25, 3)
    gain = ramp * c1 + (1 - ramp) * c2
    return np.clip(img.astype(np.float32) * gain, 0, 255)


def h264_roundtrip(img: np.ndarray, crf: int) -> np.ndarray:
    """One frame through libx264 (4:2:0, ultrafast) and back, as a call's encoder renders a key frame."""
    h, w = img.shape[:2]
    buf = io.BytesIO()
    with av.open(buf, "w", format="h264") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"crf": str(crf), "preset": "ultrafast", "tune": "zerolatency"}
        for packet in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(img), format="rgb24")):
            out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    buf.seek(0)
    with av.open(buf, "r", format="h264") as inp:
        for frame in inp.decode(video=0):
            return frame.to_ndarray(format="rgb24")
    return img  # the encoder gave nothing back: leave the crop as it was


def webcam_scene(crop: np.ndarray, scene: SceneAugment, rng: np.random.Generator) -> np.ndarray:
    """The crop with, at the shares `scene` gives, coloured light and an occluder over it."""
    out = crop.astype(np.float32)
    if rng.random() < scene.light:
        out = coloured_light(out, rng)
    if rng.random() < scene.occluders:
        occlude = _OCCLUDERS[rng.choice(len(_OCCLUDERS), p=_OCCLUDER_P)]
        out = occlude(out, rng)
    return np.ascontiguousarray(np.clip(out, 0, 255), dtype=np.uint8)
