"""Marking follow-up questions on a live session over HTTP: the session's clock, the messages and the
journal, and every bad request refused with a reason."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from interview_guard.live.journal import read_journal
from interview_guard.live.server import LiveAgent
from interview_guard.live.session import LiveSession
from interview_guard.options import AnalysisOptions
from tests.follow_ups.helpers import finding


def session_with_a_question(agent: LiveAgent, tmp_path: Path) -> tuple[LiveSession, str]:
    """A session that proposed one question (no media: the book is filled directly)."""
    session = LiveSession(agent.options, tmp_path / "sessions" / "s1", "test")
    agent.sessions[session.id] = session
    (f,) = session.follow_ups.add(finding("second_voice", start=8.0, end=11.0, words="psst", seconds=3.0))
    return session, f.id


def with_client(tmp_path: Path, check) -> None:
    async def run() -> None:
        agent = LiveAgent(AnalysisOptions(), tmp_path)
        session, fid = session_with_a_question(agent, tmp_path)
        async with TestClient(TestServer(agent.app())) as client:
            try:
                await check(client, session, fid)
            finally:
                agent.sessions.clear()  # never started: nothing for the server's shutdown to wait for
                session.journal.close()

    asyncio.run(run())


def test_marks_take_the_session_clock_reach_the_pages_and_the_journal(tmp_path: Path) -> None:
    heard: list[dict] = []

    async def check(client: TestClient, session: LiveSession, fid: str) -> None:
        session.add_listener(heard.append)
        session.converter.last_time = 12.5  # the newest media taken in
        r = await client.post(f"/sessions/{session.id}/follow-ups/{fid}", json={"state": "asked"})
        assert r.status == 200 and (await r.json())["asked_at"] == 12.5
        session.converter.last_time = 20.0
        r = await client.post(f"/sessions/{session.id}/follow-ups/{fid}", json={"state": "answered"})
        body = await r.json()
        assert r.status == 200 and (body["state"], body["asked_at"], body["answered_at"]) == ("answered", 12.5, 20.0)
        late: list[dict] = []
        session.add_listener(late.append)  # a page that joins now sees the question as marked
        assert [m["state"] for m in late if m["type"] == "follow_up"] == ["answered"]

    with_client(tmp_path, check)
    assert [m["state"] for m in heard if m["type"] == "follow_up"] == ["proposed", "asked", "answered"]
    journal = read_journal(tmp_path / "sessions" / "s1" / "journal.jsonl")
    assert [(m["type"], m["state"]) for m in journal] == [("follow_up", "asked"), ("follow_up", "answered")]


@pytest.mark.parametrize("path, body, status, error", [
    ("s1/follow-ups/{fid}", "not json", 415, "send the request body as JSON"),  # text/plain: a foreign page's
    ("s1/follow-ups/{fid}", b"not json", 400, 'expected JSON {"state": "asked" | "answered"}'),
    ("s1/follow-ups/{fid}", [], 400, 'expected JSON {"state"'),
    ("s1/follow-ups/{fid}", {"mark": "asked"}, 400, 'expected JSON {"state"'),
    ("s1/follow-ups/{fid}", {"state": "done"}, 400, "'state' must be one of ['asked', 'answered'] (got 'done')"),
    ("s1/follow-ups/{fid}", {"state": 3}, 400, "(got 3)"),
    ("s1/follow-ups/nope", {"state": "asked"}, 404, "no follow-up question 'nope' in this session"),
    ("other/follow-ups/{fid}", {"state": "asked"}, 404, "no live session other in this run"),
])
def test_bad_marks_are_refused_with_a_reason(tmp_path: Path, path: str, body, status: int, error: str) -> None:
    async def check(client: TestClient, session: LiveSession, fid: str) -> None:
        url = f"/sessions/{path.format(fid=fid)}"
        if isinstance(body, bytes):  # said to be JSON, but is not
            r = await client.post(url, data=body, headers={"Content-Type": "application/json"})
        else:
            r = await (client.post(url, data=body) if isinstance(body, str) else client.post(url, json=body))
        assert r.status == status and error in (await r.json())["error"]
        assert session.follow_ups.items()[0].state == "proposed"

    with_client(tmp_path, check)


def test_a_step_back_and_a_mark_after_the_summary_are_refused(tmp_path: Path) -> None:
    async def check(client: TestClient, session: LiveSession, fid: str) -> None:
        url = f"/sessions/{session.id}/follow-ups/{fid}"
        assert (await client.post(url, json={"state": "answered"})).status == 200
        r = await client.post(url, json={"state": "asked"})
        assert r.status == 400 and "already marked answered" in (await r.json())["error"]
        session.follow_ups.resolved([])  # the summary is being written
        r = await client.post(url, json={"state": "answered"})
        assert r.status == 409 and "session has ended" in (await r.json())["error"]

    with_client(tmp_path, check)


def test_every_live_endpoint_answers_an_unknown_session_with_json(tmp_path: Path) -> None:
    async def check(client: TestClient, session: LiveSession, fid: str) -> None:
        for url in ("/sessions/other/stop", f"/sessions/other/follow-ups/{fid}"):
            r = await client.post(url, json={"state": "asked"})
            assert r.status == 404 and (await r.json())["error"] == "no live session other in this run", url

    with_client(tmp_path, check)
