"""Engine: one analysis of one source (a recording or a live call), as a stream of typed events.

    with Engine(settings) as engine:
        for event in engine.run(source, inputs):
            ...   # Started, FrameJudged, SegmentsHeard, IndicatorFound, ..., Finished (events.py)

The models open in `__enter__` and close in `__exit__`; the stage threads and the speech worker start when
the run starts and are stopped and joined when it ends, fails or is abandoned. The analyzers run on the
thread that iterates the run, between events, so a subscriber that acts on an event (a live challenge) acts
before the next frame is judged. An error in the source or a stage is raised from the iteration.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from contextlib import ExitStack

from interview_guard.engine.run import AnalysisRun
from interview_guard.engine.source import Source
from interview_guard.engine.stages import Stages, start_stages
from interview_guard.events import (Event, FrameJudged, Finished, Finishing, IndicatorFound, LanguageChanged,
                                    SegmentsHeard, Started, StatusesNow, new_session_id, utc_timestamp)
from interview_guard.faces import FaceLandmarkerRunner
from interview_guard.faces.second_look import SecondLook
from interview_guard.follow_ups import FollowUpBook
from interview_guard.inputs import SessionInputs
from interview_guard.media.core import AudioChunk
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.transcriber import SpeechTranscriber
from interview_guard.speech.worker import SpeechWorker
from interview_guard.stages import END, Stopped, get


class Engine:
    """Made from the analysis settings (how to analyse); analyses one source, for one session's inputs (who,
    compared with what), as the face landmarker tracks one stream."""

    def __init__(self, options: AnalysisOptions | None = None) -> None:
        self.options = options or AnalysisOptions()
        self._stack: ExitStack | None = None
        self._transcriber: SpeechTranscriber | None = None
        self._runner: FaceLandmarkerRunner | None = None
        self._second: SecondLook | None = None
        self._run: AnalysisRun | None = None
        self._events: Generator[Event, None, None] | None = None

    def __enter__(self) -> "Engine":
        with ExitStack() as stack:
            faces = self.options.faces
            self._transcriber = SpeechTranscriber(self.options.speech) if self.options.speech.enabled else None
            self._runner = stack.enter_context(FaceLandmarkerRunner(faces))
            self._second = stack.enter_context(SecondLook(faces)) if faces.second_look else None
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stops a run still going (its threads are joined), then closes the models; safe to call twice."""
        if self._events is not None:
            self._events.close()
            self._events = None
        if self._stack is not None:
            self._stack.close()
            self._stack = None

    @property
    def closed(self) -> bool:
        return self._stack is None

    def run(self, source: Source, inputs: SessionInputs | None = None, session_id: str = "", created: str = "",
            follow_ups: FollowUpBook | None = None, status_every_s: float = 0.0) -> Iterator[Event]:
        """The events of analysing `source`, Finished last. inputs: the session's (references, profile, challenge
        windows, candidate; none by default); session_id: the caller's (a live session names its folder by it),
        else a new one; follow_ups: a book the caller marks while the run goes (live); status_every_s: also yield
        every check's live tile this often (wall-clock seconds; 0: never)."""
        if self.closed or self._runner is None:
            raise RuntimeError("the engine is not open: use it as `with Engine(options) as engine:`")
        if self._run is not None:
            raise RuntimeError("an Engine analyses one source (the face landmarker tracks one stream): open another")
        inputs = inputs if inputs is not None else SessionInputs()
        self._run = AnalysisRun(self.options, inputs, follow_ups)
        self._events = self._analyse(source, self._run, session_id or new_session_id(), created or utc_timestamp(),
                                     status_every_s)
        return self._events

    def schedule_challenge(self, start: float, end: float) -> bool:
        """Open a liveness challenge window (live mode's button); False when the liveness checks are off.
        Call it on the thread that iterates the run, between two events."""
        if self._run is None:
            raise RuntimeError("no run to schedule a challenge in")
        return self._run.schedule_challenge(start, end)

    def _analyse(self, source: Source, run: AnalysisRun, session_id: str, created: str,
                 status_every_s: float) -> Generator[Event, None, None]:
        assert self._runner is not None
        started = time.perf_counter()
        with ExitStack() as stack:
            speech = stack.enter_context(SpeechWorker(self._transcriber)) if self._transcriber else None
            yield Started(session_id, created, source.info)
            stages = start_stages(source.frames_and_audio(), self._runner, speech, self.options, self._second,
                                  analyzers_read_audio=self.options.analyzers_read_audio_with(run.inputs))
            stack.callback(stages.stop_and_join)
            consumer = _Consumer(run, source, speech, self._transcriber, status_every_s)
            yield from consumer.consume(stages)
            stages.stop_and_join()
            stages.raise_first_error()
            yield Finishing(source.last_time)
            speech_wait = time.perf_counter()
            if speech:
                yield from consumer.heard(speech.finish())
            speech_wait = time.perf_counter() - speech_wait
            run.finish(_end_time(source, 1.0 / self.options.media.analysis_fps))
            yield from consumer.found()
            timings = _timings(stages, consumer, speech, speech_wait)
            timings["total"] = round(time.perf_counter() - started, 3)
            yield Finished(run.summary(source, self._transcriber, timings, session_id, created))


