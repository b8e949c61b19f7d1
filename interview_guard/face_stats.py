"""Per-track time coverage and a per-second face count, for the summary and the report."""

from __future__ import annotations

import math
from dataclasses import dataclass

from interview_guard.faces.core import FaceFrame


@dataclass(frozen=True)
class FaceTrackSummary:
    track_id: int
    first_seen: float
    last_seen: float
    frames: int
    coverage: float  # share of analysed frames in which this track was seen
    spans: tuple[tuple[float, float], ...]  # continuous stretches seen


@dataclass
class _TrackAcc:
    first: float
    last: float
    frames: int
    spans: list[list[float]]


class FaceStats:
    """Accumulates what the summary says about faces; memory grows by one int per second."""

    def __init__(self, frame_step: float) -> None:
        self.join_gap = 2.5 * frame_step
        self.frames = 0
        self.frames_with_face = 0
        self._tracks: dict[int, _TrackAcc] = {}
        self._per_second: list[int] = []

    def add(self, frame: FaceFrame) -> None:
        self.frames += 1
        self.frames_with_face += frame.count > 0
        sec = max(0, int(math.floor(frame.t)))
        while len(self._per_second) <= sec:
            self._per_second.append(0)
        self._per_second[sec] = max(self._per_second[sec], frame.count)
        for face in frame.faces:
            acc = self._tracks.get(face.track_id)
            if acc is None:
                self._tracks[face.track_id] = _TrackAcc(frame.t, frame.t, 1, [[frame.t, frame.t]])
                continue
            acc.frames += 1
            acc.last = frame.t
            if frame.t - acc.spans[-1][1] <= self.join_gap:
                acc.spans[-1][1] = frame.t
            else:
                acc.spans.append([frame.t, frame.t])

    def tracks(self) -> list[FaceTrackSummary]:
        return [FaceTrackSummary(tid, round(a.first, 3), round(a.last, 3), a.frames,
                                 round(a.frames / max(1, self.frames), 3),
                                 tuple((round(s, 3), round(e, 3)) for s, e in a.spans))
                for tid, a in sorted(self._tracks.items())]

    def faces_per_second(self) -> list[int]:
        return list(self._per_second)
