"""Give faces stable track ids across frames by box overlap and distance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_guard.faces.core import FaceFrame, FaceObservation, FaceSearch, HeadPose, picture_detail
from interview_guard.faces.landmarker import RawFace
from interview_guard.media.core import VideoFrame


@dataclass
class _Track:
    track_id: int
    box: tuple[float, float, float, float]
    last_t: float


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _closeness(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """1 when the centres coincide, 0 at one face-width apart or more."""
    ca = np.array([(a[0] + a[2]) / 2, (a[1] + a[3]) / 2])
    cb = np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2])
    size = max(a[2] - a[0], b[2] - b[0], 1.0)
    return max(0.0, 1.0 - float(np.linalg.norm(ca - cb)) / size)


class FaceTracker:
    """Greedy matching of this frame's faces to live tracks; a face unseen for
    `max_gap_s` loses its track, and a face that matches no track starts one."""

    def __init__(self, max_gap_s: float) -> None:
        self.max_gap_s = max_gap_s
        self._tracks: list[_Track] = []
        self._next_id = 1

    def update(self, frame: VideoFrame, raw_faces: list[RawFace], search: FaceSearch | None = None) -> FaceFrame:
        w, h = frame.source_size
        boxes = [_box(f.landmarks, w, h) for f in raw_faces]
        self._tracks = [t for t in self._tracks if frame.t - t.last_t <= self.max_gap_s]
        ids = self._assign(boxes, frame.t)
        faces = tuple(
            FaceObservation(t=frame.t, frame_index=frame.index, track_id=ids[i], box=boxes[i],
                            landmarks=f.landmarks, blendshapes=f.blendshapes,
                            pose=HeadPose.from_matrix(f.matrix), in_frame=_in_frame(f.landmarks))
            for i, f in enumerate(raw_faces))
        return FaceFrame(t=frame.t, frame_index=frame.index, frame_size=(w, h), faces=faces,
                         picture_detail=picture_detail(frame.image), analysed=frame.analysed, search=search)

    def _assign(self, boxes: list[tuple[float, float, float, float]], t: float) -> list[int]:
        pairs = sorted(((max(_iou(b, tr.box), 0.5 * _closeness(b, tr.box)), i, j)
                        for i, b in enumerate(boxes) for j, tr in enumerate(self._tracks)), reverse=True)
        ids: dict[int, int] = {}
        used: set[int] = set()
        for score, i, j in pairs:
            if score < 0.2 or i in ids or j in used:
                continue
            ids[i] = self._tracks[j].track_id
            used.add(j)
            self._tracks[j].box, self._tracks[j].last_t = boxes[i], t
        for i, b in enumerate(boxes):
            if i not in ids:
                ids[i] = self._next_id
                self._tracks.append(_Track(self._next_id, b, t))
                self._next_id += 1
        return [ids[i] for i in range(len(boxes))]


def _box(landmarks: np.ndarray, width: int, height: int) -> tuple[float, float, float, float]:
    xs, ys = landmarks[:, 0] * width, landmarks[:, 1] * height
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def _in_frame(landmarks: np.ndarray) -> float:
    xy = landmarks[:, :2]
    inside = (xy >= 0.0).all(axis=1) & (xy <= 1.0).all(axis=1)
    return float(inside.mean())
