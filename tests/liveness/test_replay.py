"""frozen_video, replay_loop and still_image on frames with known truth."""

from __future__ import annotations

import numpy as np

from interview_guard.analyzers.replay import ReplayAnalyzer
from interview_guard.liveness.appearance import THUMB
from interview_guard.options import AnalysisOptions
from tests.liveness.frames import base_landmarks, blend_with_blink, frame, observation, run, similarity

FPS = 10.0


def moving_thumbs(seconds: float, seed: int) -> list[np.ndarray]:
    """Thumbnails of a face that keeps moving: a smooth random walk of grey levels."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(60, 180, (THUMB, THUMB))
    out = []
    for _ in range(int(seconds * FPS)):
        level = np.clip(level + rng.normal(0, 4, level.shape), 0, 255)
        out.append(level.astype(np.float32))
    return out


def frames_from(thumbs: list[np.ndarray], noise: float = 0.3, seed: int = 1) -> list:
    rng = np.random.default_rng(seed)
    out = []
    for k, thumb in enumerate(thumbs):
        t = k / FPS
        seen = thumb + rng.normal(0, noise, thumb.shape).astype(np.float32)  # compression noise
        out.append(frame(t, (observation(t, face_thumb=seen),), picture_thumb=seen * 0.5 + 40))
    return out


def checks(found) -> list[str]:
    return [i.check for i in found]


def test_a_recording_played_three_times_is_a_loop_with_its_lag() -> None:
    clip = moving_thumbs(6.0, seed=2)
    found = run(ReplayAnalyzer.from_settings(AnalysisOptions()), frames_from(clip * 3))
    loops = [i for i in found if i.check == "replay_loop"]
    assert loops, checks(found)
    assert abs(loops[0].measurements["lag_s"] - 6.0) < 0.15
    assert loops[0].start >= 5.9 and loops[0].end - loops[0].start >= 5.0
    assert "frozen_video" not in checks(found)


def test_a_face_that_never_repeats_is_no_loop() -> None:
    assert "replay_loop" not in checks(run(ReplayAnalyzer.from_settings(AnalysisOptions()), frames_from(moving_thumbs(18.0, 3))))


def test_a_still_scene_seen_twice_is_not_called_a_loop() -> None:
    still = [np.full((THUMB, THUMB), 100.0, np.float32)] * 60
    found = run(ReplayAnalyzer.from_settings(AnalysisOptions()), frames_from(still, noise=1.0))
    assert "replay_loop" not in checks(found) and "frozen_video" not in checks(found)


def test_identical_frames_for_two_seconds_are_frozen_video() -> None:
    clip = moving_thumbs(3.0, seed=4)
    frozen = clip[:10] + [clip[10]] * 20 + clip[10:]
    found = run(ReplayAnalyzer.from_settings(AnalysisOptions()), frames_from(frozen, noise=0.0))
    spans = [i for i in found if i.check == "frozen_video"]
    assert len(spans) == 1 and 1.0 <= spans[0].start <= 1.2 and 1.8 <= spans[0].end - spans[0].start <= 2.2


def photo_frames(seconds: float, living: bool) -> list:
    """A face panning and zooming as a whole; `living` adds blinks and mouth motion."""
    base, out = base_landmarks(), []
    rng = np.random.default_rng(5)
    for k in range(int(seconds * FPS)):
        t = k / FPS
        lm = similarity(base, (0.02 * np.sin(t / 3), 0.01 * np.cos(t / 4)), 1 + 0.05 * np.sin(t / 5), 2 * np.sin(t))
        lm[:, :2] += rng.normal(0, 0.0003, (478, 2)).astype(np.float32)  # detector noise
        blend = np.zeros(52, np.float32)
        if living:
            lm[0:40, 1] += 0.01 * (1 + np.sin(3 * t))  # lips
            blend = blend_with_blink(0.7 if (k % 37) < 2 else 0.05)
            blend[25] = 0.2 * (1 + np.sin(3 * t))
        out.append(frame(t, (observation(t, landmarks=lm, blend=blend, face_thumb=np.full((16, 16), 100 + k % 7,
                                                                                           np.float32)),)))
    return out


def test_a_photo_that_pans_and_zooms_is_a_still_image() -> None:
    found = run(ReplayAnalyzer.from_settings(AnalysisOptions()), photo_frames(20.0, living=False))
    still = [i for i in found if i.check == "still_image"]
    assert len(still) == 1 and still[0].end - still[0].start >= 15


def test_a_living_face_making_the_same_head_motion_is_not() -> None:
    assert "still_image" not in checks(run(ReplayAnalyzer.from_settings(AnalysisOptions()), photo_frames(20.0, living=True)))
