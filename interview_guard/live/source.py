"""LiveSource: a call's media as the engine reads it (engine/source.py), whatever delivers it.

The delivering side (a WebRTC track, a recording played in real time, a camera; see sources.py) only calls
`put()`, `close()` and the few methods that say what happened to the media on its way (`skipped_packets`,
`stopped_early`, `timed_by_arrival`), from any thread and without blocking. The analysis side iterates
`frames_and_audio()`; the bounded LiveFeed in between drops video rather than lag (feed.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from interview_guard.live.feed import LiveConverter, LiveFeed, LiveFrame
from interview_guard.media.core import AudioChunk, MediaInfo, VideoFrame
from interview_guard.options import AnalysisOptions


class LiveSource:
    """name: the session's, for the summary's source path (live-<name>); kind: where the media comes from
    ("webrtc", "file:call.mp4", "v4l2:/dev/video0"), the summary's source format."""

    realtime = True

    def __init__(self, options: AnalysisOptions, name: str, kind: str,
                 on_frame: Callable[[VideoFrame], None] | None = None) -> None:
        self.name, self.kind = name, kind
        self.feed = LiveFeed()
        self.converter = LiveConverter(options, on_frame=on_frame)
        self.sync = "rtcp"  # or "arrival" once a track had no sender report
        self._skipped = 0
        self._problems: list[str] = []

    # ------------------------------------------------------------ the delivering side

    def put(self, item: LiveFrame) -> None:
        self.feed.put(item)

    def close(self) -> None:
        """No more media: the analysis ends once what is waiting has been taken."""
        self.feed.close()

    def skipped_packets(self, count: int) -> None:
        """Damaged packets that could not be decoded (a recording played live)."""
        self._skipped += count

    def stopped_early(self, why: str) -> None:
        """Why the media stopped before its end (file, time, cause), for the summary's warnings."""
        self._problems.append(why)

    def timed_by_arrival(self) -> None:
        """A track had no RTCP sender report: its frames were placed on the clock by arrival."""
        self.sync = "arrival"

    # ------------------------------------------------------------ the engine's side

    @property
    def info(self) -> MediaInfo:
        c = self.converter
        return MediaInfo(path=Path(f"live-{self.name}"), format=self.kind, duration=round(c.last_time, 3),
                         origin=0.0, has_video=c.frames_decoded > 0, has_audio=bool(c.audio_tracks))

    @property
    def frames_analysed(self) -> int:
        return self.converter.frames_analysed

    @property
    def packets_skipped(self) -> int:
        return self._skipped

    @property
    def last_time(self) -> float:
        return self.converter.last_time

    def frames_and_audio(self) -> Iterator[VideoFrame | AudioChunk]:
        return self.converter.convert(self.feed.items())

    def arrived(self, frame_index: int) -> float | None:
        """When a recent frame reached the agent (time.monotonic()), for the lag shown to the user."""
        return self.converter.arrivals.get(frame_index)

    def problems(self) -> list[str]:
        feed, problems = self.feed, []
        if feed.video_dropped:
            problems.append(f"{feed.video_dropped} of {feed.video_in} video frames were dropped to keep up in "
                            f"real time: checks saw fewer frames than a recording would give them")
        if feed.audio_dropped:
            problems.append(f"{feed.audio_dropped} audio frames were dropped (the analysis stalled)")
        problems += self._problems
        if self.sync != "rtcp":
            problems.append("audio and video were timed by arrival (no RTCP sender report): lip-sync offsets "
                            "include network jitter")
        return problems
