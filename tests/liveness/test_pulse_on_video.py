"""A known pulse added to the skin of a real clip at test time is read back within 5 bpm."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.manipulations import with_synthetic_pulse
from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, SpeechOptions
from interview_guard.pipeline import analyze_recording

OPTIONS = AnalysisOptions(speech=SpeechOptions(enabled=False), identity=IdentityOptions(enabled=False),
                          lip_sync=LipSyncOptions(enabled=False))


def heart_rates(path: Path) -> list[float]:
    summary = analyze_recording(path, OPTIONS, progress=False)
    series = next(s for s in summary.series if s.name == "heart_rate_bpm")
    return [v for v in series.values if v is not None]


@pytest.mark.parametrize("clip, bpm", [
    ("manipulated/hyperlips_v2_obama_SOURCE_real.mp4", 90.0),
    ("manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4", 84.0),
])
def test_synthetic_pulse_is_read_within_5_bpm(media_dir: Path, ffmpeg: str, tmp_path: Path, clip: str,
                                              bpm: float) -> None:
    source = media_dir / clip
    pulsed = with_synthetic_pulse(source, tmp_path, bpm=bpm, amplitude=1.0)
    rates = heart_rates(pulsed)
    assert rates and all(abs(r - bpm) <= 5.0 for r in rates), rates
    # The untouched clip must not read the planted rate: the estimate follows the skin, not the test.
    assert all(abs(r - bpm) > 5.0 for r in heart_rates(source))
