"""Is a face usable for identity? Size, pose, light and sharpness, with the reason when not, and the caveat when
it is usable but weak (small, or dark and described on a brightened picture)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from interview_guard.faces.core import FaceObservation
from interview_guard.options import IdentityOptions


@dataclass(frozen=True)
class FaceQuality:
    """issue: why identity cannot use the face ('' when it can), e.g. 'turned away (yaw 52°)';
    caveat: why its descriptor is less certain ('' when it is not): 'small (31 px wide)' (under full_confidence_px)
        or 'dark (mean 11/255, brightened)' (darker than brightness[0]: described on a lifted picture);
    brightness: the inner face's mean grey (None when the face was rejected before it was measured);
    dark: the face is usable but dark: its descriptor is taken on the picture brightened (lifted)."""

    issue: str
    caveat: str = ""
    brightness: float | None = None
    dark: bool = False


def quality_issue(face: FaceObservation, image: np.ndarray, scale: float, o: IdentityOptions) -> str:
    """'' when the face is usable; else a short reason such as 'turned away (yaw 52°)'."""
    return assess(face, image, scale, o).issue


def assess(face: FaceObservation, image: np.ndarray, scale: float, o: IdentityOptions) -> FaceQuality:
    """Size, pose, light and sharpness against IdentityOptions: the reason when unusable, the caveat when weak."""
    width_px = face.width / scale
    if width_px < o.min_face_px:
        return FaceQuality(f"too small ({width_px:.0f} px wide)")
    if abs(face.pose.yaw) > o.max_yaw:
        return FaceQuality(f"turned away (yaw {face.pose.yaw:.0f}°)")
    if abs(face.pose.pitch) > o.max_pitch:
        return FaceQuality(f"tilted up or down (pitch {face.pose.pitch:.0f}°)")
    crop = face_crop(face, image, scale) if face.in_frame >= 0.9 else None
    if crop is None:
        return FaceQuality("partly out of frame")
    brightness = float(crop.mean())
    if brightness < o.min_dark_brightness:
        return FaceQuality(f"too dark (mean {brightness:.0f}/255)", brightness=brightness)
    if brightness > o.brightness[1]:
        return FaceQuality(f"overexposed (mean {brightness:.0f}/255)", brightness=brightness)
    dark = brightness < o.brightness[0]
    gain = _gain(brightness) if dark else 1.0  # a dark face's detail, as it is once brightened
    sharpness = float(cv2.Laplacian(crop, cv2.CV_32F).var()) * gain * gain
    if sharpness < o.min_sharpness:
        return FaceQuality(f"blurred (sharpness {sharpness:.0f})", brightness=brightness)
    caveats = ([f"small ({width_px:.0f} px wide)"] if width_px < o.full_confidence_px else []) + (
        [f"dark (mean {brightness:.0f}/255, brightened)"] if dark else [])
    return FaceQuality("", ", ".join(caveats), brightness, dark)


_LIFT_TARGET, _MAX_GAIN = 110.0, 12.0


def lifted(image: np.ndarray, brightness: float) -> np.ndarray:
    """The picture brightened by a gain (clipped) that brings a face of mean grey `brightness` near 110/255: dlib's
    descriptor was trained on lit faces, and a face in a dark room is mostly a few grey levels."""
    return cv2.LUT(image, np.clip(np.arange(256) * _gain(brightness), 0, 255).astype(np.uint8))


def _gain(brightness: float) -> float:
    return min(_LIFT_TARGET / max(brightness, 1.0), _MAX_GAIN)


def issue_parts(issue: str) -> tuple[str, float | None]:
    """A quality_issue split into its kind and the value it measured: 'too small (32 px wide)' -> ('too small',
    32.0); 'partly out of frame' -> ('partly out of frame', None)."""
    kind, _, rest = issue.partition(" (")
    match = re.search(r"-?\d+(\.\d+)?", rest)
    return kind, float(match.group()) if match else None


def face_crop(face: FaceObservation, image: np.ndarray, scale: float, size: int = 64) -> np.ndarray | None:
    """The inner face (middle of the landmark box) as size x size grey, so measures do not depend on face size."""
    x0, y0, x1, y1 = (v / scale for v in face.box)
    mx, my = 0.2 * (x1 - x0), 0.2 * (y1 - y0)
    h, w = image.shape[:2]
    xa, ya, xb, yb = int(max(0, x0 + mx)), int(max(0, y0 + my)), int(min(w, x1 - mx)), int(min(h, y1 - my))
    if xb - xa < 8 or yb - ya < 8:
        return None
    gray = cv2.cvtColor(np.ascontiguousarray(image[ya:yb, xa:xb]), cv2.COLOR_RGB2GRAY)
    return cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA)
