"""Convert Resemblyzer's voice encoder (PyPI `Resemblyzer` 0.1.4, Apache-2.0) to voice_encoder.npz.

Run once, with torch installed (pip install ".[torch]"):
    pip download resemblyzer==0.1.4 --no-deps -d /tmp/rz
    python models/convert_voice_encoder.py /tmp/rz/Resemblyzer-0.1.4-py3-none-any.whl models/voice_encoder.npz

Why converted: the package needs torch, librosa and webrtcvad at run time, and interview-guard keeps torch
optional. Only the network's weights are kept (3-layer LSTM 40->256, linear 256->256, 1.4 M parameters);
interview_guard/speech/voice_encoder.py runs them with numpy.
"""

from __future__ import annotations

import io
import sys
import zipfile

import numpy as np


def main(wheel: str, out: str) -> None:
    import torch

    with zipfile.ZipFile(wheel) as z:
        checkpoint = torch.load(io.BytesIO(z.read("resemblyzer/pretrained.pt")), map_location="cpu",
                                weights_only=False)
    state = {k: v.numpy().astype(np.float32) for k, v in checkpoint["model_state"].items()
             if k.startswith(("lstm.", "linear."))}
    np.savez(out, **state)
    print(f"wrote {out}: {sum(v.size for v in state.values())} parameters")


if __name__ == "__main__":
    main(*sys.argv[1:3])
