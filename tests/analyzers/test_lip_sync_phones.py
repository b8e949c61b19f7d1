"""av_offset checked against the phones: lip closures decide where the loudness rhythm may read an echo."""

import numpy as np
import pytest

from interview_guard.analyzers.lip_sync import LipSyncAnalyzer
from interview_guard.faces.core import FaceFrame
from interview_guard.lipsync.offset import OffsetEstimate
from interview_guard.lipsync.phone_sync import JUDGED, EventWindow
from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import AnalysisOptions
from tests.analyzers.test_lip_sync import FPS, speaking, talking_face
from tests.lipsync.synthetic import syllables, voice

DURATION, DELAY_S = 14.0, 0.4


def _phone_window(start: float, end: float, offset_s: float, closed: int = 4, bilabials: int = 4) -> EventWindow:
    return EventWindow(start, end, JUDGED, OffsetEstimate(offset_s, 0.9, 0.5), events=bilabials, agreeing=closed,
                       bilabials=bilabials, event_share=0.6, confidence=round(closed / (bilabials + 3), 3))


def _delayed_talk(phone_windows: list[EventWindow]) -> tuple[LipSyncAnalyzer, list]:
    """14 s of talking whose voice comes 0.4 s after the lips, with the phone windows given (as the speech
    stage would deliver them before the end)."""
    analyzer = LipSyncAnalyzer.from_settings(AnalysisOptions())
    onsets = syllables(DURATION, seed=7)
    mouth, audio = speaking(onsets), voice(DURATION, onsets, DELAY_S)
    found, chunk, sent = [], AUDIO_RATE // 10, 0
    for k in range(int(DURATION * FPS)):
        t = k / FPS
        while sent * chunk < len(audio) and sent * 0.1 <= t + 0.3:
            found += analyzer.on_audio(AudioChunk(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk]))
            sent += 1
        found += analyzer.on_faces(FaceFrame(t, k, (640, 480), (talking_face(t, mouth(t)),), analysed=k % 3 == 0))
    found += analyzer._take_events(phone_windows)
    return analyzer, found + analyzer.finish(DURATION)


def test_without_phones_the_rhythm_offset_stands():
    _, found = _delayed_talk([])
    offsets = [i for i in found if i.check == "av_offset"]
    assert len(offsets) == 1 and offsets[0].measurements["offset_ms"] == pytest.approx(400, abs=40)
    assert "rhythm_offset_ms" not in offsets[0].measurements


def test_confident_phones_that_read_the_lips_in_step_drop_the_rhythm_offset():
    windows = [_phone_window(s, s + 3.0, 0.01) for s in np.arange(0.0, DURATION - 3.0, 3.0)]
    analyzer, found = _delayed_talk(windows)
    assert not [i for i in found if i.check == "av_offset"]
    combined = next(s for s in analyzer.series() if s.name == "av_offset_combined_ms")
    assert all(abs(v) <= 10 for v in combined.values if v is not None)


def test_phones_that_agree_give_the_offset_and_say_how_many_closures_back_it():
    windows = [_phone_window(s, s + 3.0, 0.42) for s in np.arange(0.0, DURATION - 3.0, 3.0)]
    _, found = _delayed_talk(windows)
    offsets = [i for i in found if i.check == "av_offset"]
    assert len(offsets) == 1
    m = offsets[0].measurements
    assert m["offset_ms"] == 420.0 and m["rhythm_offset_ms"] == pytest.approx(400, abs=40)
    assert "the lips close for" in offsets[0].reason and m["phone_segments"] >= 3


def test_phones_too_thin_to_trust_leave_the_rhythm_offset():
    windows = [_phone_window(s, s + 3.0, 0.0, closed=1, bilabials=1) for s in np.arange(0.0, DURATION - 3.0, 3.0)]
    _, found = _delayed_talk(windows)  # one closure each: confidence 0.25, under what the phones need
    offsets = [i for i in found if i.check == "av_offset"]
    assert len(offsets) == 1 and "rhythm_offset_ms" not in offsets[0].measurements
