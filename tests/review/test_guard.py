"""Hostile web pages: any page in the interviewer's browser can send requests to 127.0.0.1. Cross-origin
writes, forms and plain text, rebound host names and deeply nested JSON are refused; the app's own pages
and scripts still work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from interview_guard.config import load_config
from interview_guard.errors import UserError
from interview_guard.review.auth import require_token_for
from interview_guard.store import open_store
from tests.review.server import review_server
from tests.store.test_store import _record

pytestmark = pytest.mark.usefixtures("store_url")  # on SQLite and on PostgreSQL (tests/conftest.py)

SID = "20261101T090000Z-aaaaaaaa"
DECISION = {"decision": "escalated", "note": "n", "reviewer": "r"}


@pytest.fixture
def seeded(data_dir: Path) -> Path:
    with open_store(load_config(data_dir)) as store:
        _record(store, SID, "monday.mp4", checks=("av_offset",))
    return data_dir


def _decisions(data_dir: Path) -> int:
    with open_store(load_config(data_dir)) as store:
        return len(store.session_detail(SID)["decisions"])


@pytest.mark.parametrize("headers, body", [
    ({"Origin": "https://evil.example", "Content-Type": "text/plain"}, json.dumps(DECISION)),
    ({"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"}, "decision=escalated"),
    ({"Origin": "null", "Content-Type": "application/json"}, json.dumps(DECISION)),
    ({"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, json.dumps(DECISION)),
    ({"Content-Type": "text/plain"}, json.dumps(DECISION)),
])
def test_writes_from_other_pages_are_refused_and_change_nothing(seeded: Path, headers: dict, body: str) -> None:
    with review_server(seeded) as url:
        r = requests.post(f"{url}/api/sessions/{SID}/decision", data=body, headers=headers, timeout=10)
        stop = requests.post(f"{url}/sessions/{SID}/stop", headers={"Origin": "https://evil.example"}, timeout=10)
        offer = requests.post(f"{url}/offer", data='{"sdp": "x", "type": "offer"}', timeout=10,
                              headers={"Origin": "https://evil.example", "Content-Type": "text/plain"})
    assert r.status_code in (403, 415) and "error" in r.json()
    assert stop.status_code == 403 and offer.status_code == 403
    assert _decisions(seeded) == 0


def test_the_apps_own_page_and_scripts_still_write(seeded: Path) -> None:
    with review_server(seeded) as url:
        own = requests.post(f"{url}/api/sessions/{SID}/decision", json=DECISION, timeout=10,
                            headers={"Origin": url, "Sec-Fetch-Site": "same-origin"})
        script = requests.post(f"{url}/api/sessions/{SID}/decision", json=DECISION, timeout=10)
    assert own.status_code == 201 and script.status_code == 201
    assert _decisions(seeded) == 2


def test_a_rebound_host_name_is_not_served(seeded: Path) -> None:
    with review_server(seeded) as url:
        rebound = requests.get(f"{url}/api/sessions", headers={"Host": "attacker.example"}, timeout=10)
        local = requests.get(f"{url}/api/sessions", headers={"Host": "localhost"}, timeout=10)
    assert rebound.status_code == 403 and "127.0.0.1" in rebound.json()["error"]
    assert local.status_code == 200


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000, '{"decision": ' + "9" * 100_000 + "}"])
def test_hostile_json_is_a_400_not_a_500(seeded: Path, body: str) -> None:
    with review_server(seeded) as url:
        r = requests.post(f"{url}/api/sessions/{SID}/decision", data=body, timeout=30,
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and len(r.json()["error"]) < 200


@pytest.mark.parametrize("token", ["", " " * 20, "short", "  padded-but-long-enough-token  "])
def test_a_blank_short_or_padded_token_is_refused(token: str) -> None:
    with pytest.raises(UserError, match="16"):
        require_token_for("0.0.0.0", token, "config.toml")


def test_a_real_token_is_accepted() -> None:
    assert require_token_for("0.0.0.0", "correct-horse-battery-staple", "config.toml") is True


def test_answers_do_not_reveal_the_data_folder_and_405_says_what_is_allowed(seeded: Path) -> None:
    with review_server(seeded) as url:
        missing = [requests.get(f"{url}{p}", timeout=10) for p in
                   ("/api/sessions/nope", "/api/sessions/nope/report", "/api/sessions/nope/export")]
        wrong_method = requests.put(f"{url}/api/sessions", timeout=10)
    for r in missing:
        assert r.status_code == 404 and "nope" in r.json()["error"] and str(seeded) not in r.text
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
