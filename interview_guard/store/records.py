"""What the store hands out: plain frozen records, never live ORM objects."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

RISK_LEVELS = ("clear", "review", "high", "unknown")
STATUSES = ("running", "complete", "incomplete", "failed")
DECISIONS = ("cleared", "needs_follow_up", "escalated")
SORT_KEYS = ("started", "risk", "source", "status")
LIST_COLUMNS = ("id", "source", "started", "status", "risk_level", "risk_score", "indicator_count",
                "checks_flagged", "candidate", "decision")


@dataclass(frozen=True)
class SessionQuery:
    """Filters for the session list. text matches the source, candidate name or session id."""

    text: str = ""
    risk_level: str = ""
    check: str = ""  # sessions with at least one indicator of this check
    status: str = ""
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "started"
    descending: bool = True
    limit: int = 100
    offset: int = 0

    def __post_init__(self) -> None:
        if self.risk_level and self.risk_level not in RISK_LEVELS:
            raise ValueError(f"risk level {self.risk_level!r} is not one of {', '.join(RISK_LEVELS)}")
        if self.status and self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")
        if "\0" in self.text + self.check:  # PostgreSQL refuses NUL characters (SQLite would match nothing)
            raise ValueError("the search text and the check must not contain a NUL character")
        if self.sort not in SORT_KEYS:
            raise ValueError(f"sort {self.sort!r} is not one of {', '.join(SORT_KEYS)}")
        if not 1 <= self.limit <= 1000 or self.offset < 0:
            raise ValueError("limit must be 1-1000 and offset 0 or more")


@dataclass(frozen=True)
class Decision:
    decision: str
    note: str
    reviewer: str
    created: datetime


@dataclass(frozen=True)
class SessionRecord:
    """One line of the session list."""

    id: str
    kind: str
    source: str
    started: datetime
    finished: datetime | None
    status: str
    risk_level: str
    risk_score: float
    duration_s: float
    indicator_count: int
    checks_flagged: tuple[str, ...]
    candidate: str
    decision: Decision | None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "source": self.source, "started": _iso(self.started),
                "finished": _iso(self.finished), "status": self.status, "risk_level": self.risk_level,
                "risk_score": round(self.risk_score, 3), "duration_s": round(self.duration_s, 2),
                "indicator_count": self.indicator_count, "checks_flagged": list(self.checks_flagged),
                "candidate": self.candidate, "error": self.error,
                "decision": decision_dict(self.decision) if self.decision else None}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    session_id: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"at": _iso(self.at), "actor": self.actor, "action": self.action, "session_id": self.session_id,
                "detail": self.detail}


@dataclass(frozen=True)
class PurgeResult:
    sessions: int
    files: int
    candidates: int


def decision_dict(d: Decision) -> dict[str, Any]:
    return {"decision": d.decision, "note": d.note, "reviewer": d.reviewer, "created": _iso(d.created)}


def sessions_csv(records: list[dict]) -> str:
    """The session list (SessionRecord.to_dict() rows) as CSV with a header row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LIST_COLUMNS)
    for r in records:
        writer.writerow([spreadsheet_safe(";".join(r[c]) if c == "checks_flagged" else (r[c]["decision"] if r[c]
                                          else "") if c == "decision" else r[c]) for c in LIST_COLUMNS])
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM) gets a leading
    apostrophe, as OWASP advises for CSV injection; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _iso(t: datetime | None) -> str | None:
    return t.isoformat(timespec="seconds") if t else None
