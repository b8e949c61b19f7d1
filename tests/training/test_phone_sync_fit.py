"""The phone-shape fit learns from labelled clips alone and reads its decision value from own voices."""

from __future__ import annotations

import numpy as np

from interview_guard.speech.core import Phone
from training.phone_sync.collect import TalkingClip
from training.phone_sync.fit import MIN_COUNT, PhoneShape, as_model, calibrate, fit_shapes

_GAP = {"P": 0.01, "B": 0.01, "M": 0.02, "AA": 0.35, "AE": 0.33, "T": 0.15, "S": 0.12, "UW": 0.15, "IY": 0.15}
_WIDTH = {"UW": 0.8, "IY": 1.3}  # rounded and spread; every other phone 1.05


def _clip(seed: int, n: int = 40) -> TalkingClip:
    rng = np.random.default_rng(seed)
    t, phones = 0.5, []
    for label in rng.choice(list(_GAP), n):
        d = float(rng.uniform(0.06, 0.14))
        phones.append(Phone(str(label), t, t + d, "w"))
        t += d
    times = np.arange(0.0, t + 0.5, 1 / 25)
    mouths = []
    for x in times:
        p = next((p for p in phones if p.start <= x < p.end), None)
        mouths.append((float(x), (_GAP[p.label] if p else 0.15) + float(rng.normal(0, 0.02)),
                       (_WIDTH.get(p.label, 1.05) if p else 1.05) + float(rng.normal(0, 0.02))))
    return TalkingClip(f"c{seed}", tuple(mouths), tuple(phones))


def test_fit_orders_the_phones_by_how_open_and_how_wide_the_mouth_is():
    shapes = fit_shapes([_clip(s) for s in range(6)])
    assert shapes["B"].opening < shapes["T"].opening < shapes["AA"].opening
    assert shapes["UW"].width < shapes["T"].width < shapes["IY"].width
    assert all(s.seen >= MIN_COUNT for s in shapes.values())
    rare = as_model({**shapes, "ZH": PhoneShape(0.9, 0.0, MIN_COUNT - 1)})
    assert "ZH" not in rare.opening and "ZH" not in rare.width  # too rarely seen to keep
    assert rare.width["UW"] == shapes["UW"].width


def test_calibration_puts_own_voices_above_and_other_voices_below():
    clips = [_clip(s) for s in range(8)]
    cal = calibrate(as_model(fit_shapes(clips)), clips)
    assert len(cal.reals) == len(cal.dubs) == 8
    assert min(cal.reals) > 0.6 and max(cal.dubs) < min(cal.reals)
    assert min(cal.reals) <= cal.low_below <= np.quantile(cal.reals, 0.1)
    assert cal.reals_flagged <= 1 and cal.dubs_flagged == 8

