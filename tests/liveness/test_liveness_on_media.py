"""The liveness checks on real clips and on manipulations of them made at test time."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.manipulations import looped, still_photo_video, with_face_jitter, with_frozen_stretches
from interview_guard.options import (AnalysisOptions, IdentityOptions, LipSyncOptions, LivenessOptions,
                                     SpeechOptions)
from interview_guard.inputs import SessionInputs
from interview_guard.pipeline import analyze_recording
from interview_guard.summary import SessionSummary

LIVENESS = {"no_pulse", "pulse_mismatch", "blink_anomaly", "frozen_video", "replay_loop", "still_image",
            "face_swap_seam", "face_flicker"}


def analyze(path: Path, challenges: tuple[tuple[float, float], ...] = (), full_rate: bool = False) -> SessionSummary:
    options = AnalysisOptions(speech=SpeechOptions(enabled=False), identity=IdentityOptions(enabled=False),
                              lip_sync=LipSyncOptions(enabled=False),
                              liveness=LivenessOptions(full_rate=full_rate))
    return analyze_recording(path, options, progress=False, inputs=SessionInputs(challenges=challenges))


def found(summary: SessionSummary, check: str) -> list:
    return [i for i in summary.indicators if i.check == check]


@pytest.fixture(scope="module")
def clip(media_dir: Path) -> Path:
    return media_dir / "talking_head_real" / "retalking_2_swalwell.mp4"


def test_the_real_clip_raises_no_liveness_check(clip: Path) -> None:
    summary = analyze(clip)
    assert not {i.check for i in summary.indicators} & LIVENESS
    assert {"replay_loop", "still_image", "no_pulse"} <= set(summary.checks_run)


def test_a_clip_played_three_times_is_a_replay_with_both_copies_as_evidence(clip: Path, ffmpeg: str,
                                                                            tmp_path: Path) -> None:
    summary = analyze(looped(clip, tmp_path, times=3))
    loops = found(summary, "replay_loop")
    assert loops, [i.check for i in summary.indicators]
    assert abs(loops[0].measurements["lag_s"] - 5.0) < 0.2  # the clip's own length
    assert [e.note for e in loops[0].evidence] == ["the repeat", "the earlier copy"]
    assert summary.risk.level in ("review", "high")


def test_a_face_jerking_against_its_head_is_flagged_and_the_real_face_is_not(clip: Path, ffmpeg: str,
                                                                            tmp_path: Path) -> None:
    real = analyze(clip, full_rate=True)
    assert not found(real, "face_flicker")
    jitter = [v for s in real.series if s.name == "face_jitter" for v in s.values if v is not None]
    assert jitter and max(jitter) < 1.0, jitter  # % of the eye distance; judged at the full frame rate
    jerky = analyze(with_face_jitter(clip, tmp_path, eye_fraction=0.02), full_rate=True)
    flicker = found(jerky, "face_flicker")
    assert flicker, [i.check for i in jerky.indicators]
    assert flicker[0].measurements["jitter_eye_pct"] > 2.0
    assert flicker[0].evidence[0].frame_times


def test_frozen_stretches_are_found_where_they_are(clip: Path, ffmpeg: str, tmp_path: Path) -> None:
    summary = analyze(with_frozen_stretches(clip, tmp_path, ((1.0, 1.5), (3.0, 1.5))))
    spans = sorted((i.start, i.end) for i in found(summary, "frozen_video"))
    assert len(spans) == 2, spans
    for (start, end), (want_start, want_end) in zip(spans, [(1.0, 2.5), (3.0, 4.5)]):
        assert abs(start - want_start) <= 0.25 and abs(end - want_end) <= 0.35


def test_a_photo_that_pans_and_zooms_is_a_still_image(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    summary = analyze(still_photo_video(media_dir / "portraits" / "fr_biden.jpg", tmp_path, seconds=20.0))
    still = found(summary, "still_image")
    assert still and still[0].end - still[0].start >= 15
    assert not found(summary, "frozen_video")  # it pans: the frames are not identical


@pytest.mark.parametrize("name, verdict", [("liveportrait_driving_d3.mp4", "pass"),
                                           ("liveportrait_driving_d9.mp4", "pass"),
                                           ("liveportrait_driving_d0.mp4", "not performed")])
def test_challenge_on_real_head_motion(media_dir: Path, name: str, verdict: str) -> None:
    summary = analyze(media_dir / "face_motion" / name, challenges=((0.0, 60.0),))
    (ind,) = found(summary, "challenge")
    assert f": {verdict}" in ind.reason
    assert ind.measurements["performed"] == float(verdict != "not performed")
