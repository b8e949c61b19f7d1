"""The second look: a small, dark face the landmarker misses is found on a crop; blank pictures cost nothing."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from interview_guard.faces import FaceLandmarkerRunner
from interview_guard.faces.second_look import SecondLook
from interview_guard.media.core import VideoFrame
from interview_guard.options import FaceOptions


def _small_dark_face(media_dir: Path) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """fr_obama.jpg shrunk to a 90 px-high head, 60 % darker, pasted on a 640x360 dim wall."""
    photo = cv2.cvtColor(cv2.imread(str(media_dir / "portraits" / "fr_obama.jpg")), cv2.COLOR_BGR2RGB)
    small = cv2.resize(photo, (72, 90), interpolation=cv2.INTER_AREA)
    canvas = np.repeat(np.linspace(20, 110, 640, dtype=np.uint8)[None, :, None], 360, 0).repeat(3, 2)  # a dim wall
    x0, y0 = 420, 60
    canvas[y0:y0 + 90, x0:x0 + 72] = (small * 0.4).astype(np.uint8)
    return canvas, (x0, y0, x0 + 72, y0 + 90)


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
