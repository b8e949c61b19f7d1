"""The mouth-shape training code cannot rot: crops land where the landmarks put the mouth, and a short
training on drawn mouths reads a lip gap that changed since the landmarks better than holding the old one."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="training needs the torch extra: pip install -e '.[torch]'")

from training.mouth_shape.collect import CropPairs  # noqa: E402
from training.mouth_shape.crops import CROP_H, CROP_W, mouth_crop, shape_values  # noqa: E402
from training.mouth_shape.train import TrainConfig, held_out, train  # noqa: E402


def _face(gap_px: float, shift: tuple[float, float] = (0.0, 0.0)) -> tuple[np.ndarray, np.ndarray]:
    """A grey 200x200 frame with a dark mouth opening gap_px tall, and landmarks that say so."""
    frame = np.full((200, 200), 170, np.uint8)
    cx, cy = 100 + shift[0], 130 + shift[1]
    cv2.ellipse(frame, (int(round(cx)), int(round(cy))), (30, max(1, int(round(gap_px / 2)))), 0, 0, 360, 40, -1)
    xy = np.zeros((478, 2), np.float32)
    xy[61], xy[291] = (cx - 30, cy), (cx + 30, cy)
    xy[13], xy[14] = (cx, cy - gap_px / 2), (cx, cy + gap_px / 2)
    xy[33], xy[263] = (cx - 40, cy - 60), (cx + 40, cy - 60)
    return frame, xy


def _pairs(seed: int, n: int) -> CropPairs:
    rng = np.random.default_rng(seed)
    pairs, targets, earlier = [], [], []
    for _ in range(n):
        g0, g1 = rng.uniform(1, 24, 2)
        f0, xy0 = _face(g0)
        f1, xy1 = _face(g1, tuple(rng.uniform(-2, 2, 2)))  # the later frame has moved a little
        pairs.append(np.stack([mouth_crop(f1, xy0), mouth_crop(f0, xy0)]))
        before = shape_values(xy0, 0.0)
        targets.append(shape_values(xy1, 0.0) - before)
        earlier.append(before)
    return CropPairs(f"drawn{seed}", np.stack(pairs), np.stack(targets), np.stack(earlier), np.ones(n, np.int16),
                     np.arange(n, dtype=np.int32))


def test_the_crop_puts_the_mouth_corners_level_at_fixed_points():
    frame, xy = _face(12.0)
    turned = cv2.warpAffine(frame, cv2.getRotationMatrix2D((100, 100), 20, 1.0), (200, 200), borderValue=170)
    m = cv2.getRotationMatrix2D((100, 100), 20, 1.0)
    xy_turned = np.c_[xy, np.ones(len(xy))] @ m.T
    a, b = mouth_crop(frame, xy), mouth_crop(turned, xy_turned.astype(np.float32))
    assert a.shape == (CROP_H, CROP_W)
    assert a[CROP_H // 2, CROP_W // 2] < 80 and a[2, CROP_W // 2] > 150  # the opening in the middle, lip above
    assert np.abs(a.astype(int) - b.astype(int)).mean() < 6  # the tilted head reads the same crop


def test_a_short_training_reads_a_changed_gap_better_than_the_old_landmarks(tmp_path):
    net = train([_pairs(0, 400)], TrainConfig(steps=150, batch=64, seed=0))
    m = held_out(net, [_pairs(1, 100)])
    assert m.pairs == 100
    assert m.model_median < 0.6 * m.hold_median
