"""The session store (SQLite by default, any SQLAlchemy URL for a team) and its recorder."""

from interview_guard.store.db import SessionNotFound, SessionRunning, StoreError
from interview_guard.store.records import DECISIONS, SessionQuery, SessionRecord
from interview_guard.store.store import Store, open_store

__all__ = ["DECISIONS", "SessionQuery", "SessionNotFound", "SessionRecord", "SessionRunning", "Store", "StoreError", "open_store"]
