"""What a live session says, as messages: to the page (DataChannel, event stream) and to its journal.

Every indicator, transcript segment and follow-up question (as proposed, then as marked) is appended to `journal.jsonl` in the session folder
as it happens and flushed at once (the file is fsynced at most every second), so a crash or a
closed tab loses at most about a second. The journal is one JSON object per line, the same
objects the page receives.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from interview_guard.analyzers.core import CheckStatus, Indicator
from interview_guard.follow_ups import FollowUp
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.language import TranscriptLanguage
from interview_guard.summary import indicator_dict

Message = dict[str, Any]
_FSYNC_EVERY_S = 1.0


def indicator_message(ind: Indicator, frame_urls: dict[int, str]) -> Message:
    """At least check, level, score, reason, t (the finding's start, session seconds)."""
    d = indicator_dict(ind)
    for e, ev in zip(d["evidence"], ind.evidence):
        e["frame_urls"] = [frame_urls[i] for i in ev.frame_indices if i in frame_urls]
    return {"type": "indicator", "t": ind.start, **d}


def status_message(status: CheckStatus) -> Message:
    """A live tile's state; score is null: a status is not a measured finding."""
    return {"type": "status", "check": status.check, "level": status.level, "score": None,
            "reason": status.reason, "t": status.t}


def follow_up_message(f: FollowUp) -> Message:
    """A proposed question, or its new state once marked; t is its finding's start."""
    return {"type": "follow_up", "t": f.start, **f.to_dict()}


def transcript_message(seg: TranscriptSegment) -> Message:
    return {"type": "transcript", "t": round(seg.start, 3), "end": round(seg.end, 3), "text": seg.text.strip(),
            "language": seg.language, "trusted": seg.trusted,
            "words": [{"w": w.text.strip(), "start": round(w.start, 3), "end": round(w.end, 3),
                       "p": round(w.probability, 3)} for w in seg.words]}


def language_message(language: TranscriptLanguage, t: float) -> Message:
    """The spoken-language check's state, sent when it changes: the page warns when the transcript is not
    (or not only) what the candidate said in the expected language."""
    return {"type": "transcript_language", "t": round(t, 3), **language.to_dict()}


class Journal:
    """Append-only JSON lines; thread-safe; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._synced = time.monotonic()

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, message: Message) -> None:
        line = json.dumps(message, ensure_ascii=False, default=_plain)
        with self._lock:
            if self._file.closed:
                return
            self._file.write(line + "\n")
            self._file.flush()
            if time.monotonic() - self._synced >= _FSYNC_EVERY_S:
                os.fsync(self._file.fileno())
                self._synced = time.monotonic()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()


def read_journal(path: Path) -> list[Message]:
    """Every complete line; a line cut short by a crash is skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
