"""Shared fixtures: where the real media is, media generated at test time, and the store's backends."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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


# ------------------------------------------------------------------------------ the store's two backends

POSTGRES_URL_VAR = "IG_TEST_POSTGRES_URL"
# Not UTC on purpose: a datetime written or read without its zone shows up as hours off.
POSTGRES_TEST_TIMEZONE = "Asia/Kathmandu"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """The store's database for store, review and batch tests: SQLite (the default) or PostgreSQL, the
    server IG_TEST_POSTGRES_URL names (a role that may create databases; .ci/run starts Debian's)."""
    if request.param == "postgresql" and not os.environ.get(POSTGRES_URL_VAR):
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_URL_VAR}=postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB "
                    f"(a role with CREATEDB; .ci/run starts Debian's server and sets it)")
    return request.param


@contextmanager
def store_in(backend: str, folder: Path) -> Iterator[str]:
    """The store URL for a data folder: SQLite's default file, or a new PostgreSQL database (dropped after)
    named in the folder's config.toml, so every command, server and worker started on the folder uses it."""
    from interview_guard.config import CONFIG_NAME, DB_NAME

    if backend == "sqlite":
        yield f"sqlite:///{(folder / DB_NAME).resolve()}"
        return
    with postgres_database(os.environ[POSTGRES_URL_VAR]) as url:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_NAME).write_text(f"[store]\nurl = {json.dumps(url)}\n")
        yield url


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A database of its own (random name, a non-UTC time zone) on the server admin_url reaches."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"ig_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO '{POSTGRES_TEST_TIMEZONE}'"))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: the engines the test left open are cut off
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def store_url(store_backend: str, data_dir: Path) -> Iterator[str]:
    """This test's store, on each backend: use with `pytestmark = pytest.mark.usefixtures("store_url")`."""
    with store_in(store_backend, data_dir) as url:
        yield url
