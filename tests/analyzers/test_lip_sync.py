"""The lip-sync analyzer on talking made by hand: known delays, silence, a still mouth."""

from dataclasses import replace

import numpy as np
import pytest

from interview_guard.analyzers.lip_sync import LipSyncAnalyzer
from interview_guard.faces.core import FaceFrame
from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import AnalysisOptions, LipSyncOptions
from tests.analyzers.helpers import face
from tests.lipsync.synthetic import mouth_at, syllables, voice

FPS = 25


def talking_face(t: float, opening: float):
    """A frontal face whose inner lips are `opening` eye distances apart."""
    f = face(t)
    lm = f.landmarks.copy()
    lm[33], lm[263] = (0.4, 0.4, 0), (0.6, 0.4, 0)  # eye corners 128 px apart in 640x480
    lm[13], lm[14] = (0.5, 0.6, 0), (0.5, 0.6 + opening * 128 / 480, 0)
    return replace(f, landmarks=lm)


def run(duration: float, mouth, audio: np.ndarray, options: AnalysisOptions | None = None):
    analyzer = LipSyncAnalyzer.from_settings(options or AnalysisOptions())
    found, chunk, sent = [], AUDIO_RATE // 10, 0
    for k in range(int(duration * FPS)):
        t = k / FPS
        while sent * chunk < len(audio) and sent * 0.1 <= t + 0.3:
            found += analyzer.on_audio(AudioChunk(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk]))
            sent += 1
        opening = mouth(t)
        faces = () if opening is None else (talking_face(t, opening),)
        found += analyzer.on_faces(FaceFrame(t, k, (640, 480), faces, analysed=k % 3 == 0))
    while sent * chunk < len(audio):
        found += analyzer.on_audio(AudioChunk(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk]))
        sent += 1
    found += analyzer.finish(duration)
    return analyzer, found


def speaking(onsets):
    return lambda t: float(mouth_at(np.array([t]), onsets)[0])


@pytest.mark.parametrize("delay_s", [0.4, -0.8])
def test_a_sustained_offset_is_reported_with_its_size_and_direction(delay_s):
    onsets = syllables(14.0, seed=7)
    _, found = run(14.0, speaking(onsets), voice(14.0, onsets, delay_s))
    offsets = [i for i in found if i.check == "av_offset"]
    assert len(offsets) == 1
    ind = offsets[0]
    assert ind.measurements["offset_ms"] == pytest.approx(delay_s * 1000, abs=40)
    assert ("after" if delay_s > 0 else "before") in ind.reason
    assert ind.evidence[0].frame_indices and ind.evidence[0].note
    assert not [i for i in found if i.check == "low_sync"]


def test_in_sync_talking_raises_nothing_and_plots_every_window():
    onsets = syllables(12.0, seed=8)
    analyzer, found = run(12.0, speaking(onsets), voice(12.0, onsets, 0.0))
    assert found == []
    offset, strength, *_ = analyzer.series()
    assert len(offset.times) == 9 and all(v is not None and abs(v) <= 40 for v in offset.values)
    assert all(v > 2 * LipSyncOptions().low_sync_peak for v in strength.values)


def test_the_threshold_is_the_users():
    onsets = syllables(14.0, seed=7)
    strict = AnalysisOptions(lip_sync=LipSyncOptions(offset_threshold_s=0.1))
    _, found = run(14.0, speaking(onsets), voice(14.0, onsets, 0.15), strict)
    assert [i.check for i in found] == ["av_offset"]
    _, found = run(14.0, speaking(onsets), voice(14.0, onsets, 0.15))
    assert found == []


@pytest.mark.parametrize("seed", [10, 11])
def test_another_voice_is_low_sync_somewhere_in_a_long_answer(seed):
    # Weak by design (see README): an unrelated voice also finds passing lags, so only part of
    # a 40 s answer is flagged, and never with more than 0.5 confidence.
    onsets = syllables(40.0, seed=9)
    _, found = run(40.0, speaking(onsets), voice(40.0, syllables(40.0, seed=seed), 0.0))
    low = [i for i in found if i.check == "low_sync"]
    assert low and low[0].confidence <= 0.5
    assert "may not come from this person" in low[0].reason


