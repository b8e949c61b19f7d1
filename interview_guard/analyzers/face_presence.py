"""`no_face` and `face_partly_out`: is the candidate's face on camera, and whole?"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator
from interview_guard.analyzers.spans import Span, SpanBuilder, clamp01, span_evidence
from interview_guard.faces.core import FaceFrame, FaceObservation
from interview_guard.liveness.appearance import THUMB, FramePicture
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, CheckOptions

_BLANK_DETAIL = 6.0  # grey-level standard deviation under which a frame shows nothing
# "Steady": found in 80 % of the last 20 analysed frames (2 s at the default 10 fps). One early
# detection in a clip where the detector mostly fails is not steady (a seated person found once).
_STEADY_FRAMES, _STEADY_SHARE = 20, 0.8
# The second look's full-frame detector: a face box in this share of its searches means a face is there (too
# small, dark or turned for landmarks); this many searches with no box at all say the picture holds no face.
_FACE_BOX_SHARE, _CONFIRMING_SEARCHES = 0.3, 2
_SAME_PICTURE = 6.0  # mean grey-level change under which the face's part of the picture did not change


class FacePresenceAnalyzer(Analyzer):
    checks = ("no_face", "face_partly_out")

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "FacePresenceAnalyzer":
        return cls(settings.checks)

    def __init__(self, options: CheckOptions) -> None:
        self.o = c = options
        self._no_face = SpanBuilder(c.no_face_min_s)
        self._partly_out = SpanBuilder(c.partly_out_min_s)
        self._blank = 0  # frames of the open no-face span whose picture is blank
        self._frames = 0
        self._faces_found = 0
        self._recent: deque[bool] = deque(maxlen=_STEADY_FRAMES)  # face found, per recent analysed frame
        self._last_face: tuple[FaceObservation, FramePicture | None, tuple[int, int]] | None = None
        self._gap: _GapContext | None = None  # what was known when the open no-face span began

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        out = []
        self._frames += 1
        missing = frame.count == 0
        if missing:
            if not self._no_face.is_open:
                self._gap = _GapContext(self._steady(), *self._last_face_region())
                self._blank = 0
            self._blank += frame.picture_detail < _BLANK_DETAIL
            self._gap.see(frame.picture)
            self._gap.searched(frame)
        span = self._no_face.update(frame.t, missing, frame.frame_index)
        if span:
            out.append(self._no_face_indicator(span))
        self._remember(frame)
        largest = frame.largest
        cut_off = largest is not None and largest.in_frame < 1.0 - self.o.partly_out_fraction
        span = self._partly_out.update(frame.t, cut_off, frame.frame_index)
        if span:
            out.append(_partly_out(span))
        return out

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if not self._frames:
            return (CheckStatus("no_face", "unknown", "no video frame analysed yet", now),)
        return (self._no_face.status("no_face", now, "No face found", "The face is in view"),
                self._partly_out.status("face_partly_out", now, "The face is partly out of the picture",
                                        "The whole face is in the picture"))

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if span := self._no_face.finish(end_time):
            out.append(self._no_face_indicator(span))
        if span := self._partly_out.finish(end_time):
            out.append(_partly_out(span))
        return out

    def _remember(self, frame: FaceFrame) -> None:
        if frame.largest is not None:
            self._faces_found += 1
            self._last_face = (frame.largest, frame.picture, frame.frame_size)
        self._recent.append(frame.count > 0)

    def _steady(self) -> bool:
        """The face was found in nearly every frame of the last few seconds: losing it now means something."""
        return len(self._recent) == _STEADY_FRAMES and sum(self._recent) >= _STEADY_SHARE * _STEADY_FRAMES

    def _last_face_region(self) -> tuple[tuple[slice, slice] | None, np.ndarray | None]:
        """Where the face last was in the thumbnail, and those pixels, when it covers enough to compare."""
        if self._last_face is None or self._last_face[1] is None:
            return None, None
        face, picture, size = self._last_face
        cells = thumb_cells(face.box, size)
        return (None, None) if cells is None else (cells, picture.thumb[cells].copy())

    def _no_face_indicator(self, span: Span) -> Indicator:
        gap = self._gap or _GapContext(False, None, None)
        blank_share = self._blank / max(1, len(span.frames))
        why, confidence = self._why(blank_share, gap)
        evidence = [span_evidence(span, "frames with no face found")]
        if gap.unjudged_frames and blank_share <= 0.5:
            evidence.append(Evidence(start=round(span.start, 3), end=round(span.end, 3),
                                     frame_times=tuple(round(t, 3) for t, _ in gap.unjudged_frames),
                                     frame_indices=tuple(i for _, i in gap.unjudged_frames),
                                     note=f"a face detector box ({gap.box_note}) where no landmarks could be found"))
        return Indicator(
            check="no_face", start=round(span.start, 3), end=round(span.end, 3),
            # A few seconds away is worth a look; ten or more is a strong sign.
            score=round(clamp01(span.duration / 10.0), 3) or 0.1, confidence=confidence,
            reason=f"No face was found from {span.start:.1f} s to {span.end:.1f} s ({span.duration:.1f} s): {why}",
            evidence=tuple(evidence),
            measurements={"duration_s": round(span.duration, 2), "blank_share": round(blank_share, 2),
                          "face_found_share": round(self._faces_found / max(1, self._frames), 3),
                          "steady_before": gap.steady_before,
                          "picture_change": None if gap.change is None else round(gap.change, 1),
                          "full_frame_searches": gap.searches, "searches_with_a_face_box": gap.unjudged})

    def _why(self, blank_share: float, gap: "_GapContext") -> tuple[str, float]:
        """The reason and confidence: 'left the camera' only when the evidence says so, never by default."""
        found = f"a face was found in {self._faces_found} of {self._frames} analysed frames"
        if blank_share > 0.5:
            return "the video went blank (black or a flat picture).", 0.95
        if gap.unjudged and gap.unjudged >= _FACE_BOX_SHARE * gap.searches:
            return (f"a face is in the picture but too small, dark or turned to judge: the full-frame face detector "
                    f"found a face ({gap.box_note}) in {gap.unjudged} of {gap.searches} searches, yet no landmarks "
                    "could be placed on it, so the face checks could not follow it. Check the frames."), 0.2
        if gap.searches >= _CONFIRMING_SEARCHES and not gap.unjudged:
            return (f"no face in the picture: neither the landmarker nor the full-frame face detector "
                    f"({gap.searches} searches) found one. The candidate may have left the camera, turned fully "
                    "away or covered it (a face in strong profile can escape both). Check the frames."), \
                (0.8 if gap.steady_before else 0.6)
        if not gap.steady_before:
            return (f"the face could not be found although the picture is not blank ({found}): the face may be "
                    "too small, too dark or too turned for the detector, so the detector, not the candidate, is "
                    "the likely failure. Check the frames."), 0.3
        if gap.change is None:
            return ("the face had been found steadily until then; the candidate may have left the camera, turned "
                    "away or covered it, or the detector lost the face. Check the frames."), 0.6
        if gap.change < _SAME_PICTURE:
            return ("the picture where the face had been stayed the same, so the face was probably still there "
                    "and the detector lost it (too small, dark or turned). Check the frames."), 0.3
        return ("the candidate left the camera, turned fully away or covered it: the face had been found "
                "steadily until then and the picture where it was changed."), 0.8


@dataclass
class _GapContext:
    """At the start of a no-face span: was the face steady before, and the picture where it last was;
    `see` then measures how much that part of the picture changes during the span."""

    steady_before: bool
    cells: tuple[slice, slice] | None
    region: np.ndarray | None
    _changes: list[float] = field(default_factory=list)
    searches: int = 0  # frames of the span where the second look's full-frame detector ran
    unjudged: int = 0  # ... and found a face box on which no landmarks could be placed
    unjudged_frames: list[tuple[float, int]] = field(default_factory=list)
    box_note: str = ""

    def searched(self, frame: FaceFrame) -> None:
        """Count what the second look (faces/second_look.py) found on this face-less frame."""
        search = frame.search
        if search is None or not search.detector_ran:
            return
        self.searches += 1
        if search.outcome == "unjudged":
            self.unjudged += 1
            if len(self.unjudged_frames) < 5:
                self.unjudged_frames.append((frame.t, frame.frame_index))
            if not self.box_note and search.boxes:
                x0, y0, x1, y1 = search.boxes[0]
                self.box_note = f"{x1 - x0:.0f}x{y1 - y0:.0f} px at ({x0:.0f}, {y0:.0f})"

    def see(self, picture: FramePicture | None) -> None:
        if self.cells is None or picture is None or len(self._changes) >= 400:
            return
        self._changes.append(float(np.abs(picture.thumb[self.cells] - self.region).mean()))

    @property
    def change(self) -> float | None:
        """Median grey-level change of the face's part of the picture during the span (None: not measured)."""
        return float(np.median(self._changes)) if self._changes else None


def thumb_cells(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[slice, slice] | None:
    """The thumbnail cells a face box covers (None when under 2 x 2 cells: too few to compare)."""
    w, h = size
    x0, x1 = (int(np.clip(round(v / w * THUMB), 0, THUMB)) for v in (box[0], box[2]))
    y0, y1 = (int(np.clip(round(v / h * THUMB), 0, THUMB)) for v in (box[1], box[3]))
    return (slice(y0, y1), slice(x0, x1)) if x1 - x0 >= 2 and y1 - y0 >= 2 else None


def _partly_out(span: Span) -> Indicator:
    return Indicator(
        check="face_partly_out", start=round(span.start, 3), end=round(span.end, 3),
        score=round(clamp01(span.duration / 20.0), 3) or 0.1, confidence=0.8,
        reason=(f"The face was partly outside the picture from {span.start:.1f} s to {span.end:.1f} s "
                f"({span.duration:.1f} s), which weakens every face check for that time."),
        evidence=(span_evidence(span, "largest face partly out of frame"),),
        measurements={"duration_s": round(span.duration, 2)})
