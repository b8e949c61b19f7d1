"""Several writers at once on one store, on SQLite and on PostgreSQL: processes that open a new store together
(one migrates, the others wait), sessions of one candidate written side by side (one candidate row), and
rounds kept at the same time for one candidate (each gets its own round number)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from interview_guard.candidates.cipher import TemplateCipher, new_key
from interview_guard.candidates.template import IdentityTemplate
from interview_guard.config import load_config
from interview_guard.store import open_store
from interview_guard.store.identity import keep_round, list_rounds
from interview_guard.store.profiles import candidate_id_of
from interview_guard.store.tables import CandidateRow
from tests.store.test_store import _record

pytestmark = pytest.mark.usefixtures("store_url")

WRITERS = 4
SESSIONS_EACH = 3


def _write_sessions(data_dir: str, worker: int, profile: str) -> list[str]:
    """One writer (a process or a thread): opens the store itself and keeps its sessions of the candidate."""
    with open_store(load_config(Path(data_dir))) as store:
        return [_record(store, f"20261201T09{worker:02d}{k:02d}Z-{worker:04x}{k:04x}", f"w{worker}-{k}.mp4",
                        candidate=Path(profile)).session_id for k in range(SESSIONS_EACH)]


def _profile(tmp_path: Path) -> Path:
    from tests.profile.resumes import CLEAN, write

    return write(tmp_path, CLEAN)


def test_processes_opening_a_new_store_at_once_keep_every_session_of_one_candidate(data_dir: Path,
                                                                                   tmp_path: Path) -> None:
    profile = _profile(tmp_path)
    with multiprocessing.get_context("spawn").Pool(WRITERS) as pool:  # nothing migrated yet: they race to
        ids = [sid for batch in pool.starmap(_write_sessions, [(str(data_dir), w, str(profile))
                                                              for w in range(WRITERS)]) for sid in batch]
    with open_store(load_config(data_dir)) as store:
        records = [store.get_session(sid) for sid in ids]
        with store.reading() as db:
            candidates = db.scalar(select(func.count()).select_from(CandidateRow))
    assert len(set(ids)) == WRITERS * SESSIONS_EACH == store.count_sessions()
    assert all(r.status == "complete" and r.indicator_count == 1 for r in records)
    assert candidates == 1 and {r.candidate for r in records} == {records[0].candidate}, "one row per candidate"


def test_threads_keeping_sessions_of_one_candidate_share_its_row(data_dir: Path, tmp_path: Path) -> None:
    profile = _profile(tmp_path)
    with open_store(load_config(data_dir)):  # migrated once, as analyze-batch does before its workers start
        pass
    with ThreadPoolExecutor(WRITERS) as pool:
        ids = [sid for batch in pool.map(lambda w: _write_sessions(str(data_dir), w, str(profile)), range(WRITERS))
               for sid in batch]
    with open_store(load_config(data_dir)) as store, store.reading() as db:
        assert db.scalar(select(func.count()).select_from(CandidateRow)) == 1
        assert store.count_sessions() == len(set(ids)) == WRITERS * SESSIONS_EACH


def test_rounds_kept_at_the_same_time_get_distinct_round_numbers(data_dir: Path, tmp_path: Path) -> None:
    """Sessions of one candidate analysed side by side all saw the same earlier rounds, so each was told to
    keep its template as the same next round; the store gives each its own number."""
    profile = _profile(tmp_path)
    cid = candidate_id_of(str(profile))
    cipher = TemplateCipher(new_key())
    template = IdentityTemplate(face_mean=(0.1,) * 128, face_spread=0.1, face_samples=10, voice_mean=None,
                                voice_seconds=0.0)
    with open_store(load_config(data_dir)) as store:
        sessions = [_record(store, f"s{k}", f"round{k}.mp4", candidate=profile).session_id for k in range(6)]
        store.record_consent(cid, "J. Doe, verbal")
        with ThreadPoolExecutor(len(sessions)) as pool:
            list(pool.map(lambda sid: keep_round(store, cid, sid, 1, template, cipher), sessions))
        rounds = list_rounds(store, cid)
    assert sorted(r.round for r in rounds) == list(range(1, len(sessions) + 1))
    assert sorted(r.session_id for r in rounds) == sorted(sessions)


def test_sessions_completed_at_once_each_say_the_round_they_were_kept_as(data_dir: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Three analyses of one consenting candidate, each told to keep round 2: each gets its own number, and
    its summary (the row and summary.json) names the number its template was kept as (issue 21)."""
    import json
    from dataclasses import replace

    from interview_guard.candidates.compare import ContinuityReport
    from interview_guard.store.recorder import SessionRecorder
    from tests.store.sessions import indicator, summary

    monkeypatch.setenv("IG_TEMPLATE_KEY", new_key())
    profile = _profile(tmp_path)
    cid = candidate_id_of(str(profile))
    template = IdentityTemplate(face_mean=(0.1,) * 128, face_spread=0.1, face_samples=10, voice_mean=None,
                                voice_seconds=0.0)
    report = ContinuityReport(candidate_id=cid, consent=True, status="same_person", reason="same face",
                              comparisons=(), template=template, keep_as_round=2, face_threshold=0.5,
                              same_voice=0.7, keep_as="reference")
    with open_store(load_config(data_dir)) as store:
        first = _record(store, "s0", "round1.mp4", candidate=profile)
        store.record_consent(cid, "J. Doe, verbal")
        keep_round(store, cid, first.session_id, 1, template, TemplateCipher(load_config(data_dir).template_key))
        recorders = [SessionRecorder.begin(store, f"s{k}", "recording", f"round{k}.mp4", profile_path=str(profile))
                     for k in (1, 2, 3)]

        def complete(rec: SessionRecorder) -> int:
            done = rec.complete(replace(summary(rec.session_id, indicators=(indicator("lip_sync", 1.0, 2.0),)),
                                        candidate_continuity=report), {})
            return done.candidate_continuity.keep_as_round

        with ThreadPoolExecutor(3) as pool:
            said = dict(zip((r.session_id for r in recorders), pool.map(complete, recorders)))
        kept = {r.session_id: r.round for r in list_rounds(store, cid)}
        in_rows = {sid: store.export(sid)["candidate_continuity"]["template_kept_as_round"] for sid in said}
    assert sorted(kept.values()) == [1, 2, 3, 4]
    for rec in recorders:
        in_file = json.loads((rec.folder / "summary.json").read_text())["candidate_continuity"]
        assert said[rec.session_id] == kept[rec.session_id] == in_file["template_kept_as_round"] \
            == in_rows[rec.session_id]
