"""The phone sync strength: high for the voice of this mouth, low for another voice, and honest when thin."""

from __future__ import annotations

import numpy as np
import pytest

from interview_guard.errors import ModelError
from interview_guard.lipsync.events import GRID_RATE, MouthTrack
from interview_guard.lipsync.openness import PhoneOpenness, load_phone_openness, phone_strength
from interview_guard.speech.core import Phone

MODEL = PhoneOpenness({"P": -0.8, "B": -0.8, "M": -0.7, "AA": 0.6, "AE": 0.6, "T": 0.0}, 0.04, 0.3, 0.36, 12)


def _phones(seed: int, n: int = 40, t0: float = 0.0) -> list[Phone]:
    rng = np.random.default_rng(seed)
    labels = rng.choice(["P", "B", "M", "AA", "AE", "T"], n)
    t, out = t0, []
    for label in labels:
        d = float(rng.uniform(0.06, 0.14))
        out.append(Phone(str(label), round(t, 3), round(t + d, 3), "w"))
        t += d
    return out


def _mouth_for(phones: list[Phone], lag_s: float, duration: float, seed: int = 0) -> MouthTrack:
    """A lip gap that makes `phones`, the mouth `lag_s` ahead of the voice, with a little noise."""
    rng = np.random.default_rng(seed)
    n = int(duration * GRID_RATE)
    gap = np.full(n, 0.15)
    for p in phones:
        a, b = int((p.start - lag_s) * GRID_RATE), int((p.end - lag_s) * GRID_RATE)
        gap[max(a, 0):max(b, 0)] = {"P": 0.01, "B": 0.01, "M": 0.02, "AA": 0.35, "AE": 0.33}.get(p.label, 0.15)
    return MouthTrack(0.0, gap + rng.normal(0, 0.02, n))


def test_the_voice_of_this_mouth_reads_strong_at_its_lag():
    phones = _phones(1)
    track = _mouth_for(phones, 0.12, 6.0)
    s = phone_strength(MODEL, track, phones)
    assert s is not None and s.strength > 0.7 and s.phones == len(phones)
    assert abs(s.lag_s - 0.12) <= 0.02


def test_another_voice_reads_weak():
    track = _mouth_for(_phones(1), 0.0, 6.0)
    s = phone_strength(MODEL, track, _phones(2))
    assert s is not None and s.strength < MODEL.low_below


def test_a_delay_beyond_the_search_is_still_found_around_the_window_estimate():
    phones = _phones(3, t0=1.0)
    track = _mouth_for(phones, 0.8, 7.0)
    assert phone_strength(MODEL, track, phones).strength < 0.5  # outside ±0.3 s, nothing lines up
    s = phone_strength(MODEL, track, phones, offset_s=0.8)
    assert s.strength > 0.7 and abs(s.lag_s - 0.8) <= 0.02


WIDTH_MODEL = PhoneOpenness({"P": -0.8, "AA": 0.6, "UW": 0.0, "IY": 0.0, "T": 0.0}, 0.04, 0.3, 0.36, 12,
                            {"P": 0.0, "AA": 0.0, "UW": -1.0, "IY": 1.0, "T": 0.0})


def _rounding_mouth(phones: list[Phone], duration: float, seed: int) -> MouthTrack:
    """A mouth whose opening follows P/AA and whose width follows UW/IY, with noise."""
    rng = np.random.default_rng(seed)
    n = int(duration * GRID_RATE)
    gap, width = np.full(n, 0.15), np.full(n, 1.0)
    for p in phones:
        a, b = int(p.start * GRID_RATE), int(p.end * GRID_RATE)
        gap[a:b] = {"P": 0.01, "AA": 0.35}.get(p.label, 0.15)
        width[a:b] = {"UW": 0.8, "IY": 1.25}.get(p.label, 1.0)
    return MouthTrack(0.0, gap + rng.normal(0, 0.02, n), width + rng.normal(0, 0.02, n))


def _shaped_phones(seed: int, n: int = 40) -> list[Phone]:
    rng = np.random.default_rng(seed)
    t, out = 0.0, []
    for label in rng.choice(["P", "AA", "UW", "IY", "T"], n):
        d = float(rng.uniform(0.06, 0.14))
        out.append(Phone(str(label), round(t, 3), round(t + d, 3), "w"))
        t += d
    return out


def test_the_mouth_width_separates_voices_the_opening_alone_cannot_tell_apart():
    own = _shaped_phones(5)
    # the same openings at the same times, the rounded and spread vowels swapped: a voice that opens this mouth
    # where it opens, but rounds it where it spreads
    swapped = [Phone({"UW": "IY", "IY": "UW"}.get(p.label, p.label), p.start, p.end, p.word) for p in own]
    track = _rounding_mouth(own, 5.0, seed=1)
    opening_only = PhoneOpenness(WIDTH_MODEL.opening, 0.04, 0.3, 0.36, 12)
    assert abs(phone_strength(opening_only, track, own).strength
               - phone_strength(opening_only, track, swapped).strength) < 0.05
    with_width = phone_strength(WIDTH_MODEL, track, own).strength
    assert with_width > 0.7
    assert phone_strength(WIDTH_MODEL, track, swapped).strength < with_width - 0.4
    # a track without widths reads the opening alone
    assert phone_strength(WIDTH_MODEL, MouthTrack(0.0, track.gaps), swapped).strength == \
        phone_strength(opening_only, track, swapped).strength


def test_an_unseen_mouth_or_unknown_phones_give_no_strength():
    phones = _phones(4)
    assert phone_strength(MODEL, MouthTrack(0.0, np.full(600, np.nan)), phones) is None
    unknown = [Phone("ZH", p.start, p.end, p.word) for p in phones]
    assert phone_strength(MODEL, _mouth_for(phones, 0.0, 6.0), unknown) is None


def test_a_malformed_model_is_a_model_error():
    with pytest.raises(ModelError, match="phone_openness"):
        PhoneOpenness.from_dict({"opening": {"P": -1.0}})


def test_the_bundled_model_closes_the_lips_for_bilabials_and_opens_them_for_open_vowels():
    m = load_phone_openness()
    assert max(m.opening[k] for k in ("P", "B", "M")) < -0.4 < 0.3 < m.opening["AA"]
    assert 0.0 < m.low_below < 0.6 and m.min_phones >= 5
    assert max(m.width[k] for k in ("W", "UW")) < -0.3 < 0.1 < m.width["IY"]  # rounded narrow, spread wide


def test_a_far_lag_counts_only_where_phone_events_and_rhythm_agree_on_it():
    from interview_guard.lipsync.phone_sync import _agree

    lags = np.arange(-100, 101)

    def peak_at(k):
        return np.exp(-0.5 * ((lags - k) / 5.0) ** 2)

    assert _agree(peak_at(80), peak_at(83))  # both at about +0.8 s: a delayed voice of this mouth
    assert not _agree(peak_at(80), peak_at(-40))  # chance peaks of another voice
    assert not _agree(peak_at(80), None)  # no rhythm to confirm it
