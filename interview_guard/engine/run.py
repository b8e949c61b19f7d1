"""AnalysisRun: the state of one analysis (analyzers, indicators, transcript, face statistics, follow-up
questions) and the SessionSummary made from it. It runs on the engine's consumer thread only."""

from __future__ import annotations

from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

from interview_guard import __version__
from interview_guard.analyzers import Analyzer, Indicator, build_analyzers
from interview_guard.analyzers.candidate_continuity import CandidateContinuityAnalyzer
from interview_guard.analyzers.challenge import ChallengeAnalyzer
from interview_guard.analyzers.core import AudioFeed
from interview_guard.engine.source import Source
from interview_guard.face_stats import FaceStats
from interview_guard.faces.core import FaceFrame
from interview_guard.follow_ups import FollowUpBook
from interview_guard.fusion import fuse
from interview_guard.inputs import SessionInputs
from interview_guard.media.core import AudioChunk
from interview_guard.options import AnalysisOptions
from interview_guard.results import CheckStatus
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.language import OFF, UNAVAILABLE, TranscriptLanguage
from interview_guard.speech.transcriber import SpeechTranscriber
from interview_guard.summary import SessionSummary, TranscriptInfo


class AnalysisRun:
    """Feeds the analyzers; `take_found()` hands over the indicators found since it was last called.
    follow_ups: a live session passes its own book, which the interviewer marks as the session runs."""

    def __init__(self, options: AnalysisOptions, inputs: SessionInputs = SessionInputs(),
                 follow_ups: FollowUpBook | None = None) -> None:
        self.options, self.inputs = options, inputs
        self.follow_ups = follow_ups if follow_ups is not None else FollowUpBook()
        self.analyzers: list[Analyzer] = build_analyzers(options, inputs)
        self.audio = AudioFeed(self.analyzers)
        self.indicators: list[Indicator] = []
        self.segments: list[TranscriptSegment] = []
        self.face_stats = FaceStats(1.0 / options.media.analysis_fps)
        self._found: list[Indicator] = []

    def _emit(self, found: list[Indicator]) -> None:
        self.indicators.extend(found)
        self._found.extend(found)

    def take_found(self) -> list[Indicator]:
        found, self._found = self._found, []
        return found

    def on_faces(self, face_frame: FaceFrame) -> None:
        if face_frame.analysed:
            self.face_stats.add(face_frame)
        for a in self.analyzers:
            if face_frame.analysed or a.full_rate:
                self._emit(a.on_faces(face_frame))

    def on_audio(self, chunk: AudioChunk) -> None:
        self._emit(self.audio.chunk(chunk))

    def on_segments(self, segments: list[TranscriptSegment]) -> None:
        for seg in segments:
            self.segments.append(seg)
            for a in self.analyzers:
                self._emit(a.on_speech(seg))

    def statuses(self, now: float) -> tuple[CheckStatus, ...]:
        return tuple(s for a in self.analyzers for s in a.status(now))

    def schedule_challenge(self, start: float, end: float) -> bool:
        """Open a challenge window in the liveness checks; False when they are off."""
        challenges = [a for a in self.analyzers if isinstance(a, ChallengeAnalyzer)]
        for analyzer in challenges:
            analyzer.schedule(start, end)
        return bool(challenges)

    def finish(self, end_time: float) -> None:
        self._emit(self.audio.flush())
        for a in self.analyzers:
            self._emit(a.finish(end_time))
        self.indicators.sort(key=lambda i: (i.start, i.check))

    def summary(self, source: Source, transcriber: SpeechTranscriber | None, timings: dict[str, float],
                session_id: str, created: str) -> SessionSummary:
        checks = tuple(c for a in self.analyzers for c in a.checks)
        language = transcriber.language if transcriber else TranscriptLanguage(status=OFF, expected="")
        self.follow_ups.add_all(self.indicators)  # the final ones: analyzers merge some at the end
        warnings = self._warnings(source, transcriber, language)
        not_judged = {c: why for a in self.analyzers for c, why in a.not_judged().items()}
        languages = sorted({s.language for s in self.segments})
        return SessionSummary(
            session_id=session_id, created=created, tool_version=__version__, source=source.info,
            settings=settings_of(self.options, self.inputs),
            checks_run=checks, risk=fuse(self.indicators), indicators=tuple(self.indicators),
            series=tuple(s for a in self.analyzers for s in a.series()),
            transcript=TranscriptInfo(model=transcriber.model_name if transcriber else "",
                                      device=transcriber.device if transcriber else "",
                                      language=",".join(languages), segments=tuple(self.segments),
                                      language_check=language),
            checks_not_judged=not_judged,
            frames_analysed=source.frames_analysed, frames_with_face=self.face_stats.frames_with_face,
            face_tracks=tuple(self.face_stats.tracks()), faces_per_second=tuple(self.face_stats.faces_per_second()),
            timings={**timings, "language_check": language.check_seconds}, warnings=tuple(warnings),
            follow_ups=self.follow_ups.resolved(self.segments),
            candidate_continuity=next((a.report for a in self.analyzers
                                       if isinstance(a, CandidateContinuityAnalyzer)), None))

    def _warnings(self, source: Source, transcriber: SpeechTranscriber | None,
                  language: TranscriptLanguage) -> list[str]:
        warnings = []
        if source.frames_analysed and self.face_stats.frames_with_face == 0:
            warnings.append("no face was found in any analysed frame: every face check is void for this recording")
        if source.packets_skipped:
            warnings.append(f"{source.packets_skipped} damaged packet(s) could not be decoded and were skipped")
        if transcriber and not self.segments:
            warnings.append("no speech was recognised: speech checks had nothing to judge")
        if language.other_language or (language.status == UNAVAILABLE and self.segments):
            warnings.append(language.reason)
        if self.follow_ups.dropped:
            warnings.append(f"{self.follow_ups.dropped} follow-up question(s) past the first "
                            f"{self.follow_ups.limit} were not proposed")
        return warnings + source.problems()


def settings_of(settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> dict:
    """The summary's settings: every field of the settings type, each option group as its fields; and the
    session's inputs where summary.json has always had them (readers look for them there): the reference
    photos by file name only (their paths can name people and folders) in identity, the challenge windows in
    liveness, the profile, and the candidate with the numbers of the rounds compared (never the templates)
    in continuity. Who recorded the consent is left to the store."""
    recorded = {f.name: _plain(getattr(settings, f.name)) for f in fields(settings)}
    recorded["identity"]["references"] = [Path(r).name for r in inputs.references]
    recorded["liveness"]["challenges"] = [list(window) for window in inputs.challenges]
    recorded["profile"] = inputs.profile
    recorded["continuity"].update(candidate_id=inputs.candidate_id, consent=inputs.consent,
                                  rounds=[r.round for r in inputs.rounds])
    return recorded


def _plain(value: object) -> object:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value
