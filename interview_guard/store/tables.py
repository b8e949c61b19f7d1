"""The database tables (SQLAlchemy 2 declarative). Schema changes go through a migration in migrations/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class CandidateRow(Base):
    """A candidate as named by their profile; sessions link to it. Face and voice data only in
    identity_templates, encrypted, and only once consent_at is set (the candidate agreed to be recognised
    across rounds)."""

    __tablename__ = "candidates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="")
    profile_json: Mapped[str] = mapped_column(Text, default="{}")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    consent_by: Mapped[str] = mapped_column(Text, default="")  # who recorded it, how it was given

    templates: Mapped[list[IdentityTemplateRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="IdentityTemplateRow.round")


class IdentityTemplateRow(Base):
    """One round's identity template (face descriptor mean and spread, voice profile), encrypted with the
    configured key (key_id names it, never the key). Goes with its session and with its candidate.

    status: reference (compared with later sessions), pending (judged not, or not surely, the same person:
    waits for a reviewer), rejected (a reviewer said it is not the candidate), verification (kept by
    `verify`, never a reference by itself). verdict and face_distance: what the session's continuity check
    found when the round was kept (its status, and the largest face distance to the references compared)."""

    __tablename__ = "identity_templates"
    # One round of each number per candidate, whatever writes at once (store/identity.py: keep_round).
    __table_args__ = (UniqueConstraint("candidate_id", "round", name="uq_identity_templates_candidate_round"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(16))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="reference")
    verdict: Mapped[str] = mapped_column(String(32), default="")
    face_distance: Mapped[float | None] = mapped_column(Float, nullable=True)


class SessionRow(Base):
    """One analysed interview. status: running (being written), complete, incomplete (its writer died),
    failed (the analysis stopped with an error)."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # recording | live
    source: Mapped[str] = mapped_column(String(400))
    source_path: Mapped[str] = mapped_column(Text, default="")
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    risk_level: Mapped[str] = mapped_column(String(16), default="unknown", index=True)
    risk_score: Mapped[float] = mapped_column(Float, default=0.0)
    checks_run: Mapped[str] = mapped_column(Text, default="")  # comma-separated check names
    candidate_id: Mapped[str | None] = mapped_column(ForeignKey("candidates.id", ondelete="SET NULL"), nullable=True)
    tool_version: Mapped[str] = mapped_column(String(32), default="")
    writer_pid: Mapped[int] = mapped_column(Integer, default=0)
    writer_host: Mapped[str] = mapped_column(String(255), default="")
    folder: Mapped[str] = mapped_column(Text, default="")  # relative to the data folder
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)  # sha256 of the recording
    summary_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # summary.json once complete

    candidate: Mapped[CandidateRow | None] = relationship()
    indicators: Mapped[list[IndicatorRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                          order_by="IndicatorRow.start")
    segments: Mapped[list[SegmentRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                      order_by="SegmentRow.start")
    evidence: Mapped[list[EvidenceRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    decisions: Mapped[list[DecisionRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                        order_by="DecisionRow.created")


class IndicatorRow(Base):
    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    check: Mapped[str] = mapped_column(String(64), index=True)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    confidence: Mapped[float] = mapped_column(Float)
    strength: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    evidence_json: Mapped[str] = mapped_column(Text, default="[]")
    measurements_json: Mapped[str] = mapped_column(Text, default="{}")


class SegmentRow(Base):
    __tablename__ = "transcript_segments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="")
    words_json: Mapped[str] = mapped_column(Text, default="[]")


class EvidenceRow(Base):
    """A JPEG of a frame an indicator cites, stored under the session's folder."""

    __tablename__ = "evidence_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)  # relative to the data folder
    time_s: Mapped[float] = mapped_column(Float)


class DecisionRow(Base):
    """A reviewer's decision: cleared, needs_follow_up or escalated, with a note."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Who did what, when. Rows about a session go with it when it is purged (nothing of it may remain);
    the purge itself is logged without the session's id."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    detail: Mapped[str] = mapped_column(Text, default="")


Index("ix_indicators_session_check", IndicatorRow.session_id, IndicatorRow.check)
