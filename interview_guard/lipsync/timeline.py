"""SyncTimeline: feeds mouth and voice signals, cuts them into sliding windows, judges each one.

A window is judged only when it holds enough speech and the mouth was visible
through it; otherwise it says why it cannot be judged ("silent", "mouth not
visible", "mouth still"), never in sync or out of sync. Each judged window's
correlation curve is averaged with those of its judged neighbours (two on each
side) before the offset is read: a lag that holds over several windows is the
offset; a peak that wanders is noise.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from interview_guard.lipsync.offset import OffsetEstimate, bandpass, estimate_av_offset, lag_correlations
from interview_guard.lipsync.signals import ENVELOPE_RATE, VoiceEnvelope
from interview_guard.options import LipSyncOptions

RATE = ENVELOPE_RATE  # the common grid of both signals, values per second
SILENT, NOT_VISIBLE, STILL, JUDGED = "silent", "mouth not visible", "mouth still", "judged"
_SPEECH_ABOVE_FLOOR_DB, _SPEECH_MIN_DB = 12.0, -60.0
_MOUTH_GAP_S = 0.12  # a grid point further than this from a mouth sample has no mouth value
_NEIGHBOURS = 2
_FLOOR_HISTORY_S = 120.0
_CURVES_KEPT_S = 90.0  # longer than a transcription window (28 s) and its delay


@dataclass(frozen=True)
class SyncWindow:
    """One window's verdict. estimate: this window alone; smoothed: with its judged neighbours
    (what indicators use). mouth_motion: spread of the mouth opening (eye distances) in the window."""

    start: float
    end: float
    verdict: str
    speech_share: float
    mouth_share: float
    mouth_motion: float
    estimate: OffsetEstimate | None = None
    smoothed: OffsetEstimate | None = None
    support: float | None = None  # this window's own correlation at the smoothed lag
    frame: tuple[float, int] | None = None  # (time, source frame index) in the window's middle, for evidence

    @property
    def judged(self) -> bool:
        return self.verdict == JUDGED


class SyncTimeline:
    """Bounded: keeps only the signal the next windows need, plus a noise-floor history."""

    def __init__(self, options: LipSyncOptions) -> None:
        self.o = options
        self.max_lag = int(round(options.max_lag_s * RATE))
        self._envelope = VoiceEnvelope()
        self._voice: list[float] = []  # dB on the grid, from _voice_t0
        self._voice_t0: float | None = None
        self._floor_values: deque[float] = deque(maxlen=int(_FLOOR_HISTORY_S * RATE))
        self._mouth: deque[tuple[float, float, int]] = deque()  # (t, opening or nan, frame index)
        self._next_start = 0.0
        self._pending: deque[tuple[SyncWindow, np.ndarray | None]] = deque()
        self._done: deque[tuple[SyncWindow, np.ndarray | None]] = deque(maxlen=_NEIGHBOURS)
        # (start, end, correlation curve) of recent judged windows, for the phone events that arrive later
        self.curves: deque[tuple[float, float, np.ndarray]] = deque(maxlen=int(_CURVES_KEPT_S / options.hop_s))

    def add_audio(self, t: float, samples: np.ndarray) -> None:
        if self._voice_t0 is None:
            self._voice_t0 = t + VoiceEnvelope.time_offset()
        values = self._envelope.feed(samples)
        self._voice.extend(values.tolist())
        self._floor_values.extend(values[::10].tolist())

    def add_mouth(self, t: float, opening: float | None, frame_index: int) -> None:
        self._mouth.append((t, np.nan if opening is None else opening, frame_index))

    def windows(self, final_end: float | None = None) -> Iterator[SyncWindow]:
        """Windows that became final; with final_end, every window up to the recording's end."""
        while True:
            start, end = self._next_start, self._next_start + self.o.window_s
            if final_end is None and not self._has_data_to(end):
                break
            if final_end is not None:
                if start > 0 and end > final_end + 1e-6:
                    break
                end = min(end, final_end)
                if end - start < self.o.min_window_s:
                    break
            self._pending.append(self._judge(start, end))
            self._next_start += self.o.hop_s
            yield from self._release(final=False)
            self._trim()
        if final_end is not None:
            yield from self._release(final=True)

    def _has_data_to(self, end: float) -> bool:
        voice_end = (self._voice_t0 or 0.0) + len(self._voice) / RATE
        return bool(self._mouth) and self._mouth[-1][0] >= end and voice_end >= end + self.o.max_lag_s

    def _release(self, final: bool) -> Iterator[SyncWindow]:
        while self._pending and (final or len(self._pending) > _NEIGHBOURS):
            window, curve = self._pending.popleft()
            neighbours = [c for _, c in (*self._done, (window, curve), *list(self._pending)[:_NEIGHBOURS])
                          if c is not None]
            if curve is not None:
                smoothed = estimate_av_offset(_mean_curve(neighbours), RATE, self.o.lag_penalty)
                window = replace(window, smoothed=smoothed, support=_support(curve, smoothed))
            self._done.append((window, curve))
            if curve is not None:
                self.curves.append((window.start, window.end, curve))
            yield window

    def _judge(self, start: float, end: float) -> tuple[SyncWindow, np.ndarray | None]:
        grid = start + np.arange(int(round((end - start) * RATE))) / RATE
        mouth, frame = self._mouth_on(grid)
        voice = self._voice_on(grid[0] - self.max_lag / RATE, len(grid) + 2 * self.max_lag)
        inner = voice[self.max_lag:self.max_lag + len(grid)]
        floor = self._floor()
        speaking = (inner > floor + _SPEECH_ABOVE_FLOOR_DB) & (inner > _SPEECH_MIN_DB)
        visible = ~np.isnan(mouth)
        speech_share, mouth_share = float(speaking.mean()), float(visible.mean())
        motion = float(np.nanstd(mouth)) if visible.any() else 0.0
        window = SyncWindow(start, end, JUDGED, round(speech_share, 3), round(mouth_share, 3),
                            round(motion, 4), frame=frame)
        verdict = (SILENT if speech_share < self.o.min_speech_share else
                   NOT_VISIBLE if mouth_share < self.o.min_mouth_share else
                   STILL if motion < self.o.still_mouth_motion else JUDGED)
        if verdict != JUDGED:
            return replace(window, verdict=verdict), None
        filled = np.interp(grid, grid[visible], mouth[visible])
        curve = lag_correlations(bandpass(filled, RATE), _bandpass_valid(voice, floor), self.max_lag)
        return replace(window, estimate=estimate_av_offset(curve, RATE, self.o.lag_penalty)), curve

    def _mouth_on(self, grid: np.ndarray) -> tuple[np.ndarray, tuple[float, int] | None]:
        samples = [s for s in self._mouth if grid[0] - 1.0 <= s[0] <= grid[-1] + 1.0]
        if not samples:
            return np.full(len(grid), np.nan), None
        t = np.array([s[0] for s in samples])
        v = np.array([s[1] for s in samples])
        mid = samples[int(np.argmin(np.abs(t - grid.mean())))]
        middle = (round(mid[0], 3), mid[2])
        ok = ~np.isnan(v)
        if ok.sum() < 2:
            return np.full(len(grid), np.nan), middle
        values = np.interp(grid, t[ok], v[ok])
        nearest = np.abs(grid[:, None] - t[ok][None, :]).min(axis=1)
        values[nearest > _MOUTH_GAP_S] = np.nan
        return values, middle

    def _voice_on(self, t0: float, n: int) -> np.ndarray:
        if self._voice_t0 is None or not self._voice:
            return np.full(n, np.nan)
        src_t = self._voice_t0 + np.arange(len(self._voice)) / RATE
        return np.interp(t0 + np.arange(n) / RATE, src_t, np.asarray(self._voice), left=np.nan, right=np.nan)

    def _floor(self) -> float:
        return float(np.percentile(self._floor_values, 5)) if self._floor_values else -100.0

    def _trim(self) -> None:
        """Forget signal older than the next window needs (memory stays bounded in long sessions)."""
        keep_from = self._next_start - self.o.max_lag_s - 1.0
        while self._mouth and self._mouth[0][0] < keep_from:
            self._mouth.popleft()
        if self._voice_t0 is not None:
            drop = int((keep_from - self._voice_t0) * RATE)
            if drop > 0:
                del self._voice[:drop]
                self._voice_t0 += drop / RATE


