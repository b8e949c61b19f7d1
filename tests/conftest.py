"""Shared fixtures: where the real media is, and media generated at test time."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.media_factory import write_synthetic_video

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"


def _media_dir() -> Path:
    return Path(os.environ.get("IG_MEDIA_DIR", REPO.parent / "shared" / "media"))


@pytest.fixture(scope="session", autouse=True)
def _no_user_data_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Module- and session-scoped fixtures run before a test's own data folder exists: they get this one,
    never the user's (~/.local/share/interview-guard)."""
    os.environ["IG_DATA_DIR"] = str(tmp_path_factory.mktemp("ig-data-shared"))
    os.environ.pop("IG_TEMPLATE_KEY", None)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every command it starts) keeps its sessions in its own folder, never the user's."""
    folder = tmp_path / "ig-data"
    monkeypatch.setenv("IG_DATA_DIR", str(folder))
    monkeypatch.delenv("IG_CONFIG", raising=False)
    return folder


@pytest.fixture(scope="session")
def media_dir() -> Path:
    d = _media_dir()
    if not (d / "MANIFEST.md").is_file():
        pytest.skip(f"real test media not found at {d} (set IG_MEDIA_DIR to ../shared/media)")
    return d


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg); .ci/run installs it")
    return exe


def run_ffmpeg(ffmpeg: str, *args: str) -> None:
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the hash stamps and joined models of test runs apart from the user's cache
    only when asked (IG_TEST_FRESH_CACHE=1); by default reuse it to save time."""
    if os.environ.get("IG_TEST_FRESH_CACHE") == "1":
        os.environ["IG_CACHE_DIR"] = str(tmp_path_factory.mktemp("ig-cache"))


@pytest.fixture(scope="session")
def synthetic_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s, 25 fps, 160x120 moving gradient with a 440 Hz tone: no face, known timing."""
    path = tmp_path_factory.mktemp("synthetic") / "tone.mp4"
    write_synthetic_video(path, seconds=3.0, fps=25, tone_hz=440.0)
    return path
