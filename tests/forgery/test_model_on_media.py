"""The bundled face-forgery model through the whole pipeline, on a real/fake pair it was never trained on:
the FaceForensics++ fake must score above its real (a wrong crop, colour order or scaling would flatten it)."""

from __future__ import annotations

from pathlib import Path
from statistics import median

import pytest

from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, SpeechOptions
from interview_guard.pipeline import analyze_recording

pytestmark = pytest.mark.slow


def _forgery_scores(path: Path) -> list[float]:
    options = AnalysisOptions(speech=SpeechOptions(enabled=False), identity=IdentityOptions(enabled=False),
                              lip_sync=LipSyncOptions(enabled=False))
    summary = analyze_recording(path, options, progress=False)
    assert summary.timings["forgery_crops"] > 0
    (series,) = [s for s in summary.series if s.name == "face_forgery_score"]
    return [v for v in series.values if v is not None]


def test_the_faceforensics_fake_scores_above_its_real(media_dir: Path) -> None:
    real = _forgery_scores(media_dir / "manipulated" / "ffpp_pair_real.mp4")
    fake = _forgery_scores(media_dir / "manipulated" / "ffpp_pair_fake.mp4")
    assert len(real) >= 3 and len(fake) >= 3
    assert median(fake) > median(real) + 0.2
