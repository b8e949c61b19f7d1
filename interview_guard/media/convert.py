"""Turning decoded frames into what the pipeline reads: frames picked at a rate, sized for
analysis and set upright, and audio resampled to 16 kHz mono on the session clock.

Shared by the recording reader and the live sources, so a frame analysed live is the
same as one analysed from a file.
"""

from __future__ import annotations

from collections.abc import Iterator

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from interview_guard.media.core import AUDIO_RATE, AudioChunk

CHUNK_SAMPLES = AUDIO_RATE // 10  # audio leaves in 100 ms chunks
# PyAV 17 and later scale with a pool of threads unless told threads=1; older versions take no `threads` (one thread).
_ONE_THREAD = {"threads": 1} if int(av.__version__.split(".")[0]) >= 17 else {}


def decode_packet(packet: av.Packet) -> list | None:
    """The packet's frames, or None when the packet is damaged (common in real recordings: the
    caller counts it and goes on)."""
    try:
        return packet.decode()
    except av.error.InvalidDataError:
        return None


class FramePicker:
    """Chooses frames at a target rate from a stream of any (variable) rate."""

    def __init__(self, fps: float) -> None:
        self.step = 1.0 / fps
        self.next_due = -1e9

    def take(self, t: float) -> bool:
        # Half a millisecond of slack so 30 fps material sampled at 10 fps takes every third frame.
        if t + 5e-4 < self.next_due:
            return False
        self.next_due = self.next_due + self.step if t < self.next_due + self.step else t + self.step
        return True


def full_rate_picker(fps: float, stream_fps: float) -> FramePicker | None:
    """Every frame when the stream is not much faster than `fps` (timestamps jitter: a picker
    at the stream's own rate would drop some); else a picker at `fps`. None when off."""
    if fps <= 0:
        return None
    return EveryFrame() if stream_fps <= 1.1 * fps else FramePicker(fps)


class EveryFrame(FramePicker):
    def __init__(self) -> None:
        super().__init__(1.0)

    def take(self, t: float) -> bool:
        return True


class AudioAssembler:
    """Resamples to 16 kHz mono and lays samples on the session clock, padding gaps with silence."""

    def __init__(self, origin: float, track: int = 0) -> None:
        self.origin = origin
        self.track = track
        self.resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        self.written = 0  # samples emitted or buffered since t=0
        self.pending: list[np.ndarray] = []
        self.pending_samples = 0
        self.emitted = 0

    def add(self, frame: av.AudioFrame, start: float | None = None) -> Iterator[AudioChunk]:
        """start: the frame's time on the session clock; by default its own time less the origin."""
        if start is None and frame.time is not None:
            start = frame.time - self.origin
        for out in self.resampler.resample(frame):
            self._place(out.to_ndarray().reshape(-1).astype(np.float32, copy=False), start)
            start = None
        yield from self._drain(final=False)

    def flush(self) -> Iterator[AudioChunk]:
        for out in self.resampler.resample(None):
            self._place(out.to_ndarray().reshape(-1).astype(np.float32, copy=False), None)
        yield from self._drain(final=True)

    def _place(self, samples: np.ndarray, start: float | None) -> None:
        if start is not None:
            at = int(round(start * AUDIO_RATE))
            gap = at - self.written
            if gap > AUDIO_RATE // 50:  # a hole over 20 ms: the stream paused, keep the clock
                self._push(np.zeros(gap, np.float32))
            elif at < 0 and self.written == 0:  # samples before the session clock's 0
                samples = samples[min(-at, len(samples)):]
        self._push(samples)

    def _push(self, samples: np.ndarray) -> None:
        if len(samples):
            self.pending.append(samples)
            self.pending_samples += len(samples)
            self.written += len(samples)

    def _drain(self, final: bool) -> Iterator[AudioChunk]:
        if not self.pending or (self.pending_samples < CHUNK_SAMPLES and not final):
            return
        data = np.concatenate(self.pending)
        cut = len(data) if final else (len(data) // CHUNK_SAMPLES) * CHUNK_SAMPLES
        for s in range(0, cut, CHUNK_SAMPLES):
            piece = data[s:min(s + CHUNK_SAMPLES, cut)]
            yield AudioChunk(t=self.emitted / AUDIO_RATE, samples=np.ascontiguousarray(piece), track=self.track)
            self.emitted += len(piece)
        rest = data[cut:]
        self.pending = [rest] if len(rest) else []
        self.pending_samples = len(rest)


class PictureMaker:
    """Turns decoded frames into upright RGB pictures whose longer side is at most `max_side`.

    Same pixels as `frame.to_ndarray(format="rgb24", width=w, height=h)` (tests/media/test_convert.py),
    for less: PyAV's to_ndarray builds a new swscale context per frame, with (PyAV 17 and later) a pool of
    scaler threads of its own; this keeps one context for the stream, which follows each frame's size and
    colours, and scales on the caller's thread (the stages keep the cores busy anyway). One per stream and
    thread: the context is not thread-safe.
    """

    def __init__(self, max_side: int) -> None:
        self.max_side = max_side
        self._scaler = VideoReformatter()

    def picture(self, frame: av.VideoFrame) -> tuple[np.ndarray, tuple[int, int]]:
        """The picture and the (width, height) of the source as displayed (turned when the stream is)."""
        w, h = analysis_size(frame.width, frame.height, self.max_side)
        image = upright(self._scaler.reformat(frame, w, h, "rgb24", **_ONE_THREAD).to_ndarray(), frame)
        turned = image.shape[:2] != (h, w)
        return image, ((frame.height, frame.width) if turned else (frame.width, frame.height))


def upright(image: np.ndarray, frame: av.VideoFrame) -> np.ndarray:
    """Apply the stream's display rotation (phones record sideways and say so), as players do."""
    quarter_turns = int(round((getattr(frame, "rotation", 0) or 0) / 90.0)) % 4
    return np.ascontiguousarray(np.rot90(image, k=quarter_turns) if quarter_turns else image)


def analysis_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)
