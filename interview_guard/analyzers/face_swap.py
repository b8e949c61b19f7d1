"""`face_swap_seam` and `face_flicker`: a face pasted onto another head, frame by frame.

Seam: a pasted face comes from another camera, resolution or generator, so its fine detail
(the strongest gradients around eyes, brows and lips) stops matching the head around it
(hair, ears, collar), which keeps the camera's own detail. In real footage the features
are somewhat sharper than their surroundings (log ratio about -0.3 to +1); a face pasted
from a smaller, blurrier source falls below that, one from a sharper source rises above it.
Flicker: a swap blended anew each frame makes the skin's brightness jump from frame to
frame while the background's stays steady; real skin changes smoothly with light and motion.
A swap is also placed anew each frame where a landmark detector found the face, so the face
jerks against the hair above it (liveness/jitter.py); a real face moves with its head.

Both are classical signals with no learned model behind them: they catch crude pastes and
miss good neural swaps (see docs/evaluation.md), so they carry a low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Evidence, Indicator, LivenessAnalyzer, Series
from interview_guard.analyzers.spans import WindowRuns, clamp01
from interview_guard.faces.core import FaceFrame
from interview_guard.liveness.jitter import MotionPatches, jerk, unexplained_shift
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions

WINDOW_S = 3.0
DETAIL_BAND = (-0.45, 1.3)  # log detail ratio of real faces against their own heads
FLICKER_GREY = 2.0  # median frame-to-frame jerk of skin-minus-background brightness, grey levels
_STEADY_BACKGROUND = 0.5  # the background's own jerk must stay under this
_MAX_YAW = 25.0
JITTER_LIMIT = 0.01  # median jerk of the face against its head, eye distances per frame
_MAX_MOTION = 0.01  # face widths per frame: faster heads change shading too much to judge flicker
_MAX_HEAD_STEP = 0.05  # eye distances per frame: a faster head blurs the patches
_MAX_STEP_S = 0.07  # jitter needs >= 15 fps (live lip-sync's rate): slower, real head motion stops being smooth
_MIN_JITTER_SAMPLES = 10
_SUSTAIN = 2


@dataclass
class _Window:
    start: float
    details: list[float] = field(default_factory=list)
    contrast: list[tuple[float, float, float]] = field(default_factory=list)  # t, skin - background, background
    frames: list[tuple[float, int]] = field(default_factory=list)
    centres: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, width
    jitters: list[float] = field(default_factory=list)  # jerk of the face against its head, eye distances


@dataclass(frozen=True)
class SwapWindow:
    start: float
    end: float
    detail: float | None
    flicker: float | None
    frames: tuple[tuple[float, int], ...]
    jitter: float | None = None


class FaceSwapAnalyzer(LivenessAnalyzer):
    checks = ("face_swap_seam", "face_flicker")
    full_rate = True

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "FaceSwapAnalyzer":
        return cls(settings.media.analysis_fps)

    def __init__(self, analysis_fps: float) -> None:
        """analysis_fps: the frames per second analysed (MediaOptions), which a window's detail needs half of."""
        self.analysis_fps = analysis_fps
        self._open: _Window | None = None
        self.windows: list[SwapWindow] = []
        self._runs = WindowRuns(self.checks, _SUSTAIN)
        self._last: tuple[float, int, MotionPatches] | None = None
        self._shifts: list[tuple[float, np.ndarray]] = []  # (time step, unexplained shift) of the last 3 frame pairs

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        out: list[Indicator] = []
        if self._open is None:
            self._open = _Window(frame.t)
        elif frame.t - self._open.start >= WINDOW_S:
            out += self._judge(self._open, frame.t)
            self._open = _Window(frame.t)
        face = frame.largest
        if face is None or face.appearance is None or frame.picture is None or abs(face.pose.yaw) > _MAX_YAW:
            return out
        w, a = self._open, face.appearance
        if frame.analysed and np.isfinite(a.detail_ratio):
            w.details.append(a.detail_ratio)
            w.frames.append((frame.t, frame.frame_index))
        if np.isfinite(frame.picture.background_luma):
            w.contrast.append((frame.t, a.luma - frame.picture.background_luma, frame.picture.background_luma))
            w.centres.append((*face.centre, max(1.0, face.width)))
        self._follow(frame.t, face.track_id, a.motion)
        return out

    def _follow(self, t: float, track: int, patches: MotionPatches | None) -> None:
        """Add the face's jerk against its head at the previous frame, from three successive frames."""
        last, self._last = self._last, (t, track, patches) if patches is not None else None
        if last is None or patches is None or last[1] != track or t - last[0] > _MAX_STEP_S:
            self._shifts = []
            return
        found = unexplained_shift(last[2], patches)
        if found is None or found[1] > _MAX_HEAD_STEP:
            self._shifts = []
            return
        self._shifts = (self._shifts + [(t - last[0], found[0])])[-3:]
        if len(self._shifts) == 3 and abs(self._shifts[0][0] - self._shifts[2][0]) < 0.2 * self._shifts[1][0]:
            assert self._open is not None
            self._open.jitters.append(jerk(*(s for _, s in self._shifts)))

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if self._open is not None and end_time - self._open.start >= 0.5 * WINDOW_S:
            out += self._judge(self._open, end_time)
        self._open = None
        return out + [_indicator(check, run) for check, run in self._runs.finish()]

    def series(self) -> tuple[Series, ...]:
        times = tuple(round((w.start + w.end) / 2, 3) for w in self.windows)
        return (
            Series("face_detail_ratio", "Face detail against the head around it (log)", "", times,
                   tuple(None if w.detail is None else round(w.detail, 3) for w in self.windows),
                   limits=DETAIL_BAND),
            Series("face_flicker", "Skin brightness jerk against the background", "grey levels", times,
                   tuple(None if w.flicker is None else round(w.flicker, 3) for w in self.windows),
                   lower=0.0, limits=(FLICKER_GREY,)),
            Series("face_jitter", "Face jerking against its head", "% of eye distance", times,
                   tuple(None if w.jitter is None else round(100 * w.jitter, 3) for w in self.windows),
                   lower=0.0, limits=(100 * JITTER_LIMIT,)),
        )

    def _judge(self, w: _Window, end: float) -> list[Indicator]:
        detail = float(np.median(w.details)) if len(w.details) >= 0.5 * WINDOW_S * self.analysis_fps \
            else None
        jitter = float(np.median(w.jitters)) if len(w.jitters) >= _MIN_JITTER_SAMPLES else None
        window = SwapWindow(w.start, end, detail, _flicker(w), tuple(w.frames), jitter)
        self.windows.append(window)
        seam = detail is not None and not DETAIL_BAND[0] <= detail <= DETAIL_BAND[1]
        flicker = (window.flicker is not None and window.flicker > FLICKER_GREY) or (
            jitter is not None and jitter > JITTER_LIMIT)
        return [_indicator(check, run) for check, run in
                self._runs.add(window, {"face_swap_seam": seam, "face_flicker": flicker})]


