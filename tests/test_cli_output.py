"""What every command does with its output and flags, without running an analysis: --debug after the
command, a reader that closes early, and how a failed batch file is named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interview_guard.batch.runner import failure_line
from interview_guard.batch.worker import FileResult
from interview_guard.cli import _build_parser, main
from interview_guard.config import load_config
from interview_guard.store import open_store


@pytest.mark.parametrize("argv", [
    ["analyze", "x.mp4", "--debug"],
    ["check-profile", "p.json", "--debug"],
    ["sessions", "list", "--debug"],
    ["sessions", "--debug", "audit"],
    ["analyze-batch", "folder", "--debug"],
    ["--debug", "analyze", "x.mp4"],
])
def test_debug_is_accepted_where_users_type_it(argv: list[str]) -> None:
    assert _build_parser().parse_args(argv).debug is True


def test_without_debug_the_flag_is_off() -> None:
    assert _build_parser().parse_args(["analyze", "x.mp4"]).debug is False


def test_debug_after_the_command_shows_the_traceback(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file"):
        main(["check-profile", str(tmp_path / "missing.json"), "--debug"])


@pytest.mark.parametrize("command", [["sessions", "audit"], ["models", "--no-verify"]])
def test_a_reader_that_closes_early_ends_the_command_quietly(command: list[str], data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        for i in range(50):
            store.audit("tester", "note", None, f"entry {i}")
    # The reader is gone before the first write (as `| head` is once it has its lines): every write fails.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "interview_guard", *command], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("error", [
    "/data/in/corrupt.mp4: not a readable audio/video file",
    "corrupt.mp4: not a readable audio/video file",
    "not a readable audio/video file",
])
def test_a_failed_file_is_named_once(error: str) -> None:
    line = failure_line(FileResult("/data/in/corrupt.mp4", "failed", error=error))
    assert line == "FAILED  corrupt.mp4: not a readable audio/video file"


def _analyze_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interview_guard", "analyze", *args], capture_output=True,
                          text=True, timeout=600)


def test_an_unwritable_out_is_refused_before_any_work(synthetic_clip: Path, data_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    proc = _analyze_cli(str(synthetic_clip), "--out", str(blocker / "out"), "--no-speech", "--quiet")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "is a file, not a folder" in proc.stderr
    assert not (data_dir / "sessions").exists() or not any((data_dir / "sessions").iterdir()), "nothing stored"


@pytest.mark.slow
def test_analyze_prints_its_verdict_and_files_on_stdout(synthetic_clip: Path, tmp_path: Path) -> None:
    proc = _analyze_cli(str(synthetic_clip), "--out", str(tmp_path / "o"), "--no-speech", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "risk " in proc.stdout and f"wrote {tmp_path / 'o' / 'summary.json'}" in proc.stdout
    assert "kept in" in proc.stdout and "risk " not in proc.stderr
    proc = _analyze_cli(str(synthetic_clip), "--out", str(tmp_path / "j"), "--no-speech", "--quiet", "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["schema_version"] == "1.0"
    assert "risk " in proc.stderr
