"""Read a recording with PyAV: frames at the analysis rate and 16 kHz mono audio, in step.

Both streams keep their own start times (edit lists, -itsoffset): the session
clock's 0 is the earlier stream start, so an audio track that starts 0.3 s after
the video arrives with 0.3 s of leading silence, and lip-sync stays measurable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import av

from interview_guard.errors import MediaError
from interview_guard.media.convert import AudioAssembler, FramePicker, PictureMaker, decode_packet, full_rate_picker
from interview_guard.media.core import AUDIO_RATE, AudioChunk, MediaInfo, VideoFrame
from interview_guard.options import MediaOptions

logger = logging.getLogger(__name__)

CHUNK_SAMPLES = AUDIO_RATE // 10  # audio leaves in 100 ms chunks
_IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "gif"}
# A stream that ends this much before the length the container declares was cut short.
_TRUNCATION_SLACK_S = 1.0


def open_recording(path: str | Path, options: MediaOptions | None = None,
                   need_audio: bool = True, full_rate_fps: float = 0.0,
                   use_audio: bool = False) -> "RecordingReader":
    """need_audio: refuse a recording without sound; use_audio: decode its sound when it has some.
    full_rate_fps: also yield the frames between analysed ones, up to this rate, marked analysed=False."""
    return RecordingReader(Path(path), options or MediaOptions(), need_audio, full_rate_fps, use_audio)


class RecordingReader:
    """Decodes one recording; use as a context manager, iterate with `frames_and_audio()`.
    A source for the engine (engine/source.py): it reads as fast as the stages take the frames."""

    realtime = False

    def __init__(self, path: Path, options: MediaOptions, need_audio: bool = True,
                 full_rate_fps: float = 0.0, use_audio: bool = False) -> None:
        self.path = path
        self.options = options
        self.full_rate_fps = full_rate_fps
        self._container = _open_container(path)
        try:
            self.info = _probe(path, self._container)
            _require_streams(self.info, need_audio)
        except Exception:
            self._container.close()
            raise
        self._use_audio = self.info.has_audio and (need_audio or use_audio)
        self.interviewer_stream = self._interviewer_stream() if self._use_audio else None
        self.frames_decoded = 0
        self.frames_analysed = 0
        self.frames_full_rate = 0  # extra frames taken for full-rate checks (lip-sync)
        self.last_time = 0.0
        self.packets_skipped = 0

    def __enter__(self) -> "RecordingReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def problems(self) -> list[str]:
        """Nothing to add to the summary's warnings: a recording that cannot be read whole raises a MediaError
        (damaged packets skipped are counted in packets_skipped)."""
        return []

    def _interviewer_stream(self) -> "av.audio.stream.AudioStream | None":
        """The interviewer's microphone track: MediaOptions.interviewer_track, or with "auto" the second
        audio track of a recording that has exactly two."""
        audio = self._container.streams.audio
        choice = self.options.interviewer_track
        if choice == "none" or (choice == "auto" and len(audio) != 2):
            return None
        number = 2 if choice == "auto" else int(choice)
        if not 2 <= number <= len(audio):
            raise MediaError(f"{self.path}: has {len(audio)} audio track(s), so track {number} cannot be the "
                             f"interviewer's; pick 2..{len(audio)} or pass --interviewer-track none")
        return audio[number - 1]

    def frames_and_audio(self) -> Iterator[VideoFrame | AudioChunk]:
        """Frames at the analysis rate and 100 ms audio chunks, in container order."""
        self._open_container().streams.video[0].thread_type = "AUTO"
        assemblers: dict[int, AudioAssembler] = {}  # by track
        if self._use_audio:
            assemblers[0] = AudioAssembler(self.info.origin)
            if self.interviewer_stream is not None:
                assemblers[1] = AudioAssembler(self.info.origin, track=1)
        picker = FramePicker(self.options.analysis_fps)
        full_rate = full_rate_picker(self.full_rate_fps, self.info.fps)
        pictures = PictureMaker(self.options.max_side)
        try:
            for track, frame in self.decoded():
                if isinstance(frame, av.AudioFrame):
                    yield from assemblers[track].add(frame)
                else:
                    selected = self._on_video_frame(frame, picker, full_rate, pictures)
                    if selected is not None:
                        yield selected
        except av.error.FFmpegError as e:
            raise MediaError(f"{self.path}: cannot be decoded past {self.last_time:.1f} s ({e.strerror or e})") from e
        for assembler in assemblers.values():
            yield from assembler.flush()
        self._check_complete(assemblers[0].emitted / AUDIO_RATE if 0 in assemblers else 0.0)

    def decoded(self) -> Iterator[tuple[int, av.VideoFrame | av.AudioFrame]]:
        """Every decoded frame of the streams read (the video, the call's audio, the interviewer's microphone),
        in container order, with its track (1: the interviewer's microphone, else 0). Damaged packets are
        skipped and counted in packets_skipped; raises av.error.FFmpegError where decoding cannot go on.
        A recording played live (live/sources.py) reads this and keeps the frames as they are."""
        container = self._open_container()
        streams = [container.streams.video[0]]
        if self._use_audio:
            streams.append(container.streams.audio[0])
            if self.interviewer_stream is not None:
                streams.append(self.interviewer_stream)
        interviewer = self.interviewer_stream.index if self.interviewer_stream is not None else None
        for packet in container.demux(*streams):
            track = 1 if packet.stream.index == interviewer else 0
            for frame in self._decode(packet):
                yield track, frame

    def _open_container(self) -> av.container.InputContainer:
        if self._container is None:
            raise MediaError(f"{self.path}: reader already closed")
        return self._container

    def _decode(self, packet: av.Packet) -> list:
        frames = decode_packet(packet)
        if frames is None:
            logger.debug("%s: skipped an undecodable packet at pts %s", self.path, packet.pts)
            self.packets_skipped += 1
            return []
        return frames

    def _on_video_frame(self, frame: av.VideoFrame, picker: FramePicker, full_rate: FramePicker | None,
                        pictures: PictureMaker) -> VideoFrame | None:
        index = self.frames_decoded
        self.frames_decoded += 1
        if frame.time is not None:
            t = frame.time - self.info.origin
        else:  # no timestamps: assume a constant rate
            t = index / (self.info.fps or 25.0)
        self.last_time = max(self.last_time, t)
        analysed = picker.take(t)
        extra = full_rate is not None and full_rate.take(t)
        if not (analysed or extra):
            return None
        if analysed:
            self.frames_analysed += 1
        else:
            self.frames_full_rate += 1
        image, size = pictures.picture(frame)
        return VideoFrame(index=index, t=t, image=image, source_size=size, analysed=analysed)

    def _check_complete(self, audio_end: float) -> None:
        if self.frames_decoded == 0:
            raise MediaError(f"{self.path}: no video frame could be decoded (empty or corrupt video stream)")
        # A file whose audio runs on after the video (delayed audio, say) is complete when the audio is.
        if looks_truncated(self.info, max(self.last_time, audio_end)):
            raise MediaError(f"{self.path}: video ends at {self.last_time:.1f} s but the file declares "
                             f"{self.info.duration:.1f} s; the file looks truncated (re-export or re-download it)")


def looks_truncated(info: MediaInfo, reached: float) -> bool:
    """The streams ended well before the length the container declares."""
    declared = info.duration
    return declared > 2 * _TRUNCATION_SLACK_S and reached < declared - max(_TRUNCATION_SLACK_S, 0.1 * declared)


def _open_container(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    if path.is_dir():
        raise MediaError(f"{path}: is a folder, not a recording")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty")
    try:
        return av.open(str(path), mode="r")
    except av.error.FFmpegError as e:
        raise MediaError(f"{path}: not a readable audio/video file, or an incomplete one "
                         f"({e.strerror or e}); expected a complete mp4, webm, mkv, mov or mpg") from e


def _stream_start(stream: av.stream.Stream) -> float | None:
    if stream.start_time is None or stream.time_base is None:
        return None
    return float(stream.start_time * stream.time_base)


def _probe(path: Path, c: av.container.InputContainer) -> MediaInfo:
    v = c.streams.video[0] if c.streams.video else None
    a = c.streams.audio[0] if c.streams.audio else None
    starts = [s for s in (_stream_start(v) if v else None, _stream_start(a) if a else None) if s is not None]
    origin = min(starts) if starts else 0.0
    duration = float(c.duration) / av.time_base if c.duration else 0.0
    info = MediaInfo(path=path, format=c.format.name, duration=duration, origin=origin,
                     has_video=v is not None and c.format.name not in _IMAGE_FORMATS,
                     has_audio=a is not None)
    if v is not None:
        rate = v.average_rate or v.guessed_rate
        info = replace(info, width=v.codec_context.width, height=v.codec_context.height,
                        fps=float(rate) if rate else 0.0, video_codec=v.codec_context.name,
                        video_start=(_stream_start(v) or origin) - origin)
    if a is not None:
        info = replace(info, audio_codec=a.codec_context.name, audio_rate=a.codec_context.sample_rate or 0,
                        audio_channels=_channels(a),
                        audio_start=(_stream_start(a) or origin) - origin)
    return info


def _channels(stream: av.audio.stream.AudioStream) -> int:
    layout = getattr(stream.codec_context, "layout", None)
    return int(getattr(layout, "nb_channels", 0) or 0)


def _require_streams(info: MediaInfo, need_audio: bool) -> None:
    if not info.has_video:
        what = "a still image" if info.format in _IMAGE_FORMATS else "audio only"
        raise MediaError(f"{info.path}: has no video stream ({what}); interview-guard needs a recording with video")
    if info.duration <= 0:
        raise MediaError(f"{info.path}: has zero duration (nothing to analyse)")
    if need_audio and not info.has_audio:
        raise MediaError(f"{info.path}: has no audio track; pass --no-speech to analyse the video alone")
