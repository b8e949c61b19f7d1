"""`interview-guard demo` and `analyze` end to end on the bundled clips: they run on a fresh clone, without
../shared/media."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interview_guard.demo.run import MEDIA

pytestmark = pytest.mark.slow


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interview_guard", *args], capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    root = tmp_path_factory.mktemp("demo")
    return root / "ig-demo", _cli("demo", "--out", str(root / "ig-demo"),
                                  env={**os.environ, "IG_DATA_DIR": str(root / "store")})


def _checks(out: Path, case: str) -> list[str]:
    return [i["check"] for i in json.loads((out / case / "summary.json").read_text())["indicators"]]


def test_the_demo_writes_a_report_per_case_and_says_where(demo_out) -> None:
    out, proc = demo_out
    assert proc.returncode == 0, proc.stderr
    for case in ("real", "splice", "loop", "voice_delay"):
        report = out / case / "report.html"
        assert report.is_file() and str(report) in proc.stderr
    assert "4 of 4 came out as expected" in proc.stderr


def test_the_demo_finds_each_manipulation_and_nothing_on_the_real_clip(demo_out) -> None:
    out, _ = demo_out
    assert _checks(out, "real") == []
    assert "identity_change" in _checks(out, "splice")
    assert "replay_loop" in _checks(out, "loop")
    assert "av_offset" in _checks(out, "voice_delay")


def test_the_demo_keeps_nothing_in_the_store(demo_out) -> None:
    store = demo_out[0].parent / "store"
    assert not store.exists() or not any(store.rglob("summary.json"))


def test_analyze_a_bundled_clip_into_the_store(tmp_path: Path) -> None:
    proc = _cli("analyze", str(MEDIA / "grid_pwij3p.mp4"), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    text = summary["transcript"]["text"].lower()
    assert "white" in text and "please" in text, text
    assert summary["risk_level"] == "clear" and summary["indicators"] == []
    listing = _cli("sessions", "list")
    assert listing.returncode == 0 and summary["session_id"] in listing.stdout


def test_live_source_on_a_bundled_clip_keeps_a_live_session(tmp_path: Path) -> None:
    env = {**os.environ, "IG_DATA_DIR": str(tmp_path / "store")}
    proc = _cli("live", "--source", str(MEDIA / "grid_lbbc2a.mp4"), "--no-browser", "--port", "0", env=env)
    assert proc.returncode == 0, proc.stderr
    (summary_path,) = (tmp_path / "store" / "sessions").glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert "blue" in summary["transcript"]["text"].lower()
    assert summary["indicators"] == [] and summary["source"]["duration"] > 2.5


def test_the_schema_lists_every_settings_group_the_summary_writes(demo_out) -> None:
    out, _ = demo_out
    settings = json.loads((out / "real" / "summary.json").read_text())["settings"]
    schema = (Path(__file__).resolve().parents[2] / "docs" / "how-it-works.md").read_text()
    (row,) = [line for line in schema.splitlines() if line.startswith("| `settings` |")]
    documented = re.findall(r"`(\w+)`", row.split("|")[2])
    assert documented == list(settings), "docs/how-it-works.md's settings row and summary.json's settings differ"
    assert settings["identity"]["match_threshold"] == 0.6
