"""The session store: sessions and what they found, reviewers' decisions, the audit log, retention.

`open_store(config)` is the one place the database opens. Every method is one short transaction, so a
process killed mid-session leaves every row committed before it, and `Store.mark_abandoned()` turns
sessions whose writer is gone into `incomplete` ones. Blocking: call it off the event loop.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload, sessionmaker

from interview_guard.config import Config
from interview_guard.store.db import CandidateNotFound, SessionNotFound, SessionRunning, StoreError, engine_for
from interview_guard.store.records import (DECISIONS, AuditEntry, Decision, PurgeResult, SessionQuery,
                                           SessionRecord, decision_dict)
from interview_guard.store.tables import (AuditRow, CandidateRow, DecisionRow, EvidenceRow, IndicatorRow, SegmentRow,
                                          SessionRow)

_HOST = socket.gethostname()
_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(t: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone (they were written in UTC), PostgreSQL in the
    connection's zone (the server's TimeZone setting); both in UTC here."""
    if t is None:
        return None
    return t.astimezone(timezone.utc) if t.tzinfo else t.replace(tzinfo=timezone.utc)


@contextmanager
def open_store(config: Config) -> Iterator["Store"]:
    store = Store(config)
    store.mark_abandoned()
    yield store


class Store:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.engine = engine_for(config.database_url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as db:
            yield db

    def transaction(self) -> Iterator[Session]:
        """One committed unit of work (for the store's sibling modules, e.g. store/identity.py)."""
        return self._tx()

    def reading(self) -> Session:
        return self._sessions()

    # ------------------------------------------------------------ writing a session

    def begin_session(self, session_id: str, kind: str, source: str, source_path: str, started: datetime,
                      candidate: dict[str, str] | None = None, folder: Path | None = None,
                      content_hash: str = "", candidate_id: str = "", consent_by: str = "") -> None:
        """candidate: name, e-mail and profile (the row is made or updated); or candidate_id of a known one.
        consent_by: the candidate's consent to keep an identity template, as recorded by the interviewer."""
        with self._tx() as db:
            candidate_id = self._candidate(db, candidate) if candidate else self._known(db, candidate_id)
            if consent_by and candidate_id:
                self._consent(db, candidate_id, consent_by)
            db.add(SessionRow(id=session_id, kind=kind, source=source, source_path=source_path, started=started,
                              status="running", candidate_id=candidate_id, writer_pid=os.getpid(),
                              writer_host=_HOST, folder=self._relative(folder) if folder else "",
                              content_hash=content_hash))
            db.flush()  # the audit row refers to the session; the unit of work does not know to order them
            db.add(_audit("analysis", f"start {kind}", session_id, source))

    def _candidate(self, db: Session, candidate: dict[str, str]) -> str:
        """The candidate row for this profile: one per e-mail (else per name), updated with the latest profile."""
        cid = candidate_key(candidate.get("name", ""), candidate.get("email", "")) or os.urandom(16).hex()
        values = {"name": _text(candidate.get("name", ""), 200), "email": _text(candidate.get("email", ""), 320),
                  "profile_json": _text(candidate.get("profile_json", "{}"))}
        dialect = db.get_bind().dialect.name
        if dialect in _UPSERT:  # one statement: sessions of one candidate begun at once share the row
            db.execute(_UPSERT[dialect](CandidateRow).values(id=cid, created=utc_now(), **values)
                       .on_conflict_do_update(index_elements=[CandidateRow.id], set_=values))
        else:  # another database: read, then write
            row = db.get(CandidateRow, cid) or CandidateRow(id=cid, created=utc_now())
            row.name, row.email, row.profile_json = values["name"], values["email"], values["profile_json"]
            db.merge(row)
        return cid

    def _known(self, db: Session, candidate_id: str) -> str | None:
        if candidate_id and db.get(CandidateRow, candidate_id) is None:
            raise CandidateNotFound(candidate_id, self.config.data_dir)
        return candidate_id or None

    def record_consent(self, candidate_id: str, consent_by: str) -> None:
        """The candidate agreed that an identity template is kept and compared across their sessions."""
        with self._tx() as db:
            self._known(db, candidate_id)
            self._consent(db, candidate_id, consent_by)

    def _consent(self, db: Session, candidate_id: str, consent_by: str) -> None:
        if not consent_by.strip():
            raise StoreError("say who recorded the consent and how it was given (e.g. \"J. Doe, verbal, round 1\")")
        row = db.get(CandidateRow, candidate_id)
        assert row is not None
        row.consent_at, row.consent_by = utc_now(), _text(consent_by, 2000)
        db.add(_audit(consent_by, "consent", None, f"candidate {candidate_id}: identity template kept"))

    def add_indicator(self, session_id: str, indicator: dict[str, Any]) -> None:
        """One indicator as found (summary.json's form), so a killed session keeps it."""
        with self._tx() as db:
            db.add(_indicator_row(session_id, indicator))

    def add_segments(self, session_id: str, segments: list[dict[str, Any]]) -> None:
        if segments:
            with self._tx() as db:
                db.add_all(_segment_row(session_id, s) for s in segments)

    def complete_session(self, session_id: str, summary: dict[str, Any], evidence: dict[float, Path]) -> None:
        """The final summary replaces what was written as it happened (analyzers add and merge at the end)."""
        with self._tx() as db:
            row = self._get(db, session_id)
            db.execute(delete(IndicatorRow).where(IndicatorRow.session_id == session_id))
            db.execute(delete(SegmentRow).where(SegmentRow.session_id == session_id))
            db.execute(delete(EvidenceRow).where(EvidenceRow.session_id == session_id))
            db.add_all(_indicator_row(session_id, i) for i in summary["indicators"])
            db.add_all(_segment_row(session_id, s) for s in summary["transcript"]["segments"])
            db.add_all(EvidenceRow(session_id=session_id, path=self._relative(p), time_s=t) for t, p in evidence.items())
            row.status, row.finished = "complete", utc_now()
            row.risk_level, row.risk_score = summary["risk"]["level"], float(summary["risk"]["score"])
            row.duration_s = float(summary["source"].get("duration") or 0.0)
            row.checks_run, row.tool_version = ",".join(summary["checks_run"]), summary["tool_version"]
            row.summary_json = json.dumps(summary, ensure_ascii=False)
            db.add(_audit("analysis", "complete", session_id, f"risk {row.risk_level}"))

    def replace_summary(self, session_id: str, summary: dict[str, Any]) -> None:
        """A completed session's summary, amended after completion (its template's round number)."""
        with self._tx() as db:
            self._get(db, session_id).summary_json = json.dumps(summary, ensure_ascii=False)

    def fail_session(self, session_id: str, error: str, status: str = "failed") -> None:
        with self._tx() as db:
            row = self._get(db, session_id)
            row.status, row.finished, row.error = status, utc_now(), _text(error, 2000)
            db.add(_audit("analysis", status, session_id, error[:500]))

    def mark_abandoned(self) -> int:
        """Sessions still `running` whose writing process (on this host) is gone become `incomplete`."""
        with self._tx() as db:
            running = db.scalars(select(SessionRow).where(SessionRow.status == "running")).all()
            gone = [r for r in running if r.writer_host == _HOST and not _alive(r.writer_pid)]
            for r in gone:
                r.status = "incomplete"
                r.error = "the process writing this session stopped before it ended; what it wrote is kept"
                # Killed between writing its results and their rows: the files no row names go.
                removed = remove_completion_files(self.config.data_dir / r.folder) if r.folder else 0
                db.add(_audit("store", "marked incomplete", r.id, f"writer pid {r.writer_pid} is gone"
                              + (f"; {removed} file(s) of an unfinished completion removed" if removed else "")))
            return len(gone)

    # ------------------------------------------------------------ reading

    def list_sessions(self, query: SessionQuery = SessionQuery()) -> list[SessionRecord]:
        with self._sessions() as db:
            stmt = select(SessionRow).options(selectinload(SessionRow.candidate), selectinload(SessionRow.decisions))
            stmt = _filtered(stmt, query)
            order = {"started": SessionRow.started, "risk": SessionRow.risk_score, "source": SessionRow.source,
                     "status": SessionRow.status}[query.sort]
            stmt = stmt.order_by(order.desc() if query.descending else order.asc(), SessionRow.id)
            rows = db.scalars(stmt.limit(query.limit).offset(query.offset)).all()
            counts = _check_counts(db, [r.id for r in rows])  # one query for the page, not one per session
            return [_record(r, counts.get(r.id, {})) for r in rows]

    def count_sessions(self, query: SessionQuery = SessionQuery()) -> int:
        with self._sessions() as db:
            return int(db.scalar(_filtered(select(func.count()).select_from(SessionRow), query)) or 0)

    def get_session(self, session_id: str) -> SessionRecord:
        with self._sessions() as db:
            return _record(self._get(db, session_id), _check_counts(db, [session_id]).get(session_id, {}))

    def session_detail(self, session_id: str) -> dict[str, Any]:
        """Everything the session page shows: record, indicators, transcript, evidence, decisions, follow-ups."""
        with self._sessions() as db:
            row = self._get(db, session_id)
            summary = json.loads(row.summary_json) if row.summary_json else None
            record = _record(row, _check_counts(db, [session_id]).get(session_id, {}))
            return {"session": record.to_dict(),
                    "indicators": [_indicator_dict(i) for i in row.indicators],
                    "transcript": [{"start": s.start, "end": s.end, "text": s.text, "language": s.language,
                                    "words": json.loads(s.words_json)} for s in row.segments],
                    "evidence": [{"time_s": e.time_s, "url": f"/api/sessions/{session_id}/evidence/{Path(e.path).name}"}
                                 for e in sorted(row.evidence, key=lambda e: e.time_s)],
                    "decisions": [decision_dict(_decision(d)) for d in row.decisions],
                    "series": summary["series"] if summary else [],
                    "follow_ups": summary.get("follow_ups", []) if summary else [],
                    "warnings": summary["warnings"] if summary else ([row.error] if row.error else []),
                    "risk_reasons": summary["risk"]["top_reasons"] if summary else [],
                    "candidate_continuity": summary.get("candidate_continuity") if summary else None,
                    # the spoken-language check: whether the transcript is what was said (speech/language.py)
                    "transcript_language": summary["transcript"].get("language_check") if summary else None}

    def evidence_path(self, session_id: str, name: str) -> Path | None:
        if "\0" in session_id:  # no such id, and PostgreSQL refuses NUL in a query
            return None
        with self._sessions() as db:
            for e in db.scalars(select(EvidenceRow).where(EvidenceRow.session_id == session_id)):
                if Path(e.path).name == name:
                    return self.config.data_dir / e.path
        return None

    def export(self, session_id: str) -> dict[str, Any]:
        """summary.json of a complete session; for others, what was written so far in the same shape."""
        with self._sessions() as db:
            row = self._get(db, session_id)
            if row.summary_json:
                data = json.loads(row.summary_json)
            else:
                data = {"session_id": row.id, "created": as_utc(row.started).isoformat(timespec="seconds"),
                        "indicators": [_indicator_dict(i) for i in row.indicators],
                        "transcript": {"segments": [{"start": s.start, "end": s.end, "text": s.text}
                                                    for s in row.segments]}}
            data["review"] = {"status": row.status, "error": row.error,
                              "decisions": [decision_dict(_decision(d)) for d in row.decisions]}
            return data

    def analysed(self, content_hash: str) -> str | None:
        """The newest complete session of the recording with this sha256, if any."""
        with self._sessions() as db:
            return db.scalar(select(SessionRow.id).where(SessionRow.content_hash == content_hash,
                                                         SessionRow.status == "complete")
                             .order_by(SessionRow.started.desc()).limit(1))

    def session_folder(self, session_id: str) -> Path | None:
        with self._sessions() as db:
            row = self._get(db, session_id)
            return self.config.data_dir / row.folder if row.folder else None

    # ------------------------------------------------------------ review

    def record_decision(self, session_id: str, decision: str, note: str, reviewer: str) -> Decision:
        if decision not in DECISIONS:
            raise StoreError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        with self._tx() as db:
            self._get(db, session_id)
            row = DecisionRow(session_id=session_id, decision=decision, note=_text(note, 4000),
                              reviewer=_text(reviewer, 200), created=utc_now())
            db.add(row)
            db.add(_audit(reviewer or "reviewer", "decision", session_id, f"{decision}: {note[:300]}"))
            return _decision(row)

    def audit(self, actor: str, action: str, session_id: str | None = None, detail: str = "") -> None:
        with self._tx() as db:
            db.add(_audit(actor, action, session_id, detail))

    def audit_log(self, session_id: str | None = None, limit: int = 200) -> list[AuditEntry]:
        if session_id and "\0" in session_id:  # no such id, and PostgreSQL refuses NUL in a query
            return []
        with self._sessions() as db:
            stmt = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
            if session_id:
                stmt = stmt.where(AuditRow.session_id == session_id)
            return [AuditEntry(as_utc(a.at), a.actor, a.action, a.session_id, a.detail) for a in db.scalars(stmt)]

    # ------------------------------------------------------------ retention

    def expired(self, older_than_days: int) -> list[str]:
        cutoff = utc_now() - timedelta(days=older_than_days)
        with self._sessions() as db:
            return list(db.scalars(select(SessionRow.id).where(SessionRow.started < cutoff,
                                                               SessionRow.status != "running")))

    def purge(self, session_ids: list[str], actor: str = "purge") -> PurgeResult:
        """Delete the sessions, their rows (by cascade), their folders, and candidates left with no session."""
        files = 0
        with self._tx() as db:
            rows = [self._get(db, sid) for sid in session_ids]
            # A writer on another machine cannot be checked: its session counts as running.
            running = [r.id for r in rows if r.status == "running"
                       and (r.writer_host != _HOST or _alive(r.writer_pid or 0))]
            if running:
                raise SessionRunning(f"session {running[0]} is still running (a live call or an analysis): stop "
                                     f"it first, then purge it; nothing was deleted")
            folders = [self.config.data_dir / r.folder for r in rows if r.folder]
            candidates = {r.candidate_id for r in rows if r.candidate_id}
            db.execute(delete(SessionRow).where(SessionRow.id.in_(session_ids)))
            orphans = [c for c in candidates
                       if not db.scalar(select(func.count()).where(SessionRow.candidate_id == c))]
            db.execute(delete(CandidateRow).where(CandidateRow.id.in_(orphans)))
            for folder in folders:  # inside the transaction: a folder that cannot go keeps its rows too
                files += _remove_folder(folder)
            db.add(_audit(actor, "purge", None, f"{len(rows)} session(s), {files} file(s), "
                                                f"{len(orphans)} candidate record(s) deleted"))
        return PurgeResult(len(rows), files, len(orphans))

    # ------------------------------------------------------------ helpers

    def _get(self, db: Session, session_id: str) -> SessionRow:
        row = db.get(SessionRow, session_id) if "\0" not in session_id else None  # PostgreSQL refuses NUL
        if row is None:
            raise SessionNotFound(session_id, self.config.data_dir)
        return row

    def _relative(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.config.data_dir.resolve()))
        except ValueError:
            raise StoreError(f"{path} is outside the data folder {self.config.data_dir}") from None


