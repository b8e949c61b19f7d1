"""FollowUpBook: the session's follow-up questions as they are proposed and marked, and the answer each
one links to in the transcript.

Thread-safe: the analysis thread adds proposals while the web server marks them. Bounded: a session
that raises more than `limit` questions keeps the first ones and counts the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace

from interview_guard.follow_ups.core import (MARKS, STATES, FollowUp, FollowUpError, FollowUpsClosed,
                                             UnknownFollowUp)
from interview_guard.follow_ups.templates import clock, propose_follow_ups
from interview_guard.results import Indicator
from interview_guard.speech.core import TranscriptSegment

MAX_FOLLOW_UPS = 50


class FollowUpBook:
    def __init__(self, limit: int = MAX_FOLLOW_UPS) -> None:
        self.limit = limit
        self.dropped = 0  # proposals past the limit
        self._items: dict[str, FollowUp] = {}  # insertion order is proposal order
        self._lock = threading.Lock()
        self._closed = False

    def add(self, ind: Indicator) -> list[FollowUp]:
        """The new proposals this indicator raises. A question already proposed and not yet asked is not
        proposed again (two failed challenges ask for the same head turn once)."""
        new = []
        with self._lock:
            waiting = {f.question for f in self._items.values() if f.state == "proposed"}
            for f in propose_follow_ups(ind):
                if f.id in self._items or f.question in waiting:
                    continue
                if len(self._items) >= self.limit:
                    self.dropped += 1
                    continue
                self._items[f.id] = f
                waiting.add(f.question)
                new.append(f)
        return new

    def add_all(self, indicators: Iterable[Indicator]) -> list[FollowUp]:
        return [f for ind in indicators for f in self.add(ind)]

    def mark(self, follow_up_id: str, state: str, t: float) -> FollowUp:
        """The interviewer asked it (or heard the answer) at session time t. Marking the same state twice
        changes nothing; going back (answered -> asked) is refused."""
        if state not in MARKS:
            raise FollowUpError(f"'state' must be one of {list(MARKS)} (got {state!r})")
        with self._lock:
            if self._closed:
                raise FollowUpsClosed("the session has ended: a mark can no longer reach its summary")
            f = self._items.get(follow_up_id)
            if f is None:
                raise UnknownFollowUp(f"no follow-up question {follow_up_id!r} in this session")
            if STATES.index(state) < STATES.index(f.state):
                raise FollowUpError(f"this question is already marked {f.state}"
                                    f"{' at ' + clock(f.answered_at) if f.answered_at is not None else ''}")
            if state == f.state:
                return f
            t = round(max(t, f.asked_at or 0.0), 3)
            f = replace(f, state=state, asked_at=t if state == "asked" else f.asked_at,
                        answered_at=t if state == "answered" else None)
            self._items[follow_up_id] = f
            return f

    def items(self) -> list[FollowUp]:
        with self._lock:
            return list(self._items.values())

    def close(self) -> None:
        """No more marks: the summary is being written from the book, or the session failed."""
        with self._lock:
            self._closed = True

    def resolved(self, segments: Iterable[TranscriptSegment]) -> tuple[FollowUp, ...]:
        """Every follow-up, answered ones linked to their answer span; closes the book to further marks."""
        segments = list(segments)
        self.close()
        return tuple(link_answer(f, segments) for f in self.items())


def link_answer(f: FollowUp, segments: list[TranscriptSegment]) -> FollowUp:
    """The answer's span in the transcript: the words between the two marks; if none were heard in between,
    the next speech after 'asked'; marked answered without 'asked', the last speech before the mark."""
    if f.state != "answered" or f.answered_at is None:
        return f
    span = answer_span(segments, f.asked_at, f.answered_at)
    return replace(f, answer_start=span[0], answer_end=span[1]) if span else f


def answer_span(segments: list[TranscriptSegment], asked_at: float | None,
                answered_at: float) -> tuple[float, float] | None:
    if asked_at is not None:
        words = [w for s in segments for w in s.words if asked_at <= (w.start + w.end) / 2 <= answered_at]
        if words:
            return round(words[0].start, 3), round(words[-1].end, 3)
        after = [s for s in segments if s.start >= asked_at]
        return (round(after[0].start, 3), round(after[0].end, 3)) if after else None
    before = [s for s in segments if s.start <= answered_at]
    return (round(before[-1].start, 3), round(before[-1].end, 3)) if before else None
