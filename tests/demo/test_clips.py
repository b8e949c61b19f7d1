"""The demo's clips: what is read is what is written, and each manipulation does what it says."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from interview_guard.demo.clips import AUDIO_RATE, Clip, looped, read_clip, spliced, voice_delayed, write_clip
from interview_guard.demo.run import MEDIA
from interview_guard.errors import MediaError


def _clip(seconds: float = 1.0, fps: int = 25, grey: int = 100, tone_hz: float = 300.0) -> Clip:
    n = int(seconds * fps)
    frames = tuple(np.full((64, 80, 3), (grey + 3 * i) % 256, np.uint8) for i in range(n))
    t = np.arange(int(seconds * AUDIO_RATE)) / AUDIO_RATE
    return Clip(frames, Fraction(fps), (0.3 * np.sin(2 * np.pi * tone_hz * t)).astype(np.float32))


def _lag_s(a: np.ndarray, b: np.ndarray) -> float:
    """How far b lags a, from the peak of their cross-correlation."""
    corr = np.correlate(b, a, mode="full")
    return (int(np.argmax(corr)) - (len(a) - 1)) / AUDIO_RATE


def test_a_written_clip_reads_back_with_its_length_and_sound(tmp_path: Path) -> None:
    clip = _clip(1.0)
    back = read_clip(write_clip(clip, tmp_path / "c.mp4"))
    assert len(back.frames) == len(clip.frames) and back.fps == clip.fps and back.size == clip.size
    assert abs(len(back.audio_fitted()) - len(clip.audio)) == 0
    assert np.abs(back.frames[10].astype(int) - clip.frames[10].astype(int)).mean() < 4
    assert 0.15 < float(np.sqrt(np.mean(back.audio_fitted()[2000:-2000] ** 2))) < 0.25


def test_the_delayed_voice_lags_by_the_delay() -> None:
    rng = np.random.default_rng(7)
    clip = Clip(_clip(2.0).frames, Fraction(25), rng.standard_normal(2 * AUDIO_RATE).astype(np.float32))
    delayed = voice_delayed(clip, 0.4)
    assert len(delayed.audio) == len(clip.audio_fitted()) and delayed.frames == clip.frames
    assert _lag_s(clip.audio_fitted(), delayed.audio) == pytest.approx(0.4, abs=1 / AUDIO_RATE)


def test_splice_and_loop_lengths() -> None:
    a, b = _clip(1.0, grey=10), _clip(2.0, grey=200)
    both = spliced(a, b)
    assert both.duration == pytest.approx(3.0) and both.frames[25] is b.frames[0]
    assert len(both.audio) == 3 * AUDIO_RATE
    thrice = looped(a, 3)
    assert thrice.duration == pytest.approx(3.0) and thrice.frames[50] is a.frames[0]
    assert np.array_equal(thrice.audio[AUDIO_RATE:2 * AUDIO_RATE], a.audio_fitted())


def test_clips_of_different_sizes_are_not_spliced() -> None:
    small = Clip(tuple(np.zeros((32, 32, 3), np.uint8) for _ in range(5)), Fraction(25), np.zeros(100, np.float32))
    with pytest.raises(ValueError, match="share size"):
        spliced(_clip(), small)


def test_a_file_that_is_not_media_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    with pytest.raises(MediaError, match="notes.mp4"):
        read_clip(bad)


def test_the_bundled_clips_are_small_and_attributed() -> None:
    clips = sorted(MEDIA.glob("*.mp4"))
    assert len(clips) == 7 and sum(c.stat().st_size for c in clips) < 2_000_000
    attribution = (MEDIA / "ATTRIBUTION.md").read_text()
    assert "CC BY 4.0" in attribution and all(c.name in attribution for c in clips)
    first = read_clip(clips[0])
    assert first.size == (360, 288) and first.duration == pytest.approx(3.0, abs=0.05)
