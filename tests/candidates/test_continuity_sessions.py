"""candidate_continuity end to end: real clips through `analyze` and `verify`, the store checked directly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from interview_guard.candidates.cipher import new_key
from interview_guard.cli import main
from interview_guard.store.store import candidate_key
from tests.conftest import run_ffmpeg

ALEX = {"basics": {"name": "Alex Candidate", "email": "alex@example.org"}}
SAM = {"basics": {"name": "Sam Other", "email": "sam@example.org"}}
FAST = ["--no-speech", "--no-liveness", "--fps", "5", "--quiet"]


@pytest.fixture(scope="module")
def clips(media_dir: Path, ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two clips of one person (the two halves of one real recording) and a clip of another person."""
    out = tmp_path_factory.mktemp("rounds")
    obama = media_dir / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"
    teacher = media_dir / "manipulated" / "hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4"
    run_ffmpeg(ffmpeg, "-i", str(obama), "-t", "4.8", "-c:v", "libx264", "-c:a", "aac", str(out / "round1.mp4"))
    run_ffmpeg(ffmpeg, "-ss", "4.8", "-i", str(obama), "-c:v", "libx264", "-c:a", "aac", str(out / "round2.mp4"))
    run_ffmpeg(ffmpeg, "-i", str(teacher), "-t", "6", "-c:v", "libx264", "-c:a", "aac", str(out / "other.mp4"))
    for name, profile in (("alex.json", ALEX), ("sam.json", SAM)):
        (out / name).write_text(json.dumps(profile))
    return {p.stem: p for p in out.iterdir()}


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = new_key()
    monkeypatch.setenv("IG_TEMPLATE_KEY", value)
    return value


def db_rows(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "interview-guard.db") as db:
        return db.execute(sql).fetchall()


def summary_of(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


def test_a_later_round_of_the_same_person_matches_and_another_person_is_flagged(
        clips: dict[str, Path], key: str, data_dir: Path, tmp_path: Path, capsys) -> None:
    alex = candidate_key("", "alex@example.org")
    assert main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--consent", "J. Doe, verbal",
                 "--out", str(tmp_path / "r1"), *FAST]) == 0
    first = summary_of(tmp_path / "r1")["candidate_continuity"]
    assert first["status"] == "first_round" and first["template_kept_as_round"] == 1

    assert main(["analyze", str(clips["round2"]), "--profile", str(clips["alex"]), "--out", str(tmp_path / "r2"),
                 *FAST]) == 0  # consent is on record: no flag needed for later rounds
    second = summary_of(tmp_path / "r2")
    assert second["candidate_continuity"]["status"] == "same_person"
    assert second["candidate_continuity"]["rounds"][0]["face_distance"] < 0.6
    [same] = [i for i in second["indicators"] if i["check"] == "candidate_continuity"]
    assert same["score"] == 0.0 and "Same person as round 1" in same["reason"] and same["evidence"][0]["frame_times"]

    capsys.readouterr()
    assert main(["verify", "--candidate", "alex@example.org", str(clips["other"]), "--quiet", "--json"]) == 3
    third = json.loads(capsys.readouterr().out)
    assert third["status"] == "different_person"
    assert [r["verdict"] for r in third["rounds"]] == ["different_person", "different_person"]
    assert all(r["face_distance"] >= 0.6 for r in third["rounds"])

    rounds = db_rows(data_dir, f"SELECT round, key_id, payload FROM identity_templates WHERE candidate_id = '{alex}'")
    assert [r[0] for r in rounds] == [1, 2, 3]
    assert all(b"face_mean" not in r[2] for r in rounds)  # ciphertext only
    flagged = db_rows(data_dir, "SELECT score FROM indicators WHERE \"check\" = 'candidate_continuity' "
                                "ORDER BY score DESC LIMIT 1")
    assert flagged[0][0] >= 0.75
    [(verified,)] = db_rows(data_dir, "SELECT s.summary_json FROM sessions s JOIN identity_templates t "
                                      "ON t.session_id = s.id WHERE t.round = 3")
    questions = [f["question"] for f in json.loads(verified)["follow_ups"] if f["check"] == "candidate_continuity"]
    assert any("photo ID" in q for q in questions)  # the interviewer gets something to ask


def test_verifying_another_person_first_does_not_turn_the_genuine_candidate_away(
        clips: dict[str, Path], key: str, data_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--consent", "J. Doe, verbal",
                 "--out", str(tmp_path / "r1"), *FAST]) == 0
    assert main(["verify", "--candidate", "alex@example.org", str(clips["other"]), "--quiet"]) == 3
    capsys.readouterr()
    assert main(["verify", "--candidate", "alex@example.org", str(clips["round2"]), "--quiet", "--json"]) == 0
    genuine = json.loads(capsys.readouterr().out)
    assert genuine["status"] == "same_person" and [r["round"] for r in genuine["rounds"]] == [1]
    assert genuine["rounds_skipped"] == [{"round": 2, "status": "verification"}]
    assert db_rows(data_dir, "SELECT round, status FROM identity_templates ORDER BY round") == [
        (1, "reference"), (2, "verification"), (3, "verification")]


