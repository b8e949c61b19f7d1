"""`language_switch`: the answers change language partway through the interview.

Whisper identifies the language of each transcription window (up to `speech.window_s`, 28 s by
default), so a switch is seen at that granularity, and only with `--language auto` (the English-only
model cannot tell). The session's language is the one most of the confident speech is in; stretches
in another language are reported with their words. Someone else answering, an interpreter or a
relayed voice can cause this; so can a candidate quoting or greeting in their first language.
"""

from __future__ import annotations

from collections import Counter

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment

MIN_LANGUAGE_PROBABILITY = 0.6
MIN_WORDS = 3


class LanguageSwitchAnalyzer(Analyzer):
    checks = ("language_switch",)

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.speech.enabled and settings.speech.language == "auto"

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "LanguageSwitchAnalyzer":
        return cls()

    def __init__(self) -> None:
        self._segments: list[TranscriptSegment] = []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        if segment.language_probability >= MIN_LANGUAGE_PROBABILITY and len(segment.words) >= MIN_WORDS:
            self._segments.append(segment)
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        if not self._segments:
            return []
        spoken = Counter()
        for s in self._segments:
            spoken[s.language] += s.end - s.start
        main = spoken.most_common(1)[0][0]
        out, run = [], []
        for s in self._segments + [None]:
            if s is not None and s.language != main:
                run.append(s)
            elif run:
                out.append(_indicator(run, main))
                run = []
        return out


def _indicator(run: list[TranscriptSegment], main: str) -> Indicator:
    start, end, language = run[0].start, run[-1].end, run[0].language
    words = " ".join(s.text for s in run)
    probability = sum(s.language_probability for s in run) / len(run)
    return Indicator(
        check="language_switch", start=round(start, 3), end=round(end, 3), score=0.5,
        confidence=round(0.8 * probability, 3),
        reason=(f"From {start:.0f} s to {end:.0f} s the speech is in '{language}' (Whisper, probability "
                f"{probability:.2f}) while the rest of the interview is in '{main}': someone else answering, an "
                f"interpreter or a relayed voice can do this, and so can a greeting or a quote."),
        evidence=(Evidence(start=round(start, 3), end=round(end, 3), words=words[:300],
                           note=f"language {language} in a '{main}' interview"),),
        measurements={"language_probability": round(probability, 3)})
