"""`profile_*`: the application's own red flags, reported with the session (no media needed).

They are final before the interview starts, so they are sent with the first frame: a live page shows
them (and the questions they raise) from the start instead of at the end."""

from __future__ import annotations

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator
from interview_guard.faces.core import FaceFrame
from interview_guard.media.core import AudioChunk
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.profile.checks import PROFILE_CHECKS, ProfileFinding, check_profile
from interview_guard.profile.load import load_profile


class ProfileAnalyzer(Analyzer):
    checks = PROFILE_CHECKS

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return bool(inputs.profile)

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "ProfileAnalyzer":
        return cls(inputs.profile)

    def __init__(self, profile: str) -> None:
        """profile: the session's profile file (SessionInputs.profile)."""
        self.profile = load_profile(profile)  # a malformed profile stops the run before any work
        self.findings = check_profile(self.profile)
        self._sent = False

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        return self._once()

    def on_audio(self, chunk: AudioChunk) -> list[Indicator]:
        return self._once()

    def finish(self, end_time: float) -> list[Indicator]:
        return self._once()

    def _once(self) -> list[Indicator]:
        if self._sent:
            return []
        self._sent = True
        return [_indicator(f, self.profile.source) for f in self.findings]


def _indicator(f: ProfileFinding, source: str) -> Indicator:
    return Indicator(check=f.check, start=0.0, end=0.0, score=f.score, confidence=f.confidence,
                     reason=f"Profile {f.field}: {f.reason}",
                     evidence=(Evidence(start=0.0, end=0.0, note=f"{source}: {f.field} = {' / '.join(f.values)}"),),
                     facts={**f.facts, "field": f.field})
