"""End to end on the 1080p DFDC fake (a woman seated in a dark room, her face about 34 px wide and 11/255 grey in
the 640 px analysis frame): the second look finds her, and identity, lip-sync and liveness judge the face found,
instead of the clip ending up as `no_face` (issue 3/7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_guard.options import AnalysisOptions
from interview_guard.pipeline import analyze_recording
from interview_guard.summary import SessionSummary


@pytest.fixture(scope="module")
def dfdc(media_dir: Path) -> SessionSummary:
    return analyze_recording(media_dir / "manipulated" / "dfdc_abofeumbvv_FAKE.mp4", AnalysisOptions(), progress=False)


def _judged(summary: SessionSummary, series: str) -> int:
    """How many of a series' points hold a value (None: the check could not judge there)."""
    (found,) = [s for s in summary.series if s.name == series]
    return sum(v is not None for v in found.values)


@pytest.mark.slow
def test_her_face_is_found_on_nearly_every_frame_and_never_reported_missing(dfdc: SessionSummary) -> None:
    assert dfdc.frames_analysed >= 90
    assert dfdc.frames_with_face >= 0.9 * dfdc.frames_analysed
    assert [i for i in dfdc.indicators if i.check == "no_face"] == []
    assert len(dfdc.face_tracks) == 1 and dfdc.face_tracks[0].coverage >= 0.9


@pytest.mark.slow
def test_identity_describes_her_small_dark_face(dfdc: SessionSummary) -> None:
    # small (31-40 px) and dark (mean about 11/255): described on the brightened picture, with less confidence
    assert dfdc.timings["identity_descriptors"] >= AnalysisOptions().identity.enrol_samples
    unusable = [i for i in dfdc.indicators if i.check == "face_unusable"]
    assert sum(i.end - i.start for i in unusable) < 5.0, [i.reason for i in unusable]
    assert not {"identity_change", "several_identities"} & set(dfdc.checks_not_judged)


@pytest.mark.slow
def test_lip_sync_and_liveness_judge_the_face_found(dfdc: SessionSummary) -> None:
    assert _judged(dfdc, "sync_strength") >= 3  # lip-sync windows with the mouth measured
    assert _judged(dfdc, "blinks_per_minute") >= 1
    assert _judged(dfdc, "face_detail_ratio") >= 2  # face_swap_seam
    assert _judged(dfdc, "face_jitter") >= 2  # face_flicker's landmark jitter
    lip_and_liveness = {"av_offset", "low_sync", "speech_mouth_still", "blink_anomaly", "face_swap_seam"}
    assert not lip_and_liveness & set(dfdc.checks_not_judged)
