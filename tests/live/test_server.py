"""The agent's HTTP side without media: the page, signalling errors, refused uploads, the journal."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from interview_guard.cli import main
from interview_guard.live.journal import Journal, read_journal
from interview_guard.live.server import LiveAgent
from interview_guard.options import AnalysisOptions


def _with_client(data_dir: Path, check) -> None:
    async def run() -> None:
        agent = LiveAgent(AnalysisOptions(), data_dir)
        async with TestClient(TestServer(agent.app())) as client:
            await check(client)

    asyncio.run(run())


def test_the_page_and_its_scripts_are_served(tmp_path: Path) -> None:
    async def check(client: TestClient) -> None:
        page = await client.get("/")
        text = await page.text()
        assert page.status == 200 and 'id="tiles"' in text and "/static/app.js" in text
        script = await client.get("/static/app.js")
        assert script.status == 200 and 'createDataChannel("indicators")' in await script.text()

    _with_client(tmp_path, check)


def test_bad_offers_are_refused_with_a_reason_and_leave_nothing(tmp_path: Path) -> None:
    async def check(client: TestClient) -> None:
        r = await client.post("/offer", data="not json")  # text/plain: what a foreign page can send unasked
        assert r.status == 415 and "JSON" in (await r.json())["error"]
        r = await client.post("/offer", data="not json", headers={"Content-Type": "application/json"})
        assert r.status == 400 and "sdp" in (await r.json())["error"]
        r = await client.post("/offer", json={"sdp": "v=0", "type": "answer"})
        assert r.status == 400 and "offer" in (await r.json())["error"]
        bad_profile = {"name": "cv.json", "data": base64.b64encode(b'{"basics": "nope"').decode()}
        r = await client.post("/offer", json={"sdp": "v=0", "type": "offer", "profile": bad_profile})
        error = (await r.json())["error"]
        assert r.status == 400 and "profile" in error.lower(), error
        r = await client.post("/offer", json={"sdp": "v=0", "type": "offer", "reference": {"data": "%%%"}})
        assert r.status == 400 and "base64" in (await r.json())["error"]
        r = await client.get("/sessions/nope/report.html")
        assert r.status == 404

    _with_client(tmp_path, check)
    assert not any((tmp_path / "sessions").glob("*/*")), "a refused offer must not leave session files"


def test_journal_keeps_every_complete_line(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.write({"type": "transcript", "t": 1.0, "text": "hello"})
        journal.write({"type": "indicator", "check": "av_offset", "score": 0.9})
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"type": "indicator", "check": "cut sh')  # a crash mid-line
    assert [m["type"] for m in read_journal(path)] == ["transcript", "indicator"]


def test_live_refuses_a_network_address(capsys) -> None:
    assert main(["live", "--host", "0.0.0.0", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "this machine only" in err and err.count("\n") == 1


def test_live_source_that_is_not_a_recording_fails_clearly(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00" * 4096)
    code = main(["live", "--no-browser", "--source", str(bad), "--data-dir", str(tmp_path / "d"), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2 and "broken.mp4" in err and "interview-guard: error:" in err
    assert not list((tmp_path / "d").glob("sessions/*")), "no session is started for a file that cannot be read"