class _Consumer:
    """The run's loop on the caller's thread: judged frames and audio in, events out."""

    def __init__(self, run: AnalysisRun, source: Source, speech: SpeechWorker | None,
                 transcriber: SpeechTranscriber | None, status_every_s: float) -> None:
        self.run, self.source, self.speech, self.transcriber = run, source, speech, transcriber
        self.status_every_s = status_every_s
        self.busy_s = 0.0  # in the analyzers
        self.frames_analysed = 0
        self._language_status = ""  # the spoken-language state last told

    def consume(self, stages: Stages) -> Iterator[Event]:
        next_status = time.monotonic()
        while True:
            try:
                item = get(stages.output, stages.stop)
            except Stopped:
                return
            if item is END:
                return
            start = time.perf_counter()
            if isinstance(item, AudioChunk):
                self.run.on_audio(item)
                self.busy_s += time.perf_counter() - start
                yield from self.found()
                continue
            self.run.on_faces(item)
            self.busy_s += time.perf_counter() - start
            self.frames_analysed += item.analysed
            yield from self.found()
            yield FrameJudged(item.t, item.frame_index, item.analysed, self.frames_analysed)
            if self.speech:
                yield from self.heard(self.speech.take_segments())
            if self.status_every_s and time.monotonic() >= next_status:
                yield StatusesNow(item.t, self.run.statuses(item.t))
                next_status = time.monotonic() + self.status_every_s

    def found(self) -> Iterator[IndicatorFound]:
        for indicator in self.run.take_found():
            yield IndicatorFound(indicator)

    def heard(self, segments: list[TranscriptSegment]) -> Iterator[Event]:
        """The language state when it changed (the speech thread replaces it before it hands over the segments
        it judged, so it is never older than they are), the segments, then what the checks found in them."""
        language = self.transcriber.language if self.transcriber else None
        if language is not None and language.status != self._language_status:
            self._language_status = language.status
            yield LanguageChanged(language, segments[0].start if segments else self.source.last_time)
        if not segments:
            return
        yield SegmentsHeard(tuple(segments))
        start = time.perf_counter()
        self.run.on_segments(segments)
        self.busy_s += time.perf_counter() - start
        yield from self.found()


def _end_time(source: Source, step: float) -> float:
    """The last analysed frame stands for one analysis step; a recording never past its declared end."""
    end = source.last_time + step
    return end if source.realtime else min(end, max(source.info.duration, source.last_time))


def _timings(stages: Stages, consumer: _Consumer, speech: SpeechWorker | None, speech_wait: float) -> dict:
    """Busy seconds per stage thread, and what the run waited for at the end."""
    return {**stages.busy(), "analyzers": round(consumer.busy_s, 3),
            "speech_busy": round(speech.busy_s, 3) if speech else 0.0, "speech_wait": round(speech_wait, 3),
            **stages.parts()}
