"""Face motion split into rigid (the head moves as a whole) and non-rigid (the face itself moves)."""

from __future__ import annotations

import numpy as np

_LEFT_EYE_OUTER, _RIGHT_EYE_OUTER = 33, 263


def eye_distance(xy: np.ndarray) -> float:
    """Distance between the outer eye corners of (N >= 468, 2) mesh landmarks, in their units: the face's
    own scale, which turning the head changes less than the box does."""
    return float(np.linalg.norm(xy[_LEFT_EYE_OUTER] - xy[_RIGHT_EYE_OUTER]))


def nonrigid_residual(reference: np.ndarray, current: np.ndarray, size: tuple[int, int]) -> float:
    """RMS landmark distance, in eye distances, left after the best similarity transform
    (shift, rotation, scale) maps `current` onto `reference`. A photo that pans and zooms
    leaves only detector noise; a living face leaves blinks, lips and brows."""
    scale = np.asarray(size, dtype=np.float64)
    a = reference[:, :2].astype(np.float64) * scale
    b = current[:, :2].astype(np.float64) * scale
    a_c, b_c = a - a.mean(axis=0), b - b.mean(axis=0)
    norm_a, norm_b = np.linalg.norm(a_c), np.linalg.norm(b_c)
    if norm_a < 1e-6 or norm_b < 1e-6:
        return float("nan")
    a_n, b_n = a_c / norm_a, b_c / norm_b
    u, s, vt = np.linalg.svd(b_n.T @ a_n)
    d = np.sign(np.linalg.det(u @ vt))  # no reflections
    rotation = u @ np.diag([1.0, d]) @ vt
    fitted = (b_n @ rotation) * (s[0] + d * s[1])
    rms = float(np.sqrt(((fitted - a_n) ** 2).sum(axis=1).mean())) * norm_a
    eyes = eye_distance(a)
    return rms / eyes if eyes > 1e-6 else float("nan")
