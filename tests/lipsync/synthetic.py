"""Talking made by hand: a mouth that opens on syllables, and a voice whose loudness follows it."""

from __future__ import annotations

import numpy as np

from interview_guard.media.core import AUDIO_RATE


def syllables(duration: float, seed: int = 0, rate_hz: float = 4.0) -> np.ndarray:
    """Syllable onset times: about rate_hz per second, irregular, in phrases of 5-8 with short pauses."""
    rng = np.random.default_rng(seed)
    times, t = [], 0.2
    while t < duration - 0.2:
        times.append(t)
        t += rng.uniform(0.6, 1.4) / rate_hz
        if len(times) % int(rng.integers(5, 9)) == 0:
            t += rng.uniform(0.4, 0.8)
    return np.array(times)


def mouth_at(t: np.ndarray, onsets: np.ndarray, width: float = 0.06) -> np.ndarray:
    """Mouth opening (eye distances): a bump per syllable on a closed mouth."""
    bumps = np.exp(-0.5 * ((t[:, None] - onsets[None, :]) / width) ** 2).sum(axis=1)
    return 0.02 + 0.3 * np.clip(bumps, 0, 1)


def voice(duration: float, onsets: np.ndarray, delay_s: float, seed: int = 1) -> np.ndarray:
    """Noise whose loudness follows the mouth, delay_s later (positive: audio late); silence elsewhere."""
    rng = np.random.default_rng(seed)
    n = int(duration * AUDIO_RATE)
    t = np.arange(n) / AUDIO_RATE
    coarse = np.arange(0.0, duration + 0.01, 0.002)  # 500 Hz is smooth enough for a loudness curve
    loudness = np.interp(t, coarse, (mouth_at(coarse - delay_s, onsets) - 0.02) / 0.3)
    return (0.3 * loudness * rng.standard_normal(n) + 1e-4 * rng.standard_normal(n)).astype(np.float32)
