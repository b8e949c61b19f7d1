"""What the engine reads: a source of decoded frames and audio chunks, a recording or a live call.

`media.reader.RecordingReader` is one (it decodes a file as fast as the stages take it); `live.source.LiveSource`
is another (a call, or a recording played at its own pace, whose frames arrive in real time and are dropped
at the door when the analysis falls behind). Nothing here imports either: they match by shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from interview_guard.media.core import AudioChunk, MediaInfo, VideoFrame


@runtime_checkable
class Source(Protocol):
    """realtime: True for media that arrives at its own pace (its end is the last frame seen plus one
    analysis step; a recording's end is bounded by the length the file declares).
    info: what is known of the media now (a live source learns its length as it goes).
    frames_analysed, packets_skipped, last_time: counters the summary reads once the frames have run out.
    problems(): what the source has to say about its input for the summary's warnings (frames dropped to
    keep up, a file cut short while played live); a recording raises a MediaError instead."""

    realtime: bool

    @property
    def info(self) -> MediaInfo: ...

    @property
    def frames_analysed(self) -> int: ...

    @property
    def packets_skipped(self) -> int: ...

    @property
    def last_time(self) -> float: ...

    def frames_and_audio(self) -> Iterator[VideoFrame | AudioChunk]: ...

    def problems(self) -> list[str]: ...
