"""Phone sync strength: does the mouth open, close, round and spread the way the heard phones need, at
some small lag?

A per-phone model learned in this project from real talking video (training/phone_sync, models/
phone_openness.json): for each ARPAbet phone, how open the lips are while it is spoken (P, B, M, F, V closed;
AA, AE open) and how wide the mouth is (W, UW, OW rounded and narrow; IY, AE spread), each in standard
deviations of that speaker's own values. Laid out on the phones' times they give the mouth the voice implies;
its correlation with the mouth on screen (the mean of the two, lag by lag) is high for the voice of this
mouth and near zero for another voice, whatever the loudness rhythm (which is what envelope correlation
reads, and which any speech shares). Opening and width are two views: another voice that happens to open
the mouth at the right moments seldom also rounds it at them. Positive lag: the voice comes after the lips,
as in offset.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.lipsync.events import GRID_RATE, MouthTrack
from interview_guard.speech.core import Phone

MODEL_NAME = "phone_openness"
_MIN_SAMPLES = 30  # grid samples (0.3 s) of phones over a seen mouth, under which no correlation is read


@dataclass(frozen=True)
class PhoneOpenness:
    """The learned lip opening per phone, and the smoothing and decision values measured with it."""

    opening: dict[str, float]  # phone label -> mean lip gap z-score while it is spoken
    smooth_s: float  # the phones' expected mouth is smoothed this much (coarticulation)
    search_s: float  # lags judged either side of zero (and of the window's own offset estimate)
    low_below: float  # strength under which a window's voice does not follow its mouth
    min_phones: int  # phones a window needs before its strength counts
    width: dict[str, float] = field(default_factory=dict)  # phone label -> mean mouth width z-score; {}: unused

    @classmethod
    def from_dict(cls, data: dict) -> "PhoneOpenness":
        try:
            return cls({str(k): float(v) for k, v in data["opening"].items()}, float(data["smooth_s"]),
                       float(data["search_s"]), float(data["low_below"]), int(data["min_phones"]),
                       {str(k): float(v) for k, v in data.get("width", {}).items()})
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"the phone_openness model is malformed ({e}); reinstall interview-guard") from e


@functools.lru_cache(maxsize=1)
def load_phone_openness() -> PhoneOpenness:
    from interview_guard.model_store import resolve_model

    path = resolve_model(MODEL_NAME)
    return PhoneOpenness.from_dict(json.loads(path.read_text()))


@dataclass(frozen=True)
class PhoneStrength:
    """The correlation of the phones' expected mouth with the seen lip gap: the best within the searched
    lags (`lag_s` where it peaked), over `phones` phones on a seen mouth."""

    strength: float
    lag_s: float
    phones: int


def expected_mouth(model: PhoneOpenness, phones: Iterable[Phone], t0: float, n: int,
                   values: dict[str, float] | None = None) -> tuple[np.ndarray, int]:
    """The opening (or, given `values`, another learned per-phone value) the phones imply on the GRID_RATE
    grid from t0 (NaN between phones), and how many phones."""
    per_phone = model.opening if values is None else values
    value, count = np.zeros(n), np.zeros(n)
    used = 0
    for p in phones:
        v = per_phone.get(p.label)
        a, b = int(round((p.start - t0) * GRID_RATE)), int(round((p.end - t0) * GRID_RATE))
        a, b = max(a, 0), min(b, n)
        if v is None or b <= a:
            continue
        value[a:b] += v
        count[a:b] += 1
        used += 1
    sigma = model.smooth_s * GRID_RATE
    if sigma >= 0.5:
        k = np.arange(-3 * int(np.ceil(sigma)), 3 * int(np.ceil(sigma)) + 1)
        kernel = np.exp(-0.5 * (k / sigma) ** 2)
        kernel /= kernel.sum()
        smoothed, weight = np.convolve(value, kernel, mode="same"), np.convolve(count, kernel, mode="same")
    else:
        smoothed, weight = value, count
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, smoothed / np.maximum(weight, 1e-6), np.nan), used


def correlation_at(expected: np.ndarray, mouth: np.ndarray, lag: int) -> float:
    """Pearson correlation of the voice at t with the mouth at t - lag (grid samples); NaN if too little."""
    n = len(mouth)
    if abs(lag) >= n:
        return float("nan")
    e, m = (expected[lag:], mouth[:n - lag]) if lag >= 0 else (expected[:n + lag], mouth[-lag:])
    ok = ~np.isnan(e) & ~np.isnan(m)
    if ok.sum() < _MIN_SAMPLES or np.std(e[ok]) < 1e-6 or np.std(m[ok]) < 1e-6:
        return float("nan")
    return float(np.corrcoef(e[ok], m[ok])[0, 1])


def phone_strength(model: PhoneOpenness, track: MouthTrack, phones: Iterable[Phone],
                   offset_s: float | None = None) -> PhoneStrength | None:
    """The best correlation within ±search_s of zero lag and, when given, around `offset_s` (a delay the
    window's phone events and rhythm agree on, so a real but delayed voice still reads as this mouth's);
    None where the mouth or the phones are too few. With a width model and widths on the track, each lag's
    correlation is the mean of the opening's and the width's (the opening's alone where the width's is not
    read)."""
    phones = list(phones)
    # correlations: the speaker's own scale of lip gap and width needs no normalising here
    expected, used = expected_mouth(model, phones, track.t0, len(track.gaps))
    channels = [(expected, track.gaps)]
    if model.width and track.widths is not None:
        channels.append((expected_mouth(model, phones, track.t0, len(track.gaps), model.width)[0], track.widths))
    reach = int(round(model.search_s * GRID_RATE))
    lags = set(range(-reach, reach + 1))
    if offset_s is not None:
        centre = int(round(offset_s * GRID_RATE))
        lags |= set(range(centre - 4, centre + 5))  # the estimate, give or take one 25 fps frame
    best, best_lag = -np.inf, 0
    for lag in sorted(lags):
        r = _mean_correlation(channels, lag)
        if not np.isnan(r) and r > best:
            best, best_lag = r, lag
    if not np.isfinite(best):
        return None
    return PhoneStrength(round(best, 3), best_lag / GRID_RATE, used)


def _mean_correlation(channels: list[tuple[np.ndarray, np.ndarray]], lag: int) -> float:
    """The mean correlation of each channel's expected and seen values at this lag: the opening's (first)
    decides whether there is one; a width channel too thin to read leaves the opening's alone."""
    opening = correlation_at(*channels[0], lag)
    if np.isnan(opening):
        return opening
    others = [r for r in (correlation_at(e, m, lag) for e, m in channels[1:]) if not np.isnan(r)]
    return float(np.mean([opening, *others]))
