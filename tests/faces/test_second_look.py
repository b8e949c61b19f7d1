"""The second look: a small, dark face the landmarker misses is found on a crop (also rolled by 30 degrees);
blank pictures cost nothing."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from interview_guard.faces import FaceLandmarkerRunner
from interview_guard.faces.core import HeadPose
from interview_guard.faces.second_look import CROP_PX, Crop, SecondLook
from interview_guard.media.core import VideoFrame
from interview_guard.options import FaceOptions


def _small_dark_face(media_dir: Path, height: int = 90) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """fr_obama.jpg shrunk to a `height` px-high head, 60 % darker, pasted on a 640x360 dim wall."""
    photo = cv2.cvtColor(cv2.imread(str(media_dir / "portraits" / "fr_obama.jpg")), cv2.COLOR_BGR2RGB)
    width = int(height * 0.8)
    small = cv2.resize(photo, (width, height), interpolation=cv2.INTER_AREA)
    canvas = np.repeat(np.linspace(20, 110, 640, dtype=np.uint8)[None, :, None], 360, 0).repeat(3, 2)  # a dim wall
    x0, y0 = 420, 60
    canvas[y0:y0 + height, x0:x0 + width] = (small * 0.4).astype(np.uint8)
    return canvas, (x0, y0, x0 + width, y0 + height)


def _frame(image: np.ndarray, t: float = 0.0) -> VideoFrame:
    return VideoFrame(index=int(t * 10), t=t, image=image, source_size=(1920, 1080))


def test_a_small_dark_face_is_found_with_landmarks_in_place(media_dir: Path) -> None:
    image, (x0, y0, x1, y1) = _small_dark_face(media_dir)
    with FaceLandmarkerRunner(FaceOptions()) as first, SecondLook(FaceOptions()) as second:
        assert first.detect(_frame(image)) == []  # the first look misses it
        faces, search = second.look(_frame(image))
        assert search.outcome == "found" and search.detector_ran and len(faces) == 1
        xs, ys = faces[0].landmarks[:, 0] * 640, faces[0].landmarks[:, 1] * 360
        assert x0 - 5 <= xs.mean() <= x1 + 5 and y0 - 5 <= ys.mean() <= y1 + 5
        # the next frame: the crop at the tracked box finds it again without the full-frame detector
        faces, search = second.look(_frame(image, 0.1))
        assert faces and not search.detector_ran and second.detector_runs == 1


def test_a_blank_picture_gets_no_search() -> None:
    with SecondLook(FaceOptions()) as second:
        faces, search = second.look(_frame(np.zeros((360, 640, 3), np.uint8)))
    assert faces == [] and search.outcome == "blank" and second.detector_runs == 0 and second.crop_runs == 0


def test_the_detector_is_rate_limited_on_a_faceless_picture() -> None:
    rng = np.random.default_rng(1)
    with SecondLook(FaceOptions(second_look_interval_s=0.3)) as second:
        outcomes = [second.look(_frame(cv2.GaussianBlur(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8),
                                                        (0, 0), 1.5), i / 10))[1] for i in range(30)]
    assert all(not s.boxes or s.outcome != "found" for s in outcomes)
    assert 1 <= second.detector_runs <= 3 / 0.3 + 1  # at most once per interval over 3 s, fewer with back-off


def _rolled(image: np.ndarray, box: tuple[int, int, int, int], degrees: float) -> np.ndarray:
    """The picture turned by `degrees` (OpenCV's sense) about the face's centre: the head rolls by that much."""
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    turn = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(image, turn, image.shape[1::-1], borderMode=cv2.BORDER_REPLICATE)


def test_a_turned_crop_maps_its_points_back_to_the_frame() -> None:
    image = np.zeros((360, 640, 3), np.uint8)
    image[100:103, 300:303] = 255  # a bright dot at (301, 101)
    crop = Crop(250.0, 60.0, 120.0, angle=25.0)
    cut = crop.cut(image).max(axis=2)
    y, x = np.unravel_index(np.argmax(cut), cut.shape)
    lm = np.zeros((478, 3), np.float32)
    lm[:, :2] = ((x + 0.5) / CROP_PX, (y + 0.5) / CROP_PX)
    back = crop.to_frame(lm, 640, 360)
    assert back[0, 0] * 640 == pytest.approx(301.5, abs=1.5) and back[0, 1] * 360 == pytest.approx(101.5, abs=1.5)
    upright = Crop(250.0, 60.0, 120.0).cut(image).max(axis=2)
    uy, ux = np.unravel_index(np.argmax(upright), upright.shape)
    assert np.hypot(ux - x, uy - y) > 10  # turned: the dot is not where an upright crop puts it


@pytest.mark.parametrize("degrees", [30.0, -30.0])
def test_a_small_rolled_face_is_found_upright_and_its_roll_kept(media_dir: Path, degrees: float) -> None:
    image, box = _small_dark_face(media_dir, height=110)  # rolled, the first look misses it at this size too
    image = _rolled(image, box, degrees)
    with FaceLandmarkerRunner(FaceOptions()) as first, SecondLook(FaceOptions()) as second:
        assert first.detect(_frame(image)) == []
        faces, search = second.look(_frame(image))
        assert search.outcome == "found" and len(faces) == 1
        xs, ys = faces[0].landmarks[:, 0] * 640, faces[0].landmarks[:, 1] * 360
        assert box[0] - 5 <= xs.mean() <= box[2] + 5 and box[1] - 5 <= ys.mean() <= box[3] + 5
        # the pose is the frame's, not the turned crop's: the head's roll as rolled
        assert HeadPose.from_matrix(faces[0].matrix).roll == pytest.approx(degrees, abs=8.0)
        # the next frame: the tracked crop, turned by that roll, finds it without the detector
        faces, search = second.look(_frame(image, 0.1))
        assert faces and not search.detector_ran and second.detector_runs == 1
