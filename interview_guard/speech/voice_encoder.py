"""Speaker embeddings with Resemblyzer's voice encoder, run in numpy (no torch at run time).

The network (GE2E, Wan et al. 2018) maps 1.6 s of 40-band mel power spectrogram to a 256-d unit vector;
two stretches of one voice land close (cosine similarity around 0.8 and above), two voices further apart.
The mel front end matches librosa.feature.melspectrogram's defaults, which the weights were trained on.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from interview_guard.media.core import AUDIO_RATE
from interview_guard.model_store import resolve_model

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s per embedding
PARTIAL_SAMPLES = PARTIAL_FRAMES * HOP
_lock = threading.Lock()


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default, htk=False): linear under 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    mel = hz / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log_part, mel)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    hz = mel * (200.0 / 3)
    log_part = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
    return np.where(mel >= 15.0, log_part, hz)


@functools.lru_cache(maxsize=1)
def mel_filterbank() -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) triangles with Slaney area normalisation, as librosa.filters.mel builds."""
    fft_hz = np.linspace(0, AUDIO_RATE / 2, N_FFT // 2 + 1)
    mel_hz = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(AUDIO_RATE / 2), N_MELS + 2))
    widths = np.diff(mel_hz)
    ramps = mel_hz[:, None] - fft_hz[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_power(samples: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram of 16 kHz samples, centred frames every 10 ms (not log: the
    encoder was trained on power)."""
    padded = np.pad(samples.astype(np.float32), N_FFT // 2)
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
    power = np.abs(np.fft.rfft(padded[idx] * window, axis=1)) ** 2
    return (power.astype(np.float32) @ mel_filterbank().T).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class VoiceEncoder:
    """embed(mels) -> unit 256-d vectors. Load with `voice_encoder()` (once per process)."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self._layers = []
        for i in range(3):
            w = np.concatenate([weights[f"lstm.weight_ih_l{i}"], weights[f"lstm.weight_hh_l{i}"]], axis=1).T
            b = weights[f"lstm.bias_ih_l{i}"] + weights[f"lstm.bias_hh_l{i}"]
            self._layers.append((np.ascontiguousarray(w, dtype=np.float32), b.astype(np.float32)))
        self._linear_w = weights["linear.weight"].T.astype(np.float32)
        self._linear_b = weights["linear.bias"].astype(np.float32)

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """mels: (batch, frames, 40) -> (batch, 256), each row L2-normalised (all values >= 0)."""
        x = mels.astype(np.float32)
        for w, b in self._layers:
            x, h = self._lstm_layer(x, w, b)
        raw = np.maximum(h @ self._linear_w + self._linear_b, 0.0)
        return raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)

    @staticmethod
    def _lstm_layer(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        batch, steps, _ = x.shape
        hidden = w.shape[1] // 4
        h = np.zeros((batch, hidden), np.float32)
        c = np.zeros((batch, hidden), np.float32)
        x_part = x @ w[: x.shape[2]] + b  # the input's share of every step at once
        w_h = w[x.shape[2]:]
        out = np.empty((batch, steps, hidden), np.float32)
        for t in range(steps):
            gates = x_part[:, t] + h @ w_h
            i, f = _sigmoid(gates[:, :hidden]), _sigmoid(gates[:, hidden:2 * hidden])
            g, o = np.tanh(gates[:, 2 * hidden:3 * hidden]), _sigmoid(gates[:, 3 * hidden:])
            c = f * c + i * g
            h = o * np.tanh(c)
            out[:, t] = h
        return out, h

    def embed_samples(self, windows: list[np.ndarray]) -> np.ndarray:
        """One embedding per 1.6 s window of 16 kHz samples (shorter ones are zero-padded)."""
        mels = np.stack([mel_power(np.pad(w, (0, max(0, PARTIAL_SAMPLES - len(w)))))[:PARTIAL_FRAMES]
                         for w in windows])
        return self.embed(mels)


def voice_encoder() -> VoiceEncoder:
    """The process's one encoder, loaded on first use."""
    with _lock:
        return _load()


@functools.lru_cache(maxsize=1)
def _load() -> VoiceEncoder:
    with np.load(resolve_model("voice_encoder")) as data:
        return VoiceEncoder({k: data[k] for k in data.files})
