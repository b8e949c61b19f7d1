"""The analyzer interface (one small class every check implements) and the audio feed; the result types
they emit live in interview_guard/results.py."""

from __future__ import annotations

from typing import ClassVar

from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.media.core import AudioChunk
from interview_guard.options import AnalysisOptions
from interview_guard.results import LEVELS, CheckStatus, Evidence, Indicator, Series  # noqa: F401 (re-exported)
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.voices import VoicePiece, VoiceStream


class Analyzer:
    """Base of every check: feed it face frames and transcript segments, collect indicators.

    Each `on_*` call returns the indicators that became final with that input
    (so live mode can show them at once); `finish` returns the rest.
    Subclasses set `checks` (the stable check names they may emit), take their own options in `__init__`
    (and the session's inputs where they need them), pick those from the run's settings and inputs in
    `from_settings`, and override `runs_with` when they judge nothing under some settings or inputs (no speech,
    no profile, say).
    """

    checks: ClassVar[tuple[str, ...]] = ()
    full_rate: ClassVar[bool] = False  # also sees the extra full-rate frames (analysed=False)
    reads_voice: ClassVar[bool] = False  # gets the voice pieces (VAD + voice embeddings) of every track

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return True

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "Analyzer":
        """The analyzer for one session: its own options taken from the run's settings (and inputs)."""
        raise NotImplementedError(f"{cls.__name__} must say which options it takes (from_settings)")

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
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.liveness.enabled
