"""Between the face tracker and the analyzers: judge each face's usability, add descriptors when needed.

A dlib descriptor costs about 70 ms of CPU here (the dlib-bin wheel has no AVX
build), more than the face landmarks of a whole second at 10 fps. So each track
gets one every `embed_interval_s`, and at once when something suggests the
person may have changed: the track is new or still enrolling, the scene cut,
the face jumped (a splice between two similar shots keeps the background but
moves the face), or the last descriptor was far from the one before (then the
next frames confirm it quickly).
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
from interview_guard.identity.quality import FaceQuality, assess, face_crop, lifted
from interview_guard.media.core import VideoFrame
from interview_guard.options import IdentityOptions

# Mean absolute change of a 32x32 grey thumbnail (0..255) that marks a scene cut.
_CUT_DIFFERENCE = 30.0
# A face whose centre moves by this share of its width, or whose width changes by this
# share, between two analysed frames (0.1 s) has jumped: heads do not move that fast.
_JUMP_SHARE = 0.25
_ENROL_INTERVAL_S = 0.5
# The face crop changed this many times more than usual for this track between two analysed
# frames (and at least _SWAP_MIN): a splice between shots with the same background. Measured:
# 0.66 at a GRID splice against a typical 0.10; ordinary motion in real clips peaks at 0.3-0.8
# against typicals of 0.1-0.25.
_SWAP_RATIO, _SWAP_MIN, _SWAP_GAP_S = 4.0, 0.45, 1.0


@dataclass
class _TrackState:
    last_t: float = -1e9
    vector: np.ndarray | None = None
    confirm: int = 0  # frames still to describe after a far descriptor
    box: tuple[float, float, float, float] | None = None  # in the previous analysed frame
    crop: np.ndarray | None = None  # normalised 24x24 grey face crop of the previous analysed frame
    typical_change: float = 0.0  # running mean of crop changes between analysed frames
    last_swap_t: float = -1e9
    seen_t: float = 0.0


class IdentityStage:
    def __init__(self, options: IdentityOptions) -> None:
        self.options = options
        self._tracks: dict[int, _TrackState] = {}
        self._last_vector: np.ndarray | None = None  # the last descriptor of any track
        self._thumb: np.ndarray | None = None
        self.busy_s = 0.0
        self.descriptors = 0

    def process(self, frame: VideoFrame, face_frame: FaceFrame) -> FaceFrame:
        if not frame.analysed:  # extra full-rate frames are for lip-sync; cadences here count analysed ones
            return face_frame
        start = time.perf_counter()
        cut = self._scene_cut(frame.image)
        quality = [assess(f, frame.image, frame.scale, self.options) for f in face_frame.faces]
        faces = [replace(f, quality_issue=q.issue) for f, q in zip(face_frame.faces, quality)]
        swapped = [self._face_swapped(f, frame) for f in faces]
        triggers = [self._trigger(f, frame.t, cut, swapped[i]) if not f.quality_issue else ""
                    for i, f in enumerate(faces)]
        due = [i for i, why in enumerate(triggers) if why]
        for f in faces:
            state = self._tracks.setdefault(f.track_id, _TrackState())
            state.box, state.seen_t = f.box, frame.t
        self._forget_gone_tracks(frame.t)
        for i, vec in self._describe(frame.image, faces, quality, due):
            faces[i] = replace(faces[i], embedding=vec, embedding_trigger=triggers[i],
                               embedding_caveat=quality[i].caveat)
            self._remember(faces[i].track_id, frame.t, vec)
        self.descriptors += len(due)
        self.busy_s += time.perf_counter() - start
        return replace(face_frame, faces=tuple(faces))

    @staticmethod
    def _describe(image: np.ndarray, faces: list[FaceObservation], quality: list[FaceQuality],
                  due: list[int]) -> list[tuple[int, np.ndarray]]:
        """(face, descriptor) for the due faces; a dark face is described on the picture brightened for it."""
        lit = [i for i in due if not quality[i].dark]
        out = list(zip(lit, embed_faces(image, [faces[i].landmarks for i in lit]))) if lit else []
        for i in (i for i in due if quality[i].dark):
            out.append((i, embed_faces(lifted(image, quality[i].brightness or 0.0), [faces[i].landmarks])[0]))
        return out

    def _trigger(self, face: FaceObservation, t: float, cut: bool, swapped: bool) -> str:
        """Why this face needs a descriptor now ('' when it does not)."""
        state = self._tracks.get(face.track_id)
        if state is None or state.vector is None:
            return "new track"
        if cut:
            return "scene cut"
        if _jumped(state.box, face.box):
            return "face jump"
        if swapped:
            return "face changed"
        if state.confirm > 0:
            return "confirm"
        # Only the session's first person needs a quick burst to enrol; a later face that is far
        # from the last one described gets its confirmation through `confirm` instead.
        enrolling = self.descriptors < self.options.enrol_samples
        interval = _ENROL_INTERVAL_S if enrolling else self.options.embed_interval_s
        if t - state.last_t >= interval - 1e-3:
            return "enrolling" if enrolling else "interval"
        return ""

    def _forget_gone_tracks(self, t: float) -> None:
        """A track unseen for a minute will not come back (the tracker gives returning faces new ids)."""
        if len(self._tracks) > 16:
            self._tracks = {k: v for k, v in self._tracks.items() if t - v.seen_t < 60.0}

    def _face_swapped(self, face: FaceObservation, frame: VideoFrame) -> bool:
        """True when the face crop changed far more than it usually does for this track."""
        state = self._tracks.setdefault(face.track_id, _TrackState())
        crop = face_crop(face, frame.image, frame.scale, size=24)
        if crop is None:
            state.crop = None
            return False
        c = crop.astype(np.float32)
        c = (c - c.mean()) / (c.std() + 1e-6)
        previous, state.crop = state.crop, c
        if previous is None:
            return False
        change = float(np.abs(c - previous).mean())
        typical = state.typical_change or change
        state.typical_change = 0.9 * typical + 0.1 * change
        if change > max(_SWAP_MIN, _SWAP_RATIO * typical) and frame.t - state.last_swap_t >= _SWAP_GAP_S:
            state.last_swap_t = frame.t
            return True
        return False

    def _remember(self, track_id: int, t: float, vec: np.ndarray) -> None:
        state = self._tracks.setdefault(track_id, _TrackState())
        before = state.vector if state.vector is not None else self._last_vector
        far = before is not None and float(np.linalg.norm(vec - before)) >= 0.8 * self.options.match_threshold
        state.confirm = self.options.change_samples - 1 if far else max(0, state.confirm - 1)
        state.last_t, state.vector = t, vec
        self._last_vector = vec

    def _scene_cut(self, image: np.ndarray) -> bool:
        thumb = cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA)
        thumb = thumb.astype(np.float32)
        cut = self._thumb is not None and float(np.abs(thumb - self._thumb).mean()) > _CUT_DIFFERENCE
        self._thumb = thumb
        return cut


def _jumped(before: tuple[float, ...] | None, now: tuple[float, ...]) -> bool:
    if before is None:
        return False
    width = max(before[2] - before[0], 1.0)
    moved = np.hypot((now[0] + now[2] - before[0] - before[2]) / 2, (now[1] + now[3] - before[1] - before[3]) / 2)
    resized = abs((now[2] - now[0]) - width)
    return moved > _JUMP_SHARE * width or resized > _JUMP_SHARE * width
