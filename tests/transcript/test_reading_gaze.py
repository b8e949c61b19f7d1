"""reading_gaze: a sawtooth of the eyes while speaking is reading; saccades and silence are not."""

from __future__ import annotations

import numpy as np

from interview_guard.analyzers.reading_gaze import ReadingGazeAnalyzer, horizontal_gaze
from interview_guard.options import AnalysisOptions
from tests.analyzers.helpers import segment
from tests.liveness.frames import base_landmarks, frame, observation

FPS = 30.0


def with_gaze(g: float) -> np.ndarray:
    lm = base_landmarks()
    for iris, a, b, x0 in ((468, 33, 133, 0.40), (473, 362, 263, 0.54)):
        lm[a, :2], lm[b, :2] = (x0, 0.45), (x0 + 0.06, 0.45)
        lm[iris, :2] = (x0 + 0.06 * g, 0.45)
    return lm


def frames(gaze_at, seconds: float) -> list:
    return [frame(k / FPS, (observation(k / FPS, landmarks=with_gaze(gaze_at(k / FPS))),))
            for k in range(int(seconds * FPS))]


def reading(t: float) -> float:
    """2.5 s along a line (0.3 -> 0.7), then 0.1 s back."""
    phase = t % 2.6
    return 0.3 + 0.4 * phase / 2.5 if phase < 2.5 else 0.7 - 0.4 * (phase - 2.5) / 0.1


def glancing(t: float) -> float:
    rng = np.random.default_rng(int(t))  # a new random fixation every second
    return float(rng.uniform(0.25, 0.75))


def run(gaze_at, speech: bool = True, seconds: float = 20.0) -> list:
    a = ReadingGazeAnalyzer.from_settings(AnalysisOptions())
    for f in frames(gaze_at, seconds):
        a.on_faces(f)
    if speech:
        a.on_speech(segment([(0.2, seconds - 0.2, "answer")]))
    return a.finish(seconds)


def test_horizontal_gaze_reads_the_iris_between_the_corners() -> None:
    assert abs(horizontal_gaze(observation(0.0, landmarks=with_gaze(0.25))) - 0.25) < 1e-6


def test_reading_lines_while_answering_is_flagged_with_its_rhythm() -> None:
    found = run(reading)
    assert len(found) == 1 and found[0].check == "reading_gaze"
    assert found[0].measurements["sweeps"] >= 6 and abs(found[0].measurements["period_s"] - 2.6) < 0.2


def test_glancing_around_is_not_reading() -> None:
    assert run(glancing) == []


def test_reading_in_silence_is_not_flagged() -> None:
    assert run(reading, speech=False) == []
