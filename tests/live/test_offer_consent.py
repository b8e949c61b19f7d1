"""Consent from the live page: the offer's `consent` field reaches the session's options, or is refused
with its reason when there is no candidate to keep a template for."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from interview_guard.candidates.cipher import new_key
from interview_guard.config import load_config
from interview_guard.errors import UserError
from interview_guard.live.server import LiveAgent
from interview_guard.options import AnalysisOptions
from interview_guard.store import open_store
from interview_guard.store.store import candidate_key

ALEX = {"basics": {"name": "Alex Candidate", "email": "alex@example.org"}}
OFFER = {"sdp": "v=0\r\n", "type": "offer"}  # refused before the SDP is read


def profile_upload() -> dict:
    return {"name": "alex.json", "data": base64.b64encode(json.dumps(ALEX).encode()).decode()}


def test_page_consent_with_a_profile_reaches_the_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IG_TEMPLATE_KEY", new_key())
    with open_store(load_config(tmp_path)) as store:
        agent = LiveAgent(AnalysisOptions(), tmp_path, store=store)
        folder = tmp_path / "s"
        folder.mkdir()
        c = agent.session_inputs({"profile": profile_upload(), "consent": "Dana, on the live page"}, folder)
        assert (c.consent, c.consent_by, c.candidate_id) == (True, "Dana, on the live page",
                                                               candidate_key("Alex Candidate", "alex@example.org"))
        unticked = agent.session_inputs({"profile": profile_upload(), "consent": ""}, folder)
        assert not unticked.consent and unticked.consent_by == ""


def test_page_consent_without_a_candidate_is_refused_with_its_reason(tmp_path: Path) -> None:
    async def run() -> None:
        with open_store(load_config(tmp_path)) as store:
            agent = LiveAgent(AnalysisOptions(), tmp_path, store=store)
            async with TestClient(TestServer(agent.app())) as client:
                r = await client.post("/offer", json={**OFFER, "consent": "Dana, on the live page"})
                assert r.status == 400
                assert "consent needs a candidate" in (await r.json())["error"]
                assert agent.current is None and not agent.sessions

    asyncio.run(run())


def test_consent_without_a_key_fails_before_the_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IG_TEMPLATE_KEY", raising=False)
    with open_store(load_config(tmp_path)) as store:
        agent = LiveAgent(AnalysisOptions(), tmp_path, store=store)
        folder = tmp_path / "s"
        folder.mkdir()
        with pytest.raises(UserError, match="template_key|IG_TEMPLATE_KEY"):
            agent.session_inputs({"profile": profile_upload(), "consent": "Dana"}, folder)
