"""One analysis engine for recordings, live calls and batches: a Source in, typed events out (events.py)."""

from interview_guard.engine.core import Engine
from interview_guard.engine.source import Source

__all__ = ["Engine", "Source"]
