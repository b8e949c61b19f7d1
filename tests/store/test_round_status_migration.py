"""Migration 0004: rounds kept before it get the status their session's continuity verdict calls for."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from interview_guard.config import DB_NAME, load_config
from interview_guard.store import open_store
from interview_guard.store.db import MIGRATIONS


def _store_at_0003(path: Path) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with create_engine(f"sqlite:///{path}").begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")


def _rows(conn, verdicts: dict[str, str]) -> None:
    conn.execute(text("INSERT INTO candidates (id, name, email, profile_json, created, consent_at, consent_by) "
                      "VALUES ('c1', 'Alex', '', '{}', '2026-11-01', '2026-11-01', 'J. Doe')"))
    for n, (sid, verdict) in enumerate(verdicts.items(), 1):
        summary = {"candidate_continuity": {"status": verdict, "rounds": [
            {"round": 1, "face_distance": 0.9 if verdict == "different_person" else 0.1}] if n > 1 else []}}
        conn.execute(text("INSERT INTO sessions (id, kind, source, source_path, started, status, error, duration_s, "
                          "risk_level, risk_score, checks_run, candidate_id, tool_version, writer_pid, writer_host, "
                          "folder, content_hash, summary_json) VALUES (:id, 'recording', 'x.mp4', '', '2026-11-01', "
                          "'complete', '', 0, 'clear', 0, '', 'c1', '', 0, '', '', '', :summary)"),
                     {"id": sid, "summary": json.dumps(summary)})
        conn.execute(text("INSERT INTO identity_templates (candidate_id, session_id, round, created, key_id, payload) "
                          "VALUES ('c1', :sid, :n, '2026-11-01', 'k', x'00')"), {"sid": sid, "n": n})


def test_rounds_kept_before_the_migration_get_their_status_from_the_verdict(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    _store_at_0003(data_dir / DB_NAME)
    with create_engine(f"sqlite:///{data_dir / DB_NAME}").begin() as conn:
        _rows(conn, {"s1": "first_round", "s2": "same_person", "s3": "different_person", "s4": "uncertain"})
    with open_store(load_config(data_dir)) as store, store.engine.connect() as conn:
        rows = conn.execute(text("SELECT round, status, verdict, face_distance FROM identity_templates "
                                 "ORDER BY round")).all()
    assert [tuple(r) for r in rows] == [(1, "reference", "first_round", None), (2, "reference", "same_person", 0.1),
                                        (3, "pending", "different_person", 0.9), (4, "pending", "uncertain", 0.1)]
