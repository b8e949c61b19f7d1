"""The live pipeline's entrance: a bounded buffer that drops video rather than fall behind.

Live media arrives at its own pace whatever the analysis can keep up with. Video frames
are dropped at the door (the oldest waiting one first) so the lag never grows; audio is
kept, since speech and lip-sync need it whole, and is only dropped past a hard bound
(which means the analysis has stalled for seconds, and is counted and reported).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import av

from interview_guard.media.convert import AudioAssembler, FramePicker, PictureMaker
from interview_guard.media.core import AudioChunk, VideoFrame
from interview_guard.options import AnalysisOptions


@dataclass(frozen=True)
class LiveFrame:
    """A decoded frame from a live track, placed on the session clock (seconds from the first video
    frame). arrived: time.monotonic() when it reached the agent, for the lag shown to the user."""

    frame: av.VideoFrame | av.AudioFrame
    t: float
    track: int = 0
    arrived: float = field(default_factory=time.monotonic)

    @property
    def is_video(self) -> bool:
        return isinstance(self.frame, av.VideoFrame)


class LiveFeed:
    """Thread-safe and bounded: `put()` from the network side, iterate `items()` on the analysis side."""

    def __init__(self, max_video: int = 3, max_audio_s: float = 20.0) -> None:
        self.max_video = max_video
        self.max_audio_s = max_audio_s
        self._items: deque[LiveFrame] = deque()
        self._video_waiting = 0
        self._audio_waiting_s = 0.0
        self._closed = False
        self._cond = threading.Condition()
        self.video_in = self.video_dropped = 0
        self.audio_in = self.audio_dropped = 0

    def put(self, item: LiveFrame) -> None:
        with self._cond:
            if self._closed:
                return
            if item.is_video:
                self.video_in += 1
                if self._video_waiting >= self.max_video:
                    self._drop_oldest(video=True)
                self._video_waiting += 1
            else:
                self.audio_in += 1
                while self._audio_waiting_s >= self.max_audio_s:
                    self._drop_oldest(video=False)
                self._audio_waiting_s += _seconds(item)
            self._items.append(item)
            self._cond.notify()

    def close(self) -> None:
        """No more input: `items()` ends once what is waiting has been taken."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def items(self) -> Iterator[LiveFrame]:
        while True:
            with self._cond:
                while not self._items and not self._closed:
                    self._cond.wait(timeout=0.5)
                if not self._items:
                    return
                item = self._items.popleft()
                if item.is_video:
                    self._video_waiting -= 1
                else:
                    self._audio_waiting_s -= _seconds(item)
            yield item

    def _drop_oldest(self, video: bool) -> None:
        for i, waiting in enumerate(self._items):
            if waiting.is_video == video:
                del self._items[i]
                if video:
                    self._video_waiting -= 1
                    self.video_dropped += 1
                else:
                    self._audio_waiting_s -= _seconds(waiting)
                    self.audio_dropped += 1
                return


def _seconds(item: LiveFrame) -> float:
    frame = item.frame
    return frame.samples / frame.sample_rate if frame.sample_rate else 0.0


class LiveConverter:
    """Turns live frames into the pipeline's VideoFrame and AudioChunk: frames picked at the analysis
    and lip-sync rates, scaled like a recording's, audio resampled onto the session clock.
    Counts what a summary reads from a reader (frames_analysed, last_time)."""

    _ARRIVALS_KEPT = 256

    def __init__(self, options: AnalysisOptions, on_frame: Callable[[VideoFrame], None] | None = None) -> None:
        self.options = options
        self.on_frame = on_frame  # sees every converted frame (evidence thumbnails)
        self._picker = FramePicker(options.media.analysis_fps)
        self._full_rate = FramePicker(options.full_rate_fps) if options.full_rate_fps > 0 else None
        self._audio: dict[int, AudioAssembler] = {}
        self._pictures = PictureMaker(options.media.max_side)
        self.frames_decoded = self.frames_analysed = 0
        self.last_time = 0.0
        self.arrivals: dict[int, float] = {}  # frame index -> arrival (monotonic), the latest few

    def convert(self, items: Iterator[LiveFrame]) -> Iterator[VideoFrame | AudioChunk]:
        for item in items:
            if item.is_video:
                frame = self._video(item)
                if frame is not None:
                    yield frame
            else:
                yield from self._assembler(item.track).add(item.frame, start=item.t)
        for assembler in self._audio.values():
            yield from assembler.flush()

    def _assembler(self, track: int) -> AudioAssembler:
        if track not in self._audio:
            self._audio[track] = AudioAssembler(0.0, track=track)
        return self._audio[track]

    def _video(self, item: LiveFrame) -> VideoFrame | None:
        index, t = self.frames_decoded, item.t
        self.frames_decoded += 1
        if t < self.last_time:  # a frame out of order on the wire: the analysis needs time to move on
            return None
        self.last_time = t
        analysed = self._picker.take(t)
        extra = self._full_rate is not None and self._full_rate.take(t)
        if not (analysed or extra):
            return None
        self.frames_analysed += analysed
        frame = item.frame
        image, size = self._pictures.picture(frame)
        self.arrivals[index] = item.arrived
        if len(self.arrivals) > self._ARRIVALS_KEPT:
            del self.arrivals[next(iter(self.arrivals))]
        converted = VideoFrame(index=index, t=t, image=image, source_size=size, analysed=analysed)
        if self.on_frame is not None:
            self.on_frame(converted)
        return converted

    @property
    def audio_tracks(self) -> int:
        return len(self._audio)
