"""A real SessionSummary of a 30 s call, built from the pipeline's own dataclasses (no models): every
default check ran, one voice finding at 0.3-2.2 s, lip-sync and pulse judged, every other series void."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from interview_guard import __version__
from interview_guard.analyzers.core import Evidence, Indicator, Series
from interview_guard.analyzers.registry import ANALYZERS
from interview_guard.engine.run import settings_of
from interview_guard.follow_ups import propose_follow_ups
from interview_guard.fusion import fuse
from interview_guard.media.core import MediaInfo
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment, Word
from interview_guard.summary import SessionSummary, TranscriptInfo

DURATION = 30.0
OPTIONS = AnalysisOptions()
WINDOWS = tuple(float(t) for t in range(1, 30, 2))  # window centres, every 2 s
VOID = (None,) * len(WINDOWS)


def voice_finding() -> Indicator:
    return Indicator(check="second_voice", start=0.3, end=2.2, score=0.8, confidence=0.7,
                     reason="A <b>third</b> voice spoke for 1.9 s", measurements={"seconds": 1.9},
                     evidence=(Evidence(start=0.3, end=2.2, words="say <script>Postgres</script>"),))


def series() -> tuple[Series, ...]:
    """As the analyzers make them: lip-sync judged (with its own scale), pulse SNR judged (no scale of its own),
    the others with no window judged."""
    offsets = tuple(80.0 + 10 * (k % 3) for k in range(len(WINDOWS)))
    snr = tuple(None if k < 3 else -2.0 + k for k in range(len(WINDOWS)))
    return (
        Series("av_offset_ms", "Audio-video offset (voice after lips)", "ms", WINDOWS, offsets,
               lower=-1000.0, upper=1000.0, limits=(-200.0, 200.0)),
        Series("sync_strength", "Lip-sync strength", "", WINDOWS, VOID, lower=0.0, upper=1.0, limits=(0.2,)),
        Series("heart_rate_bpm", "Heart rate from the skin (POS)", "bpm", WINDOWS, VOID, lower=40, upper=180),
        Series("pulse_snr_db", "Pulse signal-to-noise ratio", "dB", WINDOWS, snr, limits=(0.0,)),
        Series("pulse_region_gap_bpm", "Forehead against cheeks heart rate", "bpm", WINDOWS, VOID, lower=0.0,
               limits=(12.0,)),
        Series("blinks_per_minute", "Blinks per minute", "/min", WINDOWS, VOID, lower=0.0, upper=60.0),
        Series("face_detail_ratio", "Face detail against the head around it (log)", "", WINDOWS, VOID,
               limits=(-0.45, 1.3)),
        Series("face_flicker", "Skin brightness jerk", "grey levels", WINDOWS, VOID, lower=0.0, limits=(2.0,)),
        Series("face_jitter", "Face jerking against its head", "% of eye distance", WINDOWS, VOID, lower=0.0,
               limits=(1.0,)),
        Series("answer_latency", "answer latency", "s", (), (), lower=0.0, limits=(3.0,)),
    )


def segment(start: float, text: str) -> TranscriptSegment:
    words = tuple(Word(start + 0.4 * k, start + 0.4 * k + 0.3, w, 0.9) for k, w in enumerate(text.split()))
    return TranscriptSegment(start=start, end=words[-1].end, text=text, words=words, language="en",
                             language_probability=1.0, avg_logprob=-0.2, no_speech_prob=0.01)


def checks_run(options: AnalysisOptions = OPTIONS) -> tuple[str, ...]:
    return tuple(c for cls in ANALYZERS if cls.runs_with(options, SessionInputs()) for c in cls.checks)


def call_summary(**changes) -> SessionSummary:
    """The summary; `changes` replace its fields (frames_with_face=0, say)."""
    found = (voice_finding(),)
    info = MediaInfo(path=Path("/recordings/call.mp4"), format="mp4", duration=DURATION, origin=0.0,
                     has_video=True, has_audio=True, width=640, height=360, fps=25.0)
    settings = settings_of(OPTIONS)  # as a run records them
    summary = SessionSummary(
        session_id="0" * 32, created="2026-11-23T10:00:00+00:00", tool_version=__version__, source=info,
        settings=settings, checks_run=checks_run(), risk=fuse(list(found)), indicators=found,
        transcript=TranscriptInfo(model="whisper-tiny.en", device="cpu", language="en",
                                  segments=(segment(0.3, "we used Postgres with a replica"),)),
        frames_analysed=300, frames_with_face=290, face_tracks=(), faces_per_second=(1,) * 30,
        timings={"decode": 1.234, "faces": 4.5, "identity_descriptors": 12, "total": 9.75},
        series=series(), follow_ups=tuple(f for i in found for f in propose_follow_ups(i)))
    return replace(summary, **changes)
