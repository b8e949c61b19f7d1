"""One session's identity template against the candidate's earlier rounds: same person or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interview_guard.candidates.template import IdentityTemplate, TemplateRound, face_distance, voice_similarity
from interview_guard.options import ContinuityOptions

VERDICTS = ("same_person", "different_person", "different_voice", "uncertain", "cannot_judge")


@dataclass(frozen=True)
class RoundComparison:
    """This session against one earlier round. verdict: same_person (face well within the threshold, and the
    voice not clearly another), different_person (the face is not), different_voice (the face is, the voice
    clearly is not: a dubbed or stand-in voice, or a very different microphone), uncertain (the face distance
    lies in the band just under the threshold: a look-alike or the same person in bad light),
    cannot_judge (nothing comparable)."""

    round: int
    session_id: str
    date: str  # ISO 8601 day of the round
    face_distance: float | None
    voice_similarity: float | None
    verdict: str

    def describe(self) -> str:
        parts = []
        if self.face_distance is not None:
            parts.append(f"face distance {self.face_distance:.2f}")
        if self.voice_similarity is not None:
            parts.append(f"voice similarity {self.voice_similarity:.2f}")
        return f"round {self.round} ({self.date}): " + (", ".join(parts) or "nothing comparable")


@dataclass(frozen=True)
class ContinuityReport:
    """What `candidate_continuity` found, for the summary (`candidate_continuity` in summary.json).

    template: this session's identity template (never written to summary.json); keep_as_round: the round
    number under which the store keeps it (None without consent or without a face or voice to keep)."""

    candidate_id: str
    consent: bool
    status: str
    reason: str
    comparisons: tuple[RoundComparison, ...]
    template: IdentityTemplate | None
    keep_as_round: int | None
    face_threshold: float
    same_voice: float

    def to_dict(self) -> dict[str, Any]:
        t = self.template
        return {"candidate_id": self.candidate_id, "consent": self.consent, "status": self.status,
                "reason": self.reason, "template_kept_as_round": self.keep_as_round,
                "face_samples": t.face_samples if t else 0, "voice_seconds": t.voice_seconds if t else 0.0,
                "face_threshold": self.face_threshold, "same_voice": self.same_voice,
                "rounds": [{"round": c.round, "session_id": c.session_id, "date": c.date,
                            "face_distance": c.face_distance, "voice_similarity": c.voice_similarity,
                            "verdict": c.verdict} for c in self.comparisons]}


def compare_round(session: IdentityTemplate, earlier: TemplateRound, o: ContinuityOptions) -> RoundComparison:
    face = face_distance(session, earlier.template)
    voice = voice_similarity(session, earlier.template)
    other_voice = voice is not None and voice < o.different_voice
    if face is not None:
        verdict = ("different_person" if face >= o.face_threshold
                   else "different_voice" if other_voice
                   else "uncertain" if face >= o.face_uncertain_from else "same_person")
    elif voice is not None:  # no face to compare: the voice alone says less
        verdict = "different_voice" if other_voice else "same_person" if voice >= o.same_voice else "cannot_judge"
    else:
        verdict = "cannot_judge"
    return RoundComparison(round=earlier.round, session_id=earlier.session_id,
                           date=earlier.created.date().isoformat(),
                           face_distance=None if face is None else round(face, 3),
                           voice_similarity=None if voice is None else round(voice, 3), verdict=verdict)


def continuity_report(candidate_id: str, session: IdentityTemplate, o: ContinuityOptions) -> ContinuityReport:
    has_data = session.has_face or session.has_voice
    keep = (max((r.round for r in o.rounds), default=0) + 1) if o.consent and has_data else None
    common = dict(candidate_id=candidate_id, consent=o.consent, template=session if o.consent else None,
                  keep_as_round=keep, face_threshold=o.face_threshold, same_voice=o.same_voice)
    if not o.consent:
        return ContinuityReport(status="no_consent", comparisons=(), **common, reason=(
            "No identity template is kept or compared: the candidate's consent is not recorded "
            "(analyze --consent, or `interview-guard candidates consent`)."))
    if not has_data:
        return ContinuityReport(status="cannot_judge", comparisons=(), **common, reason=(
            "No usable face descriptor and too little speech in this session: nothing to keep or compare."))
    if not o.rounds:
        return ContinuityReport(status="first_round", comparisons=(), **common, reason=(
            f"First round with consent: this session's identity template is kept as round {keep} for later "
            f"sessions of the candidate."))
    comparisons = tuple(compare_round(session, r, o) for r in sorted(o.rounds, key=lambda r: r.round))
    verdicts = {c.verdict for c in comparisons}
    status = next((v for v in ("different_person", "different_voice", "uncertain", "same_person")
                   if v in verdicts), "cannot_judge")
    return ContinuityReport(status=status, comparisons=comparisons, reason=describe(comparisons, o), **common)


def describe(comparisons: tuple[RoundComparison, ...], o: ContinuityOptions) -> str:
    """One plain sentence per verdict, with the distances behind it."""
    by = {v: [c for c in comparisons if c.verdict == v] for v in VERDICTS}
    out = []
    if by["different_person"]:
        out.append(f"The person on camera is not the person of {_rounds(by['different_person'])}: "
                   f"{_faces(by['different_person'])} apart (same person under {o.face_threshold:.2f}).")
    if by["different_voice"]:
        out.append(f"The face matches {_rounds(by['different_voice'])} but the voice does not "
                   f"({_voices(by['different_voice'])}; another voice under {o.different_voice:.2f}): a different "
                   f"speaker, or a very different microphone.")
    if by["uncertain"]:
        out.append(f"Cannot tell whether this is the person of {_rounds(by['uncertain'])}: "
                   f"{_faces(by['uncertain'])}, between {o.face_uncertain_from:.2f} (same person) and "
                   f"{o.face_threshold:.2f} (different people); a look-alike, or the same person in poor light.")
    if by["same_person"]:
        out.append(f"Same person as {_rounds(by['same_person'])}: {_faces(by['same_person'])} "
                   f"(same person under {o.face_uncertain_from:.2f})"
                   + (f", {_voices(by['same_person'])}." if any(c.voice_similarity is not None
                                                                for c in by["same_person"]) else "."))
    if by["cannot_judge"]:
        out.append(f"Nothing comparable with {_rounds(by['cannot_judge'])} (no face or voice in both).")
    return " ".join(out)


def _rounds(cs: list[RoundComparison]) -> str:
    names = [f"round {c.round} ({c.date})" for c in cs]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _faces(cs: list[RoundComparison]) -> str:
    values = [f"{c.face_distance:.2f}" for c in cs if c.face_distance is not None]
    return ("face descriptor distance " + ", ".join(values)) if values else "by voice only"


def _voices(cs: list[RoundComparison]) -> str:
    values = [f"{c.voice_similarity:.2f}" for c in cs if c.voice_similarity is not None]
    return "voice similarity " + ", ".join(values) if values else "no voice to compare"
