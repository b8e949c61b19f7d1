from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from interview_guard.faces import FaceLandmarkerRunner, FaceTracker, HeadPose
from interview_guard.faces.landmarker import RawFace
from interview_guard.media import VideoFrame, open_recording
from interview_guard.options import FaceOptions


def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    y, p, r = np.radians([yaw, pitch, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    m = np.eye(4)
    m[:3, :3] = 1.3 * (rz @ ry @ rx)  # MediaPipe's matrices carry a scale
    return m


@pytest.mark.parametrize("yaw, pitch, roll", [(0, 0, 0), (30, 0, 0), (-45, 10, 5), (10, -20, -15)])
def test_head_pose_recovers_known_angles(yaw: float, pitch: float, roll: float) -> None:
    pose = HeadPose.from_matrix(_rotation(yaw, pitch, roll))
    assert (pose.yaw, pose.pitch, pose.roll) == pytest.approx((yaw, pitch, roll), abs=0.01)


def _raw(x0: float) -> RawFace:
    lm = np.zeros((478, 3), np.float32)
    lm[:, 0] = np.linspace(x0, x0 + 0.2, 478)
    lm[:, 1] = np.linspace(0.3, 0.6, 478)
    return RawFace(lm, np.zeros(52, np.float32), np.eye(4, dtype=np.float32))


def _frame(t: float) -> VideoFrame:
    return VideoFrame(index=int(t * 10), t=t, image=np.zeros((48, 64, 3), np.uint8), source_size=(640, 480))


def test_tracker_keeps_ids_when_faces_change_order_and_drops_stale_tracks() -> None:
    tracker = FaceTracker(max_gap_s=1.0)
    a = tracker.update(_frame(0.0), [_raw(0.1), _raw(0.6)])
    b = tracker.update(_frame(0.1), [_raw(0.62), _raw(0.12)])  # reported in the other order
    assert [f.track_id for f in a.faces] == [1, 2]
    assert [f.track_id for f in b.faces] == [2, 1]
    c = tracker.update(_frame(2.0), [_raw(0.1)])  # gone for 1.9 s: a new track
    assert c.faces[0].track_id == 3


def test_landmarker_finds_one_face_in_a_real_clip(media_dir: Path) -> None:
    clip = media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4"
    counts, yaws = [], []
    with open_recording(clip, need_audio=False) as reader, FaceLandmarkerRunner(FaceOptions()) as runner:
        tracker = FaceTracker(1.5)
        for frame in reader.frames_and_audio():
            ff = tracker.update(frame, runner.detect(frame))
            counts.append(ff.count)
            yaws += [f.pose.yaw for f in ff.faces]
            if ff.faces:
                face = ff.faces[0]
                assert face.blendshapes.shape == (52,)
                assert 0 <= face.box[0] < face.box[2] <= 700
    assert np.mean(np.array(counts) == 1) > 0.95
    assert abs(np.median(yaws)) < 30  # a frontal interview


def test_runner_close_is_safe_twice() -> None:
    runner = FaceLandmarkerRunner(FaceOptions())
    runner.close()
    runner.close()
    with pytest.raises(RuntimeError):
        runner.detect(_frame(0.0))