def test_speech_while_the_mouth_is_still():
    onsets = syllables(10.0, seed=11)
    _, found = run(10.0, lambda t: 0.02, voice(10.0, onsets, 0.0))
    assert [i.check for i in found] == ["speech_mouth_still"]
    assert found[0].start == 0.0 and found[0].end == pytest.approx(10.0)


def test_mouth_moving_with_no_sound():
    onsets = syllables(10.0, seed=12)
    _, found = run(10.0, speaking(onsets), np.zeros(10 * AUDIO_RATE, np.float32))
    assert [i.check for i in found] == ["mouth_moving_silent"]


def test_no_face_means_no_verdict_at_all():
    onsets = syllables(10.0, seed=13)
    analyzer, found = run(10.0, lambda t: None, voice(10.0, onsets, 0.6))
    assert found == []
    assert all(v is None for s in analyzer.series() for v in s.values)


def test_a_face_turned_away_is_not_judged():
    f = talking_face(0.0, 0.2)
    turned = replace(f, pose=replace(f.pose, yaw=60.0))
    from interview_guard.lipsync.signals import mouth_opening
    assert mouth_opening(f, (640, 480)) == pytest.approx(0.2, abs=1e-3)
    assert mouth_opening(turned, (640, 480)) is None


def test_lip_sync_is_off_without_audio():
    from interview_guard.inputs import SessionInputs
    from interview_guard.options import SpeechOptions
    assert not LipSyncAnalyzer.runs_with(AnalysisOptions(lip_sync=LipSyncOptions(enabled=False)), SessionInputs())
    assert LipSyncAnalyzer.runs_with(AnalysisOptions(speech=SpeechOptions(enabled=False)), SessionInputs())


def test_segments_whose_mouth_does_not_follow_their_phones_are_one_low_sync():
    from interview_guard.lipsync.openness import PhoneStrength
    from interview_guard.lipsync.phone_sync import JUDGED, EventWindow

    analyzer = LipSyncAnalyzer.from_settings(AnalysisOptions())
    low, enough = analyzer.openness.low_below, analyzer.openness.min_phones

    def window(start, end, strength, phones=40):
        return EventWindow(start, end, JUDGED, strength=PhoneStrength(round(strength, 3), 0.04, phones))

    weak1, weak2 = window(2.0, 4.5, low - 0.2), window(4.6, 6.5, low - 0.1, 20)
    strong = window(7.0, 11.0, 0.7)
    thin = window(11.5, 12.0, 0.0, enough - 1)  # too few phones: neither low nor a break
    late = window(20.0, 24.0, low - 0.3)
    assert analyzer._take_events([weak1, weak2]) == []  # the run is still open
    found = analyzer._take_events([strong, thin, late])
    assert [(i.check, i.start, i.end) for i in found] == [("low_sync", 2.0, 6.5)]
    mean = (weak1.strength.strength * 40 + weak2.strength.strength * 20) / 60
    assert found[0].measurements["phone_sync_strength"] == round(mean, 3)
    assert found[0].measurements["segments"] == 2 and len(found[0].evidence) == 2
    assert 0 < found[0].confidence <= 0.6 and "phone sync strength" in found[0].reason
    # one low segment alone, in a session that had others to judge, is what a real voice does now and then
    assert analyzer._take_events([], final=True) == []
    assert len(analyzer.event_windows) == 5  # every window is kept for the report's series
    alone = LipSyncAnalyzer.from_settings(AnalysisOptions())  # ... unless it is all the session judged
    assert [(i.start, i.end) for i in alone._take_events([late], final=True)] == [(20.0, 24.0)]
    tail = [window(30.0, 32.0, low - 0.2), window(32.5, 35.0, low - 0.1)]  # two low segments end the session
    assert [(i.start, i.end) for i in analyzer._take_events(tail, final=True)] == [(30.0, 35.0)]
    off = LipSyncAnalyzer.from_settings(replace(AnalysisOptions(), lip_sync=LipSyncOptions(phone_strength=False)))
    assert off.openness is None and off._take_events([weak1], final=True) == []
