"""`face_forgery`: a face blended into the picture, as face swaps and pasted mouths are, read by a model.

The model (models/face_forgery.onnx, trained in this project on self-blended pseudo-fakes of real faces:
see models/face_forgery.md) scores aligned face crops a few times a second (the forgery stage). Single
crops are noisy, so the scores are pooled per face over windows; a window whose mean probability reaches
RAISE_AT is a finding. Where on the face the score came from (the model's activation map) goes into the
reason, and the window's highest-scoring frames are the evidence.

Measured limits (docs/evaluation.md, "Face forgery"): the model sees blending; wholly generated talking heads have
none, and lip-sync generators that repaint the mouth at full resolution leave little. The confidence says
so: it is the share of the evaluation's fakes the model separated, not a probability of fraud.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import CheckStatus, Evidence, Indicator, LivenessAnalyzer, Series
from interview_guard.faces.core import FaceFrame
from interview_guard.forgery.core import ForgeryScore
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions

WINDOW_S = 3.0
MIN_CROPS = 4  # crops a window needs before it is judged (2 s of face at the default 2 per second)
# A high bar on the model's own probability, not fitted to the evaluation clips: at 0.9 the evaluation
# (docs/evaluation.md, "Face forgery") still has false alarms on real webcam faces and misses most fakes.
RAISE_AT = 0.9
CONFIDENCE = 0.3  # measured as weak: about half the clips raised at 0.9 in the evaluation were real
_SMALL_FACE_PX = 80.0  # analysis pixels; smaller faces lose the detail a blend shows in


@dataclass(frozen=True)
class ForgeryWindow:
    """One face's pooled reading over one window."""

    track_id: int
    start: float
    end: float
    score: float  # mean probability of the window's crops
    crops: int
    frames: tuple[tuple[float, int, float], ...]  # (t, frame index, probability), highest first
    top: ForgeryScore  # the highest-scoring crop's reading (its activation map is the evidence's heat)
    region: str  # where the activation map was hottest, over the window
    face_px: float  # median face width, analysis pixels


def pool(times: np.ndarray, probs: np.ndarray, window_s: float = WINDOW_S) -> list[tuple[float, float, float, int]]:
    """(start, end, mean probability, crops) per window of `window_s` over one face's scores; the bench's
    per-clip decisions use this very function."""
    out = []
    if not len(times):
        return out
    start = float(times[0])
    while start <= float(times[-1]):
        sel = (times >= start) & (times < start + window_s)
        if sel.sum():
            out.append((start, start + window_s, float(np.mean(probs[sel])), int(sel.sum())))
        start += window_s
    return out


def window_raises(score: float, crops: int) -> bool:
    return crops >= MIN_CROPS and score >= RAISE_AT


@dataclass
class _Open:
    start: float
    scores: list[tuple[float, int, ForgeryScore]] = field(default_factory=list)  # t, frame index, reading


