"""The face-forgery model (models/face_forgery.onnx) through onnxruntime: no torch at run time.

Loaded once per process; CPU by default, the CUDA provider when onnxruntime has one and it was asked for.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.forgery.crop import to_model_input

MODEL_NAME = "face_forgery"
_BATCH = 16


class ForgeryModel:
    """score(crops) -> (probabilities (N,), cams (N, 4, 4)) for aligned 128 px RGB crops."""

    def __init__(self, path: str, use_gpu: bool = False) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # one crop at a time beside the other stages: keep off their cores
        options.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        if use_gpu and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        try:
            self._session = ort.InferenceSession(path, options, providers=providers)
        except Exception as e:  # onnxruntime raises its own untyped errors for a bad file
            raise ModelError(f"cannot load the face-forgery model {path}: {e}; reinstall interview-guard "
                             f"or check models/manifest.json") from e
        self._lock = threading.Lock()  # one session shared by the recording and live paths
        self.providers = tuple(self._session.get_providers())

    def score(self, crops: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        if not crops:
            return np.zeros(0, np.float32), np.zeros((0, 4, 4), np.float32)
        logits, cams = [], []
        x = to_model_input(crops)
        with self._lock:
            for i in range(0, len(x), _BATCH):
                logit, cam = self._session.run(["logit", "cam"], {"input": x[i:i + _BATCH]})
                logits.append(logit)
                cams.append(cam)
        logit = np.concatenate(logits).astype(np.float64)
        return (1.0 / (1.0 + np.exp(-logit))).astype(np.float32), np.concatenate(cams).astype(np.float32)


@functools.lru_cache(maxsize=2)
def load_forgery_model(use_gpu: bool = False) -> ForgeryModel:
    """The bundled model, verified by sha256 through model_store, loaded once per process."""
    from interview_guard.model_store import resolve_model

    return ForgeryModel(str(resolve_model(MODEL_NAME)), use_gpu)
