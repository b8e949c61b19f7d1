"""Real faces for training: photos and video frames, landmarked once and cached as face patches.

Each sample is a `PATCH` x `PATCH` patch around one face (aligned by interview_guard.forgery.crop with a wide
margin) and its 478 landmarks in patch pixels. The pseudo-fakes are made from these patches on the fly
(sbi.py) and the model's crop is then cut from the patch by the same aligned_crop the analyzer uses.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from interview_guard.forgery.crop import aligned_crop, landmarks_to_pixels, transform_points

logger = logging.getLogger(__name__)

PATCH = 224
PATCH_MARGIN = 2.0
IMAGE_EXTS = (".jpg", ".jpeg", ".png")
VIDEO_EXTS = (".mp4", ".mov", ".webm", ".avi")


@dataclass(frozen=True)
class FaceSet:
    """Face patches, their landmarks and which source (person or clip) each came from."""

    patches: np.ndarray  # (N, PATCH, PATCH, 3) uint8 RGB
    points: np.ndarray  # (N, 478, 2) float32, patch pixels
    groups: np.ndarray  # (N,) int, one id per photo or per video clip
    kinds: np.ndarray  # (N,) int, 0 photo, 1 video frame

    def __post_init__(self) -> None:
        n = len(self.patches)
        if self.points.shape[0] != n or self.groups.shape != (n,) or self.kinds.shape != (n,):
            raise ValueError("FaceSet arrays disagree in length")

    def subset(self, idx: np.ndarray) -> "FaceSet":
        return FaceSet(self.patches[idx], self.points[idx], self.groups[idx], self.kinds[idx])


def _patch(image: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    crop = aligned_crop(image, points, size=PATCH, margin=PATCH_MARGIN)
    return crop.image, transform_points(points, crop.matrix).astype(np.float32)


def _largest_face(runner, image: np.ndarray) -> np.ndarray | None:
    faces = runner.detect_image(image)
    if not faces:
        return None
    pts = [landmarks_to_pixels(f.landmarks, image.shape[1], image.shape[0]) for f in faces]
    return max(pts, key=lambda p: float(np.ptp(p[:, 0]) * np.ptp(p[:, 1])))


def _video_frames(path: Path, every_s: float, max_side: int = 720):
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    step = max(1, int(round(fps * every_s)))
    i = 0
    try:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            if i % step == 0:
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                f = max_side / max(rgb.shape[:2])
                if f < 1:
                    rgb = cv2.resize(rgb, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
                yield rgb
            i += 1
    finally:
        cap.release()


def _sources(roots: list[Path]) -> list[tuple[Path, str]]:
    found = []
    for root in roots:
        for p in sorted(root.rglob("*")):
            ext = p.suffix.lower()
            if ext in IMAGE_EXTS:
                found.append((p, "photo"))
            elif ext in VIDEO_EXTS:
                found.append((p, "video"))
    if not found:
        raise FileNotFoundError(f"no images or videos under {', '.join(map(str, roots))}")
    return found


def build_faceset(roots: list[Path], video_every_s: float = 0.5) -> FaceSet:
    """Landmark every photo and every `video_every_s` seconds of every video under `roots`."""
    from interview_guard.faces.landmarker import FaceLandmarkerRunner
    from interview_guard.options import FaceOptions

    patches, points, groups, kinds = [], [], [], []
    sources = _sources(roots)
    with FaceLandmarkerRunner(FaceOptions(max_faces=2), still_images=True) as runner:
        for group, (path, kind) in enumerate(sources):
            if kind == "photo":
                bgr = cv2.imread(str(path))
                frames = [] if bgr is None else [cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)]
            else:
                frames = _video_frames(path, video_every_s)
            for image in frames:
                pts = _largest_face(runner, np.ascontiguousarray(image))
                if pts is None:
                    continue
                patch, ppts = _patch(image, pts)
                patches.append(patch)
                points.append(ppts)
                groups.append(group)
                kinds.append(0 if kind == "photo" else 1)
            if group % 200 == 0:
                logger.info("landmarked %d of %d sources, %d faces", group + 1, len(sources), len(patches))
    return FaceSet(np.stack(patches), np.stack(points), np.array(groups), np.array(kinds))


def cached_faceset(roots: list[Path], cache_dir: Path, video_every_s: float = 0.5) -> FaceSet:
    """build_faceset, computed once per set of roots and kept in `cache_dir` (outside the repository)."""
    key = hashlib.sha256(repr(([str(r.resolve()) for r in roots], video_every_s, PATCH, PATCH_MARGIN))
                         .encode()).hexdigest()[:16]
    path = cache_dir / f"faces-{key}.npz"
    if path.is_file():
        with np.load(path) as z:
            return FaceSet(z["patches"], z["points"], z["groups"], z["kinds"])
    faces = build_faceset(roots, video_every_s)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, patches=faces.patches, points=faces.points, groups=faces.groups, kinds=faces.kinds)
    tmp.replace(path)
    logger.info("cached %d faces in %s", len(faces.patches), path)
    return faces


def split_by_group(faces: FaceSet, val_fraction: float, seed: int) -> tuple[FaceSet, FaceSet]:
    """Hold back whole photos (never video frames: one clip gives many near-identical frames) for validation."""
    rng = np.random.default_rng(seed)
    photo_groups = np.unique(faces.groups[faces.kinds == 0])
    val_groups = rng.choice(photo_groups, size=int(len(photo_groups) * val_fraction), replace=False)
    is_val = np.isin(faces.groups, val_groups)
    return faces.subset(np.flatnonzero(~is_val)), faces.subset(np.flatnonzero(is_val))
