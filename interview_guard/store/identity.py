"""Candidates and their identity templates in the store: consent, the rounds kept (encrypted), their review,
forgetting.

A template round belongs to its session and to its candidate: purging either (by hand or by the retention
period) deletes it through the foreign keys. Only ciphertext and a key id are stored. Each round has a status
(`candidates.template.ROUND_STATUSES`): only reference rounds are compared with later sessions; a round judged
not (surely) the same person waits as pending, `verify` keeps verifications, and a reviewer accepts or rejects
a round (`review_round`), each decision in the audit log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select, update

from interview_guard.candidates.cipher import TemplateCipher
from interview_guard.candidates.compare import round_status
from interview_guard.candidates.template import ROUND_STATUSES, IdentityTemplate, TemplateRound
from interview_guard.errors import UserError
from interview_guard.inputs import SessionInputs
from interview_guard.store.db import CandidateNotFound
from interview_guard.store.profiles import candidate_id_of
from interview_guard.store.records import PurgeResult
from interview_guard.store.store import Store, as_utc, candidate_key, utc_now
from interview_guard.store.tables import AuditRow, CandidateRow, IdentityTemplateRow, SessionRow


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    name: str
    email: str
    created: datetime
    consent_at: datetime | None
    consent_by: str
    sessions: int
    rounds: int
    references: int = 0  # of the rounds, those compared with later sessions

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email, "created": self.created.isoformat(),
                "consent_at": self.consent_at.isoformat() if self.consent_at else None,
                "consent_by": self.consent_by, "sessions": self.sessions, "template_rounds": self.rounds,
                "reference_rounds": self.references}


@dataclass(frozen=True)
class RoundRecord:
    """A kept round as a reviewer sees it (never the template): its status, and what the session's
    continuity check found when it was kept (verdict, largest face distance to the references compared)."""

    candidate_id: str
    round: int
    session_id: str
    source: str
    created: datetime
    status: str
    verdict: str
    face_distance: float | None

    def to_dict(self) -> dict:
        return {"candidate_id": self.candidate_id, "round": self.round, "session_id": self.session_id,
                "source": self.source, "created": self.created.isoformat(), "status": self.status,
                "verdict": self.verdict, "face_distance": self.face_distance}


def list_candidates(store: Store) -> list[CandidateRecord]:
    with store.reading() as db:
        rows = db.scalars(select(CandidateRow).order_by(CandidateRow.created)).all()
        sessions, rounds = _counts(db, SessionRow.candidate_id), _counts(db, IdentityTemplateRow.candidate_id)
        references = _counts(db, IdentityTemplateRow.candidate_id, reference_only=True)
        return [_record(row, sessions.get(row.id, 0), rounds.get(row.id, 0), references.get(row.id, 0))
                for row in rows]


def get_candidate(store: Store, ref: str) -> CandidateRecord:
    """By id, or by the e-mail (or name) the id is made from."""
    with store.reading() as db:
        row = db.get(CandidateRow, ref) or db.get(CandidateRow, candidate_key("", ref.strip()))
        if row is None:
            raise CandidateNotFound(ref, store.config.data_dir)
        return _record(row, _counts(db, SessionRow.candidate_id, row.id).get(row.id, 0),
                       _counts(db, IdentityTemplateRow.candidate_id, row.id).get(row.id, 0),
                       _counts(db, IdentityTemplateRow.candidate_id, row.id, reference_only=True).get(row.id, 0))


def continuity_inputs(store: Store, candidate_id: str, consent_by: str = "",
                      base: SessionInputs = SessionInputs()) -> SessionInputs:
    """What `candidate_continuity` needs before a session starts, with the rest of `base`: the candidate,
    whether consent is (or is being) given, and their earlier rounds, decrypted. A missing or wrong key fails
    here, before any work."""
    consent_by = consent_by.strip()
    if not candidate_id:
        if consent_by:
            raise UserError("consent needs a candidate: a profile (with a name or e-mail) or --candidate ID")
        return replace(base, candidate_id="", consent=False, consent_by="", rounds=())
    if not (consent_by or has_consent(store, candidate_id)):
        return replace(base, candidate_id=candidate_id, consent=False, consent_by="", rounds=())
    cipher = template_cipher(store)
    return replace(base, candidate_id=candidate_id, consent=True, consent_by=consent_by,
                   rounds=load_rounds(store, candidate_id, cipher))


def with_continuity(store: Store, inputs: SessionInputs, candidate_ref: str = "",
                    consent_by: str = "") -> SessionInputs:
    """The session's inputs with its candidate (candidate_ref, else the profile's) and their rounds."""
    candidate_id = get_candidate(store, candidate_ref).id if candidate_ref else \
        candidate_id_of(inputs.profile) if inputs.profile else ""
    return continuity_inputs(store, candidate_id, consent_by, base=inputs)


def template_cipher(store: Store) -> TemplateCipher:
    where = str(store.config.source or "IG_TEMPLATE_KEY")
    return TemplateCipher(store.config.template_key, where=where)


def has_consent(store: Store, candidate_id: str) -> bool:
    with store.reading() as db:
        row = db.get(CandidateRow, candidate_id)
        return row is not None and row.consent_at is not None


def load_rounds(store: Store, candidate_id: str, cipher: TemplateCipher) -> tuple[TemplateRound, ...]:
    """Every kept round with its status: the comparison uses the references and counts the others."""
    with store.reading() as db:
        rows = db.scalars(select(IdentityTemplateRow).where(IdentityTemplateRow.candidate_id == candidate_id)
                          .order_by(IdentityTemplateRow.round)).all()
        return tuple(TemplateRound(round=r.round, session_id=r.session_id, created=as_utc(r.created),
                                   template=cipher.decrypt(r.payload, r.key_id), status=r.status) for r in rows)


def next_round(store: Store, candidate_id: str, round_no: int) -> int:
    """The round number a template kept now would get: round_no, or the next free one when sessions of this
    candidate analysed at the same time kept rounds first."""
    with store.reading() as db:
        return _free_round(db, candidate_id, round_no)


def keep_round(store: Store, candidate_id: str, session_id: str, round_no: int, template: IdentityTemplate,
               cipher: TemplateCipher, status: str | None = None) -> int | None:
    """Keep the session's template as round round_no, or the next free number (the schema allows one round of
    each number per candidate); returns the number kept, None when consent was withdrawn meanwhile. status:
    by default what the session's continuity result (in its summary, written just before) says: its
    template_status, else `round_status` of its verdict; a session without one is kept pending, never as a
    reference."""
    if status is not None and status not in ROUND_STATUSES:
        raise ValueError(f"round status must be one of {list(ROUND_STATUSES)} (got {status!r})")
    with store.transaction() as db:
        _take_turn(db, candidate_id)
        row = db.get(CandidateRow, candidate_id)
        if row is None or row.consent_at is None:  # consent withdrawn while the session ran: keep nothing
            return None
        round_no = _free_round(db, candidate_id, round_no)
        verdict, distance, kept_as = _session_verdict(db, session_id)
        status = status or (kept_as if kept_as in ROUND_STATUSES else round_status(verdict))
        db.add(IdentityTemplateRow(candidate_id=candidate_id, session_id=session_id, round=round_no,
                                   created=utc_now(), key_id=cipher.key_id, payload=cipher.encrypt(template),
                                   status=status, verdict=verdict, face_distance=distance))
        db.add(AuditRow(at=utc_now(), actor="analysis", action="template kept", session_id=session_id,
                        detail=f"candidate {candidate_id}: round {round_no} ({status}, {verdict or 'no verdict'})"))
    return round_no


def list_rounds(store: Store, candidate_id: str) -> list[RoundRecord]:
    """The candidate's kept rounds, oldest first, as a reviewer sees them (nothing is decrypted)."""
    with store.reading() as db:
        rows = db.execute(select(IdentityTemplateRow, SessionRow.source)
                          .join(SessionRow, SessionRow.id == IdentityTemplateRow.session_id)
                          .where(IdentityTemplateRow.candidate_id == candidate_id)
                          .order_by(IdentityTemplateRow.round)).all()
        return [_round_record(r, source) for r, source in rows]


