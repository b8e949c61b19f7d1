"""Every check, in one list: adding one is a new module and one line here."""

from __future__ import annotations

from interview_guard.analyzers.blinks import BlinkAnalyzer
from interview_guard.analyzers.candidate_continuity import CandidateContinuityAnalyzer
from interview_guard.analyzers.challenge import ChallengeAnalyzer
from interview_guard.analyzers.claims import ClaimsAnalyzer
from interview_guard.analyzers.conversation import ConversationAnalyzer
from interview_guard.analyzers.core import Analyzer
from interview_guard.analyzers.face_forgery import FaceForgeryAnalyzer
from interview_guard.analyzers.face_identity import FaceIdentityAnalyzer
from interview_guard.analyzers.face_swap import FaceSwapAnalyzer
from interview_guard.analyzers.face_presence import FacePresenceAnalyzer
from interview_guard.analyzers.language_switch import LanguageSwitchAnalyzer
from interview_guard.analyzers.lip_sync import LipSyncAnalyzer
from interview_guard.analyzers.profile import ProfileAnalyzer
from interview_guard.analyzers.pulse import PulseAnalyzer
from interview_guard.analyzers.reading_gaze import ReadingGazeAnalyzer
from interview_guard.analyzers.replay import ReplayAnalyzer
from interview_guard.analyzers.several_faces import SeveralFacesAnalyzer
from interview_guard.analyzers.speech_without_face import SpeechWithoutFaceAnalyzer
from interview_guard.analyzers.viseme_mismatch import VisemeMismatchAnalyzer
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions

ANALYZERS: tuple[type[Analyzer], ...] = (
    FacePresenceAnalyzer,
    SeveralFacesAnalyzer,
    SpeechWithoutFaceAnalyzer,
    FaceIdentityAnalyzer,
    LipSyncAnalyzer,
    VisemeMismatchAnalyzer,
    PulseAnalyzer,
    BlinkAnalyzer,
    ReplayAnalyzer,
    FaceSwapAnalyzer,
    FaceForgeryAnalyzer,
    ChallengeAnalyzer,
    ProfileAnalyzer,
    ClaimsAnalyzer,
    ReadingGazeAnalyzer,
    LanguageSwitchAnalyzer,
    ConversationAnalyzer,
    CandidateContinuityAnalyzer,
)


def build_analyzers(settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> list[Analyzer]:
    """The analyzers that can run with these settings and inputs (speech checks need speech on)."""
    return [cls.from_settings(settings, inputs) for cls in ANALYZERS if cls.runs_with(settings, inputs)]


def checks_run(settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> tuple[str, ...]:
    """The checks a session with these settings and inputs runs, in the registry's order."""
    return tuple(check for cls in ANALYZERS if cls.runs_with(settings, inputs) for check in cls.checks)


def all_checks() -> tuple[str, ...]:
    return tuple(check for cls in ANALYZERS for check in cls.checks)
