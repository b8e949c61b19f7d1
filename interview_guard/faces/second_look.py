"""The second look: find the face the landmarker missed (small, far, dim) and landmark it on an enlarged crop.

Runs only on frames where the first look (the VIDEO-mode landmarker on the whole frame) found no face and the
picture is not blank. In order, cheapest first:
1. a tracked box: the last face's box (from either look, within `track_max_gap_s`): the IMAGE-mode landmarker on
   an enlarged, contrast-normalised crop there (a few ms);
2. otherwise, at most once per `second_look_interval_s` of video: a full-frame face detector (upright, then, when
   it finds nothing, on the picture turned by each of `second_look_turns`, +-25 degrees, for rolled heads), then
   the landmarker on a crop around each of its boxes, turned as the box was found.
A tracked face rolled by more than 15 degrees is cropped turned upright (the landmarker's own detector misses
small rolled faces).
Landmarks found on a crop are mapped back to the frame's normalised coordinates, so every later check reads them
as if the first look had found them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np

from interview_guard.faces.core import BLANK_DETAIL, FaceSearch, HeadPose, picture_detail
from interview_guard.faces.landmarker import FaceLandmarkerRunner, RawFace
from interview_guard.media.core import VideoFrame
from interview_guard.options import FaceOptions

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) in analysed-image pixels

CROP_PX = 256  # crops are scaled to this side: the face then fills about half of the landmarker's input
_CROP_CONTEXT = 2.0  # crop side / face side (MediaPipe's detector wants the face with some context)
_MAX_CANDIDATES = 3  # detector boxes landmarked per search, largest first
_MAX_BACKOFF = 4  # the detector interval grows up to this many times while it finds nothing
_UPRIGHT_ROLL = 15.0  # a tracked face rolled more than this is cropped turned upright


@dataclass(frozen=True)
class Crop:
    """A square region of the analysed image, possibly reaching past its edges (padded black), turned by `angle`
    degrees (OpenCV's sense, counter-clockwise on screen) so that a face rolled by -angle stands upright in it."""

    x0: float
    y0: float
    side: float
    angle: float = 0.0

    @classmethod
    def around(cls, box: Box, context: float = _CROP_CONTEXT, angle: float = 0.0) -> "Crop":
        side = max(box[2] - box[0], box[3] - box[1], 8.0) * context
        return cls((box[0] + box[2]) / 2 - side / 2, (box[1] + box[3]) / 2 - side / 2, side, angle)

    def _matrix(self, size: int) -> np.ndarray:
        """Analysed-image pixels -> crop pixels."""
        cx, cy = self.x0 + self.side / 2, self.y0 + self.side / 2
        m = cv2.getRotationMatrix2D((cx, cy), self.angle, size / self.side)
        m[:, 2] += (size / 2 - cx, size / 2 - cy)
        return m

    def cut(self, image: np.ndarray, size: int = CROP_PX) -> np.ndarray:
        """The region scaled to size x size, with CLAHE on its lightness (dim faces get their contrast back)."""
        interp = cv2.INTER_CUBIC if size > self.side else cv2.INTER_AREA
        crop = cv2.warpAffine(image, self._matrix(size), (size, size), flags=interp, borderMode=cv2.BORDER_CONSTANT)
        return normalise_contrast(crop)

    def to_frame(self, landmarks: np.ndarray, width: int, height: int, size: int = CROP_PX) -> np.ndarray:
        """Landmarks normalised to the crop -> normalised to the frame (z scales with x, as MediaPipe's does)."""
        back = cv2.invertAffineTransform(self._matrix(size))
        xy = landmarks[:, :2].astype(np.float64) * size
        out = landmarks.astype(np.float32).copy()
        out[:, 0] = (xy @ back[0, :2] + back[0, 2]) / width
        out[:, 1] = (xy @ back[1, :2] + back[1, 2]) / height
        out[:, 2] = landmarks[:, 2] * self.side / width
        return out

    def pose_to_frame(self, matrix: np.ndarray) -> np.ndarray:
        """The facial transformation matrix found on the crop, with the crop's turn taken off its roll."""
        if not self.angle:
            return matrix
        a = np.radians(-self.angle)
        turn = np.eye(4, dtype=np.float32)
        turn[:2, :2] = ((np.cos(a), -np.sin(a)), (np.sin(a), np.cos(a)))
        return (turn @ matrix).astype(np.float32)


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
        return self._boxes(normalised_grey(rgb))

    def detect_turned(self, rgb: np.ndarray, angle: float) -> list[Box]:
        """Faces upright in the picture turned by `angle` degrees about its centre (the faces rolled by -angle):
        their boxes moved back to the picture's own pixels (the box is square to the turned picture: crop it with
        Crop.around(box, angle=angle))."""
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        h, w = grey.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        back = cv2.invertAffineTransform(turn)
        turned = cv2.warpAffine(grey, turn, (w, h), borderMode=cv2.BORDER_REPLICATE)
        boxes = []
        for b in self._boxes(_clahe().apply(turned)):  # CLAHE after the turn: its tiles follow the face
            cx, cy = back @ np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 1.0])
            hw, hh = (b[2] - b[0]) / 2, (b[3] - b[1]) / 2
            boxes.append((float(cx - hw), float(cy - hh), float(cx + hw), float(cy + hh)))
        return boxes

    def _boxes(self, grey: np.ndarray) -> list[Box]:
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
        self._matrix: np.ndarray | None = None  # the last face's pose
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
        largest = max(faces, key=lambda f: _area(landmark_box(f, w, h)))
        self._box, self._box_t = landmark_box(largest, w, h), frame.t
        self._matrix = largest.matrix  # its roll is read only when a later frame needs the tracked crop

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
            turn = self._upright_turn()
            for angle in (turn, 0.0) if turn else (0.0,):  # turned for a rolled face, and upright if that fails
                faces = self._landmark(frame, [(self._box, angle)], context=1.8)
                if faces:
                    return faces, FaceSearch("found")
        if frame.t < self._next_detect_t:
            return [], FaceSearch("waiting")
        return self._detect_and_landmark(frame)

    def _upright_turn(self) -> float:
        """The crop's turn that stands the tracked face upright (0 for a face held nearly upright)."""
        if self._matrix is None or not self.options.second_look_turns:
            return 0.0
        roll = HeadPose.from_matrix(self._matrix).roll
        return -roll if abs(roll) > _UPRIGHT_ROLL else 0.0

    def _detect_and_landmark(self, frame: VideoFrame) -> tuple[list[RawFace], FaceSearch]:
        detector = self._get_detector()
        found = [(b, 0.0) for b in detector.detect(frame.image)]
        for angle in self.options.second_look_turns if not found else ():
            found = [(b, angle) for b in detector.detect_turned(frame.image, angle)]
            if found:
                break
        boxes = [b for b, _ in found]
        self.detector_runs += 1
        self._misses = 0 if boxes else min(self._misses + 1, _MAX_BACKOFF)
        interval = self.options.second_look_interval_s * min(2 ** self._misses, _MAX_BACKOFF)
        self._next_detect_t = frame.t + interval
        s = frame.scale
        source_boxes = tuple(tuple(round(v * s, 1) for v in b) for b in boxes)
        if not boxes:
            return [], FaceSearch("none", detector_ran=True)
        faces = self._landmark(frame, found[:_MAX_CANDIDATES], context=_CROP_CONTEXT)
        return faces, FaceSearch("found" if faces else "unjudged", source_boxes, detector_ran=True)

    def _landmark(self, frame: VideoFrame, boxes: list[tuple[Box, float]], context: float) -> list[RawFace]:
        """The landmarker on a crop around each (box, turn); landmarks and pose mapped back to the frame."""
        h, w = frame.image.shape[:2]
        found: list[RawFace] = []
        for box, angle in boxes:
            crop = Crop.around(box, context, angle)
            self.crop_runs += 1
            for raw in self._get_landmarker().detect_image(crop.cut(frame.image)):
                face = RawFace(crop.to_frame(raw.landmarks, w, h), raw.blendshapes, crop.pose_to_frame(raw.matrix))
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


def _area(b: Box) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _overlap(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
