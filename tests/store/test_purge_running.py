"""A session still being written cannot be purged (its writer would put its files back with no row); once
it is stopped, the purge removes everything."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from interview_guard.config import load_config
from interview_guard.store import SessionRunning, open_store
from tests.review.server import review_server
from tests.store.test_store import _record

pytestmark = pytest.mark.usefixtures("store_url")  # on SQLite and on PostgreSQL (tests/conftest.py)

SID = "20261201T090000Z-cccccccc"


def test_a_running_session_is_not_purged_until_it_ends(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        recorder = _record(store, SID, complete=False)  # written by this (live) process
        with pytest.raises(SessionRunning, match="still running"):
            store.purge([SID])
        assert store.get_session(SID).status == "running" and recorder.folder.exists()
        recorder.fail("stopped")
        assert store.purge([SID]).sessions == 1 and not recorder.folder.exists()


def test_the_review_api_answers_409_for_a_running_session(data_dir: Path) -> None:
    with open_store(load_config(data_dir)) as store:
        _record(store, SID, complete=False)
    with review_server(data_dir) as url:
        r = requests.delete(f"{url}/api/sessions/{SID}", timeout=10)
    assert r.status_code == 409 and "stop it first" in r.json()["error"]
    with open_store(load_config(data_dir)) as store:
        assert store.get_session(SID).status == "running"
