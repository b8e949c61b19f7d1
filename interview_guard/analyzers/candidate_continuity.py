"""The same candidate in every round: this session's face (and voice) against the candidate's earlier rounds.

Check: `candidate_continuity`. Runs when a candidate is named (--profile or --candidate). Opt-in: with the
candidate's consent on record the session's identity template is compared with the stored reference rounds
and kept as the next round (encrypted, by the store): a reference itself only when judged the same person
(or the first), else pending a reviewer (`candidates.compare.round_status`). Without consent nothing is kept
or compared and the summary says so.
"""

from __future__ import annotations

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator
from interview_guard.analyzers.spans import clamp01
from interview_guard.candidates.compare import ContinuityReport, RoundComparison, continuity_report
from interview_guard.candidates.template import FaceSample, TemplateBuilder
from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, ContinuityOptions
from interview_guard.speech.voices import VoicePiece

_VOICE_CONFIDENCE = 0.45  # at most, for a verdict that rests on the voice: microphones and rooms change it
_UNCERTAIN_CONFIDENCE = 0.35  # a face in the band under the threshold: worth a question, not a verdict


class CandidateContinuityAnalyzer(Analyzer):
    checks = ("candidate_continuity",)
    reads_voice = True

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return inputs.continuity

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "CandidateContinuityAnalyzer":
        return cls(settings.continuity, inputs, same_voice=settings.conversation.same_voice)

    def __init__(self, options: ContinuityOptions, inputs: SessionInputs, same_voice: float) -> None:
        """inputs: the session's candidate, their consent and earlier rounds; same_voice: the similarity at which
        speech joins a known voice (ConversationOptions), so the template's voice is the candidate's."""
        self.o, self.inputs = options, inputs
        self.builder = TemplateBuilder(options.face_threshold, same_voice=same_voice)
        self.report: ContinuityReport | None = None

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        primary = frame.largest
        if self.inputs.consent and primary is not None and primary.embedding is not None:
            self.builder.add_face(frame.t, frame.frame_index, primary.embedding)
        return []

    def on_voice(self, piece: VoicePiece) -> list[Indicator]:
        if self.inputs.consent:
            self.builder.add_voice(piece)
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        self.report = continuity_report(self.builder.template(), self.o, self.inputs)
        if not self.report.comparisons or self.report.status == "cannot_judge":
            return []
        return [self._indicator(self.report, end_time)]

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if not self.inputs.consent:
            return (CheckStatus("candidate_continuity", "unknown", "No consent recorded: no identity template is "
                                                                   "kept or compared", now),)
        if not any(r.is_reference for r in self.inputs.rounds):
            waiting = any(r.status == "pending" for r in self.inputs.rounds)
            return (CheckStatus("candidate_continuity", "unknown", "No reference round to compare with: the earlier "
                                "rounds await a reviewer" if waiting else "First round: this session's template "
                                "will be kept for later rounds", now),)
        if not self.builder.samples:
            return (CheckStatus("candidate_continuity", "unknown", "Waiting for face descriptors", now),)
        report = continuity_report(self.builder.template(), self.o, self.inputs)
        level = {"same_person": "green", "different_person": "red", "different_voice": "amber",
                 "uncertain": "amber"}.get(report.status, "unknown")
        return (CheckStatus("candidate_continuity", level, report.reason, now),)

    def _indicator(self, report: ContinuityReport, end_time: float) -> Indicator:
        person = self.builder.main_person()
        start, end = (person[0].t, person[-1].t) if person else (0.0, max(0.0, end_time))
        score, confidence = _strength(report.comparisons, self.o.face_threshold, len(person))
        return Indicator(
            check="candidate_continuity", start=round(start, 3), end=round(end, 3), score=score,
            confidence=confidence, reason=report.reason,
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(s.t, 3) for s in _spread(person)),
                               frame_indices=tuple(s.frame_index for s in _spread(person)),
                               note="; ".join(c.describe() for c in report.comparisons)),),
            measurements=_measurements(report, len(person)))


def _strength(comparisons: tuple[RoundComparison, ...], threshold: float, samples: int) -> tuple[float, float]:
    """Score from the worst round; confidence from how far the distance is from the threshold and how
    many descriptors the session had (a few descriptors make a noisy mean)."""
    enough = min(1.0, 0.5 + 0.05 * samples)
    different = [c for c in comparisons if c.verdict == "different_person" and c.face_distance is not None]
    if different:
        d = max(c.face_distance for c in different)
        return (round(0.75 + 0.25 * clamp01((d - threshold) / 0.3), 3),
                round(clamp01((0.5 + (d - threshold) / 0.3) * enough), 3))
    if any(c.verdict == "different_voice" for c in comparisons):
        return 0.6, _VOICE_CONFIDENCE
    if any(c.verdict == "uncertain" for c in comparisons):
        return 0.5, _UNCERTAIN_CONFIDENCE
    faces = [c.face_distance for c in comparisons if c.face_distance is not None]
    if not faces:  # same voice, no face: weak
        return 0.0, _VOICE_CONFIDENCE
    return 0.0, round(clamp01((0.5 + (threshold - max(faces)) / 0.3) * enough), 3)  # further under: surer


def _measurements(report: ContinuityReport, samples: int) -> dict[str, float]:
    m: dict[str, float] = {"rounds_compared": float(len(report.comparisons)), "face_samples": float(samples),
                           "face_threshold": report.face_threshold}
    for c in report.comparisons:
        if c.face_distance is not None:
            m[f"face_distance_round_{c.round}"] = c.face_distance
        if c.voice_similarity is not None:
            m[f"voice_similarity_round_{c.round}"] = c.voice_similarity
    return m


def _spread(samples: list[FaceSample], count: int = 3) -> list[FaceSample]:
    """First, middle and last descriptor frames of the person: where to look."""
    if len(samples) <= count:
        return samples
    return [samples[round(k * (len(samples) - 1) / (count - 1))] for k in range(count)]
