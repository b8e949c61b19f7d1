"""Reference photos (ID card, résumé): one descriptor each, by the largest-face rule."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from interview_guard.errors import UserError
from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.identity.embedder import embed_faces
from interview_guard.options import FaceOptions

_MAX_SIDE = 1280


@dataclass(frozen=True)
class ReferenceFace:
    """A reference photo's descriptor; `note` says how the face was chosen."""

    path: Path
    embedding: np.ndarray
    faces_found: int
    note: str


def load_references(paths: tuple[str, ...] | list[str]) -> list[ReferenceFace]:
    if not paths:
        return []
    with FaceLandmarkerRunner(FaceOptions(max_faces=8), still_images=True) as runner:
        return [_load_one(Path(p), runner) for p in paths]


def _load_one(path: Path, runner: FaceLandmarkerRunner) -> ReferenceFace:
    image = _read_rgb(path)
    faces = runner.detect_image(image)
    if not faces:
        raise UserError(f"reference photo {path}: no face found; use a photo where the face is clear and frontal")
    h, w = image.shape[:2]

    def area(f) -> float:
        span = f.landmarks[:, :2].max(axis=0) - f.landmarks[:, :2].min(axis=0)
        return float(span[0] * w * span[1] * h)

    largest = max(faces, key=area)
    note = "one face" if len(faces) == 1 else f"{len(faces)} faces found; the largest was used"
    return ReferenceFace(path, embed_faces(image, [largest.landmarks])[0], len(faces), note)


def _read_rgb(path: Path) -> np.ndarray:
    if not path.is_file():
        raise UserError(f"reference photo {path}: no such file")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise UserError(f"reference photo {path}: not a readable image (expected jpg, png or webp)")
    scale = min(1.0, _MAX_SIDE / max(bgr.shape[:2]))
    if scale < 1.0:
        bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def labelled_pair_distances(folder: Path, listing: str = "master.csv") -> tuple[np.ndarray, np.ndarray]:
    """Descriptor distances of labelled photo pairs (a deepface-style CSV: file_x, file_y, Decision
    Yes/No) and whether each pair is the same person; used to calibrate and check the threshold."""
    import csv

    with open(folder / listing, newline="") as fh:
        rows = list(csv.DictReader(fh))
    names = sorted({r["file_x"] for r in rows} | {r["file_y"] for r in rows})
    vectors = {n: r.embedding for n, r in zip(names, load_references([str(folder / n) for n in names]))}
    distances = np.array([np.linalg.norm(vectors[r["file_x"]] - vectors[r["file_y"]]) for r in rows])
    same = np.array([r["Decision"] == "Yes" for r in rows])
    return distances, same
