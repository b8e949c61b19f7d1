"""What each check of a session judged, read from its summary: its findings, the spans its measurements
judged, and, for a check that judged nothing, why it could not (no face, no speech, no reference photo...).

The summary keeps no per-check status, so the reason is read from what the summary does keep: the
frames with a face, the transcript, the settings, and the check's own measurement series.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_guard.report.scales import check_of
from interview_guard.results import Indicator, Series
from interview_guard.summary import SessionSummary

NEEDS_FACE = frozenset({
    "face_partly_out", "several_faces", "identity_change", "several_identities", "reference_mismatch",
    "reference_match", "face_unusable", "av_offset", "low_sync", "speech_mouth_still", "mouth_moving_silent",
    "viseme_mismatch", "no_pulse", "pulse_mismatch", "blink_anomaly", "face_swap_seam", "face_flicker", "face_forgery", "challenge", "reading_gaze",
    "candidate_continuity"})
NEEDS_SPEECH = frozenset({
    "speech_without_face", "av_offset", "low_sync", "speech_mouth_still", "viseme_mismatch", "claim_contradiction", "answer_latency",
    "second_voice", "read_aloud", "language_switch", "reading_gaze"})
_MIN_SPAN_S = 0.5  # a judged point stands for at least this much time on the timeline
NOTHING_FLAGGED = "judged, nothing to flag"


@dataclass(frozen=True)
class CheckResult:
    """One check of the session. judged: (start, end) spans its measurements could judge;
    reason: why it judged nothing ('' when it has findings or judged spans)."""

    check: str
    indicators: tuple[Indicator, ...]
    judged: tuple[tuple[float, float], ...]
    reason: str

    @property
    def has_content(self) -> bool:
        return bool(self.indicators or self.judged)


def check_results(summary: SessionSummary) -> list[CheckResult]:
    """Every check that ran (and any other that left a finding), in the order they ran."""
    checks = list(dict.fromkeys(list(summary.checks_run) + [i.check for i in summary.indicators]))
    return [_result(check, summary) for check in checks]


def series_of(check: str, summary: SessionSummary) -> list[Series]:
    return [s for s in summary.series if check_of(s) == check]


def _result(check: str, summary: SessionSummary) -> CheckResult:
    found = tuple(i for i in summary.indicators if i.check == check)
    judged = tuple(_merge([span for s in series_of(check, summary) for span in judged_spans(s)]))
    reason = "" if found or judged else not_judged_reason(check, summary)
    return CheckResult(check, found, judged, reason)


def not_judged_reason(check: str, summary: SessionSummary) -> str:
    """Why a check has nothing to show, in a few words."""
    continuity = summary.candidate_continuity
    if check == "candidate_continuity" and continuity is not None:
        return f"{continuity.status.replace('_', ' ')}: {continuity.reason}"
    if check in NEEDS_SPEECH and not summary.transcript.model:
        return "speech was not analysed"
    if check in NEEDS_SPEECH and not summary.transcript.segments:
        return "no speech was recognised"
    if check in NEEDS_FACE and summary.frames_with_face == 0:
        return "no face in any analysed frame"
    if check in ("reference_mismatch", "reference_match") and not (summary.settings.get("identity") or {}).get(
            "references"):
        return "no reference photo given"
    if check == "challenge" and not (summary.settings.get("liveness") or {}).get("challenges"):
        return "no challenge was asked"
    windows = sum(len(s.values) for s in series_of(check, summary))
    if series_of(check, summary):
        return (f"none of its {windows} windows could be judged" if windows else
                "it took no measurement")
    return NOTHING_FLAGGED


def judged_spans(series: Series) -> list[tuple[float, float]]:
    """The time each judged point stands for: half the way to its neighbours on either side."""
    times, spans = series.times, []
    for k, (t, v) in enumerate(zip(times, series.values)):
        if v is None:
            continue
        before = (t - times[k - 1]) / 2 if k > 0 else None
        after = (times[k + 1] - t) / 2 if k + 1 < len(times) else None
        alone = max(_MIN_SPAN_S / 2, before or after or 0.0)
        spans.append((max(0.0, t - (alone if before is None else before)), t + (alone if after is None else after)))
    return spans


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1e-6:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
