"""The review API over HTTP: listing, filters, a session, decisions with audit, exports, purge, errors, tokens;
and the whole API fuzzed from its own OpenAPI description (schemathesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import schemathesis
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from interview_guard.cli import main
from interview_guard.config import load_config
from interview_guard.review.openapi import openapi_document
from interview_guard.store import open_store
from tests.conftest import store_in
from tests.review.server import review_server
from tests.store.test_store import _record

pytestmark = pytest.mark.usefixtures("store_url")  # on SQLite and on PostgreSQL (tests/conftest.py)

TOKEN = "correct-horse-battery-staple"


@pytest.fixture
def seeded(data_dir: Path) -> Path:
    with open_store(load_config(data_dir)) as store:
        _record(store, "20261101T090000Z-aaaaaaaa", "monday.mp4", checks=("lip_sync", "av_offset"))
        _record(store, "20261102T090000Z-bbbbbbbb", "tuesday.mp4", checks=())
    return data_dir


def test_list_filter_show_decide_and_audit(seeded: Path) -> None:
    sid = "20261101T090000Z-aaaaaaaa"
    with review_server(seeded) as url:
        listing = requests.get(f"{url}/api/sessions", timeout=10).json()
        assert listing["total"] == 2 and [s["source"] for s in listing["sessions"]] == ["tuesday.mp4", "monday.mp4"]
        flagged = requests.get(f"{url}/api/sessions", params={"check": "av_offset"}, timeout=10).json()
        assert [s["id"] for s in flagged["sessions"]] == [sid]
        detail = requests.get(f"{url}/api/sessions/{sid}", timeout=10).json()
        assert {i["check"] for i in detail["indicators"]} == {"lip_sync", "av_offset"}
        assert detail["transcript"][0]["text"].startswith("I worked at Oracle")
        picture = requests.get(f"{url}{detail['evidence'][0]['url']}", timeout=10)
        assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
        r = requests.post(f"{url}/api/sessions/{sid}/decision", json={"decision": "escalated", "note": "stand-in?",
                                                                      "reviewer": "Ana"}, timeout=10)
        assert r.status_code == 201 and r.json()["decision"] == "escalated"
        audit = requests.get(f"{url}/api/sessions/{sid}/audit", timeout=10).json()
        assert audit[0]["action"] == "decision" and audit[0]["actor"] == "Ana"
        export = requests.get(f"{url}/api/sessions/{sid}/export", timeout=10).json()
        assert export["review"]["decisions"][0]["note"] == "stand-in?" and export["schema_version"] == "1.0"
        report = requests.get(f"{url}/api/sessions/{sid}/report", timeout=10)
        assert report.status_code == 200 and "<html" in report.text.lower()
        csv = requests.get(f"{url}/api/sessions.csv", timeout=10)
        assert csv.headers["Content-Type"].startswith("text/csv") and "monday.mp4" in csv.text
        page = requests.get(f"{url}/review/{sid}", timeout=10)
        assert page.status_code == 200 and "/review-static/review.js" in page.text


def test_bad_requests_get_a_reason_and_change_nothing(seeded: Path) -> None:
    sid = "20261101T090000Z-aaaaaaaa"
    with review_server(seeded) as url:
        cases = [requests.get(f"{url}/api/sessions", params={"risk": "purple"}, timeout=10),
                 requests.get(f"{url}/api/sessions", params={"limit": "lots"}, timeout=10),
                 requests.get(f"{url}/api/sessions", params={"since": "yesterday"}, timeout=10),
                 requests.post(f"{url}/api/sessions/{sid}/decision", data="{", timeout=10),
                 requests.post(f"{url}/api/sessions/{sid}/decision", json={"decision": "fire"}, timeout=10),
                 requests.post(f"{url}/api/sessions/{sid}/decision", json=["cleared"], timeout=10)]
        assert [r.status_code for r in cases] == [400] * 6 and all(r.json()["error"] for r in cases)
        missing = requests.get(f"{url}/api/sessions/nope", timeout=10)
        assert missing.status_code == 404 and "no session" in missing.json()["error"]
        assert requests.get(f"{url}/api/sessions/{sid}", timeout=10).json()["decisions"] == []


def test_delete_purges_the_session(seeded: Path) -> None:
    sid = "20261102T090000Z-bbbbbbbb"
    with review_server(seeded) as url:
        assert requests.delete(f"{url}/api/sessions/{sid}", timeout=10).json()["sessions"] == 1
        assert requests.get(f"{url}/api/sessions/{sid}", timeout=10).status_code == 404
    assert not (seeded / "sessions" / sid).exists()


def test_a_non_local_bind_needs_the_token(seeded: Path) -> None:
    with review_server(seeded, token=TOKEN) as url:
        assert requests.get(f"{url}/api/sessions", timeout=10).status_code == 401
        wrong = requests.get(f"{url}/api/sessions", headers={"Authorization": "Bearer wrong-token-000000"}, timeout=10)
        assert wrong.status_code == 401 and "token" in wrong.json()["error"]
        right = requests.get(f"{url}/api/sessions", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
        assert right.status_code == 200 and right.json()["total"] == 2
        browser = requests.Session()
        landing = browser.get(f"{url}/review?token={TOKEN}", timeout=10)
        assert landing.status_code == 200 and landing.url == f"{url}/review", "the token leaves the address"
        assert browser.get(f"{url}/api/sessions", timeout=10).status_code == 200, "the cookie carries it"
        assert requests.post(f"{url}/offer", json={}, timeout=10).status_code == 401, "no live routes either"


def test_serve_refuses_a_non_local_bind_without_a_token(data_dir: Path, capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--no-browser"]) == 2
    assert "token" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- fuzzing

schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, store_backend: str):
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    with store_in(store_backend, data_dir):
        with open_store(load_config(data_dir)) as store:
            for k in range(3):
                _record(store, f"2026110{k}T090000Z-0000000{k}", f"clip{k}.mp4", checks=("lip_sync",) * k)
        with review_server(data_dir) as url:
            yield url


@schema.parametrize()
def test_fuzzing_the_api_finds_no_server_error(case, fuzz_server: str) -> None:
    case.call_and_validate(base_url=fuzz_server, checks=[not_a_server_error, status_code_conformance,
                                                        content_type_conformance, response_schema_conformance])
