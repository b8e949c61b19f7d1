"""One session's identity template against the candidate's earlier rounds: same person or not, and why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from interview_guard.candidates.template import IdentityTemplate, TemplateRound, face_distance, voice_similarity
from interview_guard.inputs import SessionInputs
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
    number under which the store keeps it (None without consent or without a face or voice to keep);
    keep_as: the status it is kept with (`round_status`; "verification" for `verify`; "" when not kept);
    skipped_rounds: (round, status) of the candidate's rounds that were not compared, not being references."""

    candidate_id: str
    consent: bool
    status: str
    reason: str
    comparisons: tuple[RoundComparison, ...]
    template: IdentityTemplate | None
    keep_as_round: int | None
    face_threshold: float
    same_voice: float
    keep_as: str = ""
    skipped_rounds: tuple[tuple[int, str], ...] = ()

    def kept(self) -> str:
        """One sentence on what becomes of this session's template ("" when nothing is kept)."""
        if self.keep_as_round is None or not self.keep_as:
            return ""
        n, cid = self.keep_as_round, self.candidate_id
        if self.keep_as == "reference":
            return f"This session's template is kept as round {n}, a reference for later sessions."
        what = "a verification" if self.keep_as == "verification" else "pending review"
        return (f"This session's template is kept as round {n}, {what}: later sessions are not compared with "
                f"it unless a reviewer accepts it (`interview-guard candidates accept-round {cid} {n}`).")

    def to_dict(self) -> dict[str, Any]:
        t = self.template
        return {"candidate_id": self.candidate_id, "consent": self.consent, "status": self.status,
                "reason": self.reason, "template_kept_as_round": self.keep_as_round,
                "template_status": self.keep_as or None,
                "rounds_skipped": [{"round": n, "status": st} for n, st in self.skipped_rounds],
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


def round_status(status: str) -> str:
    """The status a session's template is kept with, from the session's verdict: only a first round or one
    judged the same person becomes a reference by itself; any other (a different person or voice, uncertain,
    nothing comparable, no reference to compare with) waits for a reviewer."""
    return "reference" if status in ("first_round", "same_person") else "pending"


def continuity_report(session: IdentityTemplate, o: ContinuityOptions, inputs: SessionInputs) -> ContinuityReport:
    """This session against the candidate's reference rounds (inputs: who, their consent and rounds); the others
    (pending, rejected, verifications) are counted as skipped, never compared."""
    candidate_id, consent = inputs.candidate_id, inputs.consent
    has_data = session.has_face or session.has_voice
    keep = (max((r.round for r in inputs.rounds), default=0) + 1) if consent and has_data else None
    ordered = sorted(inputs.rounds, key=lambda r: r.round)
    references = tuple(r for r in ordered if r.is_reference)
    skipped = tuple((r.round, r.status) for r in ordered if not r.is_reference)
    common = dict(candidate_id=candidate_id, consent=consent, template=session if consent else None,
                  keep_as_round=keep, face_threshold=o.face_threshold, same_voice=o.same_voice,
                  skipped_rounds=skipped if consent else ())
    if not consent:
        return ContinuityReport(status="no_consent", comparisons=(), **common, reason=(
            "No identity template is kept or compared: the candidate's consent is not recorded "
            "(analyze --consent, or `interview-guard candidates consent`)."))
    if not has_data:
        return ContinuityReport(status="cannot_judge", comparisons=(), **common, reason=(
            "No usable face descriptor and too little speech in this session: nothing to keep or compare."))
    if not references:
        status = "no_reference" if any(st == "pending" for _, st in skipped) else "first_round"
        reason = (f"No reference round to compare with: {_skipped(skipped)}; a reviewer accepts or rejects them "
                  f"(`interview-guard candidates rounds {candidate_id}`)." if status == "no_reference" else
                  f"First round with consent: this session's identity template is kept as round {keep} for "
                  f"later sessions of the candidate." + _skipped_note(skipped))
        return ContinuityReport(status=status, comparisons=(), reason=reason, keep_as=round_status(status), **common)
    comparisons = tuple(compare_round(session, r, o) for r in references)
    verdicts = {c.verdict for c in comparisons}
    status = next((v for v in ("different_person", "different_voice", "uncertain", "same_person")
                   if v in verdicts), "cannot_judge")
    return ContinuityReport(status=status, comparisons=comparisons, keep_as=round_status(status),
                            reason=describe(comparisons, o) + _skipped_note(skipped), **common)


def as_verification(report: ContinuityReport) -> ContinuityReport:
    """`verify`'s report: its template is kept as a verification, never a reference by itself."""
    return replace(report, keep_as="verification" if report.keep_as_round is not None else "")


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


def _skipped(skipped: tuple[tuple[int, str], ...]) -> str:
    labels = {"pending": "pending review", "rejected": "rejected", "verification": "a verification"}
    return ", ".join(f"round {n} ({labels.get(st, st)})" for n, st in skipped)


def _skipped_note(skipped: tuple[tuple[int, str], ...]) -> str:
    if not skipped:
        return ""
    return f" {len(skipped)} round(s) not compared, not being references: {_skipped(skipped)}."
