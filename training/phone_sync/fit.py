"""Fit the per-phone lip opening and measure what it separates, on training clips only.

Labels come for free: every phone of a real clip is spoken by the mouth on screen. Negatives are made by
putting one clip's phones on another clip's mouth (the clip three on, from its own start), as a dub does.
The decision value is read from the training reals alone (their 5th percentile), never from the clips the
check is judged on (../shared/media).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from interview_guard.lipsync.events import GRID_RATE, MouthTrack
from interview_guard.lipsync.openness import PhoneOpenness, phone_strength
from interview_guard.speech.core import Phone
from training.phone_sync.collect import TalkingClip

MIN_COUNT = 5  # phones seen fewer times in training keep no value (they count as unknown)
SMOOTH_S = 0.04
SEARCH_S = 0.3
MIN_PHONES = 12
REAL_QUANTILE = 0.05


@dataclass(frozen=True)
class Calibration:
    reals: tuple[float, ...]  # strength of each training clip with its own voice
    dubs: tuple[float, ...]  # strength of each training clip's mouth with another clip's phones
    low_below: float

    @property
    def dubs_flagged(self) -> int:
        return sum(d < self.low_below for d in self.dubs)

    @property
    def reals_flagged(self) -> int:
        return sum(r < self.low_below for r in self.reals)


def zscore(gaps: np.ndarray) -> np.ndarray:
    """The lip gap in the speaker's own standard deviations (the unit of the learned opening); NaN kept."""
    ok = ~np.isnan(gaps)
    out = np.full(len(gaps), np.nan)
    if ok.sum() >= 2:
        out[ok] = (gaps[ok] - gaps[ok].mean()) / (gaps[ok].std() + 1e-6)
    return out


@dataclass(frozen=True)
class PhoneShape:
    """What one phone does to the mouth in training: mean z-scored lip gap and mouth width, over `seen`
    spoken instances."""

    opening: float
    width: float
    seen: int


def track_of(clip: TalkingClip) -> MouthTrack | None:
    times = [t for t, g, _ in clip.mouths if g is not None]
    if len(times) < 2:
        return None
    return MouthTrack.from_shapes(clip.mouths, min(times), max(times))


def fit_shapes(clips: list[TalkingClip]) -> dict[str, PhoneShape]:
    """Mean z-scored lip gap and mouth width over each phone's span, and how many phones they rest on."""
    values: dict[str, list[tuple[float, float]]] = {}
    for clip in clips:
        track = track_of(clip)
        if track is None or track.widths is None:
            continue
        gaps, widths = zscore(track.gaps), zscore(track.widths)
        for p in clip.phones:
            a, b = int((p.start - track.t0) * GRID_RATE), int(np.ceil((p.end - track.t0) * GRID_RATE))
            if a < 0 or b > len(gaps) or b <= a or np.isnan(gaps[a:b]).any() or np.isnan(widths[a:b]).any():
                continue
            values.setdefault(p.label, []).append((float(gaps[a:b].mean()), float(widths[a:b].mean())))
    return {k: PhoneShape(round(float(np.mean([g for g, _ in v])), 3), round(float(np.mean([w for _, w in v])), 3),
                          len(v)) for k, v in sorted(values.items())}


def as_model(shapes: dict[str, PhoneShape], low_below: float = 0.0) -> PhoneOpenness:
    kept = {k: s for k, s in shapes.items() if s.seen >= MIN_COUNT}
    return PhoneOpenness({k: s.opening for k, s in kept.items()}, SMOOTH_S, SEARCH_S, low_below, MIN_PHONES,
                         {k: s.width for k, s in kept.items()})


def _moved(phones: tuple[Phone, ...], to: float) -> list[Phone]:
    start = min(p.start for p in phones)
    return [replace(p, start=p.start - start + to, end=p.end - start + to) for p in phones]


def calibrate(model: PhoneOpenness, clips: list[TalkingClip]) -> Calibration:
    tracked = [(c, track_of(c)) for c in clips if len(c.phones) >= MIN_PHONES]
    usable = [(c, t) for c, t in tracked if t is not None]
    reals, dubs = [], []
    for i, (clip, track) in enumerate(usable):
        own = phone_strength(model, track, clip.phones)
        other = usable[(i + 3) % len(usable)][0]
        dub = phone_strength(model, track, _moved(other.phones, track.t0)) if other is not clip else None
        if own is not None:
            reals.append(own.strength)
        if dub is not None:
            dubs.append(dub.strength)
    if not reals:
        raise ValueError("no training clip had both a seen mouth and enough phones to calibrate on")
    low_below = round(float(np.quantile(reals, REAL_QUANTILE)), 3)
    return Calibration(tuple(sorted(reals)), tuple(sorted(dubs)), low_below)
