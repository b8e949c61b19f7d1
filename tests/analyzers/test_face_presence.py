from __future__ import annotations

import numpy as np
import pytest

from interview_guard.analyzers.core import Indicator
from interview_guard.analyzers.face_presence import FacePresenceAnalyzer
from interview_guard.liveness.appearance import THUMB, FramePicture
from interview_guard.options import AnalysisOptions
from tests.analyzers.helpers import face, frames, run


def test_no_face_span_matches_the_gap() -> None:
    ff = frames(10.0, lambda t: [] if 3.0 <= t < 6.0 else [face(t)])
    found = run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff)
    assert [i.check for i in found] == ["no_face"]
    assert found[0].start == pytest.approx(3.0, abs=0.05)
    assert found[0].end == pytest.approx(6.0, abs=0.05)
    assert "3.0 s" in found[0].reason and found[0].evidence[0].frame_times


def test_short_absence_and_one_frame_flicker_raise_nothing() -> None:
    ff = frames(10.0, lambda t: [] if 2.0 <= t < 3.5 or t == 7.0 else [face(t)])
    assert run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff) == []


def test_flicker_inside_a_long_absence_does_not_split_it() -> None:
    ff = frames(12.0, lambda t: [face(t)] if t < 2.0 or t == 5.0 or t >= 9.0 else [])
    found = [i for i in run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff) if i.check == "no_face"]
    assert len(found) == 1 and found[0].start == pytest.approx(2.0) and found[0].end == pytest.approx(9.0)


def test_absence_running_to_the_end_is_closed_by_finish() -> None:
    ff = frames(8.0, lambda t: [face(t)] if t < 4.0 else [])
    found = run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff, end=8.0)
    assert found[0].check == "no_face" and found[0].end == pytest.approx(8.0)


def test_face_partly_out_of_frame() -> None:
    ff = frames(6.0, lambda t: [face(t, in_frame=0.6 if t >= 2.0 else 1.0)])
    found = run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff)
    assert [i.check for i in found] == ["face_partly_out"]
    assert found[0].start == pytest.approx(2.0)


def _picture(grey: float) -> FramePicture:
    """A 16 x 16 thumbnail: the face's part (the helper's face covers the middle) at `grey`, the rest at 90."""
    thumb = np.full((THUMB, THUMB), 90.0, np.float32)
    thumb[5:11, 5:11] = grey
    return FramePicture(thumb=thumb, background_luma=90.0)


def _gap(**kwargs) -> Indicator:
    (found,) = run(FacePresenceAnalyzer.from_settings(AnalysisOptions()),
                   frames(10.0, lambda t: [] if 3.0 <= t < 6.0 else [face(t)], **kwargs))
    return found


def test_a_blank_picture_is_certain() -> None:
    blank = _gap(detail_at=lambda t: 1.0)
    assert blank.confidence > 0.9 and "blank" in blank.reason


def test_left_the_camera_only_when_the_picture_where_the_face_was_changed() -> None:
    left = _gap(picture_at=lambda t: _picture(30.0 if 3.0 <= t < 6.0 else 160.0))
    assert left.confidence == 0.8 and "left the camera" in left.reason
    assert left.measurements["steady_before"] is True and left.measurements["picture_change"] > 100


def test_an_unchanged_picture_means_the_detector_lost_the_face() -> None:
    lost = _gap(picture_at=lambda t: _picture(160.0))
    assert lost.confidence <= 0.3 and "left the camera" not in lost.reason and "detector lost" in lost.reason


def test_without_pictures_the_reason_names_both_causes() -> None:
    unknown = _gap()
    assert 0.5 <= unknown.confidence < 0.8 and "or the detector lost the face" in unknown.reason


def test_a_face_found_once_does_not_make_the_candidate_leave() -> None:
    """The DFDC case: a seated person found in 1 of 100 frames; the rest is the detector's failure."""
    ff = frames(10.0, lambda t: [face(t)] if t == 0.5 else [], picture_at=lambda t: _picture(160.0))
    found = [i for i in run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), ff) if i.check == "no_face"]
    assert found and all(i.confidence <= 0.3 for i in found)
    assert all("left the camera" not in i.reason and "could not be found" in i.reason for i in found)
    assert "1 of 100" in found[-1].reason


def test_a_never_found_face_is_doubtful() -> None:
    (doubt,) = run(FacePresenceAnalyzer.from_settings(AnalysisOptions()), frames(10.0, lambda t: []))
    assert doubt.confidence <= 0.3 and "too small, too dark" in doubt.reason
