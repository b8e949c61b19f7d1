"""The webcam-scene effects reach both classes and only at the shares asked for."""

from __future__ import annotations

import numpy as np

from interview_guard.forgery.crop import CROP_SIZE
from training.forgery.scene import SceneAugment, h264_roundtrip, webcam_scene


def _face(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:CROP_SIZE, 0:CROP_SIZE]
    skin = np.stack([180 + 0 * x, 140 + 0.2 * y, 120 + 0.1 * x], axis=-1)
    return np.clip(skin + rng.normal(0, 4, skin.shape), 0, 255).astype(np.uint8)


def test_no_share_leaves_the_crop_as_it_was():
    crop = _face()
    out = webcam_scene(crop, SceneAugment(), np.random.default_rng(0))
    assert np.array_equal(out, crop)
    assert not SceneAugment().any and SceneAugment(h264=0.1).any


def test_occluders_cover_part_of_the_face_not_all_of_it():
    crop = _face()
    rng = np.random.default_rng(1)
    changed = []
    for _ in range(20):
        out = webcam_scene(crop, SceneAugment(occluders=1.0), rng)
        assert out.shape == crop.shape and out.dtype == np.uint8
        changed.append(float((np.abs(out.astype(int) - crop).max(axis=-1) > 20).mean()))
    assert min(changed) > 0.002  # every crop got something drawn over it
    assert max(changed) < 0.6  # and the face stays mostly visible


def test_coloured_light_shifts_the_colour_balance_across_the_face():
    crop = _face()
    out = webcam_scene(crop, SceneAugment(light=1.0), np.random.default_rng(2)).astype(float)
    ratio = out / np.maximum(crop.astype(float), 1)
    assert np.ptp(ratio[..., 0].mean(axis=0)) > 0.02 or np.ptp(ratio[..., 0].mean(axis=1)) > 0.02


def test_h264_roundtrip_keeps_the_picture_and_adds_its_own_loss():
    crop = _face()
    near = h264_roundtrip(crop, 20)
    far = h264_roundtrip(crop, 41)
    assert near.shape == crop.shape
    err_near = np.abs(near.astype(int) - crop).mean()
    err_far = np.abs(far.astype(int) - crop).mean()
    assert 0 < err_near < err_far < 25
