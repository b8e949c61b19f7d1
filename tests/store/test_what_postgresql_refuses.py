"""What SQLite keeps and PostgreSQL refuses (NUL characters, text longer than its column) gives the same
answers on both: free text is kept without NULs and cut to its column, an id with a NUL is simply not found,
a search with one is a 400."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from interview_guard.config import load_config
from interview_guard.store import SessionNotFound, SessionQuery, open_store
from interview_guard.store.store import utc_now
from tests.review.server import review_server
from tests.store.test_store import _record

pytestmark = pytest.mark.usefixtures("store_url")

SID = "20261101T090000Z-aaaaaaaa"


def test_free_text_is_kept_without_nul_and_cut_to_its_column(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        _record(store, SID)
        store.record_decision(SID, "cleared", "checked\0 twice", "A" * 300)
        store.begin_session("s2", "recording", "x.mp4", "", utc_now(),
                            candidate={"name": "N\0" * 300, "email": "e@example.org"})
        decision = store.get_session(SID).decision
        audit = store.audit_log(SID)[0]
        candidate = store.get_session("s2").candidate
    assert decision.note == "checked twice" and decision.reviewer == "A" * 200
    assert audit.actor == "A" * 200 and candidate == "N" * 200


def test_an_id_or_search_with_a_nul_finds_nothing(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        _record(store, SID)
        with pytest.raises(SessionNotFound):
            store.get_session(SID + "\0")
        assert store.audit_log(SID + "\0") == [] and store.evidence_path(SID + "\0", "x.jpg") is None
    with pytest.raises(ValueError, match="NUL"):
        SessionQuery(text="a\0b")


def test_the_review_api_answers_nul_with_4xx_not_500(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        _record(store, SID)
    with review_server(data_dir) as url:
        search = requests.get(f"{url}/api/sessions", params={"q": "a\0b"}, timeout=10)
        missing = [requests.get(f"{url}/api/sessions/{SID}%00{tail}", timeout=10)
                   for tail in ("", "/export", "/report", "/evidence/t.jpg")]
        audit = requests.get(f"{url}/api/sessions/{SID}%00/audit", timeout=10)
        note = requests.post(f"{url}/api/sessions/{SID}/decision", timeout=10,
                             json={"decision": "cleared", "note": "a\0b", "reviewer": "Ana\0"})
    assert search.status_code == 400 and "NUL" in search.json()["error"]
    assert [r.status_code for r in missing] == [404] * 4
    assert audit.status_code in (200, 404) and note.status_code == 201
    assert note.json()["note"] == "ab" and note.json()["reviewer"] == "Ana"
