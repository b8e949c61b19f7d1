"""The aligned face crop that the forgery model sees, in training (training/forgery) and at inference alike.

Light on purpose: numpy and OpenCV only, so training and the analyzer import the very same function and
see identical crops. The crop is rotated so the eyes are level, centred on the face oval's box and scaled
so that box fills `1 / margin` of the side: some skin and background around the face stay in view, where
a blending boundary would show.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CROP_SIZE = 128  # pixels a side, what the model was trained on
CROP_MARGIN = 1.3  # crop side / face-oval box side

# MediaPipe Face Mesh indices (478-point topology).
FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109)
RIGHT_EYE = (33, 133)  # outer, inner corner (the subject's right eye)
LEFT_EYE = (362, 263)
MOUTH = (61, 291, 0, 17, 13, 14, 78, 308)
NOSE_BOTTOM = 2


@dataclass(frozen=True)
class AlignedCrop:
    """A face crop and the affine map from image pixels to crop pixels."""

    image: np.ndarray  # (CROP_SIZE, CROP_SIZE, 3) uint8 RGB
    matrix: np.ndarray  # (2, 3) float, image -> crop

    def __post_init__(self) -> None:
        if self.image.ndim != 3 or self.image.shape[2] != 3:
            raise ValueError(f"crop image must be (H, W, 3), got {self.image.shape}")
        if self.matrix.shape != (2, 3):
            raise ValueError(f"crop matrix must be (2, 3), got {self.matrix.shape}")


def landmarks_to_pixels(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    """MediaPipe's normalised (478, 3) landmarks as (478, 2) pixel coordinates."""
    if landmarks.ndim != 2 or landmarks.shape[1] < 2:
        raise ValueError(f"landmarks must be (N, 2+), got {landmarks.shape}")
    return landmarks[:, :2].astype(np.float64) * np.array([width, height], dtype=np.float64)


def crop_matrix(points: np.ndarray, size: int = CROP_SIZE, margin: float = CROP_MARGIN) -> np.ndarray:
    """The (2, 3) affine map from image pixels to an aligned `size` x `size` crop of the face in `points`."""
    pts = np.asarray(points, dtype=np.float64)[:, :2]
    right, left = pts[list(RIGHT_EYE)].mean(axis=0), pts[list(LEFT_EYE)].mean(axis=0)
    dx, dy = left - right
    angle = np.arctan2(dy, dx)
    cos, sin = np.cos(-angle), np.sin(-angle)
    rot = np.array([[cos, -sin], [sin, cos]])
    oval = pts[list(FACE_OVAL)] @ rot.T
    lo, hi = oval.min(axis=0), oval.max(axis=0)
    side = max(float((hi - lo).max()) * margin, 1.0)
    centre = (lo + hi) / 2.0
    scale = size / side
    m = np.zeros((2, 3))
    m[:, :2] = rot * scale
    m[:, 2] = (np.array([size / 2.0, size / 2.0]) - centre * scale)
    return m


def aligned_crop(image: np.ndarray, points: np.ndarray, size: int = CROP_SIZE,
                 margin: float = CROP_MARGIN) -> AlignedCrop:
    """The aligned face crop of `image` (H, W, 3 uint8) for the face whose landmarks (pixels) are `points`."""
    m = crop_matrix(points, size, margin)
    scale = float(np.hypot(m[0, 0], m[0, 1]))
    source = image
    if scale < 0.7:  # a large face: shrink the frame first (area filter) so the warp does not alias
        f = min(1.0, scale * 1.4)
        source = cv2.resize(image, (max(1, round(image.shape[1] * f)), max(1, round(image.shape[0] * f))),
                            interpolation=cv2.INTER_AREA)
        fx, fy = source.shape[1] / image.shape[1], source.shape[0] / image.shape[0]
        pre = m.copy()
        pre[:, 0] /= fx
        pre[:, 1] /= fy
        out = cv2.warpAffine(source, pre, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    else:
        out = cv2.warpAffine(source, m, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    return AlignedCrop(out, m)


def transform_points(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Points (N, 2) mapped through a (2, 3) affine matrix."""
    pts = np.asarray(points, dtype=np.float64)[:, :2]
    return pts @ matrix[:, :2].T + matrix[:, 2]


def to_model_input(crops: list[np.ndarray]) -> np.ndarray:
    """Crops (H, W, 3 uint8 RGB) as the model's (N, 3, H, W) float32 input, scaled to [-1, 1]."""
    batch = np.stack(crops).astype(np.float32)
    return np.ascontiguousarray(((batch - 127.5) / 127.5).transpose(0, 3, 1, 2))