class FaceForgeryAnalyzer(LivenessAnalyzer):
    checks = ("face_forgery",)

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.liveness.enabled and settings.forgery.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "FaceForgeryAnalyzer":
        return cls()

    def __init__(self) -> None:
        """Reads the scores the forgery stage (ForgeryOptions) put on the faces: no options of its own."""
        self._open: dict[int, _Open] = {}
        self._runs: dict[int, list[ForgeryWindow]] = {}  # per track, the raising windows in a row
        self.windows: list[ForgeryWindow] = []
        self._last: tuple[float, float] | None = None  # (t, score) of the newest judged window

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        out = []
        for face in frame.faces:
            if face.forgery is None:
                continue
            w = self._open.get(face.track_id)
            if w is not None and face.t - w.start >= WINDOW_S:
                out += self._close(face.track_id, w.start + WINDOW_S)
                w = None
            if w is None:
                w = self._open[face.track_id] = _Open(face.t)
            w.scores.append((face.t, face.frame_index, face.forgery))
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        for track in list(self._open):
            out += self._close(track, end_time)
        for track in list(self._runs):
            out += self._end_run(track)
        return out

    def _close(self, track: int, end: float) -> list[Indicator]:
        w = self._open.pop(track)
        probs = [f.probability for _, _, f in w.scores]
        ranked = sorted(w.scores, key=lambda s: -s[2].probability)
        window = ForgeryWindow(track, w.start, max(end, w.scores[-1][0]), float(np.mean(probs)), len(probs),
                               tuple((round(t, 3), i, round(f.probability, 3)) for t, i, f in ranked[:3]),
                               ranked[0][2],
                               Counter(f.hottest_region for _, _, f in ranked[:max(1, len(ranked) // 2)])
                               .most_common(1)[0][0],
                               float(np.median([f.face_px for _, _, f in w.scores])))
        if window.crops < MIN_CROPS:
            return []
        self.windows.append(window)
        self._last = (window.end, window.score)
        if window_raises(window.score, window.crops):
            self._runs.setdefault(track, []).append(window)
            return []
        return self._end_run(track)

    def _end_run(self, track: int) -> list[Indicator]:
        run = self._runs.pop(track, [])
        return [_indicator(run)] if run else []

    def series(self) -> tuple[Series, ...]:
        windows = sorted(self.windows, key=lambda w: w.start)
        return (Series("face_forgery_score", "Face-forgery model, mean probability per window", "",
                       tuple(round((w.start + w.end) / 2, 3) for w in windows),
                       tuple(round(w.score, 3) for w in windows), lower=0.0, upper=1.0, limits=(RAISE_AT,)),)

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        if self._last is None or now - self._last[0] > 3 * WINDOW_S:
            return (CheckStatus("face_forgery", "unknown", "no face scored lately", round(now, 3)),)
        score = self._last[1]
        level = "red" if score >= RAISE_AT else "amber" if score >= 0.7 * RAISE_AT else "green"
        return (CheckStatus("face_forgery", level, f"forgery model {score:.2f} over the last window",
                            round(now, 3)),)


def _indicator(run: list[ForgeryWindow]) -> Indicator:
    """One finding for a run of raising windows of one face: its mean, its worst frames, its region."""
    start, end = run[0].start, run[-1].end
    crops = sum(w.crops for w in run)
    score = sum(w.score * w.crops for w in run) / crops
    face_px = float(np.median([w.face_px for w in run]))
    region = Counter(w.region for w in run).most_common(1)[0][0]
    frames = sorted((f for w in run for f in w.frames), key=lambda f: -f[2])[:3]
    top = max(run, key=lambda w: w.top.probability).top
    small = face_px < _SMALL_FACE_PX
    confidence = CONFIDENCE * (0.6 if small else 1.0)
    size_note = f" The face is small ({face_px:.0f} px wide), so this is less sure." if small else ""
    reason = (f"From {start:.0f} s to {end:.0f} s the face-forgery model rated this face as blended in "
              f"(mean {score:.2f} over {crops} crops; {RAISE_AT:.2f} raises), mostly from {region}: "
              f"the mark a face swap or a pasted mouth leaves. Heavy beauty filters and strong compression "
              f"can look alike; compare the frames shown.{size_note}")
    evidence = Evidence(start=round(start, 3), end=round(end, 3),
                        frame_times=tuple(t for t, _, _ in frames), frame_indices=tuple(i for _, i, _ in frames),
                        note=f"highest-scoring frames ({', '.join(f'{p:.2f}' for _, _, p in frames)}); "
                             f"model looked at {region} (heat map on the first)",
                        heat=top.heat, heat_box=top.box)
    return Indicator(check="face_forgery", start=round(start, 3), end=round(end, 3),
                     score=round(float(np.clip(score, 0, 1)), 3), confidence=round(confidence, 3), reason=reason,
                     evidence=(evidence,), track_id=run[0].track_id,
                     measurements={"mean_probability": round(score, 3), "crops": float(crops),
                                   "windows": float(len(run)), "face_px": round(face_px, 1)},
                     facts={"region": region})
