"""`no_pulse` and `pulse_mismatch`: is there a heartbeat in the skin, and the same one everywhere?

Per window (pulse_window_s, every pulse_hop_s) the mean colour of the forehead and both
cheeks goes through POS and CHROM (liveness/pulse.py). A window is judged only when the
face stays in view, large, frontal and fairly still: otherwise light, motion and
compression swamp a signal of a grey level or less, and the window says "cannot judge".

rPPG through a video codec is weak evidence: even real faces often show no clear pulse in
compressed video. So `no_pulse` needs several judged windows in a row with neither
method finding one, and carries a low confidence; `pulse_mismatch` needs the forehead and
the cheeks each to show a clear pulse, at rates that disagree.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from interview_guard.analyzers.core import Evidence, Indicator, LivenessAnalyzer, Series
from interview_guard.analyzers.spans import WindowRuns
from interview_guard.faces.core import FaceFrame
from interview_guard.liveness.pulse import PulseEstimate, chrom_signal, estimate_pulse, pos_signal, resample
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LivenessOptions

_MIN_SKIN_PX = 150  # pixels in the smallest skin region: fewer and quantisation noise wins
# "No pulse" is only claimed on faces this large (about 40 x 40 pixels per region): on
# smaller ones the codec's blocks average the pulse away even in real faces.
_NO_PULSE_SKIN_PX = 1500
_MAX_YAW, _MAX_PITCH = 25.0, 25.0
_MAX_MOTION = 0.02  # median frame-to-frame face shift, in face widths
_METHODS_AGREE_BPM = 6.0
_SUSTAIN = 3
_NO_PULSE_SNR_DB = -3.0  # under this, neither method sees a peak above the noise


@dataclass(frozen=True)
class _Sample:
    t: float
    frame_index: int
    rgb: np.ndarray  # (3 regions, 3)
    centre: tuple[float, float]
    width: float
    usable: bool
    large: bool


@dataclass(frozen=True)
class PulseWindow:
    start: float
    end: float
    verdict: str  # "pulse" | "no pulse" | "mismatch" | "cannot judge: ..."
    overall: PulseEstimate
    chrom: PulseEstimate
    forehead: PulseEstimate
    cheeks: PulseEstimate
    frame_index: int


class PulseAnalyzer(LivenessAnalyzer):
    checks = ("no_pulse", "pulse_mismatch")
    full_rate = True

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "PulseAnalyzer":
        return cls(settings.liveness)

    def __init__(self, options: LivenessOptions) -> None:
        self.o = lv = options
        self._window_s, self._hop_s = lv.pulse_window_s, lv.pulse_hop_s
        self._samples: deque[_Sample] = deque(maxlen=int(lv.pulse_window_s * 60) + 1)
        self._next_window = lv.pulse_window_s
        self.windows: list[PulseWindow] = []
        # Never on fewer than _SUSTAIN windows (about 14 s): one window of rPPG through a codec proves little.
        self._runs = WindowRuns(("no pulse", "mismatch"), _SUSTAIN, judge_short=False)

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        face = frame.largest
        if face is not None and face.appearance is not None:
            usable = (face.appearance.skin_px >= _MIN_SKIN_PX and abs(face.pose.yaw) <= _MAX_YAW
                      and abs(face.pose.pitch) <= _MAX_PITCH and face.in_frame >= 0.98)
            self._samples.append(_Sample(frame.t, frame.frame_index, face.appearance.skin_rgb, face.centre,
                                         max(face.width, 1.0), usable,
                                         face.appearance.skin_px >= _NO_PULSE_SKIN_PX))
        out: list[Indicator] = []
        while frame.t >= self._next_window:
            out += self._judge(self._next_window - self._window_s, self._next_window)
            self._next_window += self._hop_s
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if not self.windows and end_time >= 0.6 * self._window_s:  # a short recording is judged whole
            out += self._judge(0.0, end_time)
        return out + [_no_pulse(run) if verdict == "no pulse" else _mismatch(run)
                      for verdict, run in self._runs.finish()]

    def series(self) -> tuple[Series, ...]:
        times = tuple(round((w.start + w.end) / 2, 3) for w in self.windows)
        return (
            Series("heart_rate_bpm", "Heart rate from the skin (POS)", "bpm", times,
                   tuple(round(w.overall.bpm, 1) if w.verdict in ("pulse", "mismatch") else None
                         for w in self.windows), lower=40, upper=180),
            Series("pulse_snr_db", "Pulse signal-to-noise ratio", "dB", times,
                   tuple(round(w.overall.snr_db, 1) if not w.verdict.startswith("cannot") else None
                         for w in self.windows),
                   limits=(self.o.pulse_snr_db,)),
            Series("pulse_region_gap_bpm", "Forehead against cheeks heart rate", "bpm", times,
                   tuple(round(abs(w.forehead.bpm - w.cheeks.bpm), 1) if not w.verdict.startswith("cannot")
                         else None for w in self.windows),
                   lower=0.0, limits=(self.o.pulse_mismatch_bpm,)),
        )

    def _judge(self, start: float, end: float) -> list[Indicator]:
        window = _judge_window([s for s in self._samples if start <= s.t <= end], start, end,
                               self.o.pulse_snr_db, self.o.pulse_mismatch_bpm)
        self.windows.append(window)
        return [_no_pulse(run) if verdict == "no pulse" else _mismatch(run)
                for verdict, run in self._runs.add(window, {window.verdict: True})]


def _judge_window(samples: list[_Sample], start: float, end: float, snr_db: float,
                  mismatch_bpm: float) -> PulseWindow:
    nan = PulseEstimate(float("nan"), float("-inf"))
    frame = samples[len(samples) // 2].frame_index if samples else -1
    why = _unjudgeable(samples, end - start)
    if why:
        return PulseWindow(start, end, f"cannot judge: {why}", nan, nan, nan, nan, frame)
    times = np.array([s.t for s in samples])
    rate = min(30.0, (len(times) - 1) / (times[-1] - times[0]))
    traces = resample(times, np.stack([s.rgb.reshape(-1) for s in samples]), rate).reshape(-1, 3, 3)
    pos = [pos_signal(traces[:, r], rate) for r in range(3)]
    overall_signal = sum(p / (p.std() + 1e-12) for p in pos)
    overall = estimate_pulse(overall_signal, rate)
    chrom = estimate_pulse(chrom_signal(traces.mean(axis=1), rate), rate)
    forehead = estimate_pulse(pos[0], rate)
    cheeks = estimate_pulse(pos[1] / (pos[1].std() + 1e-12) + pos[2] / (pos[2].std() + 1e-12), rate)
    agree = abs(overall.bpm - chrom.bpm) <= _METHODS_AGREE_BPM
    if forehead.snr_db >= snr_db and cheeks.snr_db >= snr_db and abs(forehead.bpm - cheeks.bpm) > mismatch_bpm:
        verdict = "mismatch"
    elif overall.snr_db >= snr_db and agree:
        verdict = "pulse"
    elif overall.snr_db < _NO_PULSE_SNR_DB and chrom.snr_db < _NO_PULSE_SNR_DB and not agree:
        large = np.mean([s.large for s in samples]) >= 0.9
        verdict = "no pulse" if large else "cannot judge: no pulse found, but the face is too small to be sure"
    else:
        verdict = "cannot judge: a weak pulse signal"
    return PulseWindow(start, end, verdict, overall, chrom, forehead, cheeks, frame)


def _unjudgeable(samples: list[_Sample], span: float) -> str:
    if len(samples) < 8 or samples[-1].t - samples[0].t < 0.8 * span:
        return "the face is not in view long enough"
    if np.mean([s.usable for s in samples]) < 0.9:
        return "the face is small, turned or cut off"
    if not all(np.isfinite(s.rgb).all() for s in samples):
        return "a skin region is hidden"
    shifts = [np.hypot(b.centre[0] - a.centre[0], b.centre[1] - a.centre[1]) / b.width
              for a, b in zip(samples, samples[1:])]
    if float(np.median(shifts)) > _MAX_MOTION:
        return "the head moves too much"
    return ""


def _evidence(run: list[PulseWindow], note: str) -> Evidence:
    picks = [run[0], run[len(run) // 2], run[-1]]
    return Evidence(start=round(run[0].start, 3), end=round(run[-1].end, 3),
                    frame_times=tuple(round((w.start + w.end) / 2, 3) for w in picks),
                    frame_indices=tuple(w.frame_index for w in picks), note=note)


def _no_pulse(run: list[PulseWindow]) -> Indicator:
    start, end = run[0].start, run[-1].end
    snr = float(np.median([w.overall.snr_db for w in run]))
    return Indicator(
        check="no_pulse", start=round(start, 3), end=round(end, 3), score=0.6, confidence=0.3,
        reason=(f"From {start:.0f} s to {end:.0f} s the face was large, frontal and still enough to read a "
                f"pulse from the skin colour, yet neither method found one (SNR {snr:.1f} dB, and they disagree "
                f"on the rate). Synthetic faces carry no blood flow; but video compression can also erase it, "
                f"so this is a weak sign on its own."),
        evidence=(_evidence(run, "windows with no pulse"),),
        measurements={"snr_db": round(snr, 2), "windows": float(len(run))})


def _mismatch(run: list[PulseWindow]) -> Indicator:
    start, end = run[0].start, run[-1].end
    fore = float(np.median([w.forehead.bpm for w in run]))
    cheeks = float(np.median([w.cheeks.bpm for w in run]))
    return Indicator(
        check="pulse_mismatch", start=round(start, 3), end=round(end, 3), score=0.6, confidence=0.4,
        reason=(f"From {start:.0f} s to {end:.0f} s the forehead and the cheeks each show a clear pulse, but at "
                f"different rates ({fore:.0f} vs {cheeks:.0f} bpm). One face has one heart: a face pasted over "
                f"another head can beat differently from the forehead it leaves uncovered."),
        evidence=(_evidence(run, "windows whose regions disagree"),),
        measurements={"forehead_bpm": round(fore, 1), "cheeks_bpm": round(cheeks, 1), "windows": float(len(run))})
