"""`several_faces`: more than one face in view (a helper in the room, a second video on screen)."""

from __future__ import annotations

from interview_guard.analyzers.core import Analyzer, CheckStatus, Indicator
from interview_guard.analyzers.spans import Span, SpanBuilder, clamp01, span_evidence
from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, CheckOptions

# A second face under this share of the main face's area is probably a photo or poster.
_SMALL_FACE_RATIO = 0.1


class SeveralFacesAnalyzer(Analyzer):
    checks = ("several_faces",)

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "SeveralFacesAnalyzer":
        return cls(settings.checks)

    def __init__(self, options: CheckOptions) -> None:
        self._spans = SpanBuilder(options.several_faces_min_s)
        self._max_count = 0
        self._size_ratios: list[float] = []
        self._last_count: int | None = None

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        several = frame.count >= 2
        self._last_count = frame.count
        if several:
            if not self._spans.is_open:
                self._max_count, self._size_ratios = 0, []
            areas = sorted((f.area for f in frame.faces), reverse=True)
            self._max_count = max(self._max_count, frame.count)
            self._size_ratios.append(areas[1] / areas[0] if areas[0] > 0 else 0.0)
        span = self._spans.update(frame.t, several, frame.frame_index)
        return [self._indicator(span)] if span else []

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if self._last_count is None:
            return ()
        if self._last_count == 0 and not self._spans.is_open:
            return (CheckStatus("several_faces", "unknown", "no face in view to count", now),)
        return (self._spans.status("several_faces", now, "More than one face in view", "One face in view"),)

    def finish(self, end_time: float) -> list[Indicator]:
        span = self._spans.finish(end_time)
        return [self._indicator(span)] if span else []

    def _indicator(self, span: Span) -> Indicator:
        ratios = sorted(self._size_ratios) or [1.0]
        ratio = ratios[len(ratios) // 2]
        count = max(self._max_count, 2)
        small = ratio < _SMALL_FACE_RATIO
        reason = (f"{count} faces were in view from {span.start:.1f} s to {span.end:.1f} s "
                  f"({span.duration:.1f} s): someone else may be in the room, or another video is on screen.")
        if small:
            reason += " The second face is small, so it may be a photo or poster in the background."
        return Indicator(
            check="several_faces", start=round(span.start, 3), end=round(span.end, 3),
            score=round(0.5 + 0.5 * clamp01(span.duration / 10.0), 3), confidence=0.5 if small else 0.85,
            reason=reason, evidence=(span_evidence(span, f"{count} faces found"),),
            measurements={"faces": float(count), "second_face_size_ratio": round(ratio, 3),
                          "duration_s": round(span.duration, 2)})
