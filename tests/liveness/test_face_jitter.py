"""The face's jitter against its head (liveness/jitter.py and face_flicker), on pictures made here."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from interview_guard.analyzers.face_swap import JITTER_LIMIT, FaceSwapAnalyzer
from interview_guard.liveness.jitter import EYES_AND_NOSE, cut_patches, unexplained_shift
from interview_guard.options import AnalysisOptions
from tests.liveness.frames import SIZE, frame, observation, run

FACE = (200.0, 160.0, 440.0, 420.0)  # x0, y0, x1, y1 of the landmark cloud, pixels
FACE_PART = (220, 180, 420, 400)  # what moves when only the face moves (below the hair patch)


def landmarks() -> np.ndarray:
    """(478, 2) pixel landmarks: a cloud filling FACE, eyes and nose in its middle, eyes 100 px apart."""
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(FACE[0], FACE[2], 478), rng.uniform(FACE[1], FACE[3], 478)])
    xy[list(EYES_AND_NOSE)] = np.column_stack([rng.uniform(270, 370, len(EYES_AND_NOSE)),
                                                rng.uniform(240, 330, len(EYES_AND_NOSE))])
    xy[33], xy[263] = (270.0, 260.0), (370.0, 260.0)
    return xy.astype(np.float32)


def texture(seed: int = 0) -> np.ndarray:
    """A picture with detail everywhere (smoothed noise), RGB."""
    noise = np.random.default_rng(seed).uniform(0, 255, (SIZE[1], SIZE[0])).astype(np.float32)
    grey = np.clip(cv2.GaussianBlur(noise, (0, 0), 2.0) * 4 - 384, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)


def shifted(image: np.ndarray, dx: float, dy: float, part: tuple[int, int, int, int] | None = None) -> np.ndarray:
    moved = cv2.warpAffine(image, np.float32([[1, 0, dx], [0, 1, dy]]), SIZE, flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REFLECT)
    if part is None:
        return moved
    out = image.copy()
    x0, y0, x1, y1 = part
    out[y0:y1, x0:x1] = moved[y0:y1, x0:x1]
    return out


def test_a_face_moved_against_its_head_is_measured_in_eye_distances() -> None:
    xy, image = landmarks(), texture()
    before = cut_patches(image, xy)
    assert before is not None and before.eye_px == pytest.approx(100.0)
    found = unexplained_shift(before, cut_patches(shifted(image, 1.5, -1.0, FACE_PART), xy))
    assert found is not None
    relative, head = found
    # 1.5 and -1 px of 100 px; phase correlation's sub-pixel peak is off by up to ~0.3 px
    assert relative == pytest.approx([0.015, -0.010], abs=0.003)
    assert head < 0.002


def test_a_head_moving_with_its_face_leaves_nothing_unexplained() -> None:
    xy, image = landmarks(), texture()
    relative, head = unexplained_shift(cut_patches(image, xy), cut_patches(shifted(image, 2.0, 1.0), xy))
    assert np.abs(relative).max() < 0.002
    assert head == pytest.approx(np.hypot(2.0, 1.0) / 100.0, abs=0.002)


def test_no_patches_when_the_area_above_the_face_is_outside_the_picture() -> None:
    xy = landmarks() - np.float32([0.0, 150.0])  # the face at the top edge: no hair patch above it
    assert cut_patches(texture(), xy) is None


def _frames(jerk_px: float, seconds: float = 7.0, fps: float = 30.0) -> list:
    """The texture drifting slowly as a whole (a steady head), the face part also jerking by jerk_px."""
    xy, image, rng = landmarks(), texture(), np.random.default_rng(1)
    normalised = np.zeros((478, 3), np.float32)
    normalised[:, :2] = xy / np.float32(SIZE)
    frames = []
    for i in range(int(seconds * fps)):
        t = i / fps
        picture = shifted(image, 3.0 * np.sin(t), 2.0 * np.sin(0.7 * t))
        if jerk_px:
            picture = shifted(picture, *rng.normal(0.0, jerk_px, 2), FACE_PART)
        face = observation(t, landmarks=normalised)
        face = replace(face, appearance=replace(face.appearance, motion=cut_patches(picture, xy)))
        frames.append(frame(t, (face,), analysed=i % 3 == 0))
    return frames


def test_a_face_jerking_against_a_steady_head_raises_face_flicker() -> None:
    analyzer = FaceSwapAnalyzer.from_settings(AnalysisOptions())
    found = [i for i in run(analyzer, _frames(jerk_px=1.5)) if i.check == "face_flicker"]
    assert found, "a face jerking by 1.5 px against its head was not flagged"
    assert found[0].measurements["jitter_eye_pct"] > 100 * JITTER_LIMIT
    assert "jerked against the hair above them" in found[0].reason
    assert "flicker_grey" not in found[0].measurements or found[0].measurements["flicker_grey"] < 2.0


def test_a_face_moving_with_its_head_raises_nothing_and_is_measured() -> None:
    analyzer = FaceSwapAnalyzer.from_settings(AnalysisOptions())
    assert not run(analyzer, _frames(jerk_px=0.0))
    jitter = next(s for s in analyzer.series() if s.name == "face_jitter")
    values = [v for v in jitter.values if v is not None]
    assert len(values) >= 2 and max(values) < 0.3 * 100 * JITTER_LIMIT


def test_jitter_is_not_judged_from_frames_too_far_apart() -> None:
    analyzer = FaceSwapAnalyzer.from_settings(AnalysisOptions())
    ten_fps = [f for f in _frames(jerk_px=1.5) if f.analysed]  # what --no-lip-sync gives by default
    assert not run(analyzer, ten_fps)
    assert all(v is None for v in next(s for s in analyzer.series() if s.name == "face_jitter").values)
