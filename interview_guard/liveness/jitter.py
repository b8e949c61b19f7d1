"""Does the face move with its head? Landmark jitter that head motion does not explain.

A face swap is placed anew on every frame where a landmark detector put the face, so it
jerks against the hair and forehead above it by that detector's noise; a real face moves
with its head. The face stage cuts two small grey patches per frame (`MotionPatches`):
the brows, eyes and nose, and the hair and upper forehead above the face, on a grid of
8 pixels so that a steady head keeps its boxes. Between two frames
each patch's content shift comes from phase correlation over the part of the picture both
frames' boxes cover (sub-pixel, from the pixels, not from landmarks, which a swap's own
landmarks would follow). The face's shift
minus the head's is what the head motion does not explain; its frame-to-frame jerk
(second difference, so smooth turns and nods cancel) in eye distances is the jitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from interview_guard.liveness.motion import eye_distance

GRID = 8  # patch boxes snap to this many pixels
_MAX_SIDE = 128  # longer patches are cut to this (the centre), pixels
EYES_AND_NOSE = (70, 105, 107, 336, 334, 300, 33, 133, 159, 145, 263, 362, 386, 374, 168, 6, 1, 4, 98, 327)
_MIN_RESPONSE = 0.2  # phase correlation peaks lower than this are texture too flat to follow


@dataclass(frozen=True)
class MotionPatches:
    """Two grey patches of one face in one frame, and where they came from.

    inner, head: uint8 grey crops: brows, eyes and nose; hair and upper forehead above the face.
    inner_box, head_box: (x0, y0, x1, y1) image pixels of those crops, multiples of GRID.
    eye_px: distance between the outer eye corners, pixels.
    """

    inner: np.ndarray
    head: np.ndarray
    inner_box: tuple[int, int, int, int]
    head_box: tuple[int, int, int, int]
    eye_px: float


def cut_patches(image: np.ndarray, xy: np.ndarray) -> MotionPatches | None:
    """The patches of the face whose (478, 2) pixel landmarks are `xy`; None when the area above
    the face is outside the picture or the face is too small to follow."""
    h, w = image.shape[:2]
    x0, y0 = xy[:468].min(axis=0)
    x1, y1 = xy[:468].max(axis=0)
    fw, fh = x1 - x0, y1 - y0
    eye_px = eye_distance(xy)
    if eye_px < 20:
        return None
    ex0, ey0 = xy[list(EYES_AND_NOSE)].min(axis=0)
    ex1, ey1 = xy[list(EYES_AND_NOSE)].max(axis=0)
    inner = _cut(image, ex0 - 0.05 * fw, ey0 - 0.04 * fh, ex1 + 0.05 * fw, ey1 + 0.02 * fh)
    cx = (x0 + x1) / 2
    # Above the face mesh: hair and the top of the forehead, which a pasted face does not cover.
    head = _cut(image, cx - 0.4 * fw, y0 - 0.3 * fh, cx + 0.4 * fw, y0 + 0.02 * fh)
    if inner is None or head is None:
        return None
    return MotionPatches(inner=inner[0], head=head[0], inner_box=inner[1], head_box=head[1], eye_px=eye_px)


def _cut(image: np.ndarray, x0: float, y0: float, x1: float, y1: float
         ) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    h, w = image.shape[:2]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = min(x1 - x0, _MAX_SIDE) / 2, min(y1 - y0, _MAX_SIDE) / 2
    ix0, iy0 = int(np.floor((cx - half_w) / GRID)) * GRID, int(np.floor((cy - half_h) / GRID)) * GRID
    ix1, iy1 = int(np.ceil((cx + half_w) / GRID)) * GRID, int(np.ceil((cy + half_h) / GRID)) * GRID
    if ix0 < 0 or iy0 < 0 or ix1 > w or iy1 > h or ix1 - ix0 < 3 * GRID or iy1 - iy0 < 2 * GRID:
        return None
    return cv2.cvtColor(image[iy0:iy1, ix0:ix1], cv2.COLOR_RGB2GRAY), (ix0, iy0, ix1, iy1)


def unexplained_shift(before: MotionPatches, after: MotionPatches) -> tuple[np.ndarray, float] | None:
    """How far the face moved against its head between two frames, in eye distances (dx, dy), and
    how far the head itself moved; None when the boxes share too little or a patch is too flat."""
    inner = _content_shift(before.inner, before.inner_box, after.inner, after.inner_box)
    head = _content_shift(before.head, before.head_box, after.head, after.head_box)
    if inner is None or head is None:
        return None
    eye = 0.5 * (before.eye_px + after.eye_px)
    return (inner - head) / eye, float(np.linalg.norm(head)) / eye


def _content_shift(a: np.ndarray, box_a: tuple[int, int, int, int], b: np.ndarray,
                   box_b: tuple[int, int, int, int]) -> np.ndarray | None:
    """Shift of the picture inside the part of the image both boxes cover, pixels."""
    x0, y0 = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    x1, y1 = min(box_a[2], box_b[2]), min(box_a[3], box_b[3])
    area = (box_a[2] - box_a[0]) * (box_a[3] - box_a[1])
    if x1 - x0 < 3 * GRID or y1 - y0 < 2 * GRID or (x1 - x0) * (y1 - y0) < 0.6 * area:
        return None
    a = a[y0 - box_a[1]:y1 - box_a[1], x0 - box_a[0]:x1 - box_a[0]]
    b = b[y0 - box_b[1]:y1 - box_b[1], x0 - box_b[0]:x1 - box_b[0]]
    (dx, dy), response = cv2.phaseCorrelate(a.astype(np.float32), b.astype(np.float32), _window(a.shape))
    return np.array([dx, dy]) if response >= _MIN_RESPONSE else None


@lru_cache(maxsize=64)
def _window(shape: tuple[int, ...]) -> np.ndarray:
    return cv2.createHanningWindow((shape[1], shape[0]), cv2.CV_32F)


def jerk(before: np.ndarray, now: np.ndarray, after: np.ndarray) -> float:
    """Size of the second difference of three successive unexplained shifts (a steady drift is 0)."""
    return float(np.linalg.norm(now - 0.5 * (before + after)))
