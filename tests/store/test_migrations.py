"""Migrations that repair what older stores hold, on SQLite and on PostgreSQL: 0004 gives rounds kept before it
the status their session's continuity verdict calls for; 0005 renumbers rounds that share a number, then makes
the number unique per candidate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from interview_guard.config import load_config
from interview_guard.store import open_store
from interview_guard.store.db import MIGRATIONS


def _store_at(url: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with create_engine(url, poolclass=NullPool).begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _rows(url: str, verdicts: dict[str, str], rounds: list[int] | None = None) -> None:
    """A consenting candidate c1 with one session and one kept round per verdict (round numbers: rounds)."""
    rounds = rounds or list(range(1, len(verdicts) + 1))
    with create_engine(url, poolclass=NullPool).begin() as conn:
        conn.execute(text("INSERT INTO candidates (id, name, email, profile_json, created, consent_at, consent_by) "
                          "VALUES ('c1', 'Alex', '', '{}', '2026-11-01', '2026-11-01', 'J. Doe')"))
        for n, ((sid, verdict), round_no) in enumerate(zip(verdicts.items(), rounds), 1):
            summary = {"candidate_continuity": {"status": verdict, "rounds": [
                {"round": 1, "face_distance": 0.9 if verdict == "different_person" else 0.1}] if n > 1 else []}}
            conn.execute(text("INSERT INTO sessions (id, kind, source, source_path, started, status, error, "
                              "duration_s, risk_level, risk_score, checks_run, candidate_id, tool_version, writer_pid, "
                              "writer_host, folder, content_hash, summary_json) VALUES (:id, 'recording', 'x.mp4', '', "
                              "'2026-11-01', 'complete', '', 0, 'clear', 0, '', 'c1', '', 0, '', '', '', :summary)"),
                         {"id": sid, "summary": json.dumps(summary)})
            conn.execute(text("INSERT INTO identity_templates (candidate_id, session_id, round, created, key_id, "
                              "payload) VALUES ('c1', :sid, :n, '2026-11-01', 'k', :payload)"),
                         {"sid": sid, "n": round_no, "payload": b"\0"})


@pytest.fixture
def url(store_url: str, data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return store_url


def test_rounds_kept_before_0004_get_their_status_from_the_verdict(url: str, data_dir: Path) -> None:
    _store_at(url, "0003")
    _rows(url, {"s1": "first_round", "s2": "same_person", "s3": "different_person", "s4": "uncertain"})
    with open_store(load_config(data_dir)) as store, store.engine.connect() as conn:
        rows = conn.execute(text("SELECT round, status, verdict, face_distance FROM identity_templates "
                                 "ORDER BY round")).all()
    assert [tuple(r) for r in rows] == [(1, "reference", "first_round", None), (2, "reference", "same_person", 0.1),
                                        (3, "pending", "different_person", 0.9), (4, "pending", "uncertain", 0.1)]


def test_rounds_sharing_a_number_before_0005_are_renumbered_in_order_then_kept_unique(url: str,
                                                                                      data_dir: Path) -> None:
    _store_at(url, "0004")
    _rows(url, {"s1": "first_round", "s2": "same_person", "s3": "same_person", "s4": "same_person"},
          rounds=[1, 2, 2, 3])  # three sessions completed at once were all "kept as round 2" (issue 21)
    with open_store(load_config(data_dir)) as store:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT session_id, round FROM identity_templates ORDER BY id")).all()
        with pytest.raises(IntegrityError), store.engine.begin() as conn:  # a second round 2 for c1
            conn.execute(text("INSERT INTO identity_templates (candidate_id, session_id, round, created, key_id, "
                              "payload, status, verdict) VALUES ('c1', 's1', 2, '2026-11-02', 'k', :p, 'pending', '')"),
                         {"p": b"\0"})
    assert [tuple(r) for r in rows] == [("s1", 1), ("s2", 2), ("s3", 3), ("s4", 4)]
