"""`face_swap_seam` and `face_flicker`: a face pasted onto another head, frame by frame.

Seam: a pasted face comes from another camera, resolution or generator, so its fine detail
(the strongest gradients around eyes, brows and lips) stops matching the head around it
(hair, ears, collar), which keeps the camera's own detail. In real footage the features
are somewhat sharper than their surroundings (log ratio about -0.3 to +1); a face pasted
from a smaller, blurrier source falls below that, one from a sharper source rises above it.
Flicker: a swap blended anew each frame makes the skin's brightness jump from frame to
frame while the background's stays steady; real skin changes smoothly with light and motion.

Both are classical signals with no learned model behind them: they catch crude pastes and
miss good neural swaps (see the README's evaluation), so they carry a low confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Evidence, Indicator, LivenessAnalyzer, Series
from interview_guard.analyzers.spans import WindowRuns, clamp01
from interview_guard.faces.core import FaceFrame
from interview_guard.options import AnalysisOptions

WINDOW_S = 3.0
DETAIL_BAND = (-0.45, 1.3)  # log detail ratio of real faces against their own heads
FLICKER_GREY = 2.0  # median frame-to-frame jerk of skin-minus-background brightness, grey levels
_STEADY_BACKGROUND = 0.5  # the background's own jerk must stay under this
_MAX_YAW = 25.0
_MAX_MOTION = 0.01  # face widths per frame: faster heads change shading too much to judge flicker
_SUSTAIN = 2


@dataclass
class _Window:
    start: float
    details: list[float] = field(default_factory=list)
    contrast: list[tuple[float, float, float]] = field(default_factory=list)  # t, skin - background, background
    frames: list[tuple[float, int]] = field(default_factory=list)
    centres: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, width


@dataclass(frozen=True)
class SwapWindow:
    start: float
    end: float
    detail: float | None
    flicker: float | None
    frames: tuple[tuple[float, int], ...]


class FaceSwapAnalyzer(LivenessAnalyzer):
    checks = ("face_swap_seam", "face_flicker")
    full_rate = True

    def __init__(self, options: AnalysisOptions) -> None:
        super().__init__(options)
        self._open: _Window | None = None
        self.windows: list[SwapWindow] = []
        self._runs = WindowRuns(self.checks, _SUSTAIN)

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
        return out

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
        )

    def _judge(self, w: _Window, end: float) -> list[Indicator]:
        detail = float(np.median(w.details)) if len(w.details) >= 0.5 * WINDOW_S * self.options.media.analysis_fps \
            else None
        window = SwapWindow(w.start, end, detail, _flicker(w), tuple(w.frames))
        self.windows.append(window)
        seam = detail is not None and not DETAIL_BAND[0] <= detail <= DETAIL_BAND[1]
        flicker = window.flicker is not None and window.flicker > FLICKER_GREY
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
    flicker = float(np.median([w.flicker for w in run if w.flicker is not None]))
    start, end = run[0].start, run[-1].end
    return Indicator(
        check="face_flicker", start=round(start, 3), end=round(end, 3),
        score=round(clamp01(flicker / (2 * FLICKER_GREY)), 3), confidence=0.35,
        reason=(f"From {start:.0f} s to {end:.0f} s the skin's brightness jumped from frame to frame by "
                f"{flicker:.1f} grey levels (median) while the background and the head stayed steady; real skin "
                f"changes smoothly. A face blended anew on every frame flickers like this; so can a flickering "
                f"light on the face alone, so look at the frames."),
        evidence=(_evidence(run, "frames with face flicker"),),
        measurements={"flicker_grey": round(flicker, 3), "windows": float(len(run))})
