"""analyze_recording(): media -> faces + speech -> analyzers -> fusion -> SessionSummary."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from interview_guard import __version__
from interview_guard.analyzers import Analyzer, Indicator, build_analyzers
from interview_guard.face_stats import FaceStats
from interview_guard.faces import FaceLandmarkerRunner, FaceTracker
from interview_guard.fusion import fuse
from interview_guard.identity import IdentityStage
from interview_guard.media import VideoFrame, open_recording
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.transcriber import SpeechTranscriber
from interview_guard.speech.worker import SpeechWorker
from interview_guard.summary import SessionSummary, TranscriptInfo

logger = logging.getLogger(__name__)

IndicatorCallback = Callable[[Indicator], None]


class _Stages:
    """Wall time spent per stage on the main thread (speech runs beside it)."""

    def __init__(self) -> None:
        self.seconds = {"decode": 0.0, "faces": 0.0, "identity": 0.0, "analyzers": 0.0, "speech_wait": 0.0}
        self._mark = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] += now - self._mark
        self._mark = now


def analyze_recording(path: str | Path, options: AnalysisOptions | None = None, progress: bool = True,
                      on_indicator: IndicatorCallback | None = None) -> SessionSummary:
    """Analyse one recording end to end. Raises UserError subclasses for bad input."""
    options = options or AnalysisOptions()
    started = time.perf_counter()
    with ExitStack() as stack:
        reader = stack.enter_context(open_recording(path, options.media, need_audio=options.speech.enabled))
        transcriber = SpeechTranscriber(options.speech) if options.speech.enabled else None
        run = _Run(options, on_indicator)
        runner = stack.enter_context(FaceLandmarkerRunner(options.faces))
        speech = stack.enter_context(SpeechWorker(transcriber)) if transcriber else None
        bar = stack.enter_context(tqdm(total=round(reader.info.duration, 1), unit="s", disable=not progress,
                                       desc=f"analysing {reader.info.path.name}", leave=False,
                                       bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s "
                                                  "[{elapsed}<{remaining}]"))
        tracker = FaceTracker(options.faces.track_max_gap_s)
        identity = IdentityStage(options.identity) if options.identity.enabled else None
        stages = _Stages()
        for item in reader.frames_and_audio():
            stages.lap("decode")
            if isinstance(item, VideoFrame):
                face_frame = tracker.update(item, runner.detect(item))
                stages.lap("faces")
                if identity:
                    face_frame = identity.process(item, face_frame)
                    stages.lap("identity")
                run.on_faces(face_frame)
                bar.update(max(0.0, round(item.t, 1) - bar.n))
            else:
                if speech:
                    speech.put(item)  # blocks when transcription falls behind
                stages.lap("speech_wait")
            if speech:
                run.on_segments(speech.take_segments())
            stages.lap("analyzers")
        bar.set_description("finishing transcription")
        speech_wait = time.perf_counter()
        if speech:
            run.on_segments(speech.finish())
        stages.seconds["speech_wait"] += time.perf_counter() - speech_wait
        end_time = max(reader.last_time + 1.0 / options.media.analysis_fps, 0.0)
        run.finish(end_time)
        bar.update(max(0.0, bar.total - bar.n))
        timings = {k: round(v, 3) for k, v in stages.seconds.items()}
        timings["speech_busy"] = round(speech.busy_s, 3) if speech else 0.0
        timings["identity_descriptors"] = identity.descriptors if identity else 0
        timings["total"] = round(time.perf_counter() - started, 3)
        return run.summary(reader, transcriber, timings)


class _Run:
    """State of one analysis: analyzers, indicators, transcript, face statistics."""

    def __init__(self, options: AnalysisOptions, on_indicator: IndicatorCallback | None) -> None:
        self.options = options
        self.analyzers: list[Analyzer] = build_analyzers(options)
        self.indicators: list[Indicator] = []
        self.segments: list[TranscriptSegment] = []
        self.face_stats = FaceStats(1.0 / options.media.analysis_fps)
        self._on_indicator = on_indicator

    def _emit(self, found: list[Indicator]) -> None:
        for ind in found:
            self.indicators.append(ind)
            if self._on_indicator:
                self._on_indicator(ind)

    def on_faces(self, face_frame) -> None:
        self.face_stats.add(face_frame)
        for a in self.analyzers:
            self._emit(a.on_faces(face_frame))

    def on_segments(self, segments: list[TranscriptSegment]) -> None:
        for seg in segments:
            self.segments.append(seg)
            for a in self.analyzers:
                self._emit(a.on_speech(seg))

    def finish(self, end_time: float) -> None:
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
        languages = sorted({s.language for s in self.segments})
        return SessionSummary(
            session_id=uuid.uuid4().hex, created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            tool_version=__version__, source=reader.info,
            settings={"media": asdict(self.options.media), "faces": asdict(self.options.faces),
                      "speech": asdict(self.options.speech), "checks": asdict(self.options.checks)},
            checks_run=checks, risk=fuse(self.indicators), indicators=tuple(self.indicators),
            transcript=TranscriptInfo(model=transcriber.model_name if transcriber else "",
                                      device=transcriber.device if transcriber else "",
                                      language=",".join(languages), segments=tuple(self.segments)),
            frames_analysed=reader.frames_analysed, frames_with_face=self.face_stats.frames_with_face,
            face_tracks=tuple(self.face_stats.tracks()), faces_per_second=tuple(self.face_stats.faces_per_second()),
            timings=timings, warnings=tuple(warnings))
