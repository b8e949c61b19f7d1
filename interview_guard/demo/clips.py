"""Small clips in memory, and the manipulated copies the demo makes of them: a splice of two people, a
loop, a voice delayed against the lips. PyAV only (it brings its own FFmpeg), so the demo needs nothing
the install did not bring. Clips are a few seconds: holding every frame in memory is a few MB."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from interview_guard.errors import MediaError

AUDIO_RATE = 16_000
_AAC_FRAME = 1024  # samples per AAC frame


@dataclass(frozen=True)
class Clip:
    """Every frame (RGB uint8) and the mono audio, both starting at the first frame's time."""

    frames: tuple[np.ndarray, ...]
    fps: Fraction
    audio: np.ndarray  # float32, AUDIO_RATE Hz

    def __post_init__(self) -> None:
        if not self.frames:
            raise ValueError("a clip needs at least one frame")
        if self.audio.ndim != 1 or self.audio.dtype != np.float32:
            raise ValueError(f"audio must be 1-d float32 (got {self.audio.dtype} {self.audio.shape})")

    @property
    def duration(self) -> float:
        return len(self.frames) / float(self.fps)

    @property
    def size(self) -> tuple[int, int]:
        h, w = self.frames[0].shape[:2]
        return w, h

    def audio_fitted(self) -> np.ndarray:
        """The audio padded with silence or cut to exactly the video's length."""
        n = int(round(self.duration * AUDIO_RATE))
        return np.pad(self.audio, (0, max(0, n - len(self.audio))))[:n]


def read_clip(path: Path) -> Clip:
    try:
        with av.open(str(path)) as container:
            video = container.streams.video[0]
            fps = video.average_rate or Fraction(25)
            images, video_start = [], None
            for frame in container.decode(video):
                video_start = frame.time if video_start is None else video_start
                images.append(frame.to_ndarray(format="rgb24"))
        audio, audio_start = _read_audio(path)
    except (av.FFmpegError, IndexError) as e:
        raise MediaError(f"{path}: cannot be read as a clip with video and audio ({e})") from e
    # One clock: audio that starts after the first frame is preceded by silence, earlier audio is cut.
    shift = int(round(((audio_start or 0.0) - (video_start or 0.0)) * AUDIO_RATE))
    audio = np.pad(audio, (shift, 0)) if shift > 0 else audio[-shift:]
    return Clip(tuple(images), Fraction(fps), audio.astype(np.float32))


def _read_audio(path: Path) -> tuple[np.ndarray, float | None]:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
    chunks, start = [], None
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            start = frame.time if start is None else start
            chunks += [r.to_ndarray().reshape(-1) for r in resampler.resample(frame)]
    chunks += [r.to_ndarray().reshape(-1) for r in resampler.resample(None)]
    return (np.concatenate(chunks) if chunks else np.zeros(0, np.float32)), start


def write_clip(clip: Clip, path: Path) -> Path:
    """H.264 (yuv420p) and AAC in an mp4, both streams starting at 0."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=clip.fps, options={"crf": "23", "preset": "veryfast"})
        video.width, video.height = clip.size
        video.pix_fmt = "yuv420p"
        audio = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        for i, image in enumerate(clip.frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="rgb24")
            frame.pts, frame.time_base = i, 1 / clip.fps
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
        samples = clip.audio_fitted()
        for start in range(0, len(samples), _AAC_FRAME):
            block = samples[start:start + _AAC_FRAME].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="fltp", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = AUDIO_RATE, start, Fraction(1, AUDIO_RATE)
            container.mux(audio.encode(frame))
        container.mux(audio.encode(None))
    return path


def spliced(first: Clip, second: Clip) -> Clip:
    """One person, then another in the same seat: a stand-in taking over mid-call."""
    if first.size != second.size or first.fps != second.fps:
        raise ValueError(f"clips to splice must share size and rate (got {first.size}@{first.fps}, "
                         f"{second.size}@{second.fps})")
    return Clip(first.frames + second.frames, first.fps,
                np.concatenate([first.audio_fitted(), second.audio_fitted()]))


def looped(clip: Clip, times: int = 3) -> Clip:
    """The same recording played again and again: a replay fed to a virtual camera."""
    return Clip(clip.frames * times, clip.fps, np.tile(clip.audio_fitted(), times))


def voice_delayed(clip: Clip, delay_s: float = 0.4) -> Clip:
    """The voice arrives `delay_s` after the lips move, as when it is relayed or dubbed separately."""
    audio = clip.audio_fitted()
    shift = int(round(delay_s * AUDIO_RATE))
    return Clip(clip.frames, clip.fps, np.concatenate([np.zeros(shift, np.float32), audio[:len(audio) - shift]]))
