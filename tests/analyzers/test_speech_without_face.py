from __future__ import annotations

import pytest

from interview_guard.analyzers.speech_without_face import SpeechWithoutFaceAnalyzer
from interview_guard.options import AnalysisOptions
from tests.analyzers.helpers import face, frames, run, segment


def _words(start: float, end: float, step: float = 0.4) -> list[tuple[float, float, str]]:
    out, t = [], start
    while t + step <= end + 1e-9:
        out.append((round(t, 2), round(t + step - 0.05, 2), f"w{len(out)}"))
        t += step
    return out


def test_speech_while_no_face_is_flagged_and_quoted() -> None:
    ff = frames(10.0, lambda t: [] if 4.0 <= t < 7.0 else [face(t)])
    seg = segment(_words(4.2, 6.6))
    (ind,) = run(SpeechWithoutFaceAnalyzer.from_settings(AnalysisOptions()), ff, [seg])
    assert ind.check == "speech_without_face"
    assert ind.start == pytest.approx(4.2) and ind.end <= 7.0
    assert "w0" in ind.reason and ind.evidence[0].words.startswith("w0")


def test_speech_with_a_face_raises_nothing() -> None:
    ff = frames(6.0, lambda t: [face(t)])
    assert run(SpeechWithoutFaceAnalyzer.from_settings(AnalysisOptions()), ff, [segment(_words(0.5, 5.5))]) == []


def test_speech_that_arrives_before_the_frames_is_judged_later() -> None:
    """Live mode: transcript segments may reach the analyzer before the frames that cover them."""
    analyzer = SpeechWithoutFaceAnalyzer.from_settings(AnalysisOptions())
    assert analyzer.on_speech(segment(_words(1.0, 3.0))) == []
    found = []
    for f in frames(5.0, lambda t: []):
        found += analyzer.on_faces(f)
    found += analyzer.finish(5.0)
    assert len(found) == 1 and found[0].start == pytest.approx(1.0)


def test_memory_stays_bounded_over_a_long_session() -> None:
    analyzer = SpeechWithoutFaceAnalyzer.from_settings(AnalysisOptions())
    for f in frames(1200.0, lambda t: [face(t)]):  # 20 minutes at 10 fps, no speech pending
        analyzer.on_faces(f)
    assert len(analyzer._times) < 2100
    ff = frames(10.0, lambda t: [] if t >= 5.0 else [face(t)])
    late = [type(f)(t=f.t + 1200.0, frame_index=f.frame_index, frame_size=f.frame_size, faces=f.faces) for f in ff]
    found = run(analyzer, late, [segment(_words(1206.0, 1209.0))], end=1210.0)
    assert len(found) == 1 and found[0].start == pytest.approx(1206.0)
