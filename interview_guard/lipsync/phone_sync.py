"""PhoneSync: one offset estimate per transcript segment, from its phones' events and the rhythm curves.

Segments come from the speech stage later than the frames they cover (a transcription window is up to
28 s), so the lip gap is kept (bounded) until a segment's phones arrive and the mouth has been seen past
its end. A segment with no phones (another language, untrusted words, alignment off) is "cannot judge"
for the phone checks; the rhythm estimate (timeline.py) goes on alone there.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from interview_guard.lipsync.events import BILABIALS, LABIODENTALS, MouthTrack, agreeing, event_curve, mixed_curve
from interview_guard.lipsync.offset import OffsetEstimate, estimate_av_offset
from interview_guard.lipsync.openness import PhoneOpenness, PhoneStrength, phone_strength
from interview_guard.speech.core import TranscriptSegment

JUDGED, RHYTHM_ONLY, NOT_ENGLISH, NOT_VISIBLE = "judged", "rhythm only", "not English", "mouth not visible"
_GAPS_KEPT_S = 90.0
_MAX_PENDING = 64
_LAG_PENALTY = 0.05  # per second of lag: events rarely tie, so only a slight lean to small offsets
_AGREE_S = 0.08  # phone events and rhythm peaking this close together agree on a lag


@dataclass(frozen=True)
class EventWindow:
    """The offset over one transcript segment. events: bilabial and labiodental phones judged (mouth seen
    at every lag); agreeing: bilabials the lips closed for at the offset, of `bilabials` judged there;
    event_share: the events' weight in the estimate (0: the rhythm alone). confidence: agreeing events
    and how many, 0..1. strength: how well the mouth follows the phones (openness.py), None where not read."""

    start: float
    end: float
    verdict: str
    estimate: OffsetEstimate | None = None
    events: int = 0
    agreeing: int = 0
    bilabials: int = 0
    event_share: float = 0.0
    confidence: float = 0.0
    strength: PhoneStrength | None = None

    @property
    def judged(self) -> bool:
        return self.verdict in (JUDGED, RHYTHM_ONLY) and self.estimate is not None


class PhoneSync:
    """add_mouth() every frame, add_segment() every transcript segment; windows() yields what is ready."""

    def __init__(self, max_lag_s: float, openness: PhoneOpenness | None = None) -> None:
        self.max_lag = int(round(max_lag_s * 100))
        self.openness = openness
        self._gaps: deque[tuple[float, float | None, float | None]] = deque()  # (t, lip gap, mouth width)
        self._pending: deque[TranscriptSegment] = deque(maxlen=_MAX_PENDING)

    def add_mouth(self, t: float, gap: float | None, width: float | None = None) -> None:
        """One frame's lip gap and mouth width (signals.lip_gap, signals.mouth_width), None where not judged."""
        self._gaps.append((t, gap, width))
        while self._gaps and self._gaps[0][0] < t - _GAPS_KEPT_S:
            self._gaps.popleft()

    def add_segment(self, segment: TranscriptSegment) -> None:
        self._pending.append(segment)

    def windows(self, curves: Iterable[tuple[float, float, np.ndarray]], final: bool = False) -> Iterator[EventWindow]:
        """Windows of the pending segments whose mouth has been seen (all of them when final)."""
        seen_to = self._gaps[-1][0] if self._gaps else -np.inf
        curves = list(curves)
        while self._pending and (final or self._pending[0].end + self.max_lag / 100 + 1.0 <= seen_to):
            yield self.judge(self._pending.popleft(), curves)

    def judge(self, segment: TranscriptSegment, curves: list[tuple[float, float, np.ndarray]]) -> EventWindow:
        rhythm = _rhythm(curves, segment.start, segment.end)
        if not segment.phones:
            verdict = NOT_ENGLISH if not segment.readable_as("en") else RHYTHM_ONLY
            estimate = estimate_av_offset(rhythm, 100, _LAG_PENALTY) if rhythm is not None else None
            return EventWindow(segment.start, segment.end, verdict if estimate is not None or verdict == NOT_ENGLISH
                               else NOT_VISIBLE, estimate)
        margin = self.max_lag / 100 + 0.2
        track = MouthTrack.from_shapes(self._gaps, segment.start - margin, segment.end + margin)
        events = event_curve(track, segment.phones, self.max_lag)
        curve, share = mixed_curve(events, rhythm)
        estimate = estimate_av_offset(curve, 100, _LAG_PENALTY) if curve is not None else None
        if estimate is None:
            return EventWindow(segment.start, segment.end, NOT_VISIBLE)
        closed, bilabials = agreeing(events, estimate.offset_s)
        n_events = sum(p.label in BILABIALS or p.label in LABIODENTALS for p in segment.phones)
        confidence = (closed / bilabials) * bilabials / (bilabials + 3) if bilabials else 0.3 * (1 - share)
        strength = None
        if self.openness:
            far = estimate.offset_s if _agree(events.score, rhythm) else None
            strength = phone_strength(self.openness, track, segment.phones, far)
        return EventWindow(segment.start, segment.end, JUDGED if share > 0 else RHYTHM_ONLY, estimate,
                           events=n_events, agreeing=closed, bilabials=bilabials, event_share=round(share, 3),
                           confidence=round(confidence, 3), strength=strength)


def _agree(events: np.ndarray, rhythm: np.ndarray | None) -> bool:
    """Whether the phone events alone and the loudness rhythm alone peak at the same lag (within 80 ms): a
    delayed voice of this mouth does; another voice's chance peaks over ±1 s seldom coincide."""
    if rhythm is None or np.all(np.isnan(events)) or np.all(np.isnan(rhythm)):
        return False
    a = estimate_av_offset(events, 100, _LAG_PENALTY)
    b = estimate_av_offset(rhythm, 100, _LAG_PENALTY)
    return a is not None and b is not None and abs(a.offset_s - b.offset_s) <= _AGREE_S


def _rhythm(curves: list[tuple[float, float, np.ndarray]], start: float, end: float) -> np.ndarray | None:
    """Mean rhythm curve of the judged windows that overlap [start, end]."""
    near = [c for s, e, c in curves if s < end and e > start]
    if not near:
        return None
    stack = np.vstack(near)
    count = (~np.isnan(stack)).sum(axis=0)
    return np.where(count > 0, np.nansum(stack, axis=0) / np.maximum(count, 1), np.nan)