def _support(curve: np.ndarray, smoothed: OffsetEstimate | None) -> float | None:
    """How well this window alone agrees with the lag its neighbourhood settled on. A voice that
    comes from this mouth agrees window after window; an unrelated voice peaks somewhere different
    in each window, so the shared lag finds little in any one of them."""
    if smoothed is None:
        return None
    max_lag = (len(curve) - 1) // 2
    at = smoothed.offset_s * RATE + max_lag
    lags = np.arange(len(curve))
    ok = ~np.isnan(curve)
    return round(float(np.interp(at, lags[ok], curve[ok])), 4) if ok.sum() >= 2 else None


def _mean_curve(curves: list[np.ndarray]) -> np.ndarray:
    """Mean of correlation curves lag by lag, NaN where none covers that lag."""
    stack = np.vstack(curves)
    count = (~np.isnan(stack)).sum(axis=0)
    total = np.nansum(stack, axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _bandpass_valid(voice: np.ndarray, floor: float) -> np.ndarray:
    """Band-pass the voice where it exists (NaN stays NaN); quiet parts are clipped to the floor first,
    so the hiss of silence adds no rhythm of its own."""
    out = np.full(len(voice), np.nan)
    ok = ~np.isnan(voice)
    if ok.sum() >= 4:
        idx = np.flatnonzero(ok)
        span = slice(idx[0], idx[-1] + 1)
        out[span] = bandpass(np.maximum(voice[span], floor + 3.0), RATE)
    return out
