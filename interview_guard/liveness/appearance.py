"""Pixel measurements the liveness checks need, taken where the pixels are (the face stage).

The analyzers never see images: per frame they get a FramePicture (a tiny grey thumbnail
and the light level around the faces) and per face a FaceAppearance (mean skin colour of
three regions for the pulse, a face thumbnail for loops and occlusion, two small grey patches
for the face's jitter against its head (only the analyzer's last frame keeps them), and on
analysed frames the detail and outline-edge statistics for seams). At most a few tens of
kilobytes per face and frame, so queues and histories stay small.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from interview_guard.liveness.jitter import MotionPatches, cut_patches

THUMB = 16  # thumbnails are THUMB x THUMB grey levels

# MediaPipe Face Mesh regions (sets; their convex hulls are the regions). The cheeks and
# forehead follow pyVHR's rPPG landmark sets; the swap region is what a FaceForensics-style
# swap replaces: brows, eyes, nose, mouth and the jaw line from ear to ear.
FOREHEAD = (10, 67, 69, 104, 108, 109, 151, 299, 337, 338, 297, 333)
RIGHT_CHEEK = (116, 117, 118, 119, 100, 126, 209, 49, 129, 203, 205, 50)  # the subject's right
LEFT_CHEEK = (345, 346, 347, 348, 329, 355, 429, 279, 358, 423, 425, 280)
SKIN_REGIONS = ("forehead", "right cheek", "left cheek")
SWAP_REGION = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148,
               152, 377, 400, 378, 379, 365, 397, 288, 361, 323, 454)
FEATURES = (33, 133, 159, 145, 263, 362, 386, 374, 70, 105, 107, 336, 334, 300, 61, 291, 0, 17)  # eyes, brows, lips
_MIN_REGION_PX = 40


@dataclass(frozen=True)
class FaceAppearance:
    """Pixel statistics of one face in one frame.

    skin_rgb: (3, 3) mean R, G, B of forehead, right cheek, left cheek (SKIN_REGIONS);
        NaN rows where a region is too small or outside the picture.
    skin_px: pixels in the smallest of those regions (what the pulse has to average).
    thumb: (16, 16) float32 grey face crop, box-aligned (loops, occlusion).
    luma: mean grey level of the skin regions.
    edge_ratio: log of gradient strength on the swap region's outline over the strength just
        inside and outside it (a pasted face leaves an edge there).
    detail_ratio: log of the strongest gradients (90th percentile) around the eyes, brows and lips
        over those of the head around the face (hair, ears, collar): a face pasted from a smaller
        or blurrier source loses its fine detail, the head around it keeps the camera's.
    motion: two small patches (eyes and nose; hair above the face) for following the face
        against its head (liveness/jitter.py); None when the area above the face is out of the picture.
    """

    skin_rgb: np.ndarray
    skin_px: int
    thumb: np.ndarray
    luma: float
    edge_ratio: float = float("nan")  # NaN on the extra full-rate frames (only analysed frames need it)
    detail_ratio: float = float("nan")
    motion: MotionPatches | None = None


@dataclass(frozen=True)
class FramePicture:
    """The whole picture of one frame, reduced: a thumbnail (frozen frames, loops) and the
    mean grey level outside the face boxes (lighting changes the face should share)."""

    thumb: np.ndarray
    background_luma: float


def measure_picture(image: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> FramePicture:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    thumb = cv2.resize(grey, (THUMB, THUMB), interpolation=cv2.INTER_AREA).astype(np.float32)
    total, count = float(grey.sum(dtype=np.float64)), grey.size
    for x0, y0, x1, y1 in boxes:
        patch = grey[y0:y1, x0:x1]
        total -= float(patch.sum(dtype=np.float64))
        count -= patch.size
    return FramePicture(thumb=thumb, background_luma=total / count if count > grey.size * 0.1 else float("nan"))


def face_pixel_box(landmarks: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The face's box in analysed-image pixels, clipped to the picture."""
    w, h = size
    xs, ys = landmarks[:, 0] * w, landmarks[:, 1] * h
    return (int(max(0, xs.min())), int(max(0, ys.min())), int(min(w, xs.max() + 1)), int(min(h, ys.max() + 1)))


