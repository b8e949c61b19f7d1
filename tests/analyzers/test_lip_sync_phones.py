"""The envelope's findings checked against the phones: lip closures decide where the loudness rhythm may read
an echo (av_offset), and the phone model where it reads no link at all (low_sync)."""

import numpy as np
import pytest

from interview_guard.analyzers.lip_sync import LipSyncAnalyzer
from interview_guard.analyzers.lip_sync_phones import confident_phones
from interview_guard.faces.core import FaceFrame
from interview_guard.lipsync.offset import OffsetEstimate
from interview_guard.lipsync.openness import PhoneStrength
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
    onsets = syllables(DURATION, seed=7)
    return _talk(phone_windows, speaking(onsets), voice(DURATION, onsets, DELAY_S), DURATION)


def _talk(phone_windows: list[EventWindow], mouth, audio: np.ndarray, duration: float) -> tuple[LipSyncAnalyzer, list]:
    analyzer = LipSyncAnalyzer.from_settings(AnalysisOptions())
    found, chunk, sent = [], AUDIO_RATE // 10, 0
    for k in range(int(duration * FPS)):
        t = k / FPS
        while sent * chunk < len(audio) and sent * 0.1 <= t + 0.3:
            found += analyzer.on_audio(AudioChunk(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk]))
            sent += 1
        found += analyzer.on_faces(FaceFrame(t, k, (640, 480), (talking_face(t, mouth(t)),), analysed=k % 3 == 0))
    found += analyzer._take_events(phone_windows)
    return analyzer, found + analyzer.finish(duration)


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


def test_a_segment_with_two_closures_at_an_echo_gives_way_to_one_with_six_at_the_delay():
    # a syllable echo can line up two closures by chance: the lag six closures pin speaks for the whole span
    windows = [_phone_window(0.0, 6.0, -0.63, closed=2, bilabials=2), _phone_window(7.0, 12.0, 0.42, closed=6,
                                                                                    bilabials=6)]
    analyzer, found = _delayed_talk(windows)
    assert [w.estimate.offset_s for w in confident_phones(windows, 2.0, 3.0)] == [0.42]
    combined = next(s for s in analyzer.series() if s.name == "av_offset_combined_ms")
    assert all(v > 0 for v in combined.values if v is not None)  # no window reads the echo's sign
    offsets = [i for i in found if i.check == "av_offset"]
    assert len(offsets) == 1 and offsets[0].measurements["offset_ms"] == 420.0


def test_a_lone_confident_segment_over_the_span_speaks_for_it():
    windows = [_phone_window(0.0, 6.0, -0.2, closed=2, bilabials=2), _phone_window(40.0, 45.0, 0.4, closed=6,
                                                                                   bilabials=6)]
    assert [w.start for w in confident_phones(windows, 2.0, 3.0)] == [0.0]  # the other is beyond reach
    assert confident_phones(windows, 100.0, 101.0) == []


def _strength_window(start: float, end: float, strength: float, phones: int = 40) -> EventWindow:
    return EventWindow(start, end, JUDGED, strength=PhoneStrength(strength, 0.0, phones))


@pytest.mark.parametrize("phone_strength, raised", [(0.7, False), (0.1, True)])
def test_the_phone_model_decides_an_envelope_low_sync(phone_strength, raised):
    # Another voice on the mouth: the envelope finds no link (test_lip_sync). Phone segments over the whole
    # answer that the mouth follows overrule it; segments it does not follow leave it standing.
    duration, onsets = 40.0, syllables(40.0, seed=9)
    audio = voice(duration, syllables(duration, seed=10), 0.0)
    windows = [_strength_window(s, s + 4.0, phone_strength) for s in np.arange(0.0, duration - 4.0, 4.0)]
    _, found = _talk(windows, speaking(onsets), audio, duration)
    envelope_low = [i for i in found if i.check == "low_sync" and "at any offset" in i.reason]
    assert bool(envelope_low) is raised
    _, alone = _talk([], speaking(onsets), audio, duration)  # no phones (another language): it stands
    assert [i for i in alone if i.check == "low_sync" and "at any offset" in i.reason]


def test_windows_without_phones_of_their_own_take_the_nearest_confident_ones():
    # Phones only over the first 3 s read the lips in step; the rhythm's 0.4 s elsewhere is not trusted over them.
    analyzer, found = _delayed_talk([_phone_window(0.0, 3.0, 0.01)])
    assert not [i for i in found if i.check == "av_offset"]
    combined = next(s for s in analyzer.series() if s.name == "av_offset_combined_ms")
    rhythm = next(s for s in analyzer.series() if s.name == "av_offset_ms")
    assert [v for v in combined.values if v is not None] == [10.0] * sum(v is not None for v in rhythm.values)
    assert max(v for v in rhythm.values if v is not None) > 300


def test_a_window_the_unsure_phones_read_a_syllable_away_from_the_rhythm_is_not_judged():
    # One closure of three bilabials (confidence under the confirm level) says in step, over 4-8 s only.
    analyzer, _ = _delayed_talk([_phone_window(4.0, 8.0, 0.0, closed=1, bilabials=3)])
    series = {s.name: s for s in analyzer.series()}
    rhythm, combined = series["av_offset_ms"], series["av_offset_combined_ms"]
    over = [i for i, t in enumerate(rhythm.times) if rhythm.values[i] is not None and 2.0 < t < 10.0]
    apart = [i for i, t in enumerate(rhythm.times) if rhythm.values[i] is not None and t > 11.5]
    assert over and apart
    assert all(combined.values[i] is None for i in over if abs(rhythm.values[i]) > 150)
    assert [combined.values[i] for i in apart] == [rhythm.values[i] for i in apart]
