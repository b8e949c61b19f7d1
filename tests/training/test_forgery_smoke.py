"""The forgery training code cannot rot: a few steps on generated faces, ONNX export, onnxruntime scores."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="training needs the torch extra: pip install -e '.[torch]'")
pytest.importorskip("onnx", reason="ONNX export needs the onnx package (torch extra)")


def _generated_faces(n: int = 6):
    from training.forgery.data import PATCH, FaceSet

    rng = np.random.default_rng(0)
    patches = rng.integers(0, 255, (n, PATCH, PATCH, 3), dtype=np.uint8)
    t = np.linspace(0, 2 * np.pi, 478, endpoint=False)
    base = np.stack([PATCH / 2 + 50 * np.cos(t), PATCH / 2 + 60 * np.sin(t)], axis=1)
    base[[33, 133]] = [[80, 100], [100, 100]]
    base[[362, 263]] = [[124, 100], [144, 100]]
    points = np.stack([base + rng.normal(0, 1, base.shape) for _ in range(n)]).astype(np.float32)
    return FaceSet(patches, points, np.arange(n), np.zeros(n, dtype=int))


def test_train_export_and_score(tmp_path):
    import onnxruntime as ort

    from interview_guard.forgery.crop import CROP_SIZE
    from training.forgery.export import export_onnx
    from training.forgery.train import TrainConfig, train, validation_sets

    faces = _generated_faces()
    result = train(faces.subset(np.arange(4)), faces.subset(np.arange(4, 6)),
                   TrainConfig(max_steps=2, minutes=5, batch=4, val_every_s=1e9, pretrained=False))
    assert result.steps == 2 and result.history
    x = validation_sets(faces.subset(np.arange(4, 6)), 0)["sbi"]
    assert x.shape == (2, 3, CROP_SIZE, CROP_SIZE)
    path = tmp_path / "f.onnx"
    assert export_onnx(result.model, path, x) <= 1e-3
    logit, cam = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"input": x})
    assert logit.shape == (2,) and cam.shape == (2, 4, 4) and np.isfinite(logit).all()


def test_cross_person_swaps_stand_in_for_that_share_of_the_fakes(monkeypatch):
    from interview_guard.forgery.crop import CROP_SIZE
    from training.forgery import train as train_module

    faces = _generated_faces(4)
    donors = []
    real_swap = train_module.cross_swap

    def counting_swap(patch, points, donor, donor_points, rng):
        donors.append(donor)
        return real_swap(patch, points, donor, donor_points, rng)

    monkeypatch.setattr(train_module, "cross_swap", counting_swap)
    rng = np.random.default_rng(0)
    crops = [train_module._crop(faces, i % 4, True, rng, 1.0) for i in range(8)]
    assert len(donors) == 8 and all(c.shape == (CROP_SIZE, CROP_SIZE, 3) for c in crops)
    train_module._crop(faces, 0, False, rng, 1.0)  # reals are never swapped
    [train_module._crop(faces, 0, True, rng, 0.0) for _ in range(8)]  # share 0: self-blends only
    assert len(donors) == 8
