"""The session store: schema and migrations, writing as it happens, queries, decisions, audit, purge; on
SQLite and on PostgreSQL (tests/conftest.py: store_url)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, inspect, select, text

from interview_guard.config import load_config
from interview_guard.store import SessionQuery, StoreError, open_store
from interview_guard.store.db import check_readable, engine_for
from interview_guard.store.recorder import SessionRecorder
from interview_guard.store.store import utc_now
from tests.store.sessions import indicator, segment, summary

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64

pytestmark = pytest.mark.usefixtures("store_url")


def _store(data_dir: Path):
    return open_store(load_config(data_dir))


def _record(store, sid: str, source: str = "call.mp4", checks=("lip_sync",), candidate: Path | None = None,
            complete: bool = True) -> SessionRecorder:
    rec = SessionRecorder.begin(store, sid, "recording", source, f"/recordings/{source}",
                                profile_path=str(candidate) if candidate else "")
    inds = tuple(indicator(c, 2.0 + k, 4.0 + k) for k, c in enumerate(checks))
    for i in inds:
        rec.indicator(i)
    segs = (segment(1.0, "I worked at Oracle until 2019"), segment(6.0, "then I moved to Madrid"))
    rec.segments(list(segs))
    if complete:
        rec.complete(summary(sid, source, inds, segs), {2.0: JPEG, 3.0: JPEG})
    return rec


def _rows_mentioning(data_dir: Path, needle: str) -> list[tuple[str, tuple]]:
    """Every row of every table of the data folder's store with a text column containing needle."""
    engine = engine_for(load_config(data_dir).database_url)
    tables = MetaData()
    tables.reflect(engine)
    found = []
    with engine.connect() as conn:
        for table in tables.sorted_tables:
            for row in conn.execute(select(table)):
                if any(isinstance(v, str) and needle in v for v in row):
                    found.append((table.name, tuple(row)))
    return found


def test_a_new_store_is_migrated_to_the_newest_schema_and_sqlite_is_in_wal_mode(data_dir: Path) -> None:
    with _store(data_dir) as store:
        tables = set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            sqlite = store.engine.dialect.name == "sqlite"
            mode = conn.execute(text("PRAGMA journal_mode")).scalar() if sqlite else "wal"
    assert {"sessions", "candidates", "indicators", "transcript_segments", "evidence_files", "decisions",
            "audit_log", "identity_templates", "alembic_version"} <= tables
    assert mode == "wal" and version == "0005"
    assert (data_dir / "interview-guard.db").exists() == sqlite


def test_the_migrations_build_exactly_the_tables_the_code_declares(data_dir: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from interview_guard.store.tables import Base

    with _store(data_dir) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_a_session_is_written_as_it_goes_then_replaced_by_its_summary(data_dir: Path) -> None:
    with _store(data_dir) as store:
        rec = _record(store, "s1", checks=("lip_sync", "no_face"), complete=False)
        running = store.get_session("s1")
        assert running.status == "running" and running.indicator_count == 2
        assert store.export("s1")["review"]["status"] == "running"
        final = summary("s1", indicators=(indicator("av_offset", 1.0, 9.0),), segments=(segment(1.0, "hello"),))
        rec.complete(final, {1.0: JPEG})
        done = store.get_session("s1")
        detail = store.session_detail("s1")
    assert done.status == "complete" and done.checks_flagged == ("av_offset",), "the summary's indicators win"
    assert done.risk_level == final.risk.level and done.duration_s == 30.0
    assert [s["text"] for s in detail["transcript"]] == ["hello"]
    assert detail["transcript"][0]["words"][0]["text"] == "hello"
    assert len(detail["evidence"]) == 1 and (rec.folder / "evidence" / "t000001000.jpg").read_bytes() == JPEG
    assert (rec.folder / "summary.json").exists() and (rec.folder / "report.html").exists()


def test_listing_filters_sorts_and_searches(data_dir: Path, tmp_path: Path) -> None:
    from tests.profile.resumes import CLEAN, write

    profile = write(tmp_path, CLEAN)
    with _store(data_dir) as store:
        _record(store, "a", "monday.mp4", checks=("lip_sync", "av_offset"))
        _record(store, "b", "tuesday.mkv", checks=())
        _record(store, "c", "wednesday.webm", checks=("second_voice",), candidate=profile)
        everything = store.list_sessions()
        by_check = store.list_sessions(SessionQuery(check="second_voice"))
        clear = store.list_sessions(SessionQuery(risk_level="clear"))
        found = store.list_sessions(SessionQuery(text=CLEAN["basics"]["name"].split()[0].upper()))
        by_risk = store.list_sessions(SessionQuery(sort="risk", descending=True))
        paged = store.list_sessions(SessionQuery(sort="source", descending=False, limit=1, offset=1))
        future = store.list_sessions(SessionQuery(since=utc_now() + timedelta(days=1)))
        count = store.count_sessions(SessionQuery(status="complete"))
    assert [r.id for r in everything] == ["c", "b", "a"], "newest first"
    assert [r.id for r in by_check] == ["c"] and [r.id for r in clear] == ["b"]
    assert [r.id for r in found] == ["c"], "search reaches the candidate's name"
    assert by_risk[-1].id == "b" and by_risk[0].risk_score >= by_risk[1].risk_score
    assert [r.id for r in paged] == ["b"] and future == [] and count == 3
    with pytest.raises(ValueError, match="risk level"):
        SessionQuery(risk_level="purple")


def test_a_decision_is_recorded_and_audited(data_dir: Path) -> None:
    with _store(data_dir) as store:
        _record(store, "s1")
        store.record_decision("s1", "needs_follow_up", "ask about Oracle dates", "Ana")
        with pytest.raises(StoreError, match="not one of"):
            store.record_decision("s1", "fired", "", "Ana")
        with pytest.raises(StoreError, match="no session"):
            store.record_decision("nope", "cleared", "", "Ana")
        record = store.get_session("s1")
        audit = store.audit_log("s1")
    assert record.decision is not None and record.decision.decision == "needs_follow_up"
    assert audit[0].action == "decision" and audit[0].actor == "Ana" and "Oracle" in audit[0].detail
    assert {a.action for a in audit} >= {"start recording", "complete", "decision"}


def test_purge_leaves_no_row_and_no_file_of_the_session(data_dir: Path, tmp_path: Path) -> None:
    from tests.profile.resumes import CLEAN, write

    profile = write(tmp_path, CLEAN)
    with _store(data_dir) as store:
        gone = _record(store, "20260101T000000Z-deadbeef", candidate=profile, checks=("lip_sync", "av_offset"))
        _record(store, "kept-session", "other.mp4")
        store.record_decision(gone.session_id, "escalated", "stand-in", "Ana")
        result = store.purge([gone.session_id])
        remaining = [r.id for r in store.list_sessions()]
    assert result.sessions == 1 and result.files >= 4 and result.candidates == 1
    assert _rows_mentioning(data_dir, gone.session_id) == [], "no row of any table names the purged session"
    assert _rows_mentioning(data_dir, CLEAN["basics"]["email"]) == [], "the candidate left with no session goes too"
    assert not gone.folder.exists() and remaining == ["kept-session"]
    assert (data_dir / "sessions" / "kept-session" / "summary.json").exists()


def test_expired_sessions_are_those_older_than_the_retention(data_dir: Path) -> None:
    with _store(data_dir) as store:
        _record(store, "old")
        _record(store, "new")
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE sessions SET started = :t WHERE id = 'old'"),
                         {"t": (utc_now() - timedelta(days=40)).replace(tzinfo=None)})
        assert store.expired(30) == ["old"]
        assert sorted(store.expired(0)) == ["new", "old"]


