"""The forgery stage scores each face a few times a second, and only faces the model can judge."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from interview_guard.faces.core import FaceFrame, HeadPose
from interview_guard.forgery.crop import CROP_SIZE
from interview_guard.forgery.stage import ForgeryStage
from interview_guard.media.core import VideoFrame
from interview_guard.options import ForgeryOptions
from tests.analyzers.helpers import face


class CountingModel:
    """Stands in for the ONNX model: records the crops it was given, scores them 0.8."""

    def __init__(self) -> None:
        self.crops: list[np.ndarray] = []

    def score(self, crops):
        self.crops += crops
        return np.full(len(crops), 0.8, np.float32), np.zeros((len(crops), 4, 4), np.float32)


def _frame(t: float, faces, analysed: bool = True) -> tuple[VideoFrame, FaceFrame]:
    image = np.full((480, 640, 3), 120, np.uint8)
    return (VideoFrame(int(t * 30), t, image, (640, 480), analysed),
            FaceFrame(t, int(t * 30), (640, 480), tuple(faces), analysed=analysed))


def _run(stage: ForgeryStage, seconds: float, faces_at, fps: float = 10.0) -> list[FaceFrame]:
    out = []
    for k in range(int(seconds * fps)):
        t = round(k / fps, 3)
        out.append(stage.process(*_frame(t, faces_at(t))))
    return out


def test_each_track_is_scored_at_the_set_rate():
    model = CountingModel()
    out = _run(ForgeryStage(ForgeryOptions(per_second=2.0), model), 3.0, lambda t: [face(t, 1), face(t, 2, x=0.2)])
    scored = [(f.t, o.track_id) for f in out for o in f.faces if o.forgery is not None]
    assert len(scored) == 12 and {tr for _, tr in scored} == {1, 2}
    assert all(c.shape == (CROP_SIZE, CROP_SIZE, 3) for c in model.crops)
    assert all(o.forgery.probability == np.float32(0.8) for f in out for o in f.faces if o.forgery)


def test_faces_the_model_cannot_judge_are_left_alone():
    model = CountingModel()
    stage = ForgeryStage(ForgeryOptions(min_face_px=48.0, max_yaw=35.0), model)
    tiny = face(0.0, 1, size=0.05)  # 32 px wide in a 640 px frame
    turned = replace(face(0.0, 2), pose=HeadPose(60.0, 0.0, 0.0))
    cut = face(0.0, 3, in_frame=0.6)
    out = stage.process(*_frame(0.0, [tiny, turned, cut]))
    assert model.crops == [] and all(o.forgery is None for o in out.faces)


def test_the_extra_full_rate_frames_are_not_scored():
    model = CountingModel()
    out = ForgeryStage(ForgeryOptions(), model).process(*_frame(0.0, [face(0.0)], analysed=False))
    assert model.crops == [] and out.faces[0].forgery is None


def test_the_score_carries_the_crop_box_in_source_pixels():
    """The heat map is drawn over this box on the evidence frame: it must cover the face, in source pixels."""
    image = np.full((240, 320, 3), 120, np.uint8)  # analysed at half the 640 x 480 source
    f = face(0.0, 1, x=0.5, size=0.3)
    frame = VideoFrame(0, 0.0, image, (640, 480))
    out = ForgeryStage(ForgeryOptions(), CountingModel()).process(frame, FaceFrame(0.0, 0, (640, 480), (f,)))
    x0, y0, x1, y1 = out.faces[0].forgery.box
    fx0, fy0, fx1, fy1 = f.box
    assert x0 <= fx0 + 1 and x1 >= fx1 - 1 and y0 <= fy0 + 1 and y1 >= fy1 - 1
    assert x1 - x0 < 3 * (fx1 - fx0)  # a turned square (this synthetic face lies on a diagonal) bounds wider
