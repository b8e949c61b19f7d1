"""`reading_gaze`: eyes sweeping back line after line while the candidate answers, as when reading.

Reading text off a screen moves the eyes in a sawtooth: a slow drift along a line, then a fast
return sweep to the start of the next, every few seconds. Thinking, looking around or at the
interviewer makes saccades in any direction, not repeated returns the same way. The horizontal
gaze comes from the iris centre between the eye corners (landmarks 468/473 between 33-133 and
362-263), which follows the eyes more finely than the eyeLook blendshapes.
Only stretches with speech count: reading aloud is the concern, not glancing at notes in silence.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator
from interview_guard.faces.core import FaceFrame, FaceObservation
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment

SWEEP = 0.12  # iris travel, in eye widths, within SWEEP_S: a return sweep across a line
SWEEP_S = 0.35
DRIFT_S = 1.0  # before a return sweep the eyes drift the other way for at least this long
MIN_SWEEPS = 5  # return sweeps the same way within WINDOW_S, at a steady pace (lines of similar length)
MAX_PACE_CV = 0.5
WINDOW_S = 20.0
_MAX_YAW = 30.0


@dataclass(frozen=True)
class Sweep:
    t: float
    frame_index: int
    size: float  # signed: the direction of the return


def horizontal_gaze(face: FaceObservation) -> float | None:
    """Mean iris position between the eye corners (0 at the outer corner of the image-left eye's span)."""
    lm = face.landmarks
    values = []
    for iris, a, b in ((468, 33, 133), (473, 362, 263)):
        v = lm[b, :2] - lm[a, :2]
        n = float(v @ v)
        if n < 1e-8:
            return None
        values.append(float((lm[iris, :2] - lm[a, :2]) @ v) / n)
    return float(np.mean(values))


class ReadingGazeAnalyzer(Analyzer):
    checks = ("reading_gaze",)
    full_rate = True

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.speech.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "ReadingGazeAnalyzer":
        return cls()

    def __init__(self) -> None:
        self._gaze: deque[tuple[float, int, float]] = deque(maxlen=int(3 * 60))  # ~3 s at full rate
        self.sweeps: list[Sweep] = []
        self._speech: list[tuple[float, float]] = []
        self._reported_until = -1.0

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        face = frame.largest
        if face is None or abs(face.pose.yaw) > _MAX_YAW or (g := horizontal_gaze(face)) is None:
            self._gaze.clear()
            return []
        self._gaze.append((frame.t, frame.frame_index, g))
        sweep = self._sweep_ending_now()
        if sweep is not None and (not self.sweeps or sweep.t - self.sweeps[-1].t > DRIFT_S):
            self.sweeps.append(sweep)
        return []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        self._speech.append((segment.start, segment.end))
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        return self._runs()

    def _sweep_ending_now(self) -> Sweep | None:
        """A fast jump over the last SWEEP_S that reverses a slower drift over the DRIFT_S before it."""
        t, index, g = self._gaze[-1]
        jump_from = [x for x in self._gaze if t - SWEEP_S <= x[0] < t]
        drift = [x for x in self._gaze if t - SWEEP_S - DRIFT_S <= x[0] <= t - SWEEP_S]
        if not jump_from or len(drift) < 3:
            return None
        jump = g - jump_from[0][2]
        if abs(jump) < SWEEP:
            return None
        drifted = drift[-1][2] - drift[0][2]
        if np.sign(drifted) == np.sign(jump) or abs(drifted) < 0.5 * abs(jump):
            return None  # no slow travel the other way first: a glance, not a line read
        return Sweep(t, index, jump)

    def _runs(self) -> list[Indicator]:
        """Windows with MIN_SWEEPS same-way sweeps during speech, merged into spans."""
        spoken = [s for s in self.sweeps if any(a - 0.5 <= s.t <= b + 0.5 for a, b in self._speech)]
        out, i = [], 0
        while i < len(spoken):
            first = spoken[i]
            same = [s for s in spoken[i:] if s.t - first.t <= WINDOW_S and np.sign(s.size) == np.sign(first.size)]
            gaps = np.diff([s.t for s in same])
            if len(same) >= MIN_SWEEPS and gaps.std() / gaps.mean() <= MAX_PACE_CV:
                out.append(_indicator(same))
                i = spoken.index(same[-1]) + 1
            else:
                i += 1
        return out


def _indicator(sweeps: list[Sweep]) -> Indicator:
    start, end = sweeps[0].t, sweeps[-1].t
    period = (end - start) / (len(sweeps) - 1)
    picks = [sweeps[0], sweeps[len(sweeps) // 2], sweeps[-1]]
    return Indicator(
        check="reading_gaze", start=round(start, 3), end=round(end, 3),
        score=round(min(1.0, 0.4 + 0.1 * len(sweeps)), 3), confidence=0.5,
        reason=(f"While answering from {start:.0f} s to {end:.0f} s the eyes swept back the same way {len(sweeps)} "
                f"times, about every {period:.1f} s, each after a slow drift the other way: the pattern of reading "
                f"lines of text. Notes or a second screen can explain it; ask the candidate to answer without them."),
        evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                           frame_times=tuple(round(s.t, 3) for s in picks),
                           frame_indices=tuple(s.frame_index for s in picks), note="return sweeps of the eyes"),),
        measurements={"sweeps": float(len(sweeps)), "period_s": round(period, 2)})
