"""SessionRecorder: writes one analysis (a recording or a live call) to the store while it runs.

Indicators and transcript segments are committed as they are found, so a killed process leaves its
session readable (marked incomplete later). Those rows cite time spans and words, never frames: the
evidence pictures and the rows that cite them land together, in `complete()`, which writes the files
first and then replaces the rows with the final summary's in one transaction. A process killed between
the two leaves files no row names; `Store.mark_abandoned()` removes them
(`store.COMPLETION_FILES`).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interview_guard.analyzers.core import Indicator
from interview_guard.events import Event, IndicatorFound, SegmentsHeard
from interview_guard.speech.core import TranscriptSegment
from interview_guard.store.profiles import candidate_from_profile
from interview_guard.store.store import Store, remove_completion_files, utc_now
from interview_guard.summary import SessionSummary, indicator_dict

if TYPE_CHECKING:
    from interview_guard.candidates.compare import ContinuityReport

logger = logging.getLogger(__name__)


class SessionRecorder:
    def __init__(self, store: Store, session_id: str, folder: Path) -> None:
        self.store, self.session_id, self.folder = store, session_id, folder

    @classmethod
    def begin(cls, store: Store, session_id: str, kind: str, source: str, source_path: str = "",
              profile_path: str = "", folder: Path | None = None, started: datetime | None = None,
              content_hash: str = "", candidate_id: str = "", consent_by: str = "") -> "SessionRecorder":
        """candidate_id: a known candidate's, when there is no profile; consent_by: the candidate's consent to
        keep an identity template, as the interviewer records it (who, how)."""
        folder = folder or store.config.sessions_dir / session_id
        folder.mkdir(parents=True, exist_ok=True)
        store.begin_session(session_id, kind, source, source_path, started or utc_now(),
                            candidate=candidate_from_profile(profile_path), folder=folder, content_hash=content_hash,
                            candidate_id=candidate_id, consent_by=consent_by)
        return cls(store, session_id, folder)

    def on_event(self, event: Event) -> None:
        """A subscriber of the engine's run (events.py): findings and words are kept as they arrive; the
        summary is kept by `complete()`, once the caller has the evidence pictures."""
        if isinstance(event, IndicatorFound):
            self.indicator(event.indicator)
        elif isinstance(event, SegmentsHeard):
            self.segments(list(event.segments))

    def indicator(self, indicator: Indicator) -> None:
        self.store.add_indicator(self.session_id, provisional_indicator_dict(indicator))

    def segments(self, segments: list[TranscriptSegment]) -> None:
        self.store.add_segments(self.session_id, [asdict(s) for s in segments])

    def complete(self, summary: SessionSummary, frames: dict[float, bytes]) -> SessionSummary:
        """Write the evidence JPEGs, summary.json and report.html to the folder, then the final rows. If that
        fails, the files go again and the session is marked failed: no row cites a picture not on disk.
        Returns the summary as kept (a template round renumbered when another session took its number)."""
        from interview_guard.outputs import write_outputs

        summary = self._with_free_round(summary)
        try:
            evidence = self._save_evidence(frames) if self.store.config.evidence_thumbnails else {}
            if not self.store.config.evidence_thumbnails:
                shutil.rmtree(self.folder / "evidence", ignore_errors=True)
            write_outputs(summary, self.folder, frames=frames)
            self.store.complete_session(self.session_id, summary.to_dict(), evidence)
        except BaseException as e:
            remove_completion_files(self.folder)
            self.fail(f"the results could not be kept ({str(e)[:300] or type(e).__name__})",
                      interrupted=isinstance(e, KeyboardInterrupt))
            raise
        return self._keep_template(summary, frames)

    def _with_free_round(self, summary: SessionSummary) -> SessionSummary:
        """The round the template will be kept as, asked again now: sessions of one candidate analysed side by
        side all started from the same earlier rounds."""
        report = _template_to_keep(summary)
        if report is None:
            return summary
        from interview_guard.store.identity import next_round

        free = next_round(self.store, report.candidate_id, report.keep_as_round)
        return summary if free == report.keep_as_round else \
            replace(summary, candidate_continuity=replace(report, keep_as_round=free))

    def _keep_template(self, summary: SessionSummary, frames: dict[float, bytes]) -> SessionSummary:
        report = _template_to_keep(summary)
        if report is None:
            return summary
        from interview_guard.outputs import write_outputs
        from interview_guard.store.identity import keep_round, template_cipher

        kept = keep_round(self.store, report.candidate_id, self.session_id, report.keep_as_round, report.template,
                          template_cipher(self.store))
        if kept is None or kept == report.keep_as_round:
            return summary
        # Another session completed between our asking and our keeping: the files and the row say the number kept.
        summary = replace(summary, candidate_continuity=replace(report, keep_as_round=kept))
        write_outputs(summary, self.folder, frames=frames)
        self.store.replace_summary(self.session_id, summary.to_dict())
        return summary

    def fail(self, error: str, interrupted: bool = False) -> None:
        try:
            self.store.fail_session(self.session_id, error, status="incomplete" if interrupted else "failed")
        except Exception:  # the analysis error is what the user must see, not a second one
            logger.exception("could not mark session %s failed", self.session_id)

    def _save_evidence(self, frames: dict[float, bytes]) -> dict[float, Path]:
        folder = self.folder / "evidence"
        folder.mkdir(exist_ok=True)
        saved = {}
        for t, jpeg in sorted(frames.items()):
            path = folder / f"t{round(t * 1000):09d}.jpg"
            path.write_bytes(jpeg)
            saved[t] = path
        return saved


def _template_to_keep(summary: SessionSummary) -> ContinuityReport | None:
    """The continuity report when this session keeps an identity template as a round, else None."""
    report = summary.candidate_continuity
    keeps = report is not None and report.keep_as_round is not None and report.template is not None
    return report if keeps else None


def provisional_indicator_dict(indicator: Indicator) -> dict:
    """An indicator as the run finds it, for the store: its evidence without frames, whose pictures are only
    kept when the session completes (they are then written before the rows that cite them)."""
    d = indicator_dict(indicator)
    d["evidence"] = [{**e, "frame_times": [], "frame_indices": [],
                      "note": "; ".join(filter(None, [e.get("note", ""), FRAMES_AT_COMPLETION]))}
                     for e in d.get("evidence", [])]
    return d


FRAMES_AT_COMPLETION = "frames are kept when the analysis completes"
