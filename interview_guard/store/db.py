"""Opening the database: one engine per process and URL, SQLite in WAL mode, migrations to the newest schema.

SQLite is the default (a file in the data folder); any SQLAlchemy URL works for a team (PostgreSQL).
WAL lets the review app read while an analysis writes, and a killed writer leaves the file readable:
every committed row survives, the rest rolls back.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from interview_guard.errors import UserError

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
_migrate_lock = threading.Lock()
_MIGRATE_LOCK_KEY = 0x1661_6E72  # PostgreSQL advisory lock: one process of any host migrates at a time


class StoreError(UserError):
    """The session store cannot be opened or used."""


class SessionNotFound(StoreError):
    """No session with the id asked for. `public` is the message without the data folder's path, for HTTP
    answers (a page must not learn where, or whose, the folder is)."""

    def __init__(self, session_id: str, data_dir: Path) -> None:
        shown = session_id if len(session_id) <= 80 else session_id[:80] + "..."
        super().__init__(f"no session {shown!r} in {data_dir}; `interview-guard sessions list` shows the ids")
        self.public = f"no session {shown!r}"


class SessionRunning(StoreError):
    """A session still being written (a live call, an analysis) cannot be purged: its writer would put its
    files back with no row to find them by."""


class CandidateNotFound(StoreError):
    """No candidate with the id (or e-mail) asked for."""

    def __init__(self, ref: str, data_dir: Path) -> None:
        super().__init__(f"no candidate {ref!r} in {data_dir}; `interview-guard candidates list` shows them "
                         f"(a candidate is made by analysing with --profile)")


@functools.lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    """The engine for this URL (created once per process), migrated to the newest schema."""
    try:
        engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    except (ArgumentError, ImportError) as e:
        raise StoreError(f"database URL {_safe(url)!r}: {e}; use sqlite:///PATH or a PostgreSQL URL with its "
                         f"driver installed") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except OperationalError as e:
        raise StoreError(f"cannot open the session database {_safe(url)} ({e.orig}); check the path and its "
                         f"permissions") from e
    except SQLAlchemyError as e:
        raise StoreError(f"the session database {_safe(url)} could not be brought to the current schema ({e})") from e
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across a crash of the process
    cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE is how a purge removes everything
    cursor.execute("PRAGMA busy_timeout=10000")  # a second process writing waits instead of failing
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic). Idempotent; run on every open."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with _migrate_lock, engine.begin() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return  # the usual case, without a lock: a read-only store opens too
        _lock_for_migration(conn)
        if MigrationContext.configure(conn).get_current_revision() == head:
            return  # another process migrated it while this one waited
        if "sessions" in inspect(conn).get_table_names() and "alembic_version" not in inspect(conn).get_table_names():
            raise StoreError("the database has interview-guard tables but no schema version; it was not made by "
                             "this tool's migrations: point --data-dir (or [store] url) at another place")
        cfg.attributes["connection"] = conn
        logger.info("migrating the session database to %s", head)
        command.upgrade(cfg, "head")


def _lock_for_migration(conn) -> None:
    """Processes opening a new store at once (analyses, a live call, the review app) take turns: the first
    migrates, the others wait, then find the schema current. The lock ends with the transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATE_LOCK_KEY})
    elif conn.dialect.name == "sqlite":  # the write lock now (busy_timeout waits for it), not at the first DDL
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def check_readable(engine: Engine) -> str:
    """SQLite's own integrity check ('ok' when sound); other databases: a trivial query."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return str(conn.execute(text("PRAGMA integrity_check")).scalar())
        conn.execute(text("SELECT 1"))
        return "ok"


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url
