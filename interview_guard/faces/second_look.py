"""The second look: find the face the landmarker missed (small, far, dim) and landmark it on an enlarged crop.

Runs only on frames where the first look (the VIDEO-mode landmarker on the whole frame) found no face and the
picture is not blank. In order, cheapest first:
1. a tracked box: the last face's box (from either look, within `track_max_gap_s`): the IMAGE-mode landmarker on
   an enlarged, contrast-normalised crop there (a few ms);
2. otherwise, at most once per `second_look_interval_s` of video: a full-frame face detector, then the landmarker
   on a crop around each of its boxes.
Landmarks found on a crop are mapped back to the frame's normalised coordinates, so every later check reads them
as if the first look had found them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from interview_guard.faces.core import BLANK_DETAIL, FaceSearch, picture_detail
from interview_guard.faces.landmarker import FaceLandmarkerRunner, RawFace
from interview_guard.media.core import VideoFrame
from interview_guard.options import FaceOptions

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) in analysed-image pixels

CROP_PX = 256  # crops are scaled to this side: the face then fills about half of the landmarker's input
_CROP_CONTEXT = 2.0  # crop side / face side (MediaPipe's detector wants the face with some context)
_MAX_CANDIDATES = 3  # detector boxes landmarked per search, largest first
_MAX_BACKOFF = 4  # the detector interval grows up to this many times while it finds nothing


@dataclass(frozen=True)
class Crop:
    """A square region of the analysed image, possibly reaching past its edges (padded black)."""

    x0: float
    y0: float
    side: float

    @classmethod
    def around(cls, box: Box, context: float = _CROP_CONTEXT) -> "Crop":
        side = max(box[2] - box[0], box[3] - box[1], 8.0) * context
        return cls((box[0] + box[2]) / 2 - side / 2, (box[1] + box[3]) / 2 - side / 2, side)

    def cut(self, image: np.ndarray, size: int = CROP_PX) -> np.ndarray:
        """The region scaled to size x size, with CLAHE on its lightness (dim faces get their contrast back)."""
        f = size / self.side
        m = np.array([[f, 0.0, -self.x0 * f], [0.0, f, -self.y0 * f]], dtype=np.float32)
        interp = cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
        crop = cv2.warpAffine(image, m, (size, size), flags=interp, borderMode=cv2.BORDER_CONSTANT)
        return normalise_contrast(crop)

    def to_frame(self, landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
        """Landmarks normalised to the crop -> normalised to the frame (z scales with x, as MediaPipe's does)."""
        out = landmarks.astype(np.float32).copy()
        out[:, 0] = (self.x0 + landmarks[:, 0] * self.side) / width
        out[:, 1] = (self.y0 + landmarks[:, 1] * self.side) / height
        out[:, 2] = landmarks[:, 2] * self.side / width
        return out


def normalise_contrast(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lab[..., 0] = _clahe().apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def normalised_grey(rgb: np.ndarray) -> np.ndarray:
    """The picture in grey with CLAHE: a dim face's features stand out again for the detector."""
    return _clahe().apply(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))


def _clahe() -> cv2.CLAHE:
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))


def landmark_box(face: RawFace, width: int, height: int) -> Box:
    xs, ys = face.landmarks[:, 0] * width, face.landmarks[:, 1] * height
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