def _indicator(check: str, run: list[SwapWindow]) -> Indicator:
    return _seam(run) if check == "face_swap_seam" else _flicker_indicator(run)


def _flicker(w: _Window) -> float | None:
    """Median frame-to-frame jerk (second difference) of skin minus background, over still stretches."""
    if len(w.contrast) < 8:
        return None
    c = np.array([x[1] for x in w.contrast])
    bg = np.array([x[2] for x in w.contrast])
    centres = np.array(w.centres)
    motion = np.hypot(*np.diff(centres[:, :2], axis=0).T) / centres[1:, 2]
    jerk, bg_jerk = np.abs(np.diff(c, 2)), np.abs(np.diff(bg, 2))
    still = (motion[1:] < _MAX_MOTION) & (motion[:-1] < _MAX_MOTION) & (bg_jerk < _STEADY_BACKGROUND)
    return float(np.median(jerk[still])) if still.sum() >= 5 else None


def _evidence(run: list[SwapWindow], note: str) -> Evidence:
    frames = [f for w in run for f in w.frames] or [(run[0].start, -1)]
    picks = [frames[0], frames[len(frames) // 2], frames[-1]]
    return Evidence(start=round(run[0].start, 3), end=round(run[-1].end, 3),
                    frame_times=tuple(round(t, 3) for t, _ in picks), frame_indices=tuple(i for _, i in picks),
                    note=note)


def _seam(run: list[SwapWindow]) -> Indicator:
    detail = float(np.median([w.detail for w in run if w.detail is not None]))
    low, high = DETAIL_BAND
    way = "blurrier" if detail < low else "sharper"
    start, end = run[0].start, run[-1].end
    return Indicator(
        check="face_swap_seam", start=round(start, 3), end=round(end, 3),
        score=round(clamp01(0.5 + max(low - detail, detail - high)), 3), confidence=0.35,
        reason=(f"From {start:.0f} s to {end:.0f} s the eyes, brows and lips are much {way} than the hair, ears and "
                f"collar around them (log detail ratio {detail:+.2f}; real faces stay within {low:+.2f} to "
                f"{high:+.2f}), as when a face from another source is pasted onto this head. A strong beauty "
                f"filter or heavy make-up can do the same; this classical check is weak on good neural swaps."),
        evidence=(_evidence(run, f"face {way} than the head around it"),),
        measurements={"detail_ratio": round(detail, 3), "windows": float(len(run))})


def _flicker_indicator(run: list[SwapWindow]) -> Indicator:
    flickers = [w.flicker for w in run if w.flicker is not None]
    jitters = [w.jitter for w in run if w.jitter is not None]
    flicker = float(np.median(flickers)) if flickers else 0.0
    jitter = float(np.median(jitters)) if jitters else 0.0
    start, end = run[0].start, run[-1].end
    seen, notes = [], []
    if flicker > FLICKER_GREY:
        seen.append(f"the skin's brightness jumped from frame to frame by {flicker:.1f} grey levels (median) while "
                    f"the background stayed steady; real skin changes smoothly")
        notes.append("face flicker")
    if jitter > JITTER_LIMIT:
        seen.append(f"the eyes and nose jerked against the hair above them by {100 * jitter:.1f} % of the eye "
                    f"distance per frame (median; real faces stay under {100 * JITTER_LIMIT:.0f} %), as a face "
                    f"placed anew on every frame from detected landmarks does")
        notes.append("face jerking against its head")
    measurements = {"windows": float(len(run))}
    if flickers:
        measurements["flicker_grey"] = round(flicker, 3)
    if jitters:
        measurements["jitter_eye_pct"] = round(100 * jitter, 3)
    return Indicator(
        check="face_flicker", start=round(start, 3), end=round(end, 3),
        score=round(clamp01(max(flicker / (2 * FLICKER_GREY), jitter / (2 * JITTER_LIMIT))), 3), confidence=0.35,
        reason=(f"From {start:.0f} s to {end:.0f} s, with the head steady, " + "; and ".join(seen) + ". A face "
                "swapped or blended anew on every frame does this; so can a flickering light or a shaky, heavily "
                "compressed picture, so look at the frames."),
        evidence=(_evidence(run, " and ".join(notes)),),
        measurements=measurements)
