"""`live --source FILE`: a recording played in real time through the live pipeline, and a page
following it through the event stream."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from interview_guard.cli import main
from interview_guard.config import default_data_dir
from interview_guard.live.cli import live_settings
from interview_guard.live.server import LiveAgent
from interview_guard.live.sources import RecordingPlayer
from tests.conftest import run_ffmpeg
from tests.live.test_webrtc import CLIP

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def late_audio_clip(media_dir: Path, ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clip with its audio stream starting 0.5 s late (-itsoffset: a start time, not silence)."""
    out = tmp_path_factory.mktemp("late") / "late.mkv"
    src = media_dir / CLIP
    run_ffmpeg(ffmpeg, "-i", str(src), "-itsoffset", "0.5", "-i", str(src), "-map", "0:v", "-map", "1:a",
               "-c", "copy", str(out))
    return out


def test_source_file_keeps_stream_start_times_and_writes_the_session(late_audio_clip: Path, tmp_path: Path,
                                                                    capsys) -> None:
    code = main(["live", "--no-browser", "--source", str(late_audio_clip), "--data-dir", str(tmp_path),
                 "--port", "0"])
    err = capsys.readouterr().err
    assert code == 0, err
    (folder,) = (tmp_path / "sessions").glob("*")
    summary = json.loads((folder / "summary.json").read_text())
    (offset,) = [i for i in summary["indicators"] if i["check"] == "av_offset"]
    assert 450 <= offset["measurements"]["offset_ms"] <= 700, offset["reason"]
    assert "av_offset" in err and (folder / "report.html").stat().st_size > 10_000
    journal = [json.loads(line) for line in (folder / "journal.jsonl").read_text().splitlines()]
    assert [m["check"] for m in journal if m["type"] == "indicator"].count("av_offset") == 1
    assert any(m["type"] == "transcript" for m in journal)
    from interview_guard.config import load_config
    from interview_guard.store import open_store

    with open_store(load_config(tmp_path)) as store:  # the live session is in the store like an analysed one
        record = store.get_session(folder.name)
        detail = store.session_detail(folder.name)
    assert record.kind == "live" and record.status == "complete" and "av_offset" in record.checks_flagged
    assert record.risk_level == summary["risk"]["level"] and detail["transcript"]


def test_a_page_can_follow_a_source_session_through_events(media_dir: Path, tmp_path: Path) -> None:
    args = argparse.Namespace(source="x", fps=5.0, lip_sync_fps=15.0, language="en", device="cpu",
                              no_lip_sync=True, no_liveness=True, no_forgery=False, reference=[], profile=None)
    settings, inputs = live_settings(args)
    agent = LiveAgent(settings, tmp_path, inputs=inputs)

    async def run() -> list[dict]:
        async with TestClient(TestServer(agent.app())) as client:
            player = RecordingPlayer(media_dir / CLIP, agent.options, speed=2.0)
            session = agent.start_session("file:clip")
            player.start(session)
            current = await (await client.get("/api/current")).json()
            assert current["session"] == session.id
            response = await client.get(f"/sessions/{session.id}/events")
            messages = []
            async for line in response.content:
                if line.startswith(b"data: "):
                    messages.append(json.loads(line[6:]))
            report = await client.get(f"/sessions/{session.id}/report.html")
            assert report.status == 200 and "interview-guard report" in await report.text()
            return messages

    messages = asyncio.run(asyncio.wait_for(run(), 120))
    types = [m["type"] for m in messages]
    assert types[0] == "checks" and "no_face" in messages[0]["checks"]  # the page's tiles, before any judged
    assert types[1] == "state" and types[-1] == "state" and messages[-1]["state"] == "ended"
    assert "transcript" in types and "summary" in types and "status" in types


def test_data_dir_comes_from_the_flag_then_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IG_DATA_DIR", str(tmp_path / "env"))
    assert default_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert default_data_dir() == tmp_path / "env"
    monkeypatch.delenv("IG_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "interview-guard"


def test_a_recording_cut_short_is_played_as_far_as_it_goes_and_the_summary_says_so(
        media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    whole = tmp_path / "whole.mkv"
    run_ffmpeg(ffmpeg, "-i", str(media_dir / CLIP), "-c", "copy", str(whole))
    data = whole.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) // 2])  # Matroska keeps the declared length in its header
    assert main(["live", "--no-browser", "--source", str(cut), "--data-dir", str(tmp_path / "d"), "--port", "0",
                 "--no-lip-sync", "--no-liveness"]) == 0
    (summary_path,) = (tmp_path / "d" / "sessions").glob("*/summary.json")
    summary = json.loads(summary_path.read_text())
    assert any("cut.mkv" in w and "truncated" in w for w in summary["warnings"]), summary["warnings"]
    assert 3.0 < summary["source"]["duration"] < 6.0