# What only a completed session's folder holds; anything else there (a live call's journal) stays.
COMPLETION_FILES = ("evidence", "summary.json", "report.html")


def remove_completion_files(folder: Path) -> int:
    """The evidence pictures, summary and report of a session that did not complete; returns files removed."""
    removed = 0
    for name in COMPLETION_FILES:
        path = folder / name
        if path.is_dir():
            removed += _file_count(path)
            shutil.rmtree(path, ignore_errors=True)  # best effort: it runs where a session already failed
        elif path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def candidate_key(name: str, email: str) -> str:
    """A candidate's id: from the e-mail (else the name), so every session of one candidate links to one row."""
    import hashlib

    key = (email or name or "").strip().lower()
    return hashlib.sha256(key.encode()).hexdigest()[:32] if key else ""


def _filtered(stmt, q: SessionQuery):
    if q.text:
        like = f"%{q.text.lower()}%"
        stmt = stmt.outerjoin(CandidateRow, SessionRow.candidate_id == CandidateRow.id).where(or_(
            func.lower(SessionRow.source).like(like), func.lower(SessionRow.id).like(like),
            func.lower(func.coalesce(CandidateRow.name, "")).like(like)))
    if q.risk_level:
        stmt = stmt.where(SessionRow.risk_level == q.risk_level)
    if q.status:
        stmt = stmt.where(SessionRow.status == q.status)
    if q.since:
        stmt = stmt.where(SessionRow.started >= q.since)
    if q.until:
        stmt = stmt.where(SessionRow.started < q.until)
    if q.check:
        stmt = stmt.where(SessionRow.id.in_(select(IndicatorRow.session_id).where(IndicatorRow.check == q.check)))
    return stmt


