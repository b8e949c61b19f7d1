import numpy as np
import pytest

from interview_guard.lipsync.offset import bandpass, estimate_av_offset, lag_correlations
from tests.lipsync.synthetic import mouth_at, syllables

RATE = 100


@pytest.mark.parametrize("delay_s", [-0.8, -0.2, 0.0, 0.08, 0.4, 0.8])
def test_lag_of_a_delayed_copy_is_found_between_samples(delay_s):
    onsets = syllables(8.0, seed=3)
    t = np.arange(200, 600) / RATE  # a 4 s window from 2 s on
    mouth = bandpass(mouth_at(t, onsets), RATE)
    t_voice = np.arange(100, 700) / RATE  # the window +-1 s
    voice = bandpass(mouth_at(t_voice - delay_s, onsets), RATE)
    estimate = estimate_av_offset(lag_correlations(mouth, voice, 100), RATE)
    assert estimate is not None
    assert estimate.offset_s == pytest.approx(delay_s, abs=0.006)
    assert estimate.peak > 0.95


def test_unrelated_signals_give_a_weak_peak():
    t = np.arange(0, 400) / RATE
    mouth = bandpass(mouth_at(t, syllables(4.0, seed=1)), RATE)
    voice = bandpass(mouth_at(np.arange(-100, 500) / RATE, syllables(6.0, seed=2)), RATE)
    estimate = estimate_av_offset(lag_correlations(mouth, voice, 100), RATE)
    assert estimate is not None and estimate.peak < 0.8


def test_lags_without_enough_audio_are_left_out():
    mouth = np.sin(np.arange(300) / 5.0)
    voice = np.concatenate([np.full(250, np.nan), np.sin(np.arange(250) / 5.0)])  # audio starts late
    curve = lag_correlations(mouth, voice, 100)
    assert np.isnan(curve[0])  # lag -1 s sees only 50 of 300 values
    assert not np.isnan(curve[-1])


def test_lag_penalty_prefers_the_small_lag_of_two_equal_peaks():
    curve = np.zeros(201)
    curve[100 + 10] = 0.5  # +100 ms
    curve[100 - 70] = 0.52  # -700 ms, a syllable echo barely higher
    assert estimate_av_offset(curve, RATE).offset_s == pytest.approx(-0.7)
    assert estimate_av_offset(curve, RATE, lag_penalty=0.15).offset_s == pytest.approx(0.1)


def test_bandpass_removes_drift_and_keeps_syllable_rhythm():
    t = np.arange(1000) / RATE
    drift, rhythm = 5 * t, np.sin(2 * np.pi * 4 * t)
    out = bandpass(drift + rhythm, RATE)
    middle = slice(200, 800)
    assert np.corrcoef(out[middle], rhythm[middle])[0, 1] > 0.99
    assert np.std(out[middle]) == pytest.approx(np.std(rhythm[middle]), rel=0.1)


def test_an_all_nan_curve_has_no_estimate():
    assert estimate_av_offset(np.full(21, np.nan), RATE) is None
