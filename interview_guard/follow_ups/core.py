"""What flows: a proposed follow-up question with the evidence it quotes, and its state as the interviewer
marks it (proposed -> asked -> answered)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

STATES = ("proposed", "asked", "answered")
MARKS = ("asked", "answered")  # what the interviewer can set


class FollowUpError(ValueError):
    """A mark that cannot be applied, worded for the interviewer (a bad state, a step back)."""


class UnknownFollowUp(FollowUpError):
    """No follow-up with that id in this session."""


class FollowUpsClosed(FollowUpError):
    """The session's summary is being written: a mark now could not reach it."""


@dataclass(frozen=True)
class Quote:
    """One side of what the question is about. source: 'heard' (the candidate's words), 'profile' (the
    application), 'measured' (what a check measured); t: session seconds, when the quote has a time."""

    source: str
    text: str
    t: float | None = None


@dataclass(frozen=True)
class FollowUp:
    """A question the interviewer can ask now, tied to one indicator.

    id is stable for the same indicator and template (a hash of both), so a re-emitted finding is not
    proposed twice. asked_at / answered_at are session seconds when the interviewer marked it;
    answer_start / answer_end the span of speech in the transcript taken as the answer (None until linked)."""

    id: str
    check: str
    start: float  # the indicator's span
    end: float
    question: str
    quotes: tuple[Quote, ...]
    reason: str  # why this is worth asking, short, for the interviewer
    state: str = "proposed"
    asked_at: float | None = None
    answered_at: float | None = None
    answer_start: float | None = None
    answer_end: float | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise FollowUpError(f"follow-up state must be one of {list(STATES)} (got {self.state!r})")
        if not self.question.strip():
            raise FollowUpError(f"{self.check}: a follow-up needs a question")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "check": self.check, "start": self.start, "end": self.end, "question": self.question,
                "quotes": [{"source": q.source, "text": q.text, "t": q.t} for q in self.quotes],
                "reason": self.reason, "state": self.state, "asked_at": self.asked_at,
                "answered_at": self.answered_at, "answer_start": self.answer_start, "answer_end": self.answer_end}


def follow_up_id(check: str, start: float, end: float, template: str, question: str) -> str:
    key = f"{check}|{start:.3f}|{end:.3f}|{template}|{question}"
    return hashlib.sha1(key.encode()).hexdigest()[:12]