def _indicator_row(session_id: str, i: dict[str, Any]) -> IndicatorRow:
    return IndicatorRow(session_id=session_id, check=i["check"], start=i["start"], end=i["end"],
                        level=i.get("level", ""), score=i["score"], confidence=i["confidence"],
                        strength=i.get("strength", 0.0), reason=i["reason"],
                        evidence_json=json.dumps(i.get("evidence", []), ensure_ascii=False),
                        measurements_json=json.dumps(i.get("measurements", {}), ensure_ascii=False))


def _indicator_dict(r: IndicatorRow) -> dict[str, Any]:
    return {"check": r.check, "start": r.start, "end": r.end, "level": r.level, "score": r.score,
            "confidence": r.confidence, "strength": r.strength, "reason": r.reason,
            "evidence": json.loads(r.evidence_json), "measurements": json.loads(r.measurements_json)}


def _segment_row(session_id: str, s: dict[str, Any]) -> SegmentRow:
    return SegmentRow(session_id=session_id, start=s["start"], end=s["end"], text=s["text"],
                      language=s.get("language", ""), words_json=json.dumps(s.get("words", []), ensure_ascii=False))


def _check_counts(db: Session, session_ids: list[str]) -> dict[str, dict[str, int]]:
    """Indicators per check, per session."""
    counts: dict[str, dict[str, int]] = {}
    rows = db.execute(select(IndicatorRow.session_id, IndicatorRow.check, func.count())
                      .where(IndicatorRow.session_id.in_(session_ids))
                      .group_by(IndicatorRow.session_id, IndicatorRow.check))
    for session_id, check, n in rows:
        counts.setdefault(session_id, {})[check] = n
    return counts


