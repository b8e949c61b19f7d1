"""analyze_recording(): media -> faces + speech -> analyzers -> fusion -> SessionSummary."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from interview_guard import __version__
from interview_guard.analyzers import Analyzer, Indicator, build_analyzers
from interview_guard.analyzers.candidate_continuity import CandidateContinuityAnalyzer
from interview_guard.analyzers.core import AudioFeed
from interview_guard.face_stats import FaceStats
from interview_guard.follow_ups import FollowUpBook
from interview_guard.faces import FaceLandmarkerRunner, FaceTracker
from interview_guard.faces.second_look import SecondLook
from interview_guard.fusion import fuse
from interview_guard.forgery.stage import ForgeryStage
from interview_guard.identity import IdentityStage
from interview_guard.liveness.measure import with_appearance
from interview_guard.media import AudioChunk, VideoFrame, open_recording
from interview_guard.media.core import MediaInfo
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.language import OFF, UNAVAILABLE, TranscriptLanguage
from interview_guard.stages import END, StageThread, Stopped, get
from interview_guard.speech.transcriber import SpeechTranscriber
from interview_guard.speech.worker import SpeechWorker
from interview_guard.summary import SessionSummary, TranscriptInfo

logger = logging.getLogger(__name__)

IndicatorCallback = Callable[[Indicator], None]
SegmentsCallback = Callable[[list[TranscriptSegment]], None]
_QUEUE_FRAMES = 8  # analysed frames in flight between two stages


def analyze_recording(path: str | Path, options: AnalysisOptions | None = None, progress: bool = True,
                      on_indicator: IndicatorCallback | None = None, on_segments: SegmentsCallback | None = None,
                      on_start: Callable[[MediaInfo], None] | None = None) -> SessionSummary:
    """Analyse one recording end to end. Raises UserError subclasses for bad input.

    on_start runs once the recording has opened (the input is accepted); on_indicator and on_segments
    as findings and words arrive (the store writes them so that a killed run keeps them)."""
    options = options or AnalysisOptions()
    started = time.perf_counter()
    with ExitStack() as stack:
        reader = stack.enter_context(open_recording(path, options.media, need_audio=options.needs_audio,
                                                    full_rate_fps=options.full_rate_fps,
                                                    use_audio=options.reads_audio))
        transcriber = SpeechTranscriber(options.speech) if options.speech.enabled else None
        run = AnalysisRun(options, on_indicator, on_segments)
        if on_start:
            on_start(reader.info)
        runner = stack.enter_context(FaceLandmarkerRunner(options.faces))
        second = stack.enter_context(SecondLook(options.faces)) if options.faces.second_look else None
        speech = stack.enter_context(SpeechWorker(transcriber)) if transcriber else None
        bar = stack.enter_context(tqdm(total=round(reader.info.duration, 1), unit="s", disable=not progress,
                                       desc=f"analysing {reader.info.path.name}", leave=False,
                                       bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s "
                                                  "[{elapsed}<{remaining}]"))
        stages = start_stages(reader.frames_and_audio(), runner, speech, options, second)
        try:
            main_busy = _consume(stages, run, speech, bar)
        finally:
            stages.stop.set()  # a no-op after a clean end; stops the others after an error
            for s in stages.threads:
                s.join()
        raise_first_error(stages)
        bar.set_description("finishing transcription")
        speech_wait = time.perf_counter()
        if speech:
            run.on_segments(speech.finish())
        # The last analysed frame stands for one analysis step, but never past the recording's end.
        step_end = reader.last_time + 1.0 / options.media.analysis_fps
        run.finish(min(step_end, max(reader.info.duration, reader.last_time)))
        bar.update(max(0.0, bar.total - bar.n))
        timings = _timings(stages, main_busy, speech, time.perf_counter() - speech_wait)
        timings["total"] = round(time.perf_counter() - started, 3)
        return run.summary(reader, transcriber, timings)


@dataclass
class Stages:
    threads: list[StageThread]
    output: queue.Queue
    stop: threading.Event
    identity: IdentityStage | None
    second_look: SecondLook | None = None
    forgery: ForgeryStage | None = None


def start_stages(source: Iterable[VideoFrame | AudioChunk], runner: FaceLandmarkerRunner, speech: SpeechWorker | None,
                  options: AnalysisOptions, second: SecondLook | None = None) -> Stages:
    """decode -> faces -> identity, each on its own thread; the caller runs the analyzers.
    second: the second look for frames where the landmarker finds no face (None: none)."""
    stop = threading.Event()
    frames: queue.Queue = queue.Queue(maxsize=_QUEUE_FRAMES)
    faces: queue.Queue = queue.Queue(maxsize=_QUEUE_FRAMES)
    described: queue.Queue = queue.Queue(maxsize=_QUEUE_FRAMES)
    tracker = FaceTracker(options.faces.track_max_gap_s)
    identity = IdentityStage(options.identity) if options.identity.enabled else None
    forgery = ForgeryStage(options.forgery) if options.liveness.enabled and options.forgery.enabled else None

    def route(item):
        if isinstance(item, VideoFrame):
            return item
        if speech and item.track == 0:
            speech.put(item)  # blocks when transcription falls behind
        # Audio also travels down the frame queues (in container order) to the checks that read it.
        return item if options.analyzers_read_audio else None

    def faces_of(item):
        if isinstance(item, AudioChunk):
            return item
        raw, search = runner.detect(item), None
        if second is not None:
            if raw:
                second.seen(item, raw)
            else:
                raw, search = second.look(item)
        found = tracker.update(item, raw, search)
        return item, with_appearance(item, found) if options.liveness.enabled else found

    def describe(item):
        if isinstance(item, AudioChunk):
            return item
        found = identity.process(*item) if identity else item[1]
        return forgery.process(item[0], found) if forgery else found

    threads = [
        StageThread("decode", route, stop, source=source, outbox=frames),
        StageThread("faces", faces_of, stop, inbox=frames, outbox=faces),
        StageThread("identity", describe, stop, inbox=faces, outbox=described),
    ]
    for t in threads:
        t.start()
    return Stages(threads, described, stop, identity, second, forgery)


def _consume(stages: Stages, run: "AnalysisRun", speech: SpeechWorker | None, bar: tqdm) -> float:
    """Feed the analyzers as face frames and transcript segments arrive; returns the time spent."""
    busy = 0.0
    while True:
        try:
            item = get(stages.output, stages.stop)
        except Stopped:
            return busy
        if item is END:
            return busy
        start = time.perf_counter()
        if isinstance(item, AudioChunk):
            run.on_audio(item)
        else:
            run.on_faces(item)
            if speech:
                run.on_segments(speech.take_segments())
            bar.update(max(0.0, round(item.t, 1) - bar.n))
        busy += time.perf_counter() - start


def _timings(stages: Stages, main_busy: float, speech: SpeechWorker | None, speech_wait: float) -> dict:
    """Busy seconds per stage thread, and what the run waited for at the end."""
    timings: dict[str, float] = {s.name: round(s.busy_s, 3) for s in stages.threads}
    timings["analyzers"] = round(main_busy, 3)
    timings["speech_busy"] = round(speech.busy_s, 3) if speech else 0.0
    timings["speech_wait"] = round(speech_wait, 3)
    timings["identity_descriptors"] = stages.identity.descriptors if stages.identity else 0
    second = stages.second_look
    timings["faces_second_look"] = round(second.busy_s, 3) if second else 0.0  # inside "faces"
    timings["second_look_detector_runs"] = second.detector_runs if second else 0
    timings["forgery"] = round(stages.forgery.seconds, 3) if stages.forgery else 0.0  # inside "identity"
    timings["forgery_crops"] = stages.forgery.crops_scored if stages.forgery else 0
    return timings


def raise_first_error(stages: Stages) -> None:
    for s in stages.threads:
        if s.error is not None:
            raise s.error


class AnalysisRun:
    """State of one analysis: analyzers, indicators, transcript, face statistics, follow-up questions
    (a live session passes its own book, which the interviewer marks as the session runs)."""

    def __init__(self, options: AnalysisOptions, on_indicator: IndicatorCallback | None,
                 on_segments: SegmentsCallback | None = None, follow_ups: FollowUpBook | None = None) -> None:
        self.options = options
        self.follow_ups = follow_ups if follow_ups is not None else FollowUpBook()
        self.analyzers: list[Analyzer] = build_analyzers(options)
        self.audio = AudioFeed(self.analyzers)
        self.indicators: list[Indicator] = []
        self.segments: list[TranscriptSegment] = []
        self.face_stats = FaceStats(1.0 / options.media.analysis_fps)
        self._on_indicator = on_indicator
        self._on_segments = on_segments

    def _emit(self, found: list[Indicator]) -> None:
        for ind in found:
            self.indicators.append(ind)
            if self._on_indicator:
                self._on_indicator(ind)

    def on_faces(self, face_frame) -> None:
        if face_frame.analysed:
            self.face_stats.add(face_frame)
        for a in self.analyzers:
            if face_frame.analysed or a.full_rate:
                self._emit(a.on_faces(face_frame))

    def on_audio(self, chunk: AudioChunk) -> None:
        self._emit(self.audio.chunk(chunk))

    def on_segments(self, segments: list[TranscriptSegment]) -> None:
        if segments and self._on_segments:
            self._on_segments(segments)
        for seg in segments:
            self.segments.append(seg)
            for a in self.analyzers:
                self._emit(a.on_speech(seg))

    def finish(self, end_time: float) -> None:
        self._emit(self.audio.flush())
        for a in self.analyzers:
            self._emit(a.finish(end_time))
        self.indicators.sort(key=lambda i: (i.start, i.check))

    def summary(self, reader, transcriber: SpeechTranscriber | None, timings: dict[str, float]) -> SessionSummary:
        checks = tuple(c for a in self.analyzers for c in a.checks)
        warnings = []
        if reader.frames_analysed and self.face_stats.frames_with_face == 0:
            warnings.append("no face was found in any analysed frame: every face check is void for this recording")
        if reader.packets_skipped:
            warnings.append(f"{reader.packets_skipped} damaged packet(s) could not be decoded and were skipped")
        if transcriber and not self.segments:
            warnings.append("no speech was recognised: speech checks had nothing to judge")
        language = transcriber.language if transcriber else TranscriptLanguage(status=OFF, expected="")
        if language.other_language or (language.status == UNAVAILABLE and self.segments):
            warnings.append(language.reason)
        not_judged = {c: why for a in self.analyzers for c, why in a.not_judged().items()}
        self.follow_ups.add_all(self.indicators)  # the final ones: analyzers merge some at the end
        if self.follow_ups.dropped:
            warnings.append(f"{self.follow_ups.dropped} follow-up question(s) past the first "
                            f"{self.follow_ups.limit} were not proposed")
        languages = sorted({s.language for s in self.segments})
        return SessionSummary(
            session_id=uuid.uuid4().hex, created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            tool_version=__version__, source=reader.info,
            settings={"media": asdict(self.options.media), "faces": asdict(self.options.faces),
                      "speech": asdict(self.options.speech), "identity": _identity_settings(self.options),
                      "checks": asdict(self.options.checks),
                      "lip_sync": asdict(self.options.lip_sync),
                      "liveness": asdict(self.options.liveness),
                      "forgery": asdict(self.options.forgery),
                      "conversation": asdict(self.options.conversation),
                      "profile": self.options.profile,
                      "continuity": _continuity_settings(self.options)},
            checks_run=checks, risk=fuse(self.indicators), indicators=tuple(self.indicators),
            series=tuple(s for a in self.analyzers for s in a.series()),
            transcript=TranscriptInfo(model=transcriber.model_name if transcriber else "",
                                      device=transcriber.device if transcriber else "",
                                      language=",".join(languages), segments=tuple(self.segments),
                                      language_check=language),
            checks_not_judged=not_judged,
            frames_analysed=reader.frames_analysed, frames_with_face=self.face_stats.frames_with_face,
            face_tracks=tuple(self.face_stats.tracks()), faces_per_second=tuple(self.face_stats.faces_per_second()),
            timings={**timings, "language_check": language.check_seconds}, warnings=tuple(warnings),
            follow_ups=self.follow_ups.resolved(self.segments),
            candidate_continuity=next((a.report for a in self.analyzers
                                       if isinstance(a, CandidateContinuityAnalyzer)), None))


def _identity_settings(options: AnalysisOptions) -> dict:
    """Identity's options; reference photos by file name only (their paths can name people and folders)."""
    settings = asdict(options.identity)
    settings["references"] = [Path(r).name for r in options.identity.references]
    return settings


def _continuity_settings(options: AnalysisOptions) -> dict:
    """The thresholds and the rounds compared (their numbers, never the templates)."""
    c = options.continuity
    return {"candidate_id": c.candidate_id, "consent": c.consent, "rounds": [r.round for r in c.rounds],
            "face_threshold": c.face_threshold, "face_uncertain_from": c.face_uncertain_from,
            "same_voice": c.same_voice, "different_voice": c.different_voice}
