"""Face consistency end to end on real clips: splices of two people, same-person edits, reference photos."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_ffmpeg
from tests.test_cli import _analyze

pytestmark = pytest.mark.slow

_NORMALISE = "scale=512:512,fps=25,setsar=1"


def _join(ffmpeg: str, first: Path, second: Path, out: Path, second_start: float = 0.0) -> Path:
    graph = (f"[0:v]{_NORMALISE}[v0];[1:v]trim=start={second_start},setpts=PTS-STARTPTS,{_NORMALISE}[v1];"
             "[0:a]aresample=44100,aformat=channel_layouts=mono[a0];"
             f"[1:a]atrim=start={second_start},asetpts=PTS-STARTPTS,aresample=44100,aformat=channel_layouts=mono[a1];"
             "[v0][a0][v1][a1]concat=n=2:v=1:a=1[v][a]")
    run_ffmpeg(ffmpeg, "-i", str(first), "-i", str(second), "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
               "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(out))
    return out


def test_splice_of_two_speakers_is_an_identity_change(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    real = media_dir / "talking_head_real"
    clip = _join(ffmpeg, real / "retalking_1_man_suit_interview.mp4", real / "hdtf_aoc_sadtalker.mp4",
                 tmp_path / "splice.mp4")
    summary = _analyze(clip, tmp_path / "out")
    (change,) = [i for i in summary["indicators"] if i["check"] == "identity_change"]
    assert abs(change["measurements"]["change_time_s"] - 6.1) <= 1.0
    assert change["end"] - 6.1 <= 2.0
    assert any(i["check"] == "several_identities" for i in summary["indicators"])
    assert summary["risk_level"] == "high"


def test_same_person_cut_and_rejoined_is_not_a_change(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    src = media_dir / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"
    clip = _join(ffmpeg, src, src, tmp_path / "rejoined.mp4", second_start=4.0)
    summary = _analyze(clip, tmp_path / "out")
    checks = {i["check"] for i in summary["indicators"]}
    assert not checks & {"identity_change", "several_identities"}


@pytest.mark.parametrize("clip, expected", [
    ("manipulated/hyperlips_v2_obama_SOURCE_real.mp4", "reference_match"),
    ("talking_head_real/retalking_1_man_suit_interview.mp4", "reference_mismatch"),
])
def test_reference_photo(media_dir: Path, tmp_path: Path, clip: str, expected: str) -> None:
    summary = _analyze(media_dir / clip, tmp_path / "out", "--reference",
                       str(media_dir / "portraits" / "fr_obama.jpg"))
    found = [i for i in summary["indicators"] if i["check"].startswith("reference_")]
    assert [i["check"] for i in found] == [expected]
    assert "fr_obama.jpg" in found[0]["reason"]


def test_reference_photo_without_a_face_exits_2(synthetic_clip: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    import cv2
    import numpy as np

    wall = tmp_path / "wall.jpg"
    cv2.imwrite(str(wall), np.full((100, 100, 3), 128, np.uint8))
    proc = subprocess.run([sys.executable, "-m", "interview_guard", "analyze", str(synthetic_clip), "--quiet",
                           "--reference", str(wall), "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert proc.returncode == 2 and "wall.jpg: no face found" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_summary_keeps_no_face_templates(media_dir: Path, tmp_path: Path) -> None:
    """Privacy: distances and times go to disk, descriptors never do."""
    summary = _analyze(media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4", tmp_path / "out",
                       "--reference", str(media_dir / "portraits" / "fr_obama.jpg"))

    def long_number_lists(node) -> int:
        if isinstance(node, dict):
            return sum(long_number_lists(v) for v in node.values())
        if isinstance(node, list):
            own = len(node) >= 64 and all(isinstance(x, float) for x in node)
            return own + sum(long_number_lists(v) for v in node)
        return 0

    assert long_number_lists(summary) == 0
    assert summary["timings"]["identity_descriptors"] > 0
