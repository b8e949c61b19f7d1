from __future__ import annotations

import pytest

from interview_guard.analyzers.several_faces import SeveralFacesAnalyzer
from interview_guard.options import AnalysisOptions
from tests.analyzers.helpers import face, frames, run


def test_second_face_for_two_seconds_is_flagged_with_its_span() -> None:
    ff = frames(6.0, lambda t: [face(t, 1, 0.3), face(t, 2, 0.7)] if 2.0 <= t < 4.0 else [face(t, 1, 0.3)])
    found = run(SeveralFacesAnalyzer.from_settings(AnalysisOptions()), ff)
    assert len(found) == 1
    ind = found[0]
    assert ind.check == "several_faces" and ind.measurements["faces"] == 2
    assert ind.start == pytest.approx(2.0) and ind.end == pytest.approx(4.0)
    assert ind.confidence > 0.8


def test_tiny_second_face_is_flagged_with_lower_confidence() -> None:
    ff = frames(4.0, lambda t: [face(t, 1, 0.3, size=0.4), face(t, 2, 0.8, size=0.05)])
    (ind,) = run(SeveralFacesAnalyzer.from_settings(AnalysisOptions()), ff)
    assert ind.confidence < 0.6 and "photo or poster" in ind.reason


def test_one_face_raises_nothing() -> None:
    assert run(SeveralFacesAnalyzer.from_settings(AnalysisOptions()), frames(5.0, lambda t: [face(t)])) == []