class FaceDetector:
    """A full-frame face detector on the analysed image: boxes in its pixels, largest first."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        if kind == "haar":
            path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
            self._cascade = cv2.CascadeClassifier(path)
            if self._cascade.empty():
                raise RuntimeError(f"OpenCV's face cascade did not load from {path}: reinstall opencv-contrib-python")
        elif kind == "hog":
            import dlib

            self._hog = dlib.get_frontal_face_detector()
        else:
            raise ValueError(f"face detector must be 'haar' or 'hog' (got {kind!r})")

    def detect(self, rgb: np.ndarray) -> list[Box]:
        grey = normalised_grey(rgb)
        if self.kind == "haar":
            found = self._cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(16, 16))
            boxes = [(float(x), float(y), float(x + w), float(y + h)) for x, y, w, h in found]
        else:
            boxes = [(float(d.left()), float(d.top()), float(d.right()), float(d.bottom())) for d in self._hog(grey, 1)]
        return sorted(boxes, key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))


class SecondLook:
    """Owns the second look's detector and IMAGE-mode landmarker for one stream (both made on first need)."""

    def __init__(self, options: FaceOptions) -> None:
        self.options = options
        self._landmarker: FaceLandmarkerRunner | None = None
        self._detector: FaceDetector | None = None
        self._box: Box | None = None  # the last face's box, analysed-image pixels
        self._box_t = -1e9
        self._next_detect_t = -1e9
        self._misses = 0  # detector runs in a row that found nothing
        self.busy_s = 0.0
        self.detector_runs = 0
        self.crop_runs = 0

    def __enter__(self) -> "SecondLook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def seen(self, frame: VideoFrame, faces: list[RawFace]) -> None:
        """The first look found these faces: remember the largest one's box for a later miss (costs ~nothing)."""
        h, w = frame.image.shape[:2]
        self._box = max((landmark_box(f, w, h) for f in faces), key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
        self._box_t = frame.t

    def look(self, frame: VideoFrame) -> tuple[list[RawFace], FaceSearch]:
        """The faces the first look missed in this frame, and what the search did."""
        start = time.perf_counter()
        if picture_detail(frame.image) < BLANK_DETAIL:
            return [], FaceSearch("blank")
        faces, search = self._search(frame)
        seconds = time.perf_counter() - start
        self.busy_s += seconds
        return faces, FaceSearch(search.outcome, search.boxes, search.detector_ran, round(seconds, 4))

    def _search(self, frame: VideoFrame) -> tuple[list[RawFace], FaceSearch]:
        if self._box is not None and frame.t - self._box_t <= self.options.track_max_gap_s:
            faces = self._landmark(frame, [self._box], context=1.8)
            if faces:
                return faces, FaceSearch("found")
        if frame.t < self._next_detect_t:
            return [], FaceSearch("waiting")
        return self._detect_and_landmark(frame)

    def _detect_and_landmark(self, frame: VideoFrame) -> tuple[list[RawFace], FaceSearch]:
        boxes = self._get_detector().detect(frame.image)
        self.detector_runs += 1
        self._misses = 0 if boxes else min(self._misses + 1, _MAX_BACKOFF)
        interval = self.options.second_look_interval_s * min(2 ** self._misses, _MAX_BACKOFF)
        self._next_detect_t = frame.t + interval
        s = frame.scale
        source_boxes = tuple(tuple(round(v * s, 1) for v in b) for b in boxes)
        if not boxes:
            return [], FaceSearch("none", detector_ran=True)
        faces = self._landmark(frame, boxes[:_MAX_CANDIDATES], context=_CROP_CONTEXT)
        return faces, FaceSearch("found" if faces else "unjudged", source_boxes, detector_ran=True)

    def _landmark(self, frame: VideoFrame, boxes: list[Box], context: float) -> list[RawFace]:
        h, w = frame.image.shape[:2]
        found: list[RawFace] = []
        for box in boxes:
            crop = Crop.around(box, context)
            self.crop_runs += 1
            for raw in self._get_landmarker().detect_image(crop.cut(frame.image)):
                face = RawFace(crop.to_frame(raw.landmarks, w, h), raw.blendshapes, raw.matrix)
                if not any(_overlap(landmark_box(face, w, h), landmark_box(f, w, h)) > 0.3 for f in found):
                    found.append(face)
            if found and len(found) >= self.options.max_faces:
                break
        if found:
            self.seen(frame, found)
        return found

    def _get_landmarker(self) -> FaceLandmarkerRunner:
        if self._landmarker is None:
            self._landmarker = FaceLandmarkerRunner(self.options, still_images=True)
        return self._landmarker

    def _get_detector(self) -> FaceDetector:
        if self._detector is None:
            self._detector = FaceDetector(self.options.second_look_detector)
        return self._detector


def _overlap(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
