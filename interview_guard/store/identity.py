"""Candidates and their identity templates in the store: consent, the rounds kept (encrypted), forgetting.

A template round belongs to its session and to its candidate: purging either (by hand or by the retention
period) deletes it through the foreign keys. Only ciphertext and a key id are stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import delete, func, select

from interview_guard.candidates.cipher import TemplateCipher
from interview_guard.candidates.template import IdentityTemplate, TemplateRound
from interview_guard.errors import UserError
from interview_guard.options import AnalysisOptions, ContinuityOptions
from interview_guard.store.db import CandidateNotFound
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

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "email": self.email, "created": self.created.isoformat(),
                "consent_at": self.consent_at.isoformat() if self.consent_at else None,
                "consent_by": self.consent_by, "sessions": self.sessions, "template_rounds": self.rounds}


def list_candidates(store: Store) -> list[CandidateRecord]:
    with store.reading() as db:
        rows = db.scalars(select(CandidateRow).order_by(CandidateRow.created)).all()
        sessions, rounds = _counts(db, SessionRow.candidate_id), _counts(db, IdentityTemplateRow.candidate_id)
        return [_record(row, sessions.get(row.id, 0), rounds.get(row.id, 0)) for row in rows]


def get_candidate(store: Store, ref: str) -> CandidateRecord:
    """By id, or by the e-mail (or name) the id is made from."""
    with store.reading() as db:
        row = db.get(CandidateRow, ref) or db.get(CandidateRow, candidate_key("", ref.strip()))
        if row is None:
            raise CandidateNotFound(ref, store.config.data_dir)
        return _record(row, _counts(db, SessionRow.candidate_id, row.id).get(row.id, 0),
                       _counts(db, IdentityTemplateRow.candidate_id, row.id).get(row.id, 0))


def continuity_options(store: Store, candidate_id: str, consent_by: str = "",
                       base: ContinuityOptions = ContinuityOptions()) -> ContinuityOptions:
    """What `candidate_continuity` needs before a session starts: whether consent is (or is being) given,
    and the candidate's earlier rounds, decrypted. A missing or wrong key fails here, before any work."""
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


def with_continuity(store: Store, options: AnalysisOptions, candidate_ref: str = "",
                    consent_by: str = "") -> AnalysisOptions:
    """The options with this session's candidate (candidate_ref, else the profile's) and their rounds."""
    from interview_guard.store.recorder import candidate_id_of

    candidate_id = get_candidate(store, candidate_ref).id if candidate_ref else \
        candidate_id_of(options.profile) if options.profile else ""
    return replace(options, continuity=continuity_options(store, candidate_id, consent_by, base=options.continuity))


def template_cipher(store: Store) -> TemplateCipher:
    where = str(store.config.source or "IG_TEMPLATE_KEY")
    return TemplateCipher(store.config.template_key, where=where)


def has_consent(store: Store, candidate_id: str) -> bool:
    with store.reading() as db:
        row = db.get(CandidateRow, candidate_id)
        return row is not None and row.consent_at is not None


def load_rounds(store: Store, candidate_id: str, cipher: TemplateCipher) -> tuple[TemplateRound, ...]:
    with store.reading() as db:
        rows = db.scalars(select(IdentityTemplateRow).where(IdentityTemplateRow.candidate_id == candidate_id)
                          .order_by(IdentityTemplateRow.round)).all()
        return tuple(TemplateRound(round=r.round, session_id=r.session_id, created=as_utc(r.created),
                                   template=cipher.decrypt(r.payload, r.key_id)) for r in rows)


def keep_round(store: Store, candidate_id: str, session_id: str, round_no: int, template: IdentityTemplate,
               cipher: TemplateCipher) -> None:
    with store.transaction() as db:
        row = db.get(CandidateRow, candidate_id)
        if row is None or row.consent_at is None:  # consent withdrawn while the session ran: keep nothing
            return
        db.add(IdentityTemplateRow(candidate_id=candidate_id, session_id=session_id, round=round_no,
                                   created=utc_now(), key_id=cipher.key_id, payload=cipher.encrypt(template)))
        db.add(AuditRow(at=utc_now(), actor="analysis", action="template kept", session_id=session_id,
                        detail=f"candidate {candidate_id}: round {round_no}"))


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


def _counts(db, column, candidate_id: str | None = None) -> dict[str, int]:
    """Rows per candidate in one grouped query (the list would otherwise ask twice per candidate)."""
    stmt = select(column, func.count()).group_by(column)
    if candidate_id is not None:
        stmt = stmt.where(column == candidate_id)
    return {cid: n for cid, n in db.execute(stmt) if cid is not None}


def _record(row: CandidateRow, sessions: int, rounds: int) -> CandidateRecord:
    return CandidateRecord(id=row.id, name=row.name, email=row.email, created=as_utc(row.created),
                           consent_at=as_utc(row.consent_at), consent_by=row.consent_by, sessions=sessions,
                           rounds=rounds)