def measure_face(image: np.ndarray, landmarks: np.ndarray, texture: bool = True) -> FaceAppearance:
    """Statistics of one face; `landmarks` normalised (478, 3) as MediaPipe gives them. texture=False
    skips the edge and detail statistics (the costly part), which only analysed frames need."""
    h, w = image.shape[:2]
    xy = landmarks[:, :2] * np.array([w, h], dtype=np.float32)
    x0, y0, x1, y1 = face_pixel_box(landmarks, (w, h))
    pad = max(4, (x1 - x0) // 8)
    x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    crop = image[y0:y1, x0:x1]
    local = xy - np.array([x0, y0], dtype=np.float32)
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.size else np.zeros((1, 1), np.uint8)
    masks = [_hull_mask(grey.shape, local, region) for region in (FOREHEAD, RIGHT_CHEEK, LEFT_CHEEK)]
    skin = np.full((3, 3), np.nan, dtype=np.float32)
    sizes = [cv2.countNonZero(m) for m in masks]
    for i, m in enumerate(masks):
        if sizes[i] >= _MIN_REGION_PX:
            skin[i] = cv2.mean(crop, mask=m)[:3]  # (numpy's boolean indexing took most of this function's time)
    luma = float(np.nanmean(skin @ np.array([0.299, 0.587, 0.114], np.float32))) if np.isfinite(skin).any() else 0.0
    textured = texture and crop.size > 0
    return FaceAppearance(skin_rgb=skin, skin_px=min(sizes), thumb=_face_thumb(grey), luma=luma,
                          edge_ratio=_edge_ratio(grey.astype(np.float32), local) if textured else float("nan"),
                          detail_ratio=_detail_ratio(image, xy) if textured else float("nan"),
                          motion=cut_patches(image, xy))


def _hull_mask(shape: tuple[int, ...], xy: np.ndarray, region: tuple[int, ...]) -> np.ndarray:
    """uint8 mask (1 inside) of the region's convex hull: what cv2.mean and countNonZero take."""
    mask = np.zeros(shape[:2], np.uint8)
    hull = cv2.convexHull(np.round(xy[list(region)]).astype(np.int32))
    cv2.fillConvexPoly(mask, hull, 1)
    return mask


def _face_thumb(grey: np.ndarray) -> np.ndarray:
    return cv2.resize(grey, (THUMB, THUMB), interpolation=cv2.INTER_AREA).astype(np.float32)


def _edge_ratio(g: np.ndarray, xy: np.ndarray) -> float:
    """Gradient on the swap outline against bands a little inside and outside it."""
    hull = cv2.convexHull(np.round(xy[list(SWAP_REGION)]).astype(np.int32))
    width = max(2, int(round(0.03 * (xy[:, 0].max() - xy[:, 0].min()))))
    grad = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    outline = np.zeros(g.shape, np.uint8)
    cv2.polylines(outline, [hull], True, 1, thickness=width)
    inside = np.zeros(g.shape, np.uint8)
    cv2.fillConvexPoly(inside, hull, 1)
    kernel = np.ones((3 * width, 3 * width), np.uint8)
    near = (cv2.dilate(inside, kernel) - cv2.erode(inside, kernel)).astype(bool) & ~outline.astype(bool)
    on = outline.astype(bool)
    if on.sum() < _MIN_REGION_PX or near.sum() < _MIN_REGION_PX:
        return float("nan")
    return float(np.log((grad[on].mean() + 1e-3) / (grad[near].mean() + 1e-3)))


def _detail_ratio(image: np.ndarray, xy: np.ndarray) -> float:
    """Fine detail of the face's features against the head and shoulders around the face."""
    h, w = image.shape[:2]
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    fw, fh = x1 - x0, y1 - y0
    bx0, by0 = int(max(0, x0 - 0.3 * fw)), int(max(0, y0 - 0.3 * fh))
    bx1, by1 = int(min(w, x1 + 0.3 * fw)), int(min(h, y1 + 0.3 * fh))
    if bx1 - bx0 < 16 or by1 - by0 < 16:
        return float("nan")
    g = cv2.cvtColor(image[by0:by1, bx0:bx1], cv2.COLOR_RGB2GRAY).astype(np.float32)
    grad = cv2.magnitude(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    local = xy - np.array([bx0, by0], dtype=np.float32)
    face = np.zeros(g.shape, np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(np.round(local).astype(np.int32)), 1)
    features = np.zeros(g.shape, np.uint8)
    radius = max(2, int(0.06 * fw))
    for x, y in np.round(local[list(FEATURES)]).astype(int):
        cv2.circle(features, (int(x), int(y)), radius, 1, -1)
    around = face == 0
    inner = (features == 1) & (face == 1)
    if around.sum() < _MIN_REGION_PX or inner.sum() < _MIN_REGION_PX:
        return float("nan")
    return float(np.log((np.percentile(grad[inner], 90) + 1.0) / (np.percentile(grad[around], 90) + 1.0)))
