"""SessionSummary: everything one analysis found, and its versioned JSON form (summary.json).

Schema (version 1.0), documented field by field in docs/how-it-works.md:
  schema_version, tool_version, session_id, created, source{...}, settings{...},
  checks_run[], checks_not_judged{check: reason}, risk{level, score, top_reasons[]}, indicators[],
  transcript{..., language_check{status, trusted, expected, language, probability, since, checks[], ...}},
  faces{frames_analysed, frames_with_face, tracks[], faces_per_second[]},
  series[{name, label, unit, times[], values[], ...}], timings{stage: seconds}, warnings[],
  candidate_continuity{candidate_id, consent, status, reason, template_kept_as_round, rounds[], ...}
  follow_ups[{id, check, question, quotes[], state, asked_at, answered_at, answer_start, answer_end, ...}]
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interview_guard.fusion import RiskAssessment, strength
from interview_guard.results import Indicator, Series
from interview_guard.speech.language import OFF, TranscriptLanguage

if TYPE_CHECKING:  # only named in annotations: importing summary must not load NumPy, PyAV or the models
    from interview_guard.candidates.compare import ContinuityReport
    from interview_guard.face_stats import FaceTrackSummary
    from interview_guard.follow_ups import FollowUp
    from interview_guard.media.core import MediaInfo
    from interview_guard.speech.core import TranscriptSegment

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class TranscriptInfo:
    model: str  # manifest model name, e.g. "whisper-tiny.en"; "" when speech was off
    device: str  # "cpu" or "cuda"
    language: str
    segments: tuple[TranscriptSegment, ...]
    # Whether the words can be read as what was said (the spoken-language check, speech/language.py).
    language_check: TranscriptLanguage = TranscriptLanguage(status=OFF, expected="")

    @property
    def text(self) -> str:
        """The words that can be read as what was said (untrusted segments are left out)."""
        return " ".join(s.text for s in self.segments if s.trusted)


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    created: str  # ISO 8601, UTC
    tool_version: str
    source: MediaInfo
    settings: dict[str, Any]
    checks_run: tuple[str, ...]
    risk: RiskAssessment
    indicators: tuple[Indicator, ...]
    transcript: TranscriptInfo
    frames_analysed: int
    frames_with_face: int
    face_tracks: tuple[FaceTrackSummary, ...]
    faces_per_second: tuple[int, ...]
    timings: dict[str, float]
    warnings: tuple[str, ...] = ()
    series: tuple[Series, ...] = ()  # measurements over time (lip-sync offset, ...), for plots
    candidate_continuity: ContinuityReport | None = None  # None: no candidate named
    follow_ups: tuple[FollowUp, ...] = ()  # questions the findings raise, as the interviewer marked them
    checks_not_judged: dict[str, str] = field(default_factory=dict)  # check -> why it could not judge (some) input

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool_version": self.tool_version,
            "session_id": self.session_id,
            "created": self.created,
            "source": _source_dict(self.source),
            "settings": self.settings,
            "checks_run": list(self.checks_run),
            "checks_not_judged": dict(self.checks_not_judged),
            "risk_level": self.risk.level,
            "risk": {"level": self.risk.level, "score": self.risk.score,
                     "top_reasons": [_reason_dict(i) for i in self.risk.top_reasons]},
            "indicators": [indicator_dict(i) for i in self.indicators],
            "transcript": {"model": self.transcript.model, "device": self.transcript.device,
                           "language": self.transcript.language, "text": self.transcript.text,
                           "language_check": self.transcript.language_check.to_dict(),
                           "segments": [asdict(s) for s in self.transcript.segments]},
            "faces": {"frames_analysed": self.frames_analysed, "frames_with_face": self.frames_with_face,
                      "tracks": [asdict(t) for t in self.face_tracks],
                      "faces_per_second": list(self.faces_per_second)},
            "series": [asdict(s) for s in self.series],
            "timings": self.timings,
            "warnings": list(self.warnings),
            "candidate_continuity": (self.candidate_continuity.to_dict() if self.candidate_continuity else
                                     {"status": "off", "reason": "no candidate named (--profile or --candidate)"}),
            "follow_ups": [f.to_dict() for f in self.follow_ups],
        }


def indicator_dict(i: Indicator) -> dict[str, Any]:
    d = asdict(i)
    d["evidence"] = [asdict(e) for e in i.evidence]
    d["level"] = i.level
    d["strength"] = round(strength(i), 3)
    return d


def _reason_dict(i: Indicator) -> dict[str, Any]:
    return {"check": i.check, "start": i.start, "end": i.end, "reason": i.reason, "strength": round(strength(i), 3)}


def _source_dict(m: MediaInfo) -> dict[str, Any]:
    d = asdict(m)
    d["path"] = str(m.path)
    d["name"] = m.path.name
    return d


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    """Write to a temp file beside `path`, then rename: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    os.replace(tmp, path)