def test_a_session_whose_writer_died_is_marked_incomplete_and_keeps_its_rows(data_dir: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with _store(data_dir) as store:
        _record(store, "orphan", complete=False)
        _record(store, "mine", complete=False)
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE sessions SET writer_pid = :p WHERE id = 'orphan'"), {"p": dead.pid})
        assert store.mark_abandoned() == 1
        orphan, mine = store.get_session("orphan"), store.get_session("mine")
        assert check_readable(store.engine) == "ok"
    assert orphan.status == "incomplete" and orphan.indicator_count == 1 and "stopped" in orphan.error
    assert mine.status == "running", f"this process ({os.getpid()}) is still writing it"


def test_bad_settings_are_refused_with_the_file_and_the_key(data_dir: Path) -> None:
    from interview_guard.errors import UserError

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text("[store]\nretention_days = -3\n")
    with pytest.raises(UserError, match="retention_days"):
        load_config(data_dir)
    (data_dir / "config.toml").write_text("[store]\nretention = 3\n")
    with pytest.raises(UserError, match="unknown key"):
        load_config(data_dir)
    (data_dir / "config.toml").write_text("[server]\ntoken = 'short'\n")
    with pytest.raises(UserError, match="too short"):
        load_config(data_dir)
    (data_dir / "config.toml").write_text("[store\n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_config(data_dir)


def test_evidence_thumbnails_can_be_turned_off(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "config.toml"  # on PostgreSQL it names the test's database already
    config.write_text((config.read_text() if config.exists() else "[store]\n") + "evidence_thumbnails = false\n")
    with _store(data_dir) as store:
        rec = _record(store, "s1")
        detail = store.session_detail("s1")
    assert detail["evidence"] == [] and not (rec.folder / "evidence").exists()
    assert (rec.folder / "report.html").exists()


def test_concurrent_writers_keep_every_session_and_row(data_dir: Path) -> None:
    """Four threads, each with its own store handle, writing sessions at once (a live call, analyses)."""
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> list[str]:
        with _store(data_dir) as store:
            return [_record(store, f"20261201T0900{worker:02d}Z-{k:08x}", f"w{worker}-{k}.mp4").session_id
                    for k in range(5)]

    with _store(data_dir):  # migrate once, as analyze-batch does, before the writers start
        pass
    with ThreadPoolExecutor(4) as pool:
        ids = [sid for batch in pool.map(write, range(4)) for sid in batch]
    with _store(data_dir) as store:
        assert store.count_sessions() == 20 == len(set(ids))
        assert all(store.get_session(sid).status == "complete" for sid in ids)
        assert sum(len(store.session_detail(sid)["indicators"]) for sid in ids) == 20


def test_times_come_back_in_utc_whatever_the_database_zone(data_dir: Path) -> None:
    """SQLite hands times back without a zone, PostgreSQL in the session's zone (not UTC in these tests)."""
    with _store(data_dir) as store:
        _record(store, "s1")
        store.record_decision("s1", "cleared", "", "Ana")
        record, audit = store.get_session("s1"), store.audit_log("s1")
    times = [record.started, record.finished, record.decision.created, *(a.at for a in audit)]
    assert all(t.utcoffset() == timedelta(0) for t in times), times
    assert record.to_dict()["started"].endswith("+00:00")
    assert abs(utc_now() - record.started) < timedelta(minutes=5)
