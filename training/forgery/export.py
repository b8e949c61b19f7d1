"""ONNX export checked against torch (the manifest entry is training/manifest.py)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
import torch

from training.forgery.model import ForgeryNet

logger = logging.getLogger(__name__)

TOLERANCE = 1e-3  # largest |logit difference| allowed between torch and onnxruntime


def export_onnx(model: ForgeryNet, path: Path, check_inputs: np.ndarray) -> float:
    """Write `model` as ONNX (input (N, 3, H, W) -> logit (N,), cam (N, h, w)); return the largest logit
    difference between torch and onnxruntime on `check_inputs`, refusing the file above TOLERANCE."""
    import onnxruntime as ort

    model.eval()
    tmp = path.with_suffix(".tmp.onnx")
    dummy = torch.from_numpy(check_inputs[:1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(model, (dummy,), str(tmp), input_names=["input"], output_names=["logit", "cam"],
                          dynamic_axes={"input": {0: "n"}, "logit": {0: "n"}, "cam": {0: "n"}},
                          opset_version=17, dynamo=False)
    session = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
    got = session.run(["logit"], {"input": check_inputs})[0]
    with torch.no_grad():
        want = model(torch.from_numpy(check_inputs))[0].numpy()
    diff = float(np.abs(got - want).max())
    if not diff <= TOLERANCE:
        tmp.unlink()
        raise RuntimeError(f"onnxruntime and torch disagree by {diff:.2e} (> {TOLERANCE}) on the export")
    tmp.replace(path)
    return diff
