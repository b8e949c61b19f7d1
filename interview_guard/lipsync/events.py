"""Offset from events: lip closures against the phones that need them.

Speech rhythm is periodic, so correlating loudness with mouth opening also finds echoes a syllable away.
Phones are events: for a P, B or M the lips must meet, for an F or V the lower lip must touch the upper
teeth (the gap nearly closes), and for a vowel the mouth must be open. At each candidate lag the phones
(timed by forced alignment, speech/phones.py) are laid on the lip gap (signals.lip_gap) and scored by how
many of them the mouth made; the lag where most agree is the offset. Positive: the voice comes after the
lips (audio late), as in offset.py.

Scores are soft (a gap of 0.06 counts half closed) so the curve has a peak rather than a plateau, and
the curve is mixed with the rhythm curve (offset.lag_correlations) by how many events it rests on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from interview_guard.speech.core import Phone

GRID_RATE = 100  # lip gap values per second, the rate of the rhythm curves too
BILABIALS = frozenset({"P", "B", "M"})
LABIODENTALS = frozenset({"F", "V"})
VOWELS = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})
CLOSED_GAP = 0.05  # inner-lip gap over mouth width under which the lips touch
# (weight, gap fully made, gap not made at all) per event kind; closure judged on the gap's minimum,
# opening on its maximum.
_BILABIAL = (1.0, 0.03, 0.08)
_LABIODENTAL = (0.5, 0.05, 0.14)
_VOWEL = (0.25, 0.10, 0.04)
_TOLERANCE_S = 0.04  # a closure may fall one 25 fps frame outside its phone
_SMOOTH_S = 0.03
_MIX_EVENTS = 3.0  # weighted events at which the event curve and the rhythm curve weigh the same
_MIN_COVER = 0.8  # share of the events judged at the best-covered lag that a lag must judge too
_MAX_SAMPLE_GAP_S = 0.12  # lip gap samples further apart than this leave a hole


@dataclass(frozen=True)
class MouthTrack:
    """The lip gap on a GRID_RATE grid from t0 (session seconds); NaN where the mouth was not judged.
    widths: the mouth width on the same grid (signals.mouth_width), where it was measured."""

    t0: float
    gaps: np.ndarray
    widths: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.gaps.ndim != 1:
            raise ValueError(f"gaps must be one-dimensional, got shape {self.gaps.shape}")
        if self.widths is not None and self.widths.shape != self.gaps.shape:
            raise ValueError(f"widths must match gaps {self.gaps.shape}, got shape {self.widths.shape}")

    @classmethod
    def from_samples(cls, samples: Iterable[tuple[float, float | None]], t0: float, t1: float) -> "MouthTrack":
        """Linear between lip gap samples (t, gap or None) that are close enough; NaN elsewhere."""
        return cls(t0, on_grid(samples, t0, t1))

    @classmethod
    def from_shapes(cls, samples: Iterable[tuple[float, float | None, float | None]], t0: float,
                    t1: float) -> "MouthTrack":
        """From (t, gap, width) samples, each None where not judged."""
        samples = list(samples)
        return cls(t0, on_grid(((t, g) for t, g, _ in samples), t0, t1),
                   on_grid(((t, w) for t, _, w in samples), t0, t1))


def on_grid(samples: Iterable[tuple[float, float | None]], t0: float, t1: float) -> np.ndarray:
    """Values (t, value or None) on the GRID_RATE grid over [t0, t1): linear between samples close enough
    together, NaN elsewhere."""
    grid = t0 + np.arange(max(0, int(round((t1 - t0) * GRID_RATE)))) / GRID_RATE
    pts = [(t, g) for t, g in samples if g is not None]
    if len(pts) < 2 or not len(grid):
        return np.full(len(grid), np.nan)
    t = np.array([p[0] for p in pts])
    g = np.array([p[1] for p in pts])
    values = np.interp(grid, t, g, left=np.nan, right=np.nan)
    after = np.clip(np.searchsorted(t, grid), 1, len(t) - 1)
    values[(t[after] - t[after - 1]) > _MAX_SAMPLE_GAP_S] = np.nan
    return values


@dataclass(frozen=True)
class EventCurve:
    """score[k]: weighted share of the events the mouth made at lag k - max_lag (grid samples), NaN where
    none could be judged; weight[k]: the weighted number of events judged there (bilabial 1, F/V 0.5,
    vowel 0.25); made: per bilabial judged at each lag, whether the lips closed (for agreement counts)."""

    score: np.ndarray
    weight: np.ndarray
    closures: np.ndarray  # (bilabials, lags) closure score of each bilabial, NaN where not judged

    @property
    def max_lag(self) -> int:
        return (len(self.score) - 1) // 2


def event_kind(label: str) -> tuple[float, float, float] | None:
    if label in BILABIALS:
        return _BILABIAL
    if label in LABIODENTALS:
        return _LABIODENTAL
    return _VOWEL if label in VOWELS else None


def event_curve(track: MouthTrack, phones: Iterable[Phone], max_lag: int) -> EventCurve:
    lags = np.arange(-max_lag, max_lag + 1)
    total, weight = np.zeros(len(lags)), np.zeros(len(lags))
    closures = []
    for p in phones:
        kind = event_kind(p.label)
        if kind is None:
            continue
        made = _made(track, p, kind, lags)
        ok = ~np.isnan(made)
        total[ok] += kind[0] * made[ok]
        weight[ok] += kind[0]
        if kind is _BILABIAL:
            closures.append(made)
    # A lag at which part of the events fall outside the seen mouth is judged on the rest only: a few
    # well-placed events there would outscore the true lag, where all of them count. It must cover most.
    covered = (weight > 0) & (weight >= _MIN_COVER * (weight.max() if len(weight) else 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(covered, total / weight, np.nan)
    stack = np.vstack(closures) if closures else np.zeros((0, len(lags)))
    return EventCurve(_smooth(score), weight, stack)


def _made(track: MouthTrack, p: Phone, kind: tuple[float, float, float], lags: np.ndarray) -> np.ndarray:
    """How fully the mouth made phone p (0..1) at each lag, NaN where the mouth was not seen through it."""
    _, full, none = kind
    if kind is _VOWEL:  # the middle of the vowel: its edges blend into the consonants beside it
        third = (p.end - p.start) / 3
        a, b = p.start + third, p.end - third
    else:
        a, b = p.start - _TOLERANCE_S, p.end + _TOLERANCE_S
    first = int(np.floor((a - track.t0) * GRID_RATE))
    width = max(1, int(np.ceil((b - a) * GRID_RATE)))
    out = np.full(len(lags), np.nan)
    starts = first - lags  # the mouth at t - lag makes the phone heard at t
    ok = (starts >= 0) & (starts + width <= len(track.gaps))
    if not ok.any():
        return out
    rows = np.lib.stride_tricks.sliding_window_view(track.gaps, width)[starts[ok]]
    seen = ~np.isnan(rows).any(axis=1)
    value = rows.min(axis=1) if kind is not _VOWEL else rows.max(axis=1)
    made = np.clip((none - value) / (none - full), 0.0, 1.0)
    idx = np.flatnonzero(ok)
    out[idx[seen]] = made[seen]
    return out


def _smooth(score: np.ndarray) -> np.ndarray:
    """Gaussian smoothing (NaN-aware) so that a flat top becomes a peak in its middle."""
    sigma = _SMOOTH_S * GRID_RATE
    k = np.arange(-3 * int(sigma), 3 * int(sigma) + 1)
    kernel = np.exp(-0.5 * (k / sigma) ** 2)
    ok = ~np.isnan(score)
    num = np.convolve(np.where(ok, score, 0.0), kernel, mode="same")
    den = np.convolve(ok.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, num / den, np.nan)


def mixed_curve(events: EventCurve, rhythm: np.ndarray | None) -> tuple[np.ndarray, float]:
    """The event curve mixed with a rhythm curve (same lags), and the event curve's share of the mix:
    w = n / (n + 3) for n weighted events, so a few events lean on the rhythm and many decide alone."""
    n = float(np.nanmax(events.weight)) if events.weight.size else 0.0
    w = n / (n + _MIX_EVENTS)
    if rhythm is None or np.all(np.isnan(rhythm)):
        return events.score, 1.0 if n > 0 else 0.0
    if n == 0:
        return rhythm, 0.0
    both = ~np.isnan(events.score) & ~np.isnan(rhythm)
    mixed = np.where(both, w * events.score + (1 - w) * rhythm,
                     np.where(np.isnan(events.score), np.nan, events.score))
    return mixed, w


def agreeing(events: EventCurve, lag_s: float) -> tuple[int, int]:
    """(bilabials the lips closed for at this lag, bilabials judged there)."""
    k = int(round(lag_s * GRID_RATE)) + events.max_lag
    if not len(events.closures) or not 0 <= k < events.closures.shape[1]:
        return 0, 0
    col = events.closures[:, k]
    judged = col[~np.isnan(col)]
    return int((judged >= 0.5).sum()), int(len(judged))
