"""The analyzer interface and what every check emits: an Indicator with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from interview_guard.faces.core import FaceFrame
from interview_guard.media.core import AudioChunk
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.voices import VoicePiece, VoiceStream


@dataclass(frozen=True)
class Evidence:
    """Where to look: a time span, the source frames that show it, the words heard.

    frame_indices are positions among all decoded frames of the source video;
    frame_times are their times on the session clock.
    """

    start: float
    end: float
    frame_times: tuple[float, ...] = ()
    frame_indices: tuple[int, ...] = ()
    words: str = ""
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    """One finding. score: how strongly it points at a problem (0..1); confidence:
    how far the measurement can be trusted (0..1); reason: plain language for the interviewer;
    facts: the words the reason quotes, by name (what was said, what the profile says), so that a
    follow-up question can quote them exactly instead of parsing the reason."""

    check: str
    start: float
    end: float
    score: float
    confidence: float
    reason: str
    evidence: tuple[Evidence, ...] = ()
    track_id: int | None = None
    measurements: dict[str, float] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (0.0 <= self.score <= 1.0 and 0.0 <= self.confidence <= 1.0):
            raise ValueError(f"{self.check}: score and confidence must be in [0, 1] "
                             f"(got {self.score}, {self.confidence})")
        if self.end < self.start:
            raise ValueError(f"{self.check}: indicator ends before it starts ({self.start} > {self.end})")
        if not self.reason:
            raise ValueError(f"{self.check}: an indicator needs a reason")

    @property
    def level(self) -> str:
        """'red', 'amber' or 'green' for tiles and the report."""
        strength = self.score * self.confidence
        return "red" if strength >= 0.6 else "amber" if strength >= 0.25 else "green"


LEVELS = ("green", "amber", "red", "unknown")


@dataclass(frozen=True)
class CheckStatus:
    """A check's state right now, for a live tile: 'green' (judged, nothing wrong), 'amber' or
    'red' (a problem is building or holding, not yet a final indicator), 'unknown' (cannot judge
    now: no face, no speech). Never stored as a finding: indicators are the findings."""

    check: str
    level: str
    reason: str
    t: float

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"{self.check}: status level must be one of {LEVELS} (got {self.level!r})")


@dataclass(frozen=True)
class Series:
    """A measurement over time that the report plots (lip-sync offset, say). values[i] is None where
    the check could not judge at times[i]; a plot shows that as a gap, never as zero."""

    name: str
    label: str
    unit: str
    times: tuple[float, ...]
    values: tuple[float | None, ...]
    lower: float | None = None  # fixed axis range, when the quantity has one
    upper: float | None = None
    limits: tuple[float, ...] = ()  # thresholds drawn as dashed lines

    def __post_init__(self) -> None:
        if len(self.times) != len(self.values):
            raise ValueError(f"series {self.name}: {len(self.times)} times for {len(self.values)} values")


class Analyzer:
    """Base of every check: feed it face frames and transcript segments, collect indicators.

    Each `on_*` call returns the indicators that became final with that input
    (so live mode can show them at once); `finish` returns the rest.
    Subclasses set `checks` (the stable check names they may emit) and override
    `runs_with` when they judge nothing under some options (no speech, say).
    """

    checks: ClassVar[tuple[str, ...]] = ()
    full_rate: ClassVar[bool] = False  # also sees the extra full-rate frames (analysed=False)
    reads_voice: ClassVar[bool] = False  # gets the voice pieces (VAD + voice embeddings) of every track

    @classmethod
    def runs_with(cls, options: AnalysisOptions) -> bool:
        return True

    def __init__(self, options: AnalysisOptions) -> None:
        self.options = options

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        return []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        return []

    def on_audio(self, chunk: AudioChunk) -> list[Indicator]:
        return []

    def on_voice(self, piece: VoicePiece) -> list[Indicator]:
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        return []

    def series(self) -> tuple[Series, ...]:
        """Measurements over time for the report (after finish)."""
        return ()

    def not_judged(self) -> dict[str, str]:
        """Checks that had input they could not judge (after finish): check name -> why, in plain language
        (speech in a language whose words a check cannot read, say). Not findings: the summary lists them."""
        return {}

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        """Live tiles: what each check can say at session time `now` (checks that have nothing
        to say between findings return nothing; their tiles show their last indicator)."""
        return ()


class AudioFeed:
    """Hands audio to analyzers: each chunk, and the voice pieces cut from the chunks once for all the
    analyzers that read voices (the voice embeddings are the costly part). `flush()` before `finish`."""

    def __init__(self, analyzers: list[Analyzer]) -> None:
        self.analyzers = analyzers
        self._voice_readers = [a for a in analyzers if a.reads_voice]
        self._voices = VoiceStream() if self._voice_readers else None

    def chunk(self, chunk: AudioChunk) -> list[Indicator]:
        found = [ind for a in self.analyzers for ind in a.on_audio(chunk)]
        if self._voices is not None:
            found += self._pieces(self._voices.feed(chunk))
        return found

    def flush(self) -> list[Indicator]:
        return self._pieces(self._voices.flush()) if self._voices is not None else []

    def _pieces(self, pieces: list[VoicePiece]) -> list[Indicator]:
        return [ind for piece in pieces for a in self._voice_readers for ind in a.on_voice(piece)]


class LivenessAnalyzer(Analyzer):
    """A liveness or deepfake signal: runs unless liveness is turned off (--no-liveness)."""

    @classmethod
    def runs_with(cls, options: AnalysisOptions) -> bool:
        return options.liveness.enabled
