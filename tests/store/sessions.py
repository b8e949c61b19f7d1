"""Real SessionSummary objects built from the pipeline's own dataclasses, for store tests without models."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from interview_guard import __version__
from interview_guard.analyzers.core import Evidence, Indicator
from interview_guard.fusion import fuse
from interview_guard.media.core import MediaInfo
from interview_guard.options import MediaOptions
from interview_guard.speech.core import TranscriptSegment, Word
from interview_guard.summary import SessionSummary, TranscriptInfo


def indicator(check: str, start: float, end: float, score: float = 0.8, confidence: float = 0.9) -> Indicator:
    return Indicator(check=check, start=start, end=end, score=score, confidence=confidence,
                     reason=f"{check} between {start} and {end} s",
                     evidence=(Evidence(start=start, end=end, frame_times=(start,), note="look here"),),
                     measurements={"value": 1.5})


def segment(start: float, text: str) -> TranscriptSegment:
    words = tuple(Word(start + 0.4 * k, start + 0.4 * k + 0.3, w, 0.9) for k, w in enumerate(text.split()))
    return TranscriptSegment(start=start, end=words[-1].end, text=text, words=words, language="en",
                             language_probability=1.0, avg_logprob=-0.2, no_speech_prob=0.01)


def summary(session_id: str, source: str = "call.mp4", indicators: tuple[Indicator, ...] = (),
            segments: tuple[TranscriptSegment, ...] = (), duration: float = 30.0) -> SessionSummary:
    info = MediaInfo(path=Path(f"/recordings/{source}"), format="mp4", duration=duration, origin=0.0,
                     has_video=True, has_audio=True)
    return SessionSummary(
        session_id=session_id, created="2026-11-23T10:00:00+00:00", tool_version=__version__, source=info,
        settings={"media": asdict(MediaOptions())}, checks_run=tuple(sorted({i.check for i in indicators} | {"no_face"})),
        risk=fuse(list(indicators)), indicators=tuple(indicators),
        transcript=TranscriptInfo(model="whisper-tiny.en", device="cpu", language="en", segments=tuple(segments)),
        frames_analysed=100, frames_with_face=100, face_tracks=(), faces_per_second=(), timings={})
