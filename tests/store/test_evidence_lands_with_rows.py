"""Evidence pictures and the rows that cite them land together or not at all (issue 21): rows written as a
session runs cite times and words only; completion writes the files first, then the rows; a completion
that fails or is killed halfway leaves no file that no row names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from interview_guard.config import load_config
from interview_guard.store import open_store
from interview_guard.store.recorder import FRAMES_AT_COMPLETION, SessionRecorder
from tests.store.sessions import indicator, segment, summary

JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64

pytestmark = pytest.mark.usefixtures("store_url")


def _frames_cited(detail: dict) -> set[float]:
    return {t for i in detail["indicators"] for e in i["evidence"] for t in e["frame_times"]}


def _frames_on_disk(detail: dict, folder: Path) -> set[float]:
    return {e["time_s"] for e in detail["evidence"] if (folder / "evidence" / e["url"].rsplit("/", 1)[1]).exists()}


def test_rows_written_while_running_cite_no_frame_and_say_when_frames_come(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        rec = SessionRecorder.begin(store, "s1", "recording", "call.mp4", "/recordings/call.mp4")
        rec.indicator(indicator("lip_sync", 2.0, 4.0))
        detail = store.session_detail("s1")
    (row,) = detail["indicators"]
    assert _frames_cited(detail) == set() and detail["evidence"] == []
    assert row["evidence"][0]["start"] == 2.0 and row["evidence"][0]["end"] == 4.0, "the span is kept"
    assert "look here" in row["evidence"][0]["note"] and FRAMES_AT_COMPLETION in row["evidence"][0]["note"]


def test_a_completed_session_has_every_cited_frame_on_disk(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        rec = SessionRecorder.begin(store, "s1", "recording", "call.mp4", "/recordings/call.mp4")
        inds = (indicator("lip_sync", 2.0, 4.0), indicator("no_face", 3.0, 5.0))
        rec.complete(summary("s1", indicators=inds, segments=(segment(1.0, "hello"),)), {2.0: JPEG, 3.0: JPEG})
        detail = store.session_detail("s1")
    assert _frames_cited(detail) == {2.0, 3.0} == _frames_on_disk(detail, rec.folder)


def test_a_completion_that_fails_leaves_no_file_and_a_failed_session(data_dir: Path, monkeypatch) -> None:
    with open_store(load_config(data_dir)) as store:
        rec = SessionRecorder.begin(store, "s1", "recording", "call.mp4", "/recordings/call.mp4")
        rec.indicator(indicator("lip_sync", 2.0, 4.0))

        def refuse(*_args, **_kwargs) -> None:
            raise OSError("database is gone")

        monkeypatch.setattr(store, "complete_session", refuse)
        with pytest.raises(OSError):
            rec.complete(summary("s1", indicators=(indicator("lip_sync", 2.0, 4.0),)), {2.0: JPEG})
        record, detail = store.get_session("s1"), store.session_detail("s1")
    assert record.status == "failed" and "could not be kept" in record.error and "database is gone" in record.error
    assert not (rec.folder / "evidence").exists() and not (rec.folder / "summary.json").exists()
    assert not (rec.folder / "report.html").exists() and _frames_cited(detail) == set()


def test_a_writer_killed_between_its_files_and_its_rows_leaves_no_unnamed_file(data_dir: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with open_store(load_config(data_dir)) as store:
        rec = SessionRecorder.begin(store, "s1", "recording", "call.mp4", "/recordings/call.mp4")
        rec.indicator(indicator("lip_sync", 2.0, 4.0))
        (rec.folder / "evidence").mkdir()
        (rec.folder / "evidence" / "t000002000.jpg").write_bytes(JPEG)  # as if killed after the files
        (rec.folder / "summary.json").write_text(json.dumps({"status": "complete"}))
        (rec.folder / "journal.jsonl").write_text("{}\n")  # a live call's journal is not a completion file
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE sessions SET writer_pid = :p WHERE id = 's1'"), {"p": dead.pid})
        assert store.mark_abandoned() == 1
        record, detail = store.get_session("s1"), store.session_detail("s1")
        audit = [a.detail for a in store.audit_log("s1")]
    assert record.status == "incomplete" and record.indicator_count == 1
    assert not (rec.folder / "evidence").exists() and not (rec.folder / "summary.json").exists()
    assert (rec.folder / "journal.jsonl").exists()
    assert any("2 file(s) of an unfinished completion removed" in d for d in audit)
