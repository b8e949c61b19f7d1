"""What an analysis tells its subscribers as it runs: one frozen dataclass per kind of event.

`Engine.run(source)` yields them in this order: `Started` once; then, interleaved as the media arrives,
`FrameJudged`, `LanguageChanged`, `SegmentsHeard`, `IndicatorFound` and (when asked for) `StatusesNow`;
then `Finishing` once the media has ended; the findings made while the analyzers finish; `Finished`
last and exactly once. The command line, the live page and the store all read the same stream.
Nothing heavy is imported here, so a subscriber (the store's recorder) loads no model library.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from interview_guard.results import CheckStatus, Indicator

if TYPE_CHECKING:  # only named in annotations: a subscriber must not load NumPy, PyAV or the models
    from interview_guard.media.core import MediaInfo
    from interview_guard.speech.core import TranscriptSegment
    from interview_guard.speech.language import TranscriptLanguage
    from interview_guard.summary import SessionSummary


def new_session_id() -> str:
    """<UTC time>-<random>: sorts by time, unique across machines writing one store. The one place session
    ids are made: a run takes its id from its caller (a live session names its folder first) or makes one."""
    return f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def utc_timestamp() -> str:
    """Now, as a summary's `created` (ISO 8601, UTC, whole seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Started:
    """The source opened and the models are loaded: the analysis begins. info is what the source knew
    then (a live source learns its length as it goes)."""

    session_id: str
    created: str  # ISO 8601, UTC
    info: MediaInfo


@dataclass(frozen=True)
class FrameJudged:
    """The analyzers have seen one frame at session time t (progress). frame_index counts every decoded
    frame of the source; frames_analysed the analysed ones so far (full-rate extras are not counted)."""

    t: float
    frame_index: int
    analysed: bool
    frames_analysed: int


@dataclass(frozen=True)
class LanguageChanged:
    """The spoken-language check's state changed (sent before the segments it judged)."""

    language: TranscriptLanguage
    t: float


@dataclass(frozen=True)
class SegmentsHeard:
    """Transcript segments, in order, as the speech thread hands them over."""

    segments: tuple[TranscriptSegment, ...]

    def __post_init__(self) -> None:
        if not self.segments:
            raise ValueError("SegmentsHeard needs at least one segment")


@dataclass(frozen=True)
class IndicatorFound:
    """A finding as an analyzer made it (the final list, merged and sorted, is in the summary)."""

    indicator: Indicator


@dataclass(frozen=True)
class StatusesNow:
    """Every check's live tile at session time t (only when the run was asked for them)."""

    t: float
    statuses: tuple[CheckStatus, ...]


@dataclass(frozen=True)
class Finishing:
    """The media has ended; the transcript's last words and the analyzers' final findings follow."""

    t: float


@dataclass(frozen=True)
class Finished:
    """The last event of a run, exactly once."""

    summary: SessionSummary


Event = Started | FrameJudged | LanguageChanged | SegmentsHeard | IndicatorFound | StatusesNow | Finishing | Finished
