"""`no_face` and `face_partly_out`: is the candidate's face on camera, and whole?"""

from __future__ import annotations

from interview_guard.analyzers.core import Analyzer, Indicator
from interview_guard.analyzers.spans import Span, SpanBuilder, clamp01, span_evidence
from interview_guard.faces.core import FaceFrame
from interview_guard.options import AnalysisOptions


class FacePresenceAnalyzer(Analyzer):
    checks = ("no_face", "face_partly_out")

    def __init__(self, options: AnalysisOptions) -> None:
        super().__init__(options)
        c = options.checks
        self._no_face = SpanBuilder(c.no_face_min_s)
        self._partly_out = SpanBuilder(c.partly_out_min_s)
        self._last_t = 0.0

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        self._last_t = frame.t
        out = []
        span = self._no_face.update(frame.t, frame.count == 0, frame.frame_index)
        if span:
            out.append(_no_face(span))
        largest = max(frame.faces, key=lambda f: f.area, default=None)
        cut_off = largest is not None and largest.in_frame < 1.0 - self.options.checks.partly_out_fraction
        span = self._partly_out.update(frame.t, cut_off, frame.frame_index)
        if span:
            out.append(_partly_out(span))
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if span := self._no_face.finish(end_time):
            out.append(_no_face(span))
        if span := self._partly_out.finish(end_time):
            out.append(_partly_out(span))
        return out


def _no_face(span: Span) -> Indicator:
    return Indicator(
        check="no_face", start=round(span.start, 3), end=round(span.end, 3),
        # A few seconds away is worth a look; ten or more is a strong sign.
        score=round(clamp01(span.duration / 10.0), 3) or 0.1, confidence=0.85,
        reason=(f"No face was visible from {span.start:.1f} s to {span.end:.1f} s ({span.duration:.1f} s): "
                "the candidate left the camera, covered it, or the video went blank."),
        evidence=(span_evidence(span, "frames with no face found"),),
        measurements={"duration_s": round(span.duration, 2)})


def _partly_out(span: Span) -> Indicator:
    return Indicator(
        check="face_partly_out", start=round(span.start, 3), end=round(span.end, 3),
        score=round(clamp01(span.duration / 20.0), 3) or 0.1, confidence=0.8,
        reason=(f"The face was partly outside the picture from {span.start:.1f} s to {span.end:.1f} s "
                f"({span.duration:.1f} s), which weakens every face check for that time."),
        evidence=(span_evidence(span, "largest face partly out of frame"),),
        measurements={"duration_s": round(span.duration, 2)})