def _record(r: SessionRow, counts: dict[str, int]) -> SessionRecord:
    return SessionRecord(
        id=r.id, kind=r.kind, source=r.source, started=as_utc(r.started), finished=as_utc(r.finished),
        status=r.status, risk_level=r.risk_level, risk_score=r.risk_score, duration_s=r.duration_s,
        indicator_count=sum(counts.values()), checks_flagged=tuple(sorted(counts)),
        candidate=r.candidate.name if r.candidate else "", error=r.error,
        decision=_decision(r.decisions[-1]) if r.decisions else None)


def _decision(d: DecisionRow) -> Decision:
    return Decision(d.decision, d.note, d.reviewer, as_utc(d.created))


def _audit(actor: str, action: str, session_id: str | None, detail: str) -> AuditRow:
    return AuditRow(at=utc_now(), actor=_text(actor, 200), action=_text(action, 64), session_id=session_id,
                    detail=_text(detail))


def _text(value: str, limit: int | None = None) -> str:
    """Text as every backend keeps it: PostgreSQL refuses NUL characters and text longer than its column
    (SQLite keeps both), so NULs are dropped and the text is cut to the column's length."""
    value = value.replace("\0", "")
    return value[:limit] if limit else value


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that pid
    return True


def _remove_folder(folder: Path) -> int:
    if not folder.exists():
        return 0
    count = _file_count(folder)
    try:
        shutil.rmtree(folder)
    except OSError as e:
        raise StoreError(f"cannot delete {folder} ({e.strerror}); the purge stopped and its rows are kept: fix "
                         f"the permissions and run it again") from e
    return count


def _file_count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())
