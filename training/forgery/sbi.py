"""Self-blended pseudo-fakes and the call-like augmentation both classes go through.

After Shiohara & Yamasaki, "Detecting Deepfakes with Self-Blended Images" (CVPR 2022): a real face is
blended onto a slightly altered copy of itself (colour, sharpness, scale, small warp) through a deformed,
blurred mask, so the only thing that tells the pseudo-fake from the real face is the blending itself.
Besides the whole face hull, masks of the lower face and the mouth stand for lip-sync pastes. Colour
transfer, near-opaque blends and soft wide edges imitate real-time swappers, so a tint is no cue.
Written from the paper; no code of the reference implementation (research-only licence) is used.
"""

from __future__ import annotations

import cv2
import numpy as np

from interview_guard.forgery.crop import CROP_MARGIN, CROP_SIZE, FACE_OVAL, MOUTH, NOSE_BOTTOM, aligned_crop
from training.forgery.scene import SceneAugment, h264_roundtrip, webcam_scene

MASK_KINDS = ("face", "lower", "mouth")
MASK_P = (0.6, 0.25, 0.15)


def _hull_mask(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.float32)
    hull = cv2.convexHull(pts.astype(np.float32)).astype(np.int32)
    cv2.fillConvexPoly(mask, hull, 1.0)
    return mask


def region_points(points: np.ndarray, kind: str) -> np.ndarray:
    """Landmarks outlining the pasted region: the face oval, the lower face (jaw and mouth), or the mouth."""
    oval = points[list(FACE_OVAL)]
    if kind == "face":
        return oval
    if kind == "lower":
        nose_y = points[NOSE_BOTTOM, 1]
        lower = oval[oval[:, 1] >= nose_y - 0.05 * np.ptp(oval[:, 1])]
        return np.vstack([lower, points[[NOSE_BOTTOM]]])
    mouth = points[list(MOUTH)]
    centre = mouth.mean(axis=0)
    return centre + (mouth - centre) * 1.6
    

def deformed_mask(shape: tuple[int, int], points: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """A float mask in [0, 1]: the region's hull with jittered vertices, grown or shrunk, then blurred."""
    pts = region_points(points, kind)
    size = float(max(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]), 4.0))
    pts = pts + rng.normal(0, 0.03 * size, pts.shape)
    mask = _hull_mask(shape, pts)
    k = int(rng.integers(1, max(2, int(size * 0.12))))
    kernel = np.ones((k, k), np.uint8)
    mask = cv2.erode(mask, kernel) if rng.random() < 0.5 else cv2.dilate(mask, kernel)
    wide = rng.random() < 0.4  # soft, wide edges as real-time swappers feather them
    sigma = size * (rng.uniform(0.06, 0.16) if wide else rng.uniform(0.01, 0.05))
    mask = cv2.GaussianBlur(mask, (0, 0), max(sigma, 0.5))
    if not wide:  # a second, harder blur inside the first keeps a visible but not binary edge
        mask = np.clip(mask * rng.uniform(1.0, 1.6), 0, 1)
    return mask


def _color_jitter(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = img.astype(np.float32)
    out = out * rng.uniform(0.85, 1.15) + rng.uniform(-18, 18)
    out = out + rng.uniform(-12, 12, 3)
    hsv = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-5, 5)) % 180
    hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(0.8, 1.2), 0, 255)
    return cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)


