"""`claim_contradiction`: the candidate's spoken history against their own profile, quoted with times."""

from __future__ import annotations

import datetime as dt

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.profile.load import load_profile
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.language import language_name
from interview_guard.transcript.claims import CLAIMS_LANGUAGE, Contradiction, find_contradictions


class ClaimsAnalyzer(Analyzer):
    checks = ("claim_contradiction",)

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return bool(inputs.profile) and settings.speech.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "ClaimsAnalyzer":
        return cls(inputs.profile)

    def __init__(self, profile: str) -> None:
        """profile: the session's profile file (SessionInputs.profile)."""
        self.profile = load_profile(profile)
        self._year = dt.date.today().year
        self._seen: set[tuple[str, str]] = set()
        self._unread: dict[str, float] = {}  # language -> seconds of speech whose claims cannot be read

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        if not segment.readable_as(CLAIMS_LANGUAGE):  # English cue words: another language's claims are unread
            key = segment.language if segment.trusted else f"{segment.language} (untrusted words)"
            self._unread[key] = self._unread.get(key, 0.0) + segment.end - segment.start
            return []
        out = []
        for c in find_contradictions(self.profile, [segment], self._year):
            if (c.field, c.said) not in self._seen:
                self._seen.add((c.field, c.said))
                out.append(_indicator(c))
        return out


    def not_judged(self) -> dict[str, str]:
        if not self._unread:
            return {}
        heard = ", ".join(f"{seconds:.0f} s in {language_name(lang.split(' ')[0])}" for lang, seconds in
                          sorted(self._unread.items(), key=lambda kv: -kv[1]))
        return {"claim_contradiction": f"cannot judge {heard}: claims are read in English only"}

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if not self._unread:
            return ()
        return (CheckStatus("claim_contradiction", "unknown", "Claims: cannot judge, the speech is not in English",
                            now),)


def _indicator(c: Contradiction) -> Indicator:
    s = c.sentence
    heard = sum(w.probability for w in s.words) / len(s.words)
    return Indicator(
        check="claim_contradiction", start=round(s.start, 3), end=round(s.end, 3), score=0.7,
        confidence=round(min(0.9, 0.9 * heard), 3),
        reason=(f"At {s.start:.1f} s the candidate said they {c.said} (\"{s.text}\"); the profile says "
                f"{c.profile_says} ({c.field}). Speech recognition can mishear a year or a name: listen to "
                f"the moment, then ask which is right."),
        evidence=(Evidence(start=round(s.start, 3), end=round(s.end, 3), words=s.text,
                           note=f"profile {c.field}: {c.profile_says}"),),
        measurements={"word_probability": round(heard, 3)},
        facts={**c.facts, "field": c.field, "profile_says": c.profile_says})