def review_round(store: Store, candidate_id: str, round_no: int, accept: bool, actor: str,
                 note: str = "") -> RoundRecord:
    """A reviewer's decision on one round: accepted, it is a reference (compared with later sessions);
    rejected, it is never compared. Written to the audit log with who decided, the change and the note."""
    new = "reference" if accept else "rejected"
    with store.transaction() as db:
        row = db.scalar(select(IdentityTemplateRow).where(IdentityTemplateRow.candidate_id == candidate_id,
                                                          IdentityTemplateRow.round == round_no))
        if row is None:
            raise UserError(f"candidate {candidate_id} has no template round {round_no}; "
                            f"`interview-guard candidates rounds {candidate_id}` lists them")
        if row.status == new:
            raise UserError(f"round {round_no} of candidate {candidate_id} is already {new}: nothing to change")
        old, row.status = row.status, new
        db.add(AuditRow(at=utc_now(), actor=actor[:200], action="round accepted" if accept else "round rejected",
                        session_id=row.session_id, detail=f"candidate {candidate_id}: round {round_no} {old} -> "
                                                          f"{new}" + (f"; {note.strip()}" if note.strip() else "")))
        source = db.get(SessionRow, row.session_id).source
        return _round_record(row, source)


def forget(store: Store, candidate_id: str, actor: str) -> int:
    """Withdraw consent: the candidate's templates go, their sessions stay. Returns the rounds deleted."""
    with store.transaction() as db:
        row = db.get(CandidateRow, candidate_id)
        if row is None:
            raise CandidateNotFound(candidate_id, store.config.data_dir)
        count = db.scalar(select(func.count()).where(IdentityTemplateRow.candidate_id == candidate_id)) or 0
        db.execute(delete(IdentityTemplateRow).where(IdentityTemplateRow.candidate_id == candidate_id))
        row.consent_at, row.consent_by = None, ""
        db.add(AuditRow(at=utc_now(), actor=actor[:200], action="consent withdrawn",
                        detail=f"candidate {candidate_id}: {count} template round(s) deleted"))
        return count


