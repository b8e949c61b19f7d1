"""Make small recordings at test time with PyAV (no files committed, no ffmpeg binary needed)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_synthetic_video(path: Path, seconds: float, fps: int = 25, size: tuple[int, int] = (160, 120),
                          tone_hz: float | None = 440.0, tone_start: float = 0.0, rate: int = 48_000) -> Path:
    """A moving gradient (and optionally a tone that starts at `tone_start`), written as mp4."""
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=fps)
        v.width, v.height, v.pix_fmt = size[0], size[1], "yuv420p"
        a = out.add_stream("aac", rate=rate, layout="mono") if tone_hz is not None else None
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(_gradient(size, i), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, fps)
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
        if a is not None:
            _write_tone(out, a, seconds, tone_hz, tone_start, rate)
    return path


def _gradient(size: tuple[int, int], i: int) -> np.ndarray:
    w, h = size
    x = (np.arange(w)[None, :] + 3 * i) % 256
    y = np.arange(h)[:, None]
    img = np.stack([np.broadcast_to(x, (h, w)), np.broadcast_to(y, (h, w)), np.full((h, w), 128)], axis=2)
    return img.astype(np.uint8)


def _write_tone(out, stream, seconds: float, hz: float, start: float, rate: int) -> None:
    n = int(seconds * rate)
    t = np.arange(n) / rate
    samples = (0.3 * np.sin(2 * np.pi * hz * t) * (t >= start)).astype(np.float32)
    block = 1024
    for s in range(0, n, block):
        piece = samples[s:s + block]
        frame = av.AudioFrame.from_ndarray(piece[None, :], format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = rate, s, Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
