from __future__ import annotations

import pytest

from interview_guard.analyzers.face_presence import FacePresenceAnalyzer
from interview_guard.options import AnalysisOptions
from tests.analyzers.helpers import face, frames, run


def test_no_face_span_matches_the_gap() -> None:
    ff = frames(10.0, lambda t: [] if 3.0 <= t < 6.0 else [face(t)])
    found = run(FacePresenceAnalyzer(AnalysisOptions()), ff)
    assert [i.check for i in found] == ["no_face"]
    assert found[0].start == pytest.approx(3.0, abs=0.05)
    assert found[0].end == pytest.approx(6.0, abs=0.05)
    assert "3.0 s" in found[0].reason and found[0].evidence[0].frame_times


def test_short_absence_and_one_frame_flicker_raise_nothing() -> None:
    ff = frames(10.0, lambda t: [] if 2.0 <= t < 3.5 or t == 7.0 else [face(t)])
    assert run(FacePresenceAnalyzer(AnalysisOptions()), ff) == []


def test_flicker_inside_a_long_absence_does_not_split_it() -> None:
    ff = frames(12.0, lambda t: [face(t)] if t < 2.0 or t == 5.0 or t >= 9.0 else [])
    found = [i for i in run(FacePresenceAnalyzer(AnalysisOptions()), ff) if i.check == "no_face"]
    assert len(found) == 1 and found[0].start == pytest.approx(2.0) and found[0].end == pytest.approx(9.0)


def test_absence_running_to_the_end_is_closed_by_finish() -> None:
    ff = frames(8.0, lambda t: [face(t)] if t < 4.0 else [])
    found = run(FacePresenceAnalyzer(AnalysisOptions()), ff, end=8.0)
    assert found[0].check == "no_face" and found[0].end == pytest.approx(8.0)


def test_face_partly_out_of_frame() -> None:
    ff = frames(6.0, lambda t: [face(t, in_frame=0.6 if t >= 2.0 else 1.0)])
    found = run(FacePresenceAnalyzer(AnalysisOptions()), ff)
    assert [i.check for i in found] == ["face_partly_out"]
    assert found[0].start == pytest.approx(2.0)


def test_blank_picture_is_certain_and_a_never_found_face_is_doubtful() -> None:
    blank = frames(10.0, lambda t: [] if 3.0 <= t < 6.0 else [face(t)], detail_at=lambda t: 1.0)
    (certain,) = run(FacePresenceAnalyzer(AnalysisOptions()), blank)
    assert certain.confidence > 0.9 and "blank" in certain.reason
    left = frames(10.0, lambda t: [] if 3.0 <= t < 6.0 else [face(t)])
    (away,) = run(FacePresenceAnalyzer(AnalysisOptions()), left)
    assert 0.7 <= away.confidence < certain.confidence and "left the camera" in away.reason
    never = frames(10.0, lambda t: [])
    (doubt,) = run(FacePresenceAnalyzer(AnalysisOptions()), never)
    assert doubt.confidence <= 0.5 and "too small or too dark" in doubt.reason
