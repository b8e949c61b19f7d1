"""`interview-guard sessions ...` and `analyze` writing to the store, including a run killed mid-session; on
SQLite and on PostgreSQL (tests/conftest.py: store_url)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from interview_guard.cli import main
from interview_guard.config import load_config
from interview_guard.store import open_store
from interview_guard.store.db import check_readable
from tests.conftest import run_ffmpeg
from tests.store.test_store import _record, _rows_mentioning

pytestmark = pytest.mark.usefixtures("store_url")


def _seed(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        _record(store, "20261101T090000Z-aaaaaaaa", "monday.mp4", checks=("lip_sync", "av_offset"))
        _record(store, "20261102T090000Z-bbbbbbbb", "tuesday.mp4", checks=())


def test_list_json_is_an_array_of_sessions_with_their_risk(data_dir: Path, capsys) -> None:
    _seed(data_dir)
    assert main(["sessions", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in listed] == ["20261102T090000Z-bbbbbbbb", "20261101T090000Z-aaaaaaaa"]
    assert all({"id", "source", "started", "risk_level"} <= set(s) for s in listed)
    assert main(["sessions", "list", "--json", "--check", "av_offset"]) == 0
    assert [s["source"] for s in json.loads(capsys.readouterr().out)] == ["monday.mp4"]
    assert main(["sessions", "list", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("id,source,started") and len(lines) == 3 and "av_offset;lip_sync" in lines[2]


def test_show_export_and_audit(data_dir: Path, capsys, tmp_path: Path) -> None:
    _seed(data_dir)
    sid = "20261101T090000Z-aaaaaaaa"
    assert main(["sessions", "show", sid]) == 0
    shown = capsys.readouterr().out
    assert "monday.mp4" in shown and "[lip_sync" in shown and "[av_offset" in shown
    out = tmp_path / "export.json"
    assert main(["sessions", "export", sid, "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert exported["schema_version"] == "1.0" and exported["session_id"] == sid
    assert {i["check"] for i in exported["indicators"]} == {"lip_sync", "av_offset"}
    assert exported["review"]["status"] == "complete"
    assert main(["sessions", "audit", sid, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["action"] == "export"
    assert main(["sessions", "show", "no-such-id"]) == 2
    assert "no session 'no-such-id'" in capsys.readouterr().err


def test_purge_asks_unless_yes_and_removes_rows_and_files(data_dir: Path, capsys) -> None:
    _seed(data_dir)
    sid = "20261101T090000Z-aaaaaaaa"
    assert main(["sessions", "purge", sid]) == 2, "no terminal to ask on: refused, nothing deleted"
    assert "--yes" in capsys.readouterr().err and (data_dir / "sessions" / sid).exists()
    assert main(["sessions", "purge", sid, "--older-than", "3"]) == 2
    assert main(["sessions", "purge", sid, "--yes", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 1
    assert not (data_dir / "sessions" / sid).exists()
    assert _rows_mentioning(data_dir, sid) == []
    assert main(["sessions", "purge", "--older-than", "0", "--yes"]) == 0, "everything older than now"
    capsys.readouterr()
    assert main(["sessions", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    with open_store(load_config(data_dir)) as store:
        assert [a.action for a in store.audit_log()][:2] == ["purge", "purge"]


@pytest.mark.slow
def test_analyze_keeps_its_session_in_the_store(media_dir: Path, data_dir: Path, tmp_path: Path, capsys) -> None:
    clip = media_dir / "manipulated" / "hyperlips_v2_obama_LIPSYNC_fake.mp4"
    assert main(["analyze", str(clip), "--out", str(tmp_path / "out"), "--quiet", "--no-liveness"]) == 0
    out = capsys.readouterr().out  # the verdict, the session and the files written go to stdout
    sid = out.split("session ", 1)[1].split()[0]
    with open_store(load_config(data_dir)) as store:
        record = store.get_session(sid)
        detail = store.session_detail(sid)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["session_id"] == sid and record.status == "complete"
    assert record.risk_level == summary["risk"]["level"] and record.indicator_count == len(summary["indicators"])
    assert " ".join(s["text"] for s in detail["transcript"]) == summary["transcript"]["text"]
    assert (data_dir / "sessions" / sid / "report.html").exists()


def test_a_recording_that_cannot_be_opened_leaves_no_session(data_dir: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all" * 100)
    assert main(["analyze", str(bad), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "broken.mp4" in capsys.readouterr().err
    with open_store(load_config(data_dir)) as store:
        assert store.list_sessions() == []


@pytest.mark.slow
def test_killing_analyze_mid_session_leaves_a_readable_incomplete_session(media_dir: Path, ffmpeg: str, data_dir: Path,
                                                                          tmp_path: Path, store_url: str) -> None:
    long_clip = tmp_path / "long.mp4"
    run_ffmpeg(ffmpeg, "-stream_loop", "7", "-i", str(media_dir / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"),
               "-c", "copy", str(long_clip))
    proc = subprocess.Popen([sys.executable, "-m", "interview_guard", "analyze", str(long_clip), "--quiet",
                             "--out", str(tmp_path / "out"), "--no-liveness", "--no-identity", "--no-lip-sync",
                             "--fps", "5"], env={**os.environ, "IG_DATA_DIR": str(data_dir)},
                            stderr=subprocess.PIPE)
    written = _wait_for_rows(store_url, proc, timeout=240)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "it was killed, not finished"
    with open_store(load_config(data_dir)) as store:  # opening marks sessions whose writer is gone
        assert check_readable(store.engine) == "ok"
        (record,) = store.list_sessions()
        detail = store.session_detail(record.id)
    assert record.status == "incomplete" and "stopped before it ended" in record.error
    assert len(detail["transcript"]) >= written, "everything committed before the kill is still there"
    cited = {t for i in detail["indicators"] for e in i["evidence"] for t in e["frame_times"]}
    kept = {e["time_s"] for e in detail["evidence"]}
    assert cited <= kept, f"indicators cite frames {sorted(cited - kept)} that are not on disk"


def _wait_for_rows(url: str, proc: subprocess.Popen, timeout: float) -> int:
    """Transcript rows of the running session, once there are some (read beside the store, not through it)."""
    engine = create_engine(url, poolclass=NullPool)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"analyze ended before it could be killed: {proc.stderr.read().decode()[-500:]}")
        try:
            with engine.connect() as conn:
                count = conn.execute(text("SELECT count(*) FROM transcript_segments")).scalar()
        except SQLAlchemyError:  # no database (file) or tables yet
            count = 0
        if count:
            return count
        time.sleep(0.5)
    proc.kill()
    pytest.fail("no transcript row was written within the time limit")
