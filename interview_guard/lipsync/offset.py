"""estimate_av_offset(): at which lag does the voice follow the lips, and how clearly.

SyncNet-style, without a learned model: both signals are band-passed to the
syllable rhythm (2-10 Hz: slow drifts of light, posture and room level removed,
so does frame-to-frame landmark jitter), then the mouth signal of one window is
correlated with the voice envelope at every lag within +-max_lag. The best lag,
refined between samples by a parabola, is the offset; positive means the voice
comes after the lips (the audio is late).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SYLLABLE_BAND_HZ = (2.0, 10.0)
_MIN_OVERLAP = 0.6  # share of the window a lag must cover to count (at a recording's edges)


@dataclass(frozen=True)
class OffsetEstimate:
    """offset_s: voice lag behind the lips (positive: audio late); peak: correlation at that lag (-1..1);
    prominence: peak minus the curve's median, how far the best lag stands out from the others."""

    offset_s: float
    peak: float
    prominence: float


def bandpass(x: np.ndarray, rate: float, band: tuple[float, float] = SYLLABLE_BAND_HZ) -> np.ndarray:
    """Zero-phase band-pass by FFT with cosine edges; NaN-free input of any length."""
    n = len(x)
    if n < 4:
        return np.zeros(n)
    pad = min(n - 1, int(rate))  # mirror one second at each end against edge ringing
    y = np.concatenate([x[pad:0:-1], x, x[-2:-pad - 2:-1]]).astype(np.float64)
    y -= y.mean()
    f = np.fft.rfftfreq(len(y), 1.0 / rate)
    lo, hi = band
    gain = np.clip((f - lo / 2) / (lo / 2), 0, 1) * np.clip((1.5 * hi - f) / (0.5 * hi), 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    return np.fft.irfft(np.fft.rfft(y) * gain, len(y))[pad:pad + n]


def lag_correlations(mouth: np.ndarray, voice: np.ndarray, max_lag: int) -> np.ndarray:
    """Normalised correlation of `mouth` (n values) with `voice` (n + 2*max_lag values, NaN where
    there is no audio) at lags -max_lag..max_lag; NaN at lags that cover too little of the window."""
    n = len(mouth)
    rows = np.lib.stride_tricks.sliding_window_view(voice, n)  # row k: voice at lag k - max_lag
    valid = ~np.isnan(rows)
    count = valid.sum(axis=1)
    a = np.where(valid, rows, 0.0)
    m = np.broadcast_to(mouth, rows.shape) * valid
    a_mean = a.sum(axis=1) / np.maximum(count, 1)
    m_mean = m.sum(axis=1) / np.maximum(count, 1)
    a_c = (a - a_mean[:, None]) * valid
    m_c = (m - m_mean[:, None]) * valid
    denom = np.sqrt((a_c ** 2).sum(axis=1) * (m_c ** 2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = (a_c * m_c).sum(axis=1) / denom
    corr[(count < _MIN_OVERLAP * n) | (denom <= 0)] = np.nan
    return corr


def estimate_av_offset(curve: np.ndarray, rate: float, lag_penalty: float = 0.0) -> OffsetEstimate | None:
    """The best lag of a correlation curve (from lag_correlations, or a mean of several), sub-sample.

    lag_penalty (correlation per second of lag) breaks near-ties towards small offsets: speech has
    a syllable rhythm, so a lag one or two syllables away (300-800 ms) can score almost as well as
    the true one, while real offsets are mostly small. A clearly stronger far peak still wins.
    """
    if np.all(np.isnan(curve)):
        return None
    max_lag = (len(curve) - 1) // 2
    lags_s = (np.arange(len(curve)) - max_lag) / rate
    i = int(np.nanargmax(curve - lag_penalty * np.abs(lags_s)))
    shift = 0.0
    if 0 < i < len(curve) - 1 and not np.isnan(curve[i - 1] + curve[i + 1]):
        y0, y1, y2 = curve[i - 1], curve[i], curve[i + 1]
        bend = y0 - 2 * y1 + y2
        shift = 0.5 * (y0 - y2) / bend if bend < 0 else 0.0
    peak = float(curve[i])
    return OffsetEstimate(offset_s=(i + shift - max_lag) / rate, peak=peak,
                          prominence=peak - float(np.nanmedian(curve)))
