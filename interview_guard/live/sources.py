"""Where live media comes from: WebRTC tracks from the page, a recording played in real time, or a
local device. All of them hand LiveFrames (decoded frame + session time) to a LiveSession's LiveSource
(source.py), and tell it what happened to the media on its way; the engine reads it like a recording."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from interview_guard.errors import MediaError
from interview_guard.live.clock import SenderReports, SessionClock
from interview_guard.live.feed import LiveFrame
from interview_guard.live.session import LiveSession
from interview_guard.media.reader import RecordingReader, looks_truncated, open_recording
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions

logger = logging.getLogger(__name__)

_HELD_FRAMES = 400  # per track, while the first sender report is awaited (a few seconds)


async def pump_track(track: MediaStreamTrack, session: LiveSession, clock: SessionClock, track_no: int,
                     reports: SenderReports | None) -> None:
    """Receive a track until it ends, placing each frame on the session clock (on the event loop:
    it only awaits and moves references; conversion happens on the analysis threads).
    track_no: for audio, 0 = the call, 1 = the interviewer's own microphone."""
    name = f"{track.kind}{track_no}"
    held: deque = deque(maxlen=_HELD_FRAMES)
    is_video = track.kind == "video"
    while not session.ended:
        try:
            frame = await track.recv()
        except MediaStreamError:
            break
        held.append((frame, time.monotonic()))
        while held:
            t = clock.place(name, held[0][0], reports, is_video)
            if t is None:
                break
            frame, arrived = held.popleft()
            session.put(LiveFrame(frame, t, track=0 if is_video else track_no, arrived=arrived))
        if clock.fallback_tracks:
            session.media.timed_by_arrival()
    logger.info("track %s ended", name)


class RecordingPlayer:
    """Plays a recording into a session at its own pace (a demo or test stand-in for a call).

    The file is decoded by the RecordingReader that `analyze` uses (its streams, the interviewer's track,
    damaged packets skipped), but its frames go out whole at their own time, as a call's would, and the
    session's LiveSource picks, scales and drops them. Frames keep the recording's clock, start times included
    (an audio track that starts late stays late). A file that stops early is analysed as far as it goes.
    """

    def __init__(self, path: Path, options: AnalysisOptions, speed: float = 1.0,
                 inputs: SessionInputs | None = None) -> None:
        """options and inputs: the session's settings and inputs (a session that names a candidate reads the
        audio for their voice even without speech)."""
        with self._open(path, options, inputs if inputs is not None else SessionInputs()) as reader:
            self.info = reader.info  # probes and validates: bad files fail here, before any session exists
        self.path, self.speed = path, speed
        self._t = 0.0  # the time of the frame last played
        self.session: LiveSession | None = None
        self._thread = threading.Thread(target=self._play, name="player", daemon=True)

    @staticmethod
    def _open(path: Path, options: AnalysisOptions, inputs: SessionInputs) -> RecordingReader:
        return open_recording(path, options.media, need_audio=options.needs_audio,
                              use_audio=options.reads_audio_with(inputs))

    def start(self, session: LiveSession) -> "RecordingPlayer":
        self.session = session
        self._thread.start()
        return self

    def _play(self) -> None:
        session = self.session
        assert session is not None
        try:
            with self._open(self.path, session.options, session.inputs) as reader:
                try:
                    t = self._pace(reader, session)
                finally:
                    session.media.skipped_packets(reader.packets_skipped)
            if t is not None and looks_truncated(self.info, t):
                session.media.stopped_early(f"{self.path.name}: ends at {t:.1f} s but declares "
                                            f"{self.info.duration:.1f} s; the file looks truncated")
        except av.error.FFmpegError as e:
            # The part played so far is analysed; the summary says where and why it stopped.
            session.media.stopped_early(f"{self.path.name}: cannot be decoded past {self._t:.1f} s "
                                        f"({e.strerror or e}); the session covers the part before")
        except MediaError as e:  # it could be read when the player was made, but not now
            session.media.stopped_early(str(e))
        finally:
            session.media.close()

    def _pace(self, reader: RecordingReader, session: LiveSession) -> float | None:
        """Puts each frame in at its time; the last time played, or None when the session ended first."""
        self._t, started = 0.0, time.monotonic()
        for track, frame in reader.decoded():
            if session.ended:  # stopped from the page or the agent shut down
                return None
            if frame.time is None:
                continue
            self._t = frame.time - self.info.origin
            wait = started + self._t / self.speed - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            session.put(LiveFrame(frame, self._t, track=track))
        return self._t


def open_device(spec: str):  # -> MediaPlayer
    """'v4l2:/dev/video0' (Linux camera or virtual camera): video only."""
    from aiortc.contrib.media import MediaPlayer

    kind, _, device = spec.partition(":")
    if kind != "v4l2" or not device:
        raise MediaError(f"--source {spec}: expected a recording file or v4l2:/dev/videoN")
    if not Path(device).exists():
        raise MediaError(f"--source {spec}: {device} does not exist (is the camera connected? "
                         f"`ls /dev/video*` lists the devices)")
    try:
        return MediaPlayer(device, format="v4l2")
    except (av.error.FFmpegError, OSError) as e:
        raise MediaError(f"--source {spec}: cannot open the device ({e})") from e


async def pump_device(player, session: LiveSession) -> None:
    clock = SessionClock(wait_s=0.0)
    if player.video is None:
        raise MediaError("the device gives no video")
    await pump_track(player.video, session, clock, 0, None)
    session.media.close()

