"""The mouth crop both frames are read from, and the shape values the model learns.

A crop is placed by the landmarks of the last landmarked frame (not the frame read): the mouth corners
(61, 291) level and at fixed points, the mouth width a fixed share of the crop. The frame read between two
landmarked frames has moved a little since; the model sees that shift in training too, because its crops
are placed the same way there.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_guard.liveness.motion import eye_distance

CROP_W, CROP_H = 48, 32
_MOUTH_SHARE = 0.6  # the mouth width over the crop width
SCALES = np.array([0.1, 0.05, 0.1], np.float32)  # typical size of each target: lip gap, width, jawOpen


def mouth_crop(grey: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(CROP_H, CROP_W) uint8 crop of `grey` around the mouth that landmarks `xy` (478, 2 pixels) put."""
    left, right = xy[61].astype(np.float64), xy[291].astype(np.float64)
    centre = (left + right) / 2
    width = float(np.linalg.norm(right - left))
    angle = float(np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0])))
    m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), angle, CROP_W * _MOUTH_SHARE / max(width, 1e-3))
    m[:, 2] += (CROP_W / 2 - centre[0], CROP_H / 2 - centre[1])
    return cv2.warpAffine(grey, m, (CROP_W, CROP_H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def shape_values(xy: np.ndarray, jaw_open: float) -> np.ndarray:
    """(lip gap, mouth width, jawOpen) as lipsync.signals reads them: inner-lip gap over the mouth width,
    the mouth width over the outer eye corners' distance, and MediaPipe's jawOpen blendshape."""
    width = float(np.linalg.norm(xy[61] - xy[291]))
    eyes = eye_distance(xy)
    return np.array([float(np.linalg.norm(xy[13] - xy[14])) / max(width, 1e-3), width / max(eyes, 1e-3), jaw_open],
                    np.float32)
