"""What the face stage emits: one FaceObservation per face, one FaceFrame per analysed frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_guard.forgery.core import ForgeryScore
from interview_guard.liveness.appearance import FaceAppearance, FramePicture

N_LANDMARKS = 478
N_BLENDSHAPES = 52
# Indices among MediaPipe's 52 blendshapes that several checks read.
EYE_BLINK_LEFT, EYE_BLINK_RIGHT, JAW_OPEN = 9, 10, 25


@dataclass(frozen=True)
class HeadPose:
    """Degrees, from MediaPipe's facial transformation matrix.

    yaw: turning left/right (positive: the face turns towards the image's left side),
    pitch: nodding (positive: chin up), roll: tilting in the image plane.
    """

    yaw: float
    pitch: float
    roll: float

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> "HeadPose":
        r = np.asarray(matrix, dtype=np.float64)[:3, :3]
        # Remove scale so the angles come from a pure rotation.
        r = r / np.linalg.norm(r, axis=0, keepdims=True)
        pitch = np.degrees(np.arctan2(r[2, 1], r[2, 2]))
        yaw = np.degrees(np.arctan2(-r[2, 0], np.hypot(r[2, 1], r[2, 2])))
        roll = np.degrees(np.arctan2(r[1, 0], r[0, 0]))
        return cls(float(yaw), float(pitch), float(roll))


@dataclass(frozen=True)
class FaceObservation:
    """One face in one analysed frame.

    box: (x0, y0, x1, y1) in source-video pixels, from the landmarks' extent
        (may reach outside the frame when the face does).
    landmarks: (478, 3) float32, x and y normalised to the frame (0..1), z relative depth.
    blendshapes: (52,) float32 MediaPipe blendshape scores, in MediaPipe's order.
    in_frame: share of landmarks inside the frame (1.0: the whole face is visible).
    quality_issue: why this face cannot serve identity checks ("" when it can,
        or when identity checks are off).
    embedding: dlib 128-d identity descriptor, on the frames the identity stage
        picked (None elsewhere). Kept in memory only, never written out.
    embedding_trigger: why this frame got a descriptor: "new track", "enrolling",
        "interval", "scene cut", "face jump", "face changed" or "confirm".
    embedding_caveat: why this frame's descriptor is less certain ('' when it is not, or without one):
        "small (31 px wide)", "dark (mean 11/255, brightened)" (see identity/quality.py).
    appearance: pixel statistics for the liveness checks (None when they are off).
    forgery: the face-forgery model's reading, on the frames the forgery stage scored (None elsewhere).
    """

    t: float
    frame_index: int
    track_id: int
    box: tuple[float, float, float, float]
    landmarks: np.ndarray
    blendshapes: np.ndarray
    pose: HeadPose
    in_frame: float
    quality_issue: str = ""
    embedding: np.ndarray | None = None
    embedding_trigger: str = ""
    embedding_caveat: str = ""
    appearance: FaceAppearance | None = None
    forgery: ForgeryScore | None = None

    def __post_init__(self) -> None:
        if self.landmarks.shape != (N_LANDMARKS, 3):
            raise ValueError(f"landmarks must be ({N_LANDMARKS}, 3) (got {self.landmarks.shape})")
        if self.blendshapes.shape not in ((N_BLENDSHAPES,), (0,)):
            raise ValueError(f"blendshapes must be ({N_BLENDSHAPES},) or empty (got {self.blendshapes.shape})")
        if self.embedding is not None and self.embedding.shape != (128,):
            raise ValueError(f"embedding must be (128,) (got {self.embedding.shape})")

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    @property
    def centre(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    @property
    def eye_closure(self) -> float:
        """Mean of the two eyeBlink blendshapes (0 open .. 1 closed); needs blendshapes."""
        return float((self.blendshapes[EYE_BLINK_LEFT] + self.blendshapes[EYE_BLINK_RIGHT]) / 2)


BLANK_DETAIL = 6.0  # picture_detail under which a frame shows nothing (black, one flat colour)


def picture_detail(image: np.ndarray) -> float:
    """Standard deviation of the grey levels; every 8th pixel is plenty for "blank or not"."""
    return float(image[::8, ::8].std())


SEARCH_OUTCOMES = ("found", "unjudged", "none", "waiting", "blank")


@dataclass(frozen=True)
class FaceSearch:
    """What the second look (faces/second_look.py) did on a frame where the landmarker found no face.

    outcome: "found" (landmarks on an enlarged crop; the faces are in the frame),
        "unjudged" (the face detector saw a face but landmarks failed on it: too small, dark or turned to judge),
        "none" (the full-frame face detector found no face either),
        "waiting" (no full-frame search on this frame: rate limit, and the tracked box held no face),
        "blank" (the picture is blank: nothing to search).
    boxes: the face detector's boxes (x0, y0, x1, y1) in source pixels (empty unless it ran and saw one).
    detector_ran: the full-frame detector ran on this frame (the costly part).
    seconds: time this frame's second look took.
    """

    outcome: str
    boxes: tuple[tuple[float, float, float, float], ...] = ()
    detector_ran: bool = False
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.outcome not in SEARCH_OUTCOMES:
            raise ValueError(f"FaceSearch.outcome must be one of {SEARCH_OUTCOMES} (got {self.outcome!r})")


@dataclass(frozen=True)
class FaceFrame:
    """Every face found in one analysed frame (possibly none).

    picture_detail: standard deviation of the frame's grey levels (0..128); under
        about 6 the picture is blank (black, frozen colour), so "no face" is certain.
    analysed: False for the extra full-rate frames only full-rate checks see (see VideoFrame).
    picture: the whole frame reduced for the liveness checks (None when they are off).
    search: what the second look did when the landmarker found no face (None: it did not run).
    """

    t: float
    frame_index: int
    frame_size: tuple[int, int]  # (width, height) in source pixels
    faces: tuple[FaceObservation, ...]
    picture_detail: float = 50.0
    analysed: bool = True
    picture: FramePicture | None = None
    search: FaceSearch | None = None

    @property
    def count(self) -> int:
        return len(self.faces)

    @property
    def largest(self) -> FaceObservation | None:
        """The largest face: the candidate at the camera, for the checks that follow one person."""
        return max(self.faces, key=lambda f: f.area, default=None)
