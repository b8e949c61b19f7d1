"""One live session: live frames in, the same stages and analyzers as a recording, messages out.

The network side only puts frames into a bounded LiveFeed (which drops video rather than lag);
models, stages and analyzers run on their own threads, never on the event loop. Every message
goes to the journal as it happens and to the listeners (the page's DataChannel, event streams),
which must not block. `finish()` writes summary.json and report.html into the session folder.
Findings that a question can settle propose follow-up questions; the interviewer's marks on them
(`mark_follow_up`) are journalled, sent to the listeners and kept in the summary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from interview_guard.analyzers.challenge import ChallengeAnalyzer
from interview_guard.analyzers.core import Indicator
from interview_guard.faces import FaceLandmarkerRunner
from interview_guard.faces.second_look import SecondLook
from interview_guard.follow_ups import FollowUp, FollowUpBook
from interview_guard.live.feed import LiveConverter, LiveFeed, LiveFrame
from interview_guard.live.journal import (Journal, Message, follow_up_message, indicator_message, language_message,
                                          status_message, transcript_message)
from interview_guard.live.thumbnails import ThumbnailRing
from interview_guard.media.core import AudioChunk, MediaInfo
from interview_guard.options import AnalysisOptions
from interview_guard.pipeline import AnalysisRun, Stages, raise_first_error, start_stages
from interview_guard.outputs import write_outputs
from interview_guard.speech.transcriber import SpeechTranscriber
from interview_guard.speech.worker import SpeechWorker
from interview_guard.stages import END, Stopped, get
from interview_guard.store import Store
from interview_guard.store.recorder import SessionRecorder, new_session_id
from interview_guard.summary import SessionSummary

logger = logging.getLogger(__name__)

Listener = Callable[[Message], None]
_STATUS_EVERY_S = 1.0
CHALLENGE_PROMPTS = ("Please turn your head slowly all the way to your left,", "then all the way to your right,",
                     "look up at the ceiling for a moment,", "and pass one hand slowly across your face.")
_HISTORY = 400  # messages replayed to a page that joins late


class LiveSession:
    """start() loads the models and starts analysing; put() frames; finish() ends it and writes the files."""

    def __init__(self, options: AnalysisOptions, folder: Path, source: str, candidate: str = "",
                 store: Store | None = None) -> None:
        self.id = folder.name
        self.store = store
        self.recorder: SessionRecorder | None = None
        self.options, self.folder, self.source, self.candidate = options, folder, source, candidate
        self.created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.feed = LiveFeed()
        self.thumbs = ThumbnailRing(folder / "evidence", url_prefix=f"/sessions/{self.id}/evidence/")
        self.converter = LiveConverter(options, on_frame=self.thumbs.add)
        self.journal = Journal(folder / "journal.jsonl")
        self.state = "created"  # then the latest state message: loading, running, finishing, ended, failed
        self.summary: SessionSummary | None = None
        self.error: str = ""
        self.sync = "rtcp"  # or "arrival" when a track had no sender report
        self.packets_skipped = 0  # damaged packets the source skipped (a recording played live)
        self.source_problems: list[str] = []  # why a source stopped early, for the summary
        self._listeners: list[Listener] = []
        self._history: deque[Message] = deque(maxlen=_HISTORY)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._analyse, name=f"live-{self.id[:8]}", daemon=True)
        self._done = threading.Event()
        self._statuses: dict[str, Message] = {}
        self._challenge_asked = threading.Event()
        self.follow_ups = FollowUpBook()
        self._transcriber: SpeechTranscriber | None = None
        self._language_status = ""  # the spoken-language state last published

    # ------------------------------------------------------------ control (any thread)

    def start(self) -> None:
        self._publish({"type": "state", "state": "loading", "session": self.id, "source": self.source,
                       "candidate": self.candidate, "created": self.created})
        self._thread.start()

    def put(self, item: LiveFrame) -> None:
        self.feed.put(item)

    def finish(self, timeout: float | None = None) -> SessionSummary | None:
        """No more media: finish the analysis and write the files (blocks; call off the event loop)."""
        self.feed.close()
        return self.wait(timeout)

    def wait(self, timeout: float | None = None) -> SessionSummary | None:
        """Wait for the source to end by itself (a recording played to its end), then for the files."""
        self._done.wait(timeout)
        return self.summary

    @property
    def ended(self) -> bool:
        return self._done.is_set()

    @property
    def now(self) -> float:
        """Session seconds of the newest media taken in."""
        return self.converter.last_time

    def mark_follow_up(self, follow_up_id: str, state: str) -> FollowUp:
        """The interviewer asked a proposed question (or heard its answer) now. Raises FollowUpError
        subclasses: an unknown id, a bad state or a step back, a session whose summary is written."""
        f = self.follow_ups.mark(follow_up_id, state, self.now)
        self._publish_follow_up(f)
        return f

    def request_challenge(self) -> None:
        """The interviewer pressed the challenge button: a window opens at the next analysed frame."""
        self._challenge_asked.set()

    def add_listener(self, listener: Listener) -> None:
        """Replays what was said so far, then passes on every new message."""
        with self._lock:
            follow_ups = [follow_up_message(f) for f in self.follow_ups.items()]  # as marked now
            for message in list(self._history) + list(self._statuses.values()) + follow_ups:
                listener(message)
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    # ------------------------------------------------------------ analysis thread

    def _analyse(self) -> None:
        try:
            with ExitStack() as stack:
                stack.enter_context(self.journal)
                if self.store is not None:
                    self.recorder = SessionRecorder.begin(
                        self.store, self.id, "live", self.source, profile_path=self.options.profile,
                        folder=self.folder, candidate_id=self.options.continuity.candidate_id,
                        consent_by=self.options.continuity.consent_by)
                transcriber = SpeechTranscriber(self.options.speech) if self.options.speech.enabled else None
                self._transcriber = transcriber
                runner = stack.enter_context(FaceLandmarkerRunner(self.options.faces))
                faces = self.options.faces
                second = stack.enter_context(SecondLook(faces)) if faces.second_look else None
                speech = stack.enter_context(SpeechWorker(transcriber)) if transcriber else None
                run = AnalysisRun(self.options, self._on_indicator, follow_ups=self.follow_ups)
                self._publish({"type": "state", "state": "running", "session": self.id})
                source = self.converter.convert(self.feed.items())
                stages = start_stages(source, runner, speech, self.options, second)
                try:
                    self._consume(stages, run, speech)
                finally:
                    stages.stop.set()
                    for s in stages.threads:
                        s.join()
                raise_first_error(stages)
                self._publish({"type": "state", "state": "finishing", "session": self.id})
                if speech:
                    self._segments(run, speech.finish())
                run.finish(self.converter.last_time + 1.0 / self.options.media.analysis_fps)
                self.summary = self._summary(run, transcriber)
                self._write_outputs(self.summary)
        except Exception as e:  # reported to the page and the journal, never lost silently
            logger.exception("live session %s failed", self.id)
            self.error = str(e) or type(e).__name__
            if self.recorder:
                self.recorder.fail(self.error)
            self._publish({"type": "state", "state": "failed", "session": self.id, "error": self.error})
        finally:
            self.feed.close()
            self.follow_ups.close()  # a failed session writes no summary for a mark to reach
            self._done.set()

    def _consume(self, stages: Stages, run: AnalysisRun, speech: SpeechWorker | None) -> None:
        next_status, frames, started = time.monotonic(), 0, time.monotonic()
        while True:
            try:
                item = get(stages.output, stages.stop)
            except Stopped:
                return
            if item is END:
                return
            if isinstance(item, AudioChunk):
                run.on_audio(item)
                continue
            if self._challenge_asked.is_set():
                self._start_challenge(run, item.t)
            run.on_faces(item)
            frames += item.analysed
            if speech:
                self._segments(run, speech.take_segments())
            now = time.monotonic()
            if now >= next_status:
                self._tiles(run, item.t)
                arrived = self.converter.arrivals.get(item.frame_index)
                self._publish_stats(item.t, frames / max(1e-3, now - started), now - arrived if arrived else None)
                next_status = now + _STATUS_EVERY_S

    def _start_challenge(self, run: AnalysisRun, now: float) -> None:
        self._challenge_asked.clear()
        challenges = [a for a in run.analyzers if isinstance(a, ChallengeAnalyzer)]
        if not challenges:
            self._publish({"type": "challenge", "t": round(now, 3),
                           "error": "the liveness checks are off (--no-liveness), so a challenge cannot be judged"})
            return
        end = now + self.options.liveness.challenge_s
        for analyzer in challenges:
            analyzer.schedule(now, end)
        self._publish({"type": "challenge", "t": round(now, 3), "start": round(now, 3), "end": round(end, 3),
                       "prompts": list(CHALLENGE_PROMPTS)})

    def _segments(self, run: AnalysisRun, segments) -> None:
        self._publish_language(segments[0].start if segments else self.now)
        for seg in segments:
            self._publish(transcript_message(seg))
        run.on_segments(segments)
        if self.recorder and segments:
            self.recorder.segments(segments)

    def _publish_language(self, t: float) -> None:
        """The spoken-language state, when it has changed (the speech thread replaces it before it hands over
        the segments it judged, so it is never older than they are)."""
        language = self._transcriber.language if self._transcriber else None
        if language is not None and language.status != self._language_status:
            self._language_status = language.status
            self._publish(language_message(language, t))

    def _on_indicator(self, ind: Indicator) -> None:
        urls = self.thumbs.save([i for e in ind.evidence for i in e.frame_indices])
        self._publish(indicator_message(ind, urls))
        if self.recorder:
            self.recorder.indicator(ind)
        for f in self.follow_ups.add(ind):
            self._publish_follow_up(f)

    def _tiles(self, run: AnalysisRun, now: float) -> None:
        for analyzer in run.analyzers:
            for status in analyzer.status(now):
                message = status_message(status)
                previous = self._statuses.get(status.check)
                self._statuses[status.check] = message
                if previous is None or (previous["level"], previous["reason"]) != (message["level"], message["reason"]):
                    self._send(message)  # tiles are not journalled: findings are

    def _publish_stats(self, t: float, fps: float, lag: float | None) -> None:
        feed = self.feed
        self._send({"type": "stats", "t": round(t, 2), "fps": round(fps, 1),
                    "lag_s": None if lag is None else round(lag, 2), "video_dropped": feed.video_dropped,
                    "video_in": feed.video_in, "audio_dropped": feed.audio_dropped, "sync": self.sync})

    def _write_outputs(self, summary: SessionSummary) -> None:
        frames = self.thumbs.jpegs_at([t for ind in summary.indicators for e in ind.evidence for t in e.frame_times])
        if self.recorder:
            self.recorder.complete(summary, frames)  # the files, then the store's rows
        else:
            write_outputs(summary, self.folder, frames=frames)
        self._publish({"type": "summary", "session": self.id, "risk": summary.risk.level,
                       "indicators": len(summary.indicators),
                       "report": f"/sessions/{self.id}/report.html", "summary": f"/sessions/{self.id}/summary.json"})
        self._publish({"type": "state", "state": "ended", "session": self.id})

    def _summary(self, run: AnalysisRun, transcriber: SpeechTranscriber | None) -> SessionSummary:
        summary = run.summary(self._stats(), transcriber, {})
        warnings = list(summary.warnings)
        if self.feed.video_dropped:
            warnings.append(f"{self.feed.video_dropped} of {self.feed.video_in} video frames were dropped to keep "
                            f"up in real time: checks saw fewer frames than a recording would give them")
        if self.feed.audio_dropped:
            warnings.append(f"{self.feed.audio_dropped} audio frames were dropped (the analysis stalled)")
        warnings += self.source_problems
        if self.sync != "rtcp":
            warnings.append("audio and video were timed by arrival (no RTCP sender report): lip-sync offsets "
                            "include network jitter")
        return replace(summary, session_id=self.id, created=self.created, warnings=tuple(warnings))

    def _stats(self) -> "_LiveStats":
        c = self.converter
        info = MediaInfo(path=Path(f"live-{self.id}"), format=self.source, duration=round(c.last_time, 3),
                         origin=0.0, has_video=c.frames_decoded > 0, has_audio=bool(c.audio_tracks))
        return _LiveStats(info, c.frames_analysed, self.packets_skipped)

    # ------------------------------------------------------------ messages

    def _publish(self, message: Message) -> None:
        """Journal it, keep it for late joiners, send it."""
        if message["type"] == "state":
            self.state = message["state"]
        if message["type"] in ("indicator", "transcript", "transcript_language", "state", "summary", "challenge"):
            self.journal.write(message)
        with self._lock:
            self._history.append(message)
        self._send(message)

    def _publish_follow_up(self, f: FollowUp) -> None:
        """Journalled and sent, but not kept in the history: a late page gets each one's current state."""
        message = follow_up_message(f)
        self.journal.write(message)
        self._send(message)

    def _send(self, message: Message) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(message)
            except Exception:  # a closed page must not stop the analysis
                logger.debug("listener failed", exc_info=True)


class _LiveStats:
    """What a summary reads from a reader, for a live source."""

    def __init__(self, info: MediaInfo, frames_analysed: int, packets_skipped: int) -> None:
        self.info, self.frames_analysed, self.packets_skipped = info, frames_analysed, packets_skipped


def new_session_folder(data_dir: Path) -> Path:
    """sessions/<utc time>-<random> under the data folder."""
    folder = data_dir / "sessions" / new_session_id()
    folder.mkdir(parents=True, exist_ok=False)
    return folder

