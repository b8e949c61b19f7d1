"""What flows out of media input: frames and audio on one session clock (seconds from 0)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

AUDIO_RATE = 16_000


@dataclass(frozen=True)
class VideoFrame:
    """One analysed frame. `t` is its presentation time on the session clock.

    image: RGB uint8 (H, W, 3), possibly scaled down from source_size.
    index: the frame's position among all decoded frames (0-based), so evidence
        can name the exact source frame.
    analysed: True for frames at the analysis rate, which every check sees; False for
        the extra frames taken at the lip-sync rate, which only full-rate checks see.
    """

    index: int
    t: float
    image: np.ndarray
    source_size: tuple[int, int]  # (width, height) of the stream
    analysed: bool = True

    def __post_init__(self) -> None:
        if self.image.ndim != 3 or self.image.shape[2] != 3 or self.image.dtype != np.uint8:
            raise ValueError(f"VideoFrame.image must be uint8 (H, W, 3) (got {self.image.dtype} {self.image.shape})")

    @property
    def scale(self) -> float:
        """Source pixels per analysed pixel."""
        return self.source_size[0] / self.image.shape[1]


@dataclass(frozen=True)
class AudioChunk:
    """Mono float32 samples at 16 kHz starting at `t` on the session clock.

    track: 0 for the call's audio (what Whisper transcribes and lip-sync reads), 1 for the
    interviewer's own microphone when the source carries it separately (exact turn-taking).
    """

    t: float
    samples: np.ndarray
    track: int = 0

    def __post_init__(self) -> None:
        if self.samples.ndim != 1 or self.samples.dtype != np.float32:
            raise ValueError(f"AudioChunk.samples must be float32 (N,) (got {self.samples.dtype} {self.samples.shape})")

    @property
    def duration(self) -> float:
        return len(self.samples) / AUDIO_RATE

    @property
    def end(self) -> float:
        return self.t + self.duration


@dataclass(frozen=True)
class MediaInfo:
    """What a recording holds, read before decoding.

    origin: the stream start time (seconds, container clock) that the session
        clock calls 0; the later of audio and video keeps its head start.
    """

    path: Path
    format: str
    duration: float
    origin: float
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: float = 0.0
    video_codec: str = ""
    audio_codec: str = ""
    audio_rate: int = 0
    audio_channels: int = 0
    video_start: float = 0.0
    audio_start: float = 0.0