def test_without_consent_no_template_is_stored_and_the_summary_says_so(
        clips: dict[str, Path], key: str, data_dir: Path, tmp_path: Path) -> None:
    assert main(["analyze", str(clips["other"]), "--profile", str(clips["sam"]), "--out", str(tmp_path / "o"),
                 *FAST]) == 0
    continuity = summary_of(tmp_path / "o")["candidate_continuity"]
    assert continuity["status"] == "no_consent" and continuity["template_kept_as_round"] is None
    assert db_rows(data_dir, "SELECT count(*) FROM identity_templates") == [(0,)]
    assert db_rows(data_dir, "SELECT consent_at FROM candidates") == [(None,)]


def test_consent_without_a_key_fails_before_anything_is_stored(clips: dict[str, Path], data_dir: Path,
                                                                tmp_path: Path, capsys) -> None:
    code = main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--consent", "J. Doe",
                 "--out", str(tmp_path / "k"), *FAST])
    assert code == 2 and "template_key" in capsys.readouterr().err
    assert db_rows(data_dir, "SELECT count(*) FROM sessions") == [(0,)]


def test_purging_a_candidate_removes_the_template_and_every_trace_of_them(
        clips: dict[str, Path], key: str, data_dir: Path, tmp_path: Path) -> None:
    alex = candidate_key("", "alex@example.org")
    assert main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--consent", "J. Doe",
                 "--out", str(tmp_path / "r1"), *FAST]) == 0
    assert main(["analyze", str(clips["other"]), "--profile", str(clips["sam"]), "--out", str(tmp_path / "o"),
                 *FAST]) == 0
    assert db_rows(data_dir, "SELECT count(*) FROM identity_templates") == [(1,)]
    assert main(["candidates", "purge", "alex@example.org", "--yes"]) == 0
    assert db_rows(data_dir, "SELECT count(*) FROM identity_templates") == [(0,)]
    with sqlite3.connect(data_dir / "interview-guard.db") as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        leftovers = [(t, row) for t in tables for row in db.execute(f"SELECT * FROM \"{t}\"")
                     if any(isinstance(v, str) and (alex in v or "alex@example.org" in v) for v in row)]
    assert leftovers == []
    assert db_rows(data_dir, "SELECT name FROM candidates") == [("Sam Other",)]  # the other candidate stays


def test_forgetting_withdraws_consent_and_a_purged_session_takes_its_round(
        clips: dict[str, Path], key: str, data_dir: Path, tmp_path: Path) -> None:
    for n, clip in enumerate(("round1", "round2"), 1):
        assert main(["analyze", str(clips[clip]), "--profile", str(clips["alex"]), "--consent", "J. Doe",
                     "--out", str(tmp_path / f"r{n}"), *FAST]) == 0
    [(first_session,)] = db_rows(data_dir, "SELECT session_id FROM identity_templates WHERE round = 1")
    assert main(["sessions", "purge", first_session, "--yes"]) == 0  # as the retention period would
    assert db_rows(data_dir, "SELECT round FROM identity_templates") == [(2,)]
    assert main(["candidates", "forget", "alex@example.org", "--yes"]) == 0
    assert db_rows(data_dir, "SELECT count(*) FROM identity_templates") == [(0,)]
    assert db_rows(data_dir, "SELECT consent_at FROM candidates") == [(None,)]
    assert main(["verify", "--candidate", "alex@example.org", str(clips["round2"]), "--quiet"]) == 2


def test_live_sessions_keep_and_compare_rounds_like_analysed_ones(clips: dict[str, Path], key: str, data_dir: Path,
                                                                   capsys) -> None:
    live = ["live", "--no-browser", "--port", "0", "--no-lip-sync", "--no-liveness", "--speed", "4",
            "--profile", str(clips["alex"])]
    assert main([*live, "--source", str(clips["round1"]), "--consent", "J. Doe, on the call"]) == 0, \
        capsys.readouterr().err
    assert main([*live, "--source", str(clips["other"])]) == 0, capsys.readouterr().err
    rows = db_rows(data_dir, "SELECT s.kind, t.round FROM identity_templates t JOIN sessions s ON s.id = t.session_id "
                             "ORDER BY t.round")
    assert rows == [("live", 1), ("live", 2)]
    [(summary_json,)] = db_rows(data_dir, "SELECT summary_json FROM sessions WHERE id = "
                                          "(SELECT session_id FROM identity_templates WHERE round = 2)")
    second = json.loads(summary_json)["candidate_continuity"]
    assert second["status"] == "different_person" and second["rounds"][0]["face_distance"] >= 0.6


def test_the_report_states_the_continuity_verdict(clips: dict[str, Path], key: str, tmp_path: Path) -> None:
    assert main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--out", str(tmp_path / "a"),
                 *FAST]) == 0
    report = (tmp_path / "a" / "report.html").read_text()
    assert "Same person across rounds" in report and "no consent" in report
    assert main(["analyze", str(clips["round1"]), "--out", str(tmp_path / "b"), *FAST]) == 0
    assert "Same person across rounds" not in (tmp_path / "b" / "report.html").read_text()  # nobody named
