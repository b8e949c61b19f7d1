"""analyze-batch skips a recording that `analyze` already kept in the store (same bytes, any name)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from interview_guard.cli import main

pytestmark = pytest.mark.usefixtures("store_url")  # on SQLite and on PostgreSQL (tests/conftest.py)

FAST = ["--no-speech", "--no-liveness", "--no-identity", "--quiet"]


@pytest.mark.slow
def test_batch_skips_what_analyze_stored(synthetic_clip: Path, data_dir: Path, tmp_path: Path, capsys) -> None:
    assert main(["analyze", str(synthetic_clip), "--out", str(tmp_path / "out"), *FAST]) == 0
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(synthetic_clip, folder / "renamed copy.mp4")
    capsys.readouterr()
    assert main(["analyze-batch", str(folder), "--workers", "1", "--json", *FAST]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in results] == ["skipped"]
    assert len(list((data_dir / "sessions").glob("*/summary.json"))) == 1, "nothing analysed twice"
