"""`no_face` and `face_partly_out`: is the candidate's face on camera, and whole?"""

from __future__ import annotations

from interview_guard.analyzers.core import Analyzer, CheckStatus, Indicator
from interview_guard.analyzers.spans import Span, SpanBuilder, clamp01, span_evidence
from interview_guard.faces.core import FaceFrame
from interview_guard.options import AnalysisOptions

_BLANK_DETAIL = 6.0  # grey-level standard deviation under which a frame shows nothing


class FacePresenceAnalyzer(Analyzer):
    checks = ("no_face", "face_partly_out")

    def __init__(self, options: AnalysisOptions) -> None:
        super().__init__(options)
        c = options.checks
        self._no_face = SpanBuilder(c.no_face_min_s)
        self._partly_out = SpanBuilder(c.partly_out_min_s)
        self._blank = 0  # frames of the open no-face span whose picture is blank
        self._seen_face = False
        self._frames = 0

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        out = []
        self._frames += 1
        self._seen_face |= frame.count > 0
        if frame.count == 0:
            self._blank = (self._blank if self._no_face.is_open else 0) + (frame.picture_detail < _BLANK_DETAIL)
        span = self._no_face.update(frame.t, frame.count == 0, frame.frame_index)
        if span:
            out.append(self._no_face_indicator(span))
        largest = frame.largest
        cut_off = largest is not None and largest.in_frame < 1.0 - self.options.checks.partly_out_fraction
        span = self._partly_out.update(frame.t, cut_off, frame.frame_index)
        if span:
            out.append(_partly_out(span))
        return out

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if not self._frames:
            return (CheckStatus("no_face", "unknown", "no video frame analysed yet", now),)
        return (self._no_face.status("no_face", now, "No face in view", "The face is in view"),
                self._partly_out.status("face_partly_out", now, "The face is partly out of the picture",
                                        "The whole face is in the picture"))

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if span := self._no_face.finish(end_time):
            out.append(self._no_face_indicator(span))
        if span := self._partly_out.finish(end_time):
            out.append(_partly_out(span))
        return out

    def _no_face_indicator(self, span: Span) -> Indicator:
        blank_share = self._blank / max(1, len(span.frames))
        if blank_share > 0.5:
            why, confidence = "the video went blank (black or a flat picture).", 0.95
        elif self._seen_face:
            why, confidence = "the candidate left the camera, turned fully away or covered it.", 0.8
        else:
            # The picture has content but no face was ever found: a small, distant or dim
            # face the detector cannot see looks the same as an empty room.
            why, confidence = ("no face was found anywhere in the recording although the picture is not blank: "
                               "the face may be too small or too dark for the detector, so this is uncertain."), 0.4
        return Indicator(
            check="no_face", start=round(span.start, 3), end=round(span.end, 3),
            # A few seconds away is worth a look; ten or more is a strong sign.
            score=round(clamp01(span.duration / 10.0), 3) or 0.1, confidence=confidence,
            reason=f"No face was visible from {span.start:.1f} s to {span.end:.1f} s ({span.duration:.1f} s): {why}",
            evidence=(span_evidence(span, "frames with no face found"),),
            measurements={"duration_s": round(span.duration, 2), "blank_share": round(blank_share, 2)})



def _partly_out(span: Span) -> Indicator:
    return Indicator(
        check="face_partly_out", start=round(span.start, 3), end=round(span.end, 3),
        score=round(clamp01(span.duration / 20.0), 3) or 0.1, confidence=0.8,
        reason=(f"The face was partly outside the picture from {span.start:.1f} s to {span.end:.1f} s "
                f"({span.duration:.1f} s), which weakens every face check for that time."),
        evidence=(span_evidence(span, "largest face partly out of frame"),),
        measurements={"duration_s": round(span.duration, 2)})
