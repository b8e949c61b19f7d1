"""`frozen_video`, `replay_loop`, `still_image`: a stalled camera, a recording played again, a photo.

Frozen: the picture and the face do not change at all between analysed frames for
frozen_min_s (a live camera always shows sensor noise and small movements).
Loop: a moving stretch whose frames come back, in order, at one fixed lag, closer to
the earlier copy than the face is to itself half a second apart (a re-encoded copy
differs by compression noise only; a person never repeats a motion that exactly).
Still image: over still_window_s, no blink, no mouth motion and no non-rigid face motion
beyond detector noise, however the head (or the photo) pans and zooms.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Evidence, Indicator, LivenessAnalyzer
from interview_guard.analyzers.spans import SpanBuilder, clamp01, span_evidence
from interview_guard.faces.core import JAW_OPEN, FaceFrame, FaceObservation
from interview_guard.liveness.loops import LoopFinder, LoopRun
from interview_guard.liveness.motion import nonrigid_residual
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LivenessOptions

FROZEN_MAD = 0.35  # grey levels between 16x16 picture thumbnails: only an identical picture is this close
# The face thumbnail follows the landmark box, which the tracker nudges by a pixel even on identical
# frames; real faces on these clips never stay under this for more than 0.4 s.
FROZEN_FACE_MAD = 0.5
# Eye distances of non-rigid motion (95th percentile) that a panned and zoomed photo's detector noise
# stays under (0.007-0.010 measured); talking faces move 0.02 and more.
STILL_RESIDUAL = 0.015
STILL_BLINK_RANGE = 0.2  # a blink moves the eyeBlink blendshapes by 0.4 or more
# The jawOpen blendshape wanders by up to 0.2 on a zooming photo: only a real opening counts.
STILL_JAW_RANGE = 0.25


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


@dataclass
class _StillWindow:
    start: float
    reference: np.ndarray
    frames: list[tuple[float, int]] = field(default_factory=list)
    residuals: list[float] = field(default_factory=list)
    blinks: list[float] = field(default_factory=list)
    jaws: list[float] = field(default_factory=list)


class ReplayAnalyzer(LivenessAnalyzer):
    checks = ("frozen_video", "replay_loop", "still_image")

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "ReplayAnalyzer":
        return cls(settings.liveness, settings.media.analysis_fps)

    def __init__(self, options: LivenessOptions, analysis_fps: float) -> None:
        """analysis_fps: the frames per second analysed (MediaOptions): the loop history is kept in frames."""
        lv, self.analysis_fps = options, analysis_fps
        self._frozen = SpanBuilder(lv.frozen_min_s, max_gap_s=0.0)
        self._previous: tuple[np.ndarray, np.ndarray | None] | None = None
        self._loops = LoopFinder(lv.loop_min_s, lv.loop_min_lag_s,
                                 history=int(lv.loop_history_s * analysis_fps) + 1)
        self._still: _StillWindow | None = None
        self._still_hits: list[_StillWindow] = []
        self._window_s = lv.still_window_s

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        if frame.picture is None:
            return []
        face = frame.largest
        face_thumb = face.appearance.thumb if face and face.appearance else None
        out = self._frozen_step(frame, face_thumb)
        if run := self._loops.add(frame.t, frame.frame_index, frame.picture.thumb, face_thumb):
            out.append(_loop_indicator(run))
        out += self._still_step(frame, face)
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if span := self._frozen.finish(end_time):
            out.append(_frozen_indicator(span))
        if run := self._loops.finish():
            out.append(_loop_indicator(run))
        out += self._still_step(None, None, end_time)
        return out

    def _frozen_step(self, frame: FaceFrame, face_thumb: np.ndarray | None) -> list[Indicator]:
        assert frame.picture is not None
        frozen = False
        if self._previous is not None and face_thumb is not None and self._previous[1] is not None:
            frozen = (_mad(frame.picture.thumb, self._previous[0]) < FROZEN_MAD
                      and _mad(face_thumb, self._previous[1]) < FROZEN_FACE_MAD)
        self._previous = (frame.picture.thumb, face_thumb)
        span = self._frozen.update(frame.t, frozen, frame.frame_index)
        return [_frozen_indicator(span)] if span else []

    def _still_step(self, frame: FaceFrame | None, face: FaceObservation | None,
                    end_time: float | None = None) -> list[Indicator]:
        """Collect one window at a time; two still windows in a row make an indicator."""
        w = self._still
        t = frame.t if frame else end_time
        assert t is not None
        if w is not None and (t - w.start >= self._window_s or frame is None):
            self._still = None
            if t - w.start >= 0.9 * self._window_s and _is_still(w, self._window_s, self.analysis_fps):
                self._still_hits.append(w)
            elif self._still_hits:
                return self._still_indicator()
            if frame is None and self._still_hits:
                return self._still_indicator()
        if frame is None or face is None or face.blendshapes.size == 0:
            return []
        if self._still is None:
            self._still = _StillWindow(frame.t, face.landmarks)
        w = self._still
        w.frames.append((frame.t, frame.frame_index))
        w.residuals.append(nonrigid_residual(w.reference, face.landmarks, frame.frame_size))
        w.blinks.append(face.eye_closure)
        w.jaws.append(float(face.blendshapes[JAW_OPEN]))
        return []

    def _still_indicator(self) -> list[Indicator]:
        hits, self._still_hits = self._still_hits, []
        if len(hits) < 2:
            return []
        start, end = hits[0].start, hits[-1].frames[-1][0]
        residual = float(np.nanpercentile(np.concatenate([h.residuals for h in hits]), 95))
        frames = [f for h in hits for f in h.frames]
        picks = [frames[0], frames[len(frames) // 2], frames[-1]]
        return [Indicator(
            check="still_image", start=round(start, 3), end=round(end, 3), score=0.8, confidence=0.7,
            reason=(f"From {start:.1f} s to {end:.1f} s the face moved only as a whole: no blink, no mouth "
                    f"movement, and no change of expression beyond detector noise ({residual:.3f} eye distances). "
                    f"A living face does not hold that still for {end - start:.0f} s; a photo on a virtual "
                    f"camera does."),
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(t, 3) for t, _ in picks),
                               frame_indices=tuple(i for _, i in picks), note="face with no non-rigid motion"),),
            measurements={"duration_s": round(end - start, 2), "nonrigid_p95": round(residual, 4)})]


def _is_still(w: _StillWindow, window_s: float, fps: float) -> bool:
    if len(w.frames) < 0.7 * window_s * fps:
        return False  # too little face in the window to judge
    residual = np.asarray(w.residuals, dtype=np.float64)
    if np.isnan(residual).mean() > 0.2:
        return False
    return (float(np.nanpercentile(residual, 95)) < STILL_RESIDUAL
            and max(w.blinks) - min(w.blinks) < STILL_BLINK_RANGE
            and max(w.jaws) - min(w.jaws) < STILL_JAW_RANGE)


def _frozen_indicator(span) -> Indicator:
    return Indicator(
        check="frozen_video", start=round(span.start, 3), end=round(span.end, 3),
        score=round(clamp01(0.5 + span.duration / 10.0), 3), confidence=0.9,
        reason=(f"The picture froze from {span.start:.1f} s to {span.end:.1f} s ({span.duration:.1f} s): "
                f"consecutive frames are identical, face included. A live camera always shows some change; "
                f"a stalled relay or a virtual camera that stopped does not."),
        evidence=(span_evidence(span, "identical consecutive frames"),),
        measurements={"duration_s": round(span.duration, 2)})


def _loop_indicator(run: LoopRun) -> Indicator:
    first = (run.start - run.lag, run.end - run.lag)
    return Indicator(
        check="replay_loop", start=round(run.start, 3), end=round(run.end, 3),
        score=round(clamp01(0.6 + (run.end - run.start) / 10.0), 3), confidence=0.85,
        reason=(f"The video from {run.start:.1f} s to {run.end:.1f} s repeats {first[0]:.1f}-{first[1]:.1f} s "
                f"frame by frame ({run.lag:.1f} s earlier), closer to that copy ({run.match_mad:.1f} grey levels) "
                f"than the face is to itself half a second apart ({run.motion_mad:.1f}). People do not repeat "
                f"their movements that exactly; a looped recording does."),
        evidence=(Evidence(start=round(run.start, 3), end=round(run.end, 3),
                           frame_times=tuple(round(t, 3) for t in run.frame_times),
                           frame_indices=run.frame_indices, note="the repeat"),
                  Evidence(start=round(first[0], 3), end=round(first[1], 3),
                           frame_times=tuple(round(t, 3) for t in run.earlier_times),
                           frame_indices=run.earlier_indices, note="the earlier copy")),
        measurements={"lag_s": round(run.lag, 3), "duration_s": round(run.end - run.start, 2),
                      "match_mad": round(run.match_mad, 2), "motion_mad": round(run.motion_mad, 2)})