def _sharpness(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The source's detail made to differ from the target's, as a generated face's does: blurred, sharpened,
    smoothed with edges kept (an autoencoder's face loses skin texture, keeps its features), or rendered at
    a lower resolution and scaled up (real-time swappers render the face at 224-320 px)."""
    kind = rng.choice(4, p=(0.3, 0.25, 0.25, 0.2))
    if kind == 0:
        return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 1.6))
    if kind == 1:
        blur = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 2.0))
        return cv2.addWeighted(img, 1 + rng.uniform(0.3, 1.2), blur, -rng.uniform(0.3, 1.2), 0)
    if kind == 2:
        d = int(rng.integers(5, 10))
        return cv2.bilateralFilter(img, d, float(rng.uniform(20, 60)), float(rng.uniform(3, 9)))
    h, w = img.shape[:2]
    f = rng.uniform(0.35, 0.75)
    small = cv2.resize(img, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC if rng.random() < 0.5 else cv2.INTER_LINEAR)


def _warp(img: np.ndarray, centre: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Scale about the face centre, shift a little, and bend with a smooth random field."""
    h, w = img.shape[:2]
    s = rng.uniform(0.94, 1.06)
    m = np.array([[s, 0, (1 - s) * centre[0]], [0, s, (1 - s) * centre[1]]], np.float32)
    m[:, 2] += rng.uniform(-0.02, 0.02, 2) * w
    out = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT101)
    if rng.random() < 0.5:
        field = rng.normal(0, 1, (2, 6, 6)).astype(np.float32) * rng.uniform(0.5, 2.5)
        dx = cv2.resize(field[0], (w, h), interpolation=cv2.INTER_CUBIC)
        dy = cv2.resize(field[1], (w, h), interpolation=cv2.INTER_CUBIC)
        gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        out = cv2.remap(out, gx + dx, gy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    return out


def color_transfer(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Reinhard transfer in Lab: the source's statistics inside the mask moved to the target's."""
    sel = mask > 0.5
    if sel.sum() < 16:
        return source
    src = cv2.cvtColor(source, cv2.COLOR_RGB2LAB).astype(np.float32)
    tgt = cv2.cvtColor(target, cv2.COLOR_RGB2LAB).astype(np.float32)
    s_mean, s_std = src[sel].mean(axis=0), src[sel].std(axis=0) + 1e-3
    t_mean, t_std = tgt[sel].mean(axis=0), tgt[sel].std(axis=0) + 1e-3
    out = (src - s_mean) / s_std * t_std + t_mean
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def blend(source: np.ndarray, target: np.ndarray, mask: np.ndarray, ratio: float) -> np.ndarray:
    m = (mask * ratio)[..., None]
    return np.clip(source.astype(np.float32) * m + target.astype(np.float32) * (1 - m), 0, 255).astype(np.uint8)


def self_blend(patch: np.ndarray, points: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One self-blended pseudo-fake of `patch` (its landmarks `points`)."""
    kind = MASK_KINDS[rng.choice(len(MASK_KINDS), p=MASK_P)]
    target = patch
    source = patch.copy()
    if rng.random() < 0.5:
        source, target = _color_jitter(source, rng), target
    else:
        target = _color_jitter(target, rng)
    if rng.random() < 0.7:
        source = _sharpness(source, rng)
    source = _warp(source, points.mean(axis=0), rng)
    mask = deformed_mask(patch.shape[:2], points, kind, rng)
    if rng.random() < 0.4:
        source = color_transfer(source, target, mask)
    ratio = float(rng.choice([0.6, 0.8, 0.9, 1.0, 1.0, 1.0]))
    return blend(source, target, mask, ratio)


def cross_swap(patch: np.ndarray, points: np.ndarray, donor: np.ndarray, donor_points: np.ndarray,
               rng: np.random.Generator) -> np.ndarray:
    """Another person's face pasted on `patch` by a similarity fit of the landmarks, colour matched and
    feathered: a swap made by other means than the training pseudo-fakes, for validation only."""
    m, _ = cv2.estimateAffinePartial2D(donor_points.astype(np.float32), points.astype(np.float32))
    if m is None:
        return self_blend(patch, points, rng)
    h, w = patch.shape[:2]
    warped = cv2.warpAffine(donor, m, (w, h), borderMode=cv2.BORDER_REFLECT101)
    inner = points[list(FACE_OVAL)]
    centre = inner.mean(axis=0)
    mask = _hull_mask((h, w), centre + (inner - centre) * 0.9)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, 0.05 * float(np.ptp(inner[:, 0]))))
    warped = color_transfer(warped, patch, mask)
    return blend(warped, patch, mask, 1.0)


def call_augment(crop: np.ndarray, rng: np.random.Generator, h264_share: float = 0.0) -> np.ndarray:
    """What a video call does to a face: downscaling, compression, noise, brightness; both classes alike.
    Of the compressed crops, `h264_share` go through libx264 instead of JPEG."""
    out = crop
    if rng.random() < 0.5:
        out = out[:, ::-1]
    if rng.random() < 0.6:
        f = rng.uniform(0.35, 0.9)
        s = max(8, int(CROP_SIZE * f))
        out = cv2.resize(cv2.resize(out, (s, s), interpolation=cv2.INTER_AREA), (CROP_SIZE, CROP_SIZE),
                         interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.5:
        out = np.clip(out.astype(np.float32) * rng.uniform(0.75, 1.25) + rng.uniform(-25, 25), 0, 255)
    if rng.random() < 0.3:
        out = np.clip(out.astype(np.float32) + rng.normal(0, rng.uniform(1, 6), out.shape), 0, 255)
    out = np.ascontiguousarray(out, dtype=np.uint8)
    if rng.random() < 0.75:
        if rng.random() < h264_share:
            return h264_roundtrip(out, int(rng.integers(20, 42)))
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(30, 96))])
        out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
    return out


def model_crop(patch: np.ndarray, points: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """The model's aligned crop cut from a patch; with `rng`, the landmarks jitter a little as a tracker's do."""
    pts = points
    margin = CROP_MARGIN
    if rng is not None:
        size = float(np.ptp(points[:, 0]))
        pts = points + rng.normal(0, 0.01 * size, 2) + rng.normal(0, 0.004 * size, points.shape)
        margin = CROP_MARGIN * rng.uniform(0.95, 1.05)
    return aligned_crop(patch, pts, margin=margin).image


def sample(patch: np.ndarray, points: np.ndarray, fake: bool, rng: np.random.Generator,
           scene: SceneAugment = SceneAugment()) -> np.ndarray:
    """One training crop: real or self-blended, then a webcam scene's effects (`scene`), then call-augmented."""
    image = self_blend(patch, points, rng) if fake else patch
    return finish(model_crop(image, points, rng), rng, scene)


def finish(crop: np.ndarray, rng: np.random.Generator, scene: SceneAugment) -> np.ndarray:
    """What happens to every crop, real or fake, after it is cut: the scene, then the call."""
    if scene.any:
        crop = webcam_scene(crop, scene, rng)
    return call_augment(crop, rng, scene.h264)
