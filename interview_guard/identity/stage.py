"""Between the face tracker and the analyzers: judge each face's usability, add descriptors when needed.

A dlib descriptor costs about 70 ms of CPU here (the dlib-bin wheel has no AVX
build), more than the face landmarks of a whole second at 10 fps. So each track
gets one every `embed_interval_s`, and at once when something suggests the
person may have changed: the track is new, the scene cut, or the last
descriptor was far from the one before (then the next frames confirm it quickly).
A cheaper appearance cue (correlation of grey face crops) was tried and dropped:
it did not separate people (cross-person median 0.32, same-person 5th percentile 0.29).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import cv2
import numpy as np

from interview_guard.faces.core import FaceFrame, FaceObservation
from interview_guard.identity.embedder import embed_faces
from interview_guard.identity.quality import quality_issue
from interview_guard.media.core import VideoFrame
from interview_guard.options import IdentityOptions

# Mean absolute change of a 32x32 grey thumbnail (0..255) that marks a scene cut.
_CUT_DIFFERENCE = 30.0


@dataclass
class _TrackState:
    last_t: float
    vector: np.ndarray
    confirm: int = 0  # frames still to describe after a far descriptor


class IdentityStage:
    def __init__(self, options: IdentityOptions) -> None:
        self.options = options
        self._tracks: dict[int, _TrackState] = {}
        self._thumb: np.ndarray | None = None
        self.busy_s = 0.0
        self.descriptors = 0
        self.cuts = 0

    def process(self, frame: VideoFrame, face_frame: FaceFrame) -> FaceFrame:
        start = time.perf_counter()
        cut = self._scene_cut(frame.image)
        faces = [replace(f, quality_issue=quality_issue(f, frame.image, frame.scale, self.options))
                 for f in face_frame.faces]
        due = [i for i, f in enumerate(faces) if not f.quality_issue and self._due(f, frame.t, cut)]
        if due:
            vectors = embed_faces(frame.image, [faces[i].landmarks for i in due])
            for i, vec in zip(due, vectors):
                faces[i] = replace(faces[i], embedding=vec)
                self._remember(faces[i].track_id, frame.t, vec)
            self.descriptors += len(due)
        self.busy_s += time.perf_counter() - start
        return replace(face_frame, faces=tuple(faces))

    def _due(self, face: FaceObservation, t: float, cut: bool) -> bool:
        state = self._tracks.get(face.track_id)
        if state is None or cut or state.confirm > 0:
            return True
        return t - state.last_t >= self.options.embed_interval_s - 1e-3

    def _remember(self, track_id: int, t: float, vec: np.ndarray) -> None:
        state = self._tracks.get(track_id)
        far = state is not None and float(np.linalg.norm(vec - state.vector)) >= 0.8 * self.options.match_threshold
        confirm = self.options.change_samples - 1 if far else max(0, state.confirm - 1) if state else 0
        self._tracks[track_id] = _TrackState(t, vec, confirm)

    def _scene_cut(self, image: np.ndarray) -> bool:
        thumb = cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA)
        thumb = thumb.astype(np.float32)
        cut = self._thumb is not None and float(np.abs(thumb - self._thumb).mean()) > _CUT_DIFFERENCE
        self._thumb = thumb
        self.cuts += cut
        return cut
