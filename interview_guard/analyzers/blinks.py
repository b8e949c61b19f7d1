"""`blink_anomaly`: no blink over a long span, or blinks as regular as a metronome.

People blink about 15-20 times a minute, at irregular intervals (coefficient of
variation around 0.5-1). A photo or a puppet-animated face may never blink; some
animation tools insert blinks on a timer. A blink is the mean of MediaPipe's
eyeBlinkLeft/Right blendshapes rising clearly above the face's own open-eye level and
falling back; frames where the face is turned away or missing do not count as open eyes.
Real-time face swaps copy the wearer's blinks, so this check says little about them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from interview_guard.analyzers.core import Evidence, Indicator, LivenessAnalyzer, Series
from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LivenessOptions

_MAX_YAW, _MAX_PITCH = 30.0, 25.0
_RISE = 0.25  # above the open-eye level (the median of recent values)
_MIN_CLOSED = 0.4
_MIN_REGULAR_BLINKS = 10  # a real anchor blinked 6 times at a steady 1.4 s (variation 0.10): too few to judge
_MAX_GAP_S = 0.5  # eyes unseen longer than this break the open-eye span
RATE_BIN_S = 10.0  # the blink-rate series: blinks per minute in each 10 s of visible eyes


@dataclass(frozen=True)
class Blink:
    start: float
    end: float
    peak: float
    frame_index: int


class BlinkAnalyzer(LivenessAnalyzer):
    checks = ("blink_anomaly",)
    full_rate = True

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "BlinkAnalyzer":
        return cls(settings.liveness)

    def __init__(self, options: LivenessOptions) -> None:
        self.o = options
        self._levels: deque[float] = deque(maxlen=300)
        self._closing: tuple[float, float, int] | None = None  # start, peak, frame of the peak
        self.blinks: list[Blink] = []
        self._open_since: float | None = None  # eyes seen, open, since
        self._last_seen = -1.0
        self._open_frames: list[tuple[float, int]] = []
        self._reported_regular = False
        self._visible_s: list[float] = []  # seconds of visible eyes per RATE_BIN_S bin
        self._last_t: float | None = None

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        face = frame.largest
        visible = (face is not None and face.blendshapes.size > 0 and abs(face.pose.yaw) <= _MAX_YAW
                   and abs(face.pose.pitch) <= _MAX_PITCH)
        out: list[Indicator] = []
        if not visible or frame.t - self._last_seen > _MAX_GAP_S:
            out += self._end_open_span(self._last_seen)
        if not visible:
            self._closing = None
            return out
        assert face is not None
        self._count_visible(frame.t)
        self._last_seen = frame.t
        level = face.eye_closure
        baseline = float(np.median(self._levels)) if len(self._levels) >= 10 else 0.1
        self._levels.append(level)
        closed = level >= max(_MIN_CLOSED, baseline + _RISE)
        if closed:
            start, peak, index = self._closing or (frame.t, level, frame.frame_index)
            self._closing = (start, max(peak, level), frame.frame_index if level >= peak else index)
            out += self._end_open_span(frame.t)
            return out
        if self._closing is not None:
            start, peak, index = self._closing
            self._closing = None
            self.blinks.append(Blink(start, frame.t, peak, index))
            out += self._regular()
        if self._open_since is None:
            self._open_since = frame.t
        if len(self._open_frames) < 3 or frame.t - self._open_frames[-1][0] > 5.0:
            self._open_frames.append((frame.t, frame.frame_index))
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        while len(self._visible_s) * RATE_BIN_S < end_time:  # bins with no eyes seen are gaps in the plot
            self._visible_s.append(0.0)
        return self._end_open_span(self._last_seen)

    def series(self) -> tuple[Series, ...]:
        """Blinks per minute in each bin where the eyes were visible for most of it."""
        counts = [0] * len(self._visible_s)
        for b in self.blinks:
            if int(b.start // RATE_BIN_S) < len(counts):
                counts[int(b.start // RATE_BIN_S)] += 1
        times = tuple((k + 0.5) * RATE_BIN_S for k in range(len(counts)))
        values = tuple(round(60.0 * c / v, 1) if v >= 0.6 * RATE_BIN_S else None
                       for c, v in zip(counts, self._visible_s))
        return (Series("blinks_per_minute", "Blinks per minute", "/min", times, values, lower=0.0, upper=60.0),)

    def _count_visible(self, t: float) -> None:
        step = 0.0 if self._last_t is None else min(t - self._last_t, _MAX_GAP_S)
        self._last_t = t
        k = int(t // RATE_BIN_S)
        while len(self._visible_s) <= k:
            self._visible_s.append(0.0)
        self._visible_s[k] += step

    def _end_open_span(self, end: float) -> list[Indicator]:
        start, frames = self._open_since, self._open_frames
        self._open_since, self._open_frames = None, []
        if start is None or end - start < self.o.no_blink_s:
            return []
        picks = [frames[0], frames[len(frames) // 2], frames[-1]]
        return [Indicator(
            check="blink_anomaly", start=round(start, 3), end=round(end, 3),
            score=round(min(1.0, 0.4 + (end - start) / 120.0), 3), confidence=0.5,
            reason=(f"The eyes were open and in view from {start:.0f} s to {end:.0f} s ({end - start:.0f} s) "
                    f"without one blink. People blink every few seconds; a photo or an animated face may not. "
                    f"Some people stare while they concentrate, so this is a prompt to look, not proof."),
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(t, 3) for t, _ in picks),
                               frame_indices=tuple(i for _, i in picks), note="open eyes, no blink"),),
            measurements={"no_blink_s": round(end - start, 1), "blinks_before": float(len(self.blinks))})]

    def _regular(self) -> list[Indicator]:
        if self._reported_regular or len(self.blinks) < _MIN_REGULAR_BLINKS:
            return []
        recent = self.blinks[-_MIN_REGULAR_BLINKS:]
        intervals = np.diff([b.start for b in recent])
        cv = float(intervals.std() / intervals.mean()) if intervals.mean() > 0 else 0.0
        if cv >= self.o.regular_blink_cv:
            return []
        self._reported_regular = True
        start, end = recent[0].start, recent[-1].end
        return [Indicator(
            check="blink_anomaly", start=round(start, 3), end=round(end, 3), score=0.7, confidence=0.5,
            reason=(f"{len(recent)} blinks from {start:.0f} s to {end:.0f} s came every "
                    f"{intervals.mean():.1f} s, nearly to the frame (variation {cv:.2f}); natural blinks vary "
                    f"by half their interval or more. Blinks on a timer are a trait of some animation tools."),
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(b.start, 3) for b in recent[:3]),
                               frame_indices=tuple(b.frame_index for b in recent[:3]), note="regular blinks"),),
            measurements={"interval_s": round(float(intervals.mean()), 2), "interval_cv": round(cv, 3)})]
