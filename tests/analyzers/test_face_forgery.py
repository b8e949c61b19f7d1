"""face_forgery pools the model's per-crop scores per face and window, and says where it looked."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from interview_guard.analyzers.face_forgery import MIN_CROPS, RAISE_AT, WINDOW_S, FaceForgeryAnalyzer, pool
from interview_guard.forgery.core import ForgeryScore
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, ForgeryOptions, LivenessOptions
from tests.analyzers.helpers import face, frames, run


def _cam(row: int) -> np.ndarray:
    cam = np.zeros((4, 4), np.float32)
    cam[row] = 3.0
    return cam


def _scored(prob_at, every: float = 0.5, track: int = 1, cam_row: int = 3, px: float = 150.0):
    """Faces at 10 fps, scored every `every` s with probability prob_at(t) (as the forgery stage does)."""
    def faces_at(t: float):
        f = face(t, track_id=track)
        if round(t / every, 6) % 1 == 0:
            f = replace(f, forgery=ForgeryScore(prob_at(t), _cam(cam_row), px))
        return [f]
    return faces_at


def test_a_blended_face_is_one_finding_with_its_frames_and_region():
    found = run(FaceForgeryAnalyzer(), frames(12.0, _scored(lambda t: 0.97 if t >= 6 else 0.1)))
    assert [i.check for i in found] == ["face_forgery"]
    ind = found[0]
    assert 6.0 - WINDOW_S <= ind.start <= 6.0 and ind.end >= 11.5
    assert ind.facts["region"] == "the mouth and jaw" and "mouth and jaw" in ind.reason
    assert len(ind.evidence[0].frame_indices) == 3 and all(t >= 6.0 for t in ind.evidence[0].frame_times)
    assert ind.measurements["mean_probability"] >= RAISE_AT
    heat = ind.evidence[0].heat  # the top crop's activation map: the mouth row hot, the rest cold
    assert len(heat) == 16 and heat[12:] == (1.0,) * 4 and max(heat[:12]) == 0.0


def test_a_real_face_raises_nothing_and_the_series_shows_each_window():
    analyzer = FaceForgeryAnalyzer()
    assert run(analyzer, frames(12.0, _scored(lambda t: 0.2))) == []
    (series,) = analyzer.series()
    assert series.name == "face_forgery_score" and len(series.values) == 4
    assert all(abs(v - 0.2) < 1e-6 for v in series.values)


def test_too_few_crops_are_not_judged():
    # One crop every 1.5 s: under MIN_CROPS per window, however high the scores.
    every = WINDOW_S / (MIN_CROPS - 1) + 0.01
    assert run(FaceForgeryAnalyzer(), frames(9.0, _scored(lambda t: 0.99, every=round(every, 1)))) \
        == []


def test_a_small_face_is_less_sure():
    big = run(FaceForgeryAnalyzer(), frames(6.0, _scored(lambda t: 0.97)))
    small = run(FaceForgeryAnalyzer(), frames(6.0, _scored(lambda t: 0.97, px=50.0)))
    assert small[0].confidence < big[0].confidence and "small" in small[0].reason


def test_each_face_is_pooled_on_its_own():
    swapped, real = _scored(lambda t: 0.97, track=1), _scored(lambda t: 0.1, track=2)
    found = run(FaceForgeryAnalyzer(), frames(6.0, lambda t: swapped(t) + real(t)))
    assert [i.track_id for i in found] == [1]


def test_off_with_liveness_or_forgery_off():
    assert not FaceForgeryAnalyzer.runs_with(AnalysisOptions(liveness=LivenessOptions(enabled=False)), SessionInputs())
    assert not FaceForgeryAnalyzer.runs_with(AnalysisOptions(forgery=ForgeryOptions(enabled=False)), SessionInputs())
    assert FaceForgeryAnalyzer.runs_with(AnalysisOptions(), SessionInputs())


def test_pool_means_each_window():
    times = np.array([0.0, 1.0, 2.0, 3.5, 4.0])
    probs = np.array([0.2, 0.4, 0.6, 1.0, 0.0])
    got = pool(times, probs, 3.0)
    assert [(a, b, n) for a, b, _, n in got] == [(0.0, 3.0, 3), (3.0, 6.0, 2)]
    assert np.allclose([m for _, _, m, _ in got], [0.4, 0.5])
