"""One live session: live frames in, the engine's events (the same engine as a recording's) out as messages.

The network side only puts frames into a LiveSource (a bounded feed that drops video rather than lag);
the engine's models, stages and analyzers run on their own threads, never on the event loop. Every message
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
from datetime import datetime, timezone
from pathlib import Path

from interview_guard.engine import Engine
from interview_guard.events import (Event, Finished, Finishing, FrameJudged, IndicatorFound, LanguageChanged,
                                    SegmentsHeard, Started, StatusesNow, new_session_id)
from interview_guard.follow_ups import FollowUp, FollowUpBook
from interview_guard.inputs import SessionInputs
from interview_guard.live.feed import LiveConverter, LiveFrame
from interview_guard.live.journal import (Journal, Message, follow_up_message, indicator_message, language_message,
                                          status_message, transcript_message)
from interview_guard.live.source import LiveSource
from interview_guard.live.thumbnails import ThumbnailRing
from interview_guard.options import AnalysisOptions
from interview_guard.outputs import write_outputs
from interview_guard.results import CheckStatus, Indicator
from interview_guard.store import Store
from interview_guard.store.recorder import SessionRecorder
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
                 store: Store | None = None, inputs: SessionInputs | None = None) -> None:
        """options: the settings; inputs: this session's references, profile and candidate (none by default)."""
        self.id = folder.name
        self.store = store
        self.recorder: SessionRecorder | None = None
        self.options, self.folder, self.source, self.candidate = options, folder, source, candidate
        self.inputs = inputs if inputs is not None else SessionInputs()
        self.created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.thumbs = ThumbnailRing(folder / "evidence", url_prefix=f"/sessions/{self.id}/evidence/")
        self.media = LiveSource(options, self.id, source, on_frame=self.thumbs.add)
        self.journal = Journal(folder / "journal.jsonl")
        self.state = "created"  # then the latest state message: loading, running, finishing, ended, failed
        self.summary: SessionSummary | None = None
        self.error: str = ""
        self._listeners: list[Listener] = []
        self._history: deque[Message] = deque(maxlen=_HISTORY)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._analyse, name=f"live-{self.id[:8]}", daemon=True)
        self._done = threading.Event()
        self._statuses: dict[str, Message] = {}
        self._challenge_asked = threading.Event()
        self.follow_ups = FollowUpBook()
        self._engine: Engine | None = None
        self._running_since = 0.0  # time.monotonic() when the analysis began
        self._last_frame: FrameJudged | None = None

    # ------------------------------------------------------------ control (any thread)

    def start(self) -> None:
        self._publish({"type": "state", "state": "loading", "session": self.id, "source": self.source,
                       "candidate": self.candidate, "created": self.created})
        self._thread.start()

    def put(self, item: LiveFrame) -> None:
        self.media.put(item)

    def finish(self, timeout: float | None = None) -> SessionSummary | None:
        """No more media: finish the analysis and write the files (blocks; call off the event loop)."""
        self.media.close()
        return self.wait(timeout)

    def wait(self, timeout: float | None = None) -> SessionSummary | None:
        """Wait for the source to end by itself (a recording played to its end), then for the files."""
        self._done.wait(timeout)
        return self.summary

    @property
    def ended(self) -> bool:
        return self._done.is_set()

    @property
    def converter(self) -> LiveConverter:
        return self.media.converter

    @property
    def now(self) -> float:
        """Session seconds of the newest media taken in."""
        return self.media.last_time

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
                        self.store, self.id, "live", self.source, profile_path=self.inputs.profile,
                        folder=self.folder, candidate_id=self.inputs.candidate_id,
                        consent_by=self.inputs.consent_by)
                self._engine = stack.enter_context(Engine(self.options))
                for event in self._engine.run(self.media, self.inputs, session_id=self.id, created=self.created,
                                              follow_ups=self.follow_ups, status_every_s=_STATUS_EVERY_S):
                    self._on_event(event)
        except Exception as e:  # reported to the page and the journal, never lost silently
            logger.exception("live session %s failed", self.id)
            self.error = str(e) or type(e).__name__
            if self.recorder:
                self.recorder.fail(self.error)
            self._publish({"type": "state", "state": "failed", "session": self.id, "error": self.error})
        finally:
            self.media.close()
            self.follow_ups.close()  # a failed session writes no summary for a mark to reach
            self._done.set()

    def _on_event(self, event: Event) -> None:
        """The engine's events as messages; the store's recorder keeps the findings and words as they come."""
        if self.recorder:
            self.recorder.on_event(event)
        if isinstance(event, FrameJudged):
            self._on_frame(event)
        elif isinstance(event, IndicatorFound):
            self._on_indicator(event.indicator)
        elif isinstance(event, SegmentsHeard):
            for seg in event.segments:
                self._publish(transcript_message(seg))
        elif isinstance(event, LanguageChanged):
            self._publish(language_message(event.language, event.t))
        elif isinstance(event, StatusesNow):
            self._tiles(event.statuses)
            self._publish_stats(event.t)
        elif isinstance(event, Started):
            self._running_since = time.monotonic()
            self._publish({"type": "state", "state": "running", "session": self.id})
        elif isinstance(event, Finishing):
            self._publish({"type": "state", "state": "finishing", "session": self.id})
        elif isinstance(event, Finished):
            self.summary = event.summary
            self._write_outputs(event.summary)

    def _on_frame(self, event: FrameJudged) -> None:
        self._last_frame = event
        if self._challenge_asked.is_set():
            self._start_challenge(event.t)

    def _start_challenge(self, now: float) -> None:
        """Opens at the frame just judged: the next one is the first the window sees."""
        self._challenge_asked.clear()
        end = now + self.options.liveness.challenge_s
        assert self._engine is not None
        if not self._engine.schedule_challenge(now, end):
            self._publish({"type": "challenge", "t": round(now, 3),
                           "error": "the liveness checks are off (--no-liveness), so a challenge cannot be judged"})
            return
        self._publish({"type": "challenge", "t": round(now, 3), "start": round(now, 3), "end": round(end, 3),
                       "prompts": list(CHALLENGE_PROMPTS)})

    def _on_indicator(self, ind: Indicator) -> None:
        urls = self.thumbs.save([i for e in ind.evidence for i in e.frame_indices])
        self._publish(indicator_message(ind, urls))
        for f in self.follow_ups.add(ind):
            self._publish_follow_up(f)

    def _tiles(self, statuses: tuple[CheckStatus, ...]) -> None:
        for status in statuses:
            message = status_message(status)
            previous = self._statuses.get(status.check)
            self._statuses[status.check] = message
            if previous is None or (previous["level"], previous["reason"]) != (message["level"], message["reason"]):
                self._send(message)  # tiles are not journalled: findings are

    def _publish_stats(self, t: float) -> None:
        feed, now, frame = self.media.feed, time.monotonic(), self._last_frame
        frames = frame.frames_analysed if frame else 0
        arrived = self.media.arrived(frame.frame_index) if frame else None
        lag = None if arrived is None else now - arrived
        self._send({"type": "stats", "t": round(t, 2), "fps": round(frames / max(1e-3, now - self._running_since), 1),
                    "lag_s": None if lag is None else round(lag, 2), "video_dropped": feed.video_dropped,
                    "video_in": feed.video_in, "audio_dropped": feed.audio_dropped, "sync": self.media.sync})

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


def new_session_folder(data_dir: Path) -> Path:
    """sessions/<utc time>-<random> under the data folder."""
    folder = data_dir / "sessions" / new_session_id()
    folder.mkdir(parents=True, exist_ok=False)
    return folder