def purge_candidate(store: Store, candidate_id: str, actor: str) -> PurgeResult:
    """The candidate, every session of theirs (rows and folders) and their templates; the audit rows that
    name the candidate go too, and the purge itself is logged without their id."""
    with store.reading() as db:
        if db.get(CandidateRow, candidate_id) is None:
            raise CandidateNotFound(candidate_id, store.config.data_dir)
        sessions = list(db.scalars(select(SessionRow.id).where(SessionRow.candidate_id == candidate_id)))
    result = store.purge(sessions, actor=actor) if sessions else PurgeResult(0, 0, 0)
    with store.transaction() as db:
        gone = db.execute(delete(CandidateRow).where(CandidateRow.id == candidate_id)).rowcount
        db.execute(delete(AuditRow).where(AuditRow.detail.contains(candidate_id)))
        db.add(AuditRow(at=utc_now(), actor=actor[:200], action="purge candidate",
                        detail=f"1 candidate, {len(sessions)} session(s) and their identity templates deleted"))
    return PurgeResult(result.sessions, result.files, max(result.candidates, gone))


def _take_turn(db, candidate_id: str) -> None:
    """Sessions of one candidate keeping rounds at once take turns: this no-op UPDATE locks the candidate's
    row on PostgreSQL and takes the write lock on SQLite until the transaction ends."""
    db.execute(update(CandidateRow).where(CandidateRow.id == candidate_id)
               .values(consent_by=CandidateRow.consent_by).execution_options(synchronize_session=False))


def _free_round(db, candidate_id: str, round_no: int) -> int:
    """round_no, or the next free number when a session analysed at the same time kept that round first."""
    taken = db.scalar(select(func.max(IdentityTemplateRow.round))
                      .where(IdentityTemplateRow.candidate_id == candidate_id)) or 0
    return max(round_no, taken + 1)


def _session_verdict(db, session_id: str) -> tuple[str, float | None, str]:
    """The session's continuity status, largest face distance to a compared round and template_status,
    from its summary ("", None, "" without one)."""
    summary = db.scalar(select(SessionRow.summary_json).where(SessionRow.id == session_id))
    try:
        c = json.loads(summary or "{}").get("candidate_continuity") or {}
    except ValueError:
        return "", None, ""
    distances = [r["face_distance"] for r in c.get("rounds", []) if r.get("face_distance") is not None]
    return str(c.get("status") or ""), max(distances, default=None), str(c.get("template_status") or "")


def _counts(db, column, candidate_id: str | None = None, reference_only: bool = False) -> dict[str, int]:
    """Rows per candidate in one grouped query (the list would otherwise ask twice per candidate)."""
    stmt = select(column, func.count()).group_by(column)
    if candidate_id is not None:
        stmt = stmt.where(column == candidate_id)
    if reference_only:
        stmt = stmt.where(IdentityTemplateRow.status == "reference")
    return {cid: n for cid, n in db.execute(stmt) if cid is not None}


def _record(row: CandidateRow, sessions: int, rounds: int, references: int) -> CandidateRecord:
    return CandidateRecord(id=row.id, name=row.name, email=row.email, created=as_utc(row.created),
                           consent_at=as_utc(row.consent_at), consent_by=row.consent_by, sessions=sessions,
                           rounds=rounds, references=references)


def _round_record(row: IdentityTemplateRow, source: str) -> RoundRecord:
    return RoundRecord(candidate_id=row.candidate_id, round=row.round, session_id=row.session_id, source=source,
                       created=as_utc(row.created), status=row.status, verdict=row.verdict,
                       face_distance=row.face_distance)
