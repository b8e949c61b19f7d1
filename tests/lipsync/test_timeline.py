import numpy as np
import pytest

from interview_guard.lipsync.timeline import JUDGED, NOT_VISIBLE, SILENT, STILL, SyncTimeline
from interview_guard.media.core import AUDIO_RATE
from interview_guard.options import LipSyncOptions
from tests.lipsync.synthetic import mouth_at, syllables, voice

FPS = 25


def feed(timeline: SyncTimeline, duration: float, mouth, audio: np.ndarray) -> list:
    """Interleave 100 ms audio chunks and frames in time order, as the decoder does."""
    windows, chunk, sent = [], AUDIO_RATE // 10, 0
    for k in range(int(duration * FPS)):
        t = k / FPS
        while sent * chunk < len(audio) and sent * 0.1 <= t + 0.3:
            timeline.add_audio(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk])
            sent += 1
        timeline.add_mouth(t, mouth(t), k)
        windows += list(timeline.windows())
    while sent * chunk < len(audio):
        timeline.add_audio(sent * 0.1, audio[sent * chunk:(sent + 1) * chunk])
        sent += 1
    return windows + list(timeline.windows(final_end=duration))


@pytest.mark.parametrize("delay_s", [-0.4, 0.0, 0.2, 0.8])
def test_every_window_of_talking_finds_the_delay(delay_s):
    onsets = syllables(12.0, seed=5)
    windows = feed(SyncTimeline(LipSyncOptions()), 12.0, lambda t: float(mouth_at(np.array([t]), onsets)[0]),
                   voice(12.0, onsets, delay_s))
    judged = [w for w in windows if w.verdict == JUDGED]
    assert len(judged) >= 6
    for w in judged:
        assert w.smoothed.offset_s == pytest.approx(delay_s, abs=0.04)
        assert w.smoothed.peak > 0.6


def test_windows_slide_by_the_hop_and_cover_the_recording():
    onsets = syllables(10.0)
    windows = feed(SyncTimeline(LipSyncOptions()), 10.0, lambda t: float(mouth_at(np.array([t]), onsets)[0]),
                   voice(10.0, onsets, 0.0))
    assert [w.start for w in windows] == [float(s) for s in range(7)]
    assert all(w.end - w.start == pytest.approx(4.0) for w in windows)


def test_a_short_recording_is_judged_whole():
    onsets = syllables(3.0)
    windows = feed(SyncTimeline(LipSyncOptions()), 3.0, lambda t: float(mouth_at(np.array([t]), onsets)[0]),
                   voice(3.0, onsets, 0.0))
    assert len(windows) == 1 and windows[0].end == pytest.approx(3.0) and windows[0].judged


def test_silence_is_cannot_judge_not_out_of_sync():
    onsets = syllables(8.0)
    windows = feed(SyncTimeline(LipSyncOptions()), 8.0, lambda t: float(mouth_at(np.array([t]), onsets)[0]),
                   np.zeros(8 * AUDIO_RATE, np.float32))
    assert windows and all(w.verdict == SILENT and w.smoothed is None for w in windows)
    assert all(w.mouth_motion > 0.05 for w in windows)  # the mouth did move: mouth_moving_silent reads this


def test_a_face_turned_away_is_cannot_judge():
    onsets = syllables(8.0)
    windows = feed(SyncTimeline(LipSyncOptions()), 8.0, lambda t: None, voice(8.0, onsets, 0.0))
    assert windows and all(w.verdict == NOT_VISIBLE and w.smoothed is None for w in windows)


def test_speech_with_a_still_mouth_is_marked_still():
    onsets = syllables(8.0)
    windows = feed(SyncTimeline(LipSyncOptions()), 8.0, lambda t: 0.02, voice(8.0, onsets, 0.0))
    assert windows and all(w.verdict == STILL for w in windows)


def test_memory_stays_bounded_over_a_long_session():
    onsets = syllables(300.0)
    timeline = SyncTimeline(LipSyncOptions())
    windows = feed(timeline, 300.0, lambda t: float(mouth_at(np.array([t]), onsets)[0]), voice(300.0, onsets, 0.1))
    assert len(windows) == 297
    assert len(timeline._mouth) < 8 * FPS  # the next window and its lags, not the session
    assert len(timeline._voice) < 8 * 100
