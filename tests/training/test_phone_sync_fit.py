"""The phone-openness fit learns from labelled clips alone and reads its decision value from own voices."""

from __future__ import annotations

import numpy as np

from interview_guard.speech.core import Phone
from training.phone_sync.collect import TalkingClip
from training.phone_sync.fit import MIN_COUNT, as_model, calibrate, fit_opening

_GAP = {"P": 0.01, "B": 0.01, "M": 0.02, "AA": 0.35, "AE": 0.33, "T": 0.15, "S": 0.12}


def _clip(seed: int, n: int = 40) -> TalkingClip:
    rng = np.random.default_rng(seed)
    t, phones = 0.5, []
    for label in rng.choice(list(_GAP), n):
        d = float(rng.uniform(0.06, 0.14))
        phones.append(Phone(str(label), t, t + d, "w"))
        t += d
    times = np.arange(0.0, t + 0.5, 1 / 25)
    gaps = []
    for x in times:
        p = next((p for p in phones if p.start <= x < p.end), None)
        gaps.append((float(x), (_GAP[p.label] if p else 0.15) + float(rng.normal(0, 0.02))))
    return TalkingClip(f"c{seed}", tuple(gaps), tuple(phones))


def test_fit_orders_the_phones_by_how_open_the_mouth_is():
    opening = fit_opening([_clip(s) for s in range(6)])
    assert opening["B"][0] < opening["T"][0] < opening["AA"][0]
    assert all(n >= MIN_COUNT for _, n in opening.values())
    rare = as_model({**opening, "ZH": (0.9, MIN_COUNT - 1)})
    assert "ZH" not in rare.opening  # too rarely seen to keep


def test_calibration_puts_own_voices_above_and_other_voices_below():
    clips = [_clip(s) for s in range(8)]
    cal = calibrate(as_model(fit_opening(clips)), clips)
    assert len(cal.reals) == len(cal.dubs) == 8
    assert min(cal.reals) > 0.6 and max(cal.dubs) < min(cal.reals)
    assert min(cal.reals) <= cal.low_below <= np.quantile(cal.reals, 0.1)
    assert cal.reals_flagged <= 1 and cal.dubs_flagged == 8

