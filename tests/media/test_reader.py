from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interview_guard.errors import MediaError
from interview_guard.media import AUDIO_RATE, AudioChunk, VideoFrame, open_recording
from interview_guard.options import MediaOptions
from tests.conftest import run_ffmpeg
from tests.media_factory import write_synthetic_video


def _read(path: Path, **kw) -> tuple[list[VideoFrame], np.ndarray, list[AudioChunk]]:
    frames, chunks = [], []
    with open_recording(path, MediaOptions(**kw)) as reader:
        for item in reader.frames_and_audio():
            (frames if isinstance(item, VideoFrame) else chunks).append(item)
    audio = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0, np.float32)
    return frames, audio, chunks


def _onset(audio: np.ndarray) -> float:
    return float(np.argmax(np.abs(audio) > 0.05)) / AUDIO_RATE


def test_frames_arrive_at_the_analysis_rate_with_real_times(synthetic_clip: Path) -> None:
    frames, audio, _ = _read(synthetic_clip, analysis_fps=10)
    times = np.array([f.t for f in frames])
    assert 29 <= len(frames) <= 31
    assert np.all(np.diff(times) > 0)
    assert abs(np.diff(times).mean() - 0.1) < 0.01
    assert frames[0].image.dtype == np.uint8 and frames[0].image.shape == (120, 160, 3)
    assert abs(len(audio) / AUDIO_RATE - 3.0) < 0.05


def test_audio_chunks_are_contiguous_on_the_session_clock(synthetic_clip: Path) -> None:
    _, _, chunks = _read(synthetic_clip)
    for prev, nxt in zip(chunks, chunks[1:]):
        assert nxt.t == pytest.approx(prev.end, abs=1e-6)


def test_tone_onset_keeps_its_time(tmp_path: Path) -> None:
    clip = write_synthetic_video(tmp_path / "late_tone.mp4", seconds=3.0, tone_start=1.0)
    _, audio, _ = _read(clip)
    assert _onset(audio) == pytest.approx(1.0, abs=0.01)


def test_audio_stream_offset_is_kept_not_dropped(tmp_path: Path, ffmpeg: str) -> None:
    """-itsoffset delays the audio stream's start time: the same tone must arrive 0.5 s later."""
    clip = write_synthetic_video(tmp_path / "a.mp4", seconds=3.0, tone_start=1.0)
    shifted = tmp_path / "shifted.mp4"
    run_ffmpeg(ffmpeg, "-i", str(clip), "-itsoffset", "0.5", "-i", str(clip),
               "-map", "0:v", "-map", "1:a", "-c", "copy", str(shifted))
    _, audio, _ = _read(shifted)
    assert _onset(audio) == pytest.approx(1.5, abs=0.02)


def test_frames_are_scaled_to_max_side(tmp_path: Path) -> None:
    clip = write_synthetic_video(tmp_path / "big.mp4", seconds=1.0, size=(640, 360), tone_hz=None)
    with open_recording(clip, MediaOptions(max_side=320), need_audio=False) as reader:
        frame = next(x for x in reader.frames_and_audio() if isinstance(x, VideoFrame))
    assert frame.image.shape == (180, 320, 3)
    assert frame.scale == pytest.approx(2.0)


def test_variable_frame_rate_clip_is_sampled_evenly(media_dir: Path) -> None:
    frames, _, _ = _read(media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4")
    gaps = np.diff([f.t for f in frames])
    assert 55 <= len(frames) <= 65
    assert gaps.min() > 0.05 and gaps.max() < 0.2


@pytest.fixture()
def bad_files(tmp_path: Path, ffmpeg: str, synthetic_clip: Path) -> dict[str, Path]:
    files = {}
    files["text"] = tmp_path / "notes.mp4"
    files["text"].write_text("this is not a video\n")
    files["empty"] = tmp_path / "empty.mp4"
    files["empty"].write_bytes(b"")
    files["audio_only"] = tmp_path / "voice.m4a"
    run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=300:duration=2", "-c:a", "aac", str(files["audio_only"]))
    files["no_audio"] = write_synthetic_video(tmp_path / "silent.mp4", seconds=2.0, tone_hz=None)
    longer = write_synthetic_video(tmp_path / "long.mp4", seconds=8.0)
    faststart = tmp_path / "faststart.mp4"
    run_ffmpeg(ffmpeg, "-i", str(longer), "-c", "copy", "-movflags", "+faststart", str(faststart))
    data = faststart.read_bytes()
    files["truncated"] = tmp_path / "truncated.mp4"
    files["truncated"].write_bytes(data[: len(data) // 2])
    files["missing_index"] = tmp_path / "cut.mp4"
    files["missing_index"].write_bytes(longer.read_bytes()[:20_000])
    files["missing"] = tmp_path / "nope.mp4"
    files["folder"] = tmp_path
    return files


@pytest.mark.parametrize("kind, message", [
    ("text", "not a readable audio/video file"),
    ("empty", "empty"),
    ("audio_only", "no video stream"),
    ("no_audio", "no audio track"),
    ("truncated", "truncated"),
    ("missing_index", "incomplete"),
    ("missing", "no such file"),
    ("folder", "folder"),
])
def test_bad_input_is_a_media_error_naming_the_file(bad_files: dict[str, Path], kind: str, message: str) -> None:
    path = bad_files[kind]
    with pytest.raises(MediaError) as info:
        with open_recording(path) as reader:
            for _ in reader.frames_and_audio():
                pass
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_no_audio_is_fine_when_speech_is_off(bad_files: dict[str, Path]) -> None:
    with open_recording(bad_files["no_audio"], need_audio=False) as reader:
        items = list(reader.frames_and_audio())
    assert items and all(isinstance(x, VideoFrame) for x in items)


def test_phone_rotation_is_applied_like_a_player(tmp_path: Path, ffmpeg: str) -> None:
    """Raw frames stored sideways with a 90° display rotation come out upright, with the shown size."""
    upright_clip = write_synthetic_video(tmp_path / "up.mp4", seconds=1.0, size=(160, 96), tone_hz=None)
    turned, sideways = tmp_path / "turned.mp4", tmp_path / "phone.mp4"
    run_ffmpeg(ffmpeg, "-i", str(upright_clip), "-vf", "transpose=1", "-c:v", "libx264", str(turned))
    run_ffmpeg(ffmpeg, "-i", str(turned), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(sideways))
    with open_recording(upright_clip, need_audio=False) as reader:
        expected = next(iter(reader.frames_and_audio()))
    with open_recording(sideways, need_audio=False) as reader:
        frame = next(iter(reader.frames_and_audio()))
    assert frame.image.shape == expected.image.shape == (96, 160, 3)
    assert frame.source_size == (160, 96)
    assert np.abs(frame.image.astype(int) - expected.image.astype(int)).mean() < 8
