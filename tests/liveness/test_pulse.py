"""POS and CHROM recover a known pulse from a synthetic skin-colour trace, and find none in noise."""

from __future__ import annotations

import numpy as np
import pytest

from interview_guard.liveness.pulse import chrom_signal, estimate_pulse, pos_signal, resample

RATE = 30.0


def skin_trace(bpm: float, seconds: float = 10.0, amplitude: float = 0.5, noise: float = 0.1,
               seed: int = 0) -> np.ndarray:
    """Mean RGB of a skin patch: skin tone, a pulse along the blood-volume direction, slow light drift, noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    tone = np.array([170.0, 120.0, 100.0])
    pulse = amplitude * np.sin(2 * np.pi * bpm / 60 * t)[:, None] * np.array([0.33, 0.77, 0.53])
    drift = (1 + 0.02 * np.sin(2 * np.pi * 0.05 * t))[:, None] * tone  # light changes scale all channels
    return drift + pulse + rng.normal(0, noise, (len(t), 3))


@pytest.mark.parametrize("bpm", [52.0, 72.0, 96.0, 140.0])
def test_pos_and_chrom_recover_the_rate(bpm: float) -> None:
    rgb = skin_trace(bpm)
    pos = estimate_pulse(pos_signal(rgb, RATE), RATE)
    chrom = estimate_pulse(chrom_signal(rgb, RATE), RATE)
    assert abs(pos.bpm - bpm) < 3 and abs(chrom.bpm - bpm) < 3
    assert pos.snr_db > 3


def test_noise_alone_has_a_low_snr() -> None:
    rgb = skin_trace(72.0, amplitude=0.0, noise=0.5, seed=3)
    assert estimate_pulse(pos_signal(rgb, RATE), RATE).snr_db < 0


def test_too_short_a_window_is_not_judged() -> None:
    est = estimate_pulse(pos_signal(skin_trace(72.0, seconds=2.0), RATE), RATE)
    assert np.isnan(est.bpm)


def test_resample_puts_irregular_frames_on_a_grid_and_drops_gaps() -> None:
    times = np.array([0.0, 0.03, 0.1, 0.13, 0.2])
    values = np.array([[0.0], [3.0], [np.nan], [13.0], [20.0]])
    grid = resample(times, values, 10.0)
    assert grid.shape == (2, 1) and grid[0, 0] == 0.0 and 9.0 < grid[1, 0] < 11.0
