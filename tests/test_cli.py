"""The command line end to end, as a user runs it: real clips, real models, real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_ffmpeg

pytestmark = pytest.mark.slow


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interview_guard", *args], capture_output=True, text=True,
                          timeout=600)


def _analyze(recording: Path, out: Path, *extra: str) -> dict:
    proc = _cli("analyze", str(recording), "--out", str(out), "--quiet", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "summary.json").read_text())


@pytest.fixture(scope="module")
def interview_summary(media_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("interview")
    # Module-scoped: runs before the per-test data folder exists, so it keeps its session in its own.
    return _analyze(media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4", out,
                    "--data-dir", str(out / "ig-data")), out


def test_interview_clip_transcript_and_face_track(interview_summary: tuple[dict, Path]) -> None:
    summary, _ = interview_summary
    assert "weakness" in summary["transcript"]["text"].lower()
    words = [w for s in summary["transcript"]["segments"] for w in s["words"]]
    assert words and all({"start", "end", "text", "probability"} <= set(w) for w in words)
    duration = summary["source"]["duration"]
    main = max(summary["faces"]["tracks"], key=lambda t: t["frames"])
    assert main["coverage"] > 0.9 and main["last_seen"] - main["first_seen"] > 0.9 * duration - 0.2
    assert summary["risk_level"] == "clear" and summary["indicators"] == []
    assert "<mark>" not in (interview_summary[1] / "report.html").read_text()


def test_summary_has_the_documented_schema(interview_summary: tuple[dict, Path]) -> None:
    summary, _ = interview_summary
    for key in ("schema_version", "risk_level", "indicators", "transcript", "faces", "checks_run", "source",
                "timings", "settings", "session_id", "created", "warnings", "follow_ups", "candidate_continuity"):
        assert key in summary, key
    assert summary["schema_version"] == "1.0"
    assert set(summary["checks_run"]) >= {"no_face", "several_faces", "speech_without_face"}


def test_report_renders_in_chromium(interview_summary: tuple[dict, Path], artifacts_dir: Path) -> None:
    _, out = interview_summary
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install chromium); .ci/run installs it")
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={out / 'chromium-profile'}"]
    dom = subprocess.run([*flags, "--dump-dom", (out / "report.html").as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    assert 'id="risk-level"' in dom and 'id="timeline"' in dom and "weakness" in dom.lower()
    shot = artifacts_dir / "report_interview.png"
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1150,1400", (out / "report.html").as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000  # a blank page is a few kB


def test_photo_of_two_people_raises_several_faces(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    clip = tmp_path / "two.mp4"
    run_ffmpeg(ffmpeg, "-loop", "1", "-i", str(media_dir / "portraits" / "fr_two_people.jpg"), "-f", "lavfi",
               "-i", "sine=frequency=300:sample_rate=16000", "-t", "4", "-r", "25", "-vf",
               "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
               "-c:a", "aac", "-shortest", str(clip))
    summary = _analyze(clip, tmp_path / "out")
    checks = [i for i in summary["indicators"] if i["check"] == "several_faces"]
    assert checks and checks[0]["measurements"]["faces"] >= 2
    assert summary["risk_level"] in ("review", "high")


def test_blanked_video_raises_no_face_for_that_span(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    clip = tmp_path / "blank.mp4"
    run_ffmpeg(ffmpeg, "-i", str(media_dir / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"), "-vf",
               "drawbox=enable='between(t,3,6)':color=black:t=fill", "-c:v", "libx264", "-preset", "ultrafast",
               "-c:a", "copy", str(clip))
    summary = _analyze(clip, tmp_path / "out")
    (no_face,) = [i for i in summary["indicators"] if i["check"] == "no_face"]
    assert abs(no_face["start"] - 3.0) <= 0.5 and abs(no_face["end"] - 6.0) <= 0.5
    assert no_face["evidence"][0]["frame_times"]
    report = (tmp_path / "out" / "report.html").read_text()
    assert "<mark>" in report and "data:image/jpeg;base64," in report  # quoted words, evidence frames


@pytest.mark.parametrize("kind", ["truncated", "text", "audio_only"])
def test_bad_recordings_exit_2_with_one_line(kind: str, ffmpeg: str, tmp_path: Path,
                                             synthetic_clip: Path) -> None:
    path = tmp_path / f"{kind}.mp4"
    if kind == "truncated":
        full = tmp_path / "full.mp4"
        run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=8", "-f", "lavfi", "-i",
                   "sine=duration=8", "-c:v", "libx264", "-c:a", "aac", "-movflags", "+faststart", str(full))
        path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    elif kind == "text":
        path.write_text("not a video at all\n")
    else:
        path = tmp_path / "voice.m4a"
        run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", str(path))
    out = tmp_path / "out"
    proc = _cli("analyze", str(path), "--out", str(out), "--quiet")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interview-guard: error:") and path.name in lines[0]
    assert not out.exists()


def test_video_without_faces_warns_that_face_checks_are_void(synthetic_clip: Path, tmp_path: Path) -> None:
    summary = _analyze(synthetic_clip, tmp_path / "out", "--no-speech")
    assert any("no face" in w for w in summary["warnings"])
    assert "speech_without_face" not in summary["checks_run"]
    assert [i["check"] for i in summary["indicators"]] == ["no_face"]


def test_bad_option_is_a_one_line_error(synthetic_clip: Path, tmp_path: Path) -> None:
    proc = _cli("analyze", str(synthetic_clip), "--fps", "500", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "analysis fps must be in" in proc.stderr


def test_models_command_lists_every_model() -> None:
    proc = _cli("models", "--json")
    assert proc.returncode == 0, proc.stderr
    models = {m["name"]: m for m in json.loads(proc.stdout)}
    assert set(models) >= {"face_landmarker", "whisper-tiny.en", "whisper-base"}
    assert all(m["hash_ok"] for m in models.values())
