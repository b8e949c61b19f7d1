"""Is a face usable for identity? Size, pose, light and sharpness, with the reason when not."""

from __future__ import annotations

import cv2
import numpy as np

from interview_guard.faces.core import FaceObservation
from interview_guard.options import IdentityOptions


def quality_issue(face: FaceObservation, image: np.ndarray, scale: float, o: IdentityOptions) -> str:
    """'' when the face is usable; else a short reason such as 'turned away (yaw 52°)'."""
    width_px = face.width / scale
    if width_px < o.min_face_px:
        return f"too small ({width_px:.0f} px wide)"
    if abs(face.pose.yaw) > o.max_yaw:
        return f"turned away (yaw {face.pose.yaw:.0f}°)"
    if abs(face.pose.pitch) > o.max_pitch:
        return f"tilted up or down (pitch {face.pose.pitch:.0f}°)"
    if face.in_frame < 0.9:
        return "partly out of frame"
    crop = face_crop(face, image, scale)
    if crop is None:
        return "partly out of frame"
    brightness = float(crop.mean())
    if brightness < o.brightness[0]:
        return f"too dark (mean {brightness:.0f}/255)"
    if brightness > o.brightness[1]:
        return f"overexposed (mean {brightness:.0f}/255)"
    sharpness = float(cv2.Laplacian(crop, cv2.CV_32F).var())
    if sharpness < o.min_sharpness:
        return f"blurred (sharpness {sharpness:.0f})"
    return ""


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
