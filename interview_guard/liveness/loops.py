"""Find stretches of video that repeat an earlier stretch frame by frame (a looped recording).

Every analysed frame is reduced to two 16x16 thumbnails (the picture and the face crop),
kept in a fixed-size ring buffer. A new frame is compared with all frames at least
`min_lag_s` older in one matrix product (correlation of the normalised thumbnails); the
best candidate is confirmed by its grey-level distance. Matches at one steady lag make a
run; a run that lasts `min_s` and moves (the face changes half a second apart far more
than it differs from its earlier copy) is a loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.liveness.appearance import THUMB

MATCH_CORRELATION = 0.98  # a candidate worth confirming
MATCH_MAD = 3.0  # grey levels: a re-encoded copy stays under this, a new frame of a moving face does not
MOTION_LOOKBACK_S = 0.5
MOTION_MAD = 1.5  # a run whose face changes less than this in half a second is not moving: not judged
COPY_TO_MOTION = 0.35  # the copy must be this much closer than the face's own half-second change
LAG_TOLERANCE_S = 0.15
MAX_GAP_S = 0.6  # a run survives this long without a confirmed match (fast motion, a sampling phase shift)


@dataclass(frozen=True)
class LoopRun:
    start: float
    end: float
    lag: float
    match_mad: float
    motion_mad: float
    frame_times: tuple[float, ...]
    frame_indices: tuple[int, ...]
    earlier_times: tuple[float, ...]
    earlier_indices: tuple[int, ...]


@dataclass
class _Run:
    lag: float
    frames: list[tuple[float, int, float, int]] = field(default_factory=list)  # t, index, earlier t, earlier index
    match: list[float] = field(default_factory=list)
    motion: list[float] = field(default_factory=list)


_KEY_SIDE = THUMB // 2  # candidates are searched on 8x8 keys (a quarter of the memory traffic)


def _normalised(thumb: np.ndarray) -> np.ndarray:
    """The thumbnail halved to 8x8, zero-mean and unit-norm: its dot products are correlations."""
    v = thumb.reshape(_KEY_SIDE, 2, _KEY_SIDE, 2).mean(axis=(1, 3)).reshape(-1).astype(np.float32)
    v = v - v.mean()
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-3 else np.zeros_like(v)


class LoopFinder:
    def __init__(self, min_s: float, min_lag_s: float, history: int) -> None:
        self.min_s, self.min_lag_s = min_s, min_lag_s
        size = THUMB * THUMB
        self._times = np.full(history, -np.inf)
        self._indices = np.zeros(history, dtype=np.int64)
        self._keys = np.zeros((history, 2 * _KEY_SIDE ** 2), dtype=np.float32)  # normalised picture + face
        self._faces = np.zeros((history, size), dtype=np.float32)
        self._has_face = np.zeros(history, dtype=bool)
        self._next = 0
        self._filled = 0
        self._run: _Run | None = None

    def add(self, t: float, index: int, picture: np.ndarray, face: np.ndarray | None) -> LoopRun | None:
        """Feed one analysed frame; returns a loop when a run of repeats ends here."""
        key = np.concatenate([_normalised(picture), _normalised(face) if face is not None
                              else np.zeros(_KEY_SIDE ** 2, np.float32)]) / np.sqrt(2.0)
        face_flat = face.reshape(-1) if face is not None else None
        found = self._match(t, key, face_flat)
        motion = self._motion(t, face_flat)
        self._store(t, index, key, face_flat)
        return self._advance(t, index, found, motion)

    def finish(self) -> LoopRun | None:
        run, self._run = self._run, None
        return _as_loop(run, self.min_s)

    def _match(self, t: float, key: np.ndarray, face: np.ndarray | None) -> tuple[int, float] | None:
        """(slot, grey-level distance) of the earlier frame this one repeats, if any."""
        n = self._filled  # the slots in use (a prefix until the ring wraps)
        if face is None or not (self._times[:n] <= t - self.min_lag_s).any():
            return None
        if self._run is not None:  # the run's own lag first, so a third copy does not jump between the first two
            near = int(np.argmin(np.abs(self._times - (t - self._run.lag))))
            if abs(self._times[near] - (t - self._run.lag)) <= LAG_TOLERANCE_S and self._has_face[near]:
                mad = float(np.abs(self._faces[near] - face).mean())
                if mad < MATCH_MAD:
                    return int(near), mad
        scores = self._keys[:n] @ key  # one matrix-vector product over a view, then only the old ones count
        scores[self._times[:n] > t - self.min_lag_s] = -np.inf
        best = int(np.argmax(scores))
        if scores[best] < MATCH_CORRELATION or not self._has_face[best]:
            return None
        mad = float(np.abs(self._faces[best] - face).mean())
        return (best, mad) if mad < MATCH_MAD else None

    def _motion(self, t: float, face: np.ndarray | None) -> float | None:
        """How much the face changed since half a second ago."""
        if face is None:
            return None
        target = t - MOTION_LOOKBACK_S
        slot = int(np.argmin(np.abs(self._times - target)))
        if abs(self._times[slot] - target) > 0.15 or not self._has_face[slot]:
            return None
        return float(np.abs(self._faces[slot] - face).mean())

    def _store(self, t: float, index: int, key: np.ndarray, face: np.ndarray | None) -> None:
        i = self._next
        self._times[i], self._indices[i], self._keys[i] = t, index, key
        self._has_face[i] = face is not None
        if face is not None:
            self._faces[i] = face
        self._next = (i + 1) % len(self._times)
        self._filled = max(self._filled, i + 1)

    def _advance(self, t: float, index: int, found: tuple[int, float] | None, motion: float | None) -> LoopRun | None:
        run = self._run
        if found is not None:
            slot, mad = found
            lag = t - float(self._times[slot])
            if run is not None and abs(lag - run.lag) > LAG_TOLERANCE_S:
                ended = self.finish()
                self._start(lag)
                self._extend(t, index, slot, mad, motion)
                return ended
            if run is None:
                self._start(lag)
            self._extend(t, index, slot, mad, motion)
            return None
        if run is not None and t - run.frames[-1][0] > MAX_GAP_S:
            return self.finish()
        return None

    def _start(self, lag: float) -> None:
        self._run = _Run(lag)

    def _extend(self, t: float, index: int, slot: int, mad: float, motion: float | None) -> None:
        run = self._run
        assert run is not None
        run.frames.append((t, index, float(self._times[slot]), int(self._indices[slot])))
        run.match.append(mad)
        if motion is not None:
            run.motion.append(motion)


def _as_loop(run: _Run | None, min_s: float) -> LoopRun | None:
    if run is None or len(run.frames) < 2 or not run.motion:
        return None
    start, end = run.frames[0][0], run.frames[-1][0]
    match, motion = float(np.median(run.match)), float(np.median(run.motion))
    if end - start < min_s or motion < MOTION_MAD or match > COPY_TO_MOTION * motion:
        return None
    picks = [run.frames[0], run.frames[len(run.frames) // 2], run.frames[-1]]
    return LoopRun(start=start, end=end, lag=float(np.median([f[0] - f[2] for f in run.frames])),
                   match_mad=match, motion_mad=motion,
                   frame_times=tuple(p[0] for p in picks), frame_indices=tuple(p[1] for p in picks),
                   earlier_times=tuple(p[2] for p in picks), earlier_indices=tuple(p[3] for p in picks))
