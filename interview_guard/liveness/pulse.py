"""Remote photoplethysmography: the pulse in the skin's colour, by POS with CHROM as a cross-check.

POS (Wang, den Brinker, Stuijk, de Haan 2017, "Algorithmic principles of remote PPG"):
the colour trace, normalised over 1.6 s windows, is projected on the plane orthogonal to
the skin tone, where the pulse lies and most light and motion changes do not. CHROM
(de Haan & Jeanne 2013) builds its signal from two fixed chrominance mixtures instead.
Both agree on a real pulse; they rarely agree on noise.

Heart rate: the strongest spectral peak between 42 and 180 bpm. SNR (de Haan & Jeanne):
power within the window's main lobe (2/T Hz for a T-second Hann window, at least 6 bpm) of that
peak and of its first harmonic, over the rest of the band, in dB.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BAND_HZ = (0.7, 3.0)  # 42-180 bpm
_POS_WINDOW_S = 1.6


@dataclass(frozen=True)
class PulseEstimate:
    bpm: float
    snr_db: float


def resample(times: np.ndarray, values: np.ndarray, rate: float) -> np.ndarray:
    """values (N, C) at irregular times onto a uniform grid at `rate` (linear; NaN rows dropped)."""
    ok = np.isfinite(values).all(axis=1)
    times, values = times[ok], values[ok]
    if len(times) < 2:
        return np.zeros((0, values.shape[1]))
    grid = np.arange(times[0], times[-1], 1.0 / rate)
    return np.stack([np.interp(grid, times, values[:, c]) for c in range(values.shape[1])], axis=1)


def pos_signal(rgb: np.ndarray, rate: float) -> np.ndarray:
    """POS pulse signal from a uniform (N, 3) RGB trace (overlap-added 1.6 s windows)."""
    n, length = len(rgb), max(2, int(round(_POS_WINDOW_S * rate)))
    h = np.zeros(n)
    projection = np.array([[0.0, 1.0, -1.0], [-2.0, 1.0, 1.0]])
    for start in range(0, n - length + 1):
        window = rgb[start:start + length]
        mean = window.mean(axis=0)
        if (mean <= 0).any():
            continue
        s = (window / mean) @ projection.T
        std1 = s[:, 1].std()
        piece = s[:, 0] + (s[:, 0].std() / std1 if std1 > 1e-9 else 0.0) * s[:, 1]
        h[start:start + length] += piece - piece.mean()
    return bandpass(h, rate)


def chrom_signal(rgb: np.ndarray, rate: float) -> np.ndarray:
    """CHROM pulse signal from a uniform (N, 3) RGB trace."""
    mean = rgb.mean(axis=0)
    if (mean <= 0).any():
        return np.zeros(len(rgb))
    norm = rgb / mean
    x = bandpass(3.0 * norm[:, 0] - 2.0 * norm[:, 1], rate)
    y = bandpass(1.5 * norm[:, 0] + norm[:, 1] - 1.5 * norm[:, 2], rate)
    return x - (x.std() / y.std() if y.std() > 1e-12 else 0.0) * y


def bandpass(signal: np.ndarray, rate: float, band: tuple[float, float] = BAND_HZ) -> np.ndarray:
    """Zero-phase FFT band-pass with soft (raised-cosine) edges, which ring less than a brick wall."""
    n = len(signal)
    if n < 4:
        return signal - signal.mean()
    spectrum = np.fft.rfft(signal - signal.mean())
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    low, high = band
    gain = np.clip((freqs - low * 0.8) / (low * 0.2), 0, 1) * np.clip((high * 1.2 - freqs) / (high * 0.2), 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    return np.fft.irfft(spectrum * gain, n)


def estimate_pulse(signal: np.ndarray, rate: float) -> PulseEstimate:
    """Heart rate and SNR of one window of pulse signal."""
    n = len(signal)
    if n < rate * 4 or not np.isfinite(signal).all() or signal.std() < 1e-12:
        return PulseEstimate(float("nan"), float("-inf"))
    padded = max(4096, 1 << int(np.ceil(np.log2(n * 8))))
    power = np.abs(np.fft.rfft(signal * np.hanning(n), padded)) ** 2
    freqs = np.fft.rfftfreq(padded, 1.0 / rate)
    band = (freqs >= BAND_HZ[0]) & (freqs <= BAND_HZ[1])
    if not band.any():
        return PulseEstimate(float("nan"), float("-inf"))
    peak = float(freqs[band][np.argmax(power[band])])
    half_width = max(0.1, 2.0 * rate / n)  # the Hann main lobe: a pure tone's power all lies inside it
    near = (np.abs(freqs - peak) <= half_width) | (np.abs(freqs - 2 * peak) <= half_width)
    wide = (freqs >= BAND_HZ[0]) & (freqs <= min(2 * BAND_HZ[1], rate / 2))
    signal_power, noise_power = power[near & wide].sum(), power[wide & ~near].sum()
    snr = 10.0 * np.log10((signal_power + 1e-20) / (noise_power + 1e-20))
    return PulseEstimate(bpm=peak * 60.0, snr_db=float(snr))
