"""Findings built by hand, with the measurement names their checks use."""

from __future__ import annotations

from interview_guard.analyzers.challenge import _Window
from interview_guard.analyzers.core import Evidence, Indicator


def finding(check: str, start: float = 75.0, end: float = 81.5, words: str = "", **measurements: float) -> Indicator:
    """One finding at start..end (1:15 by default) quoting `words`."""
    return Indicator(check=check, start=start, end=end, score=0.7, confidence=0.8, reason=f"{check} found. More.",
                     evidence=(Evidence(start=start, end=end, words=words, note="n"),), measurements=measurements)


def window(start: float = 30.0, end: float = 42.0) -> _Window:
    """A challenge window with its most-turned frames (what the verdict cites)."""
    w = _Window(start, end)
    w.frames = [(31.0, 775, -3.0), (35.0, 875, 2.0)]
    return w
