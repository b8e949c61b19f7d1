"""SessionRecorder: writes one analysis (a recording or a live call) to the store while it runs.

Indicators and transcript segments are committed as they are found, so a killed process leaves its
session readable (marked incomplete later). Those rows cite time spans and words, never frames: the
evidence pictures and the rows that cite them land together, in `complete()`, which writes the files
first and then replaces the rows with the final summary's in one transaction. A process killed between
the two leaves files no row names; `Store.mark_abandoned()` removes them
(`store.COMPLETION_FILES`).
"""

from __future__ import annotations

import json
import logging
import shutil
import uuid
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interview_guard.analyzers.core import Indicator
from interview_guard.files import file_sha256
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
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


def new_session_id() -> str:
    """<UTC time>-<random>: sorts by time, unique across machines writing one store."""
    return f"{utc_now().strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"


def analyze_into_store(store: Store, path: Path, options: AnalysisOptions, progress: bool = True,
                       content_hash: str = "", full_analysis: bool = True) -> tuple[SessionSummary, SessionRecorder]:
    """analyze_recording, its session written to the store as it goes. A recording that cannot be opened
    leaves nothing behind; one that fails later is kept as failed (interrupted: incomplete).
    full_analysis=False (verify: identity only) keeps no content hash, so analyze-batch still analyses the file."""
    from interview_guard.pipeline import analyze_recording

    session_id = new_session_id()
    recorder: SessionRecorder | None = None

    def begin(_info) -> None:
        nonlocal recorder
        # Hashed once the file opened as media: analyze-batch skips a recording `analyze` already stored.
        recorder = SessionRecorder.begin(store, session_id, "recording", path.name, str(path.resolve()),
                                         options.profile, content_hash=content_hash or (file_sha256(path) if full_analysis else ""),
                                         candidate_id=options.continuity.candidate_id,
                                         consent_by=options.continuity.consent_by)

    try:
        summary = analyze_recording(path, options, progress=progress, on_start=begin,
                                    on_indicator=lambda i: recorder.indicator(i),
                                    on_segments=lambda s: recorder.segments(s))
    except KeyboardInterrupt:
        if recorder:
            recorder.fail("interrupted (Ctrl-C) before the end; what was found until then is kept", interrupted=True)
        raise
    except Exception as e:
        if recorder:
            recorder.fail(str(e) or type(e).__name__)
        raise
    assert recorder is not None
    return replace(summary, session_id=session_id), recorder


def candidate_id_of(profile_path: str) -> str:
    """The store's id for the candidate a profile names ("" without a profile, or one naming nobody)."""
    from interview_guard.store.store import candidate_key

    candidate = candidate_from_profile(profile_path)
    return candidate_key(candidate["name"], candidate["email"]) if candidate else ""


def candidate_from_profile(profile_path: str) -> dict[str, str] | None:
    """Name, e-mail and the parsed profile, to link sessions of one candidate; None without a profile."""
    if not profile_path:
        return None
    from interview_guard.profile.load import load_profile

    profile = load_profile(profile_path)
    return {"name": profile.name, "email": profile.email,
            "profile_json": json.dumps(asdict(profile), default=str, ensure_ascii=False)}
