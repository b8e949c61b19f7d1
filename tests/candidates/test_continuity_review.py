"""The review app shows whether a session's person is the candidate of the earlier rounds (headless Chromium)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from interview_guard.cli import main
from tests.candidates.test_continuity_sessions import FAST, clips, key  # noqa: F401  (fixtures)
from tests.review.server import review_server
from tests.review.test_review_page import _chromium_ready


@pytest.mark.slow
def test_the_session_page_shows_the_rounds_and_the_verdict(clips: dict[str, Path], key: str,  # noqa: F811
                                                           data_dir: Path, tmp_path: Path, artifacts_dir: Path) -> None:
    _chromium_ready()
    from playwright.sync_api import expect, sync_playwright

    assert main(["analyze", str(clips["round1"]), "--profile", str(clips["alex"]), "--consent", "J. Doe, verbal",
                 "--out", str(tmp_path / "r1"), *FAST]) == 0
    assert main(["verify", "--candidate", "alex@example.org", str(clips["other"]), "--quiet"]) == 3
    with sqlite3.connect(data_dir / "interview-guard.db") as db:
        first, second = [sid for (sid,) in db.execute("SELECT session_id FROM identity_templates ORDER BY round")]

    with review_server(data_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.goto(f"{url}/review/{second}")
        expect(page.locator("#continuity-status")).to_have_text("different person")
        expect(page.locator("#continuity")).to_contain_text("not the person of round 1")
        cells = page.locator("#rounds tbody tr").first.locator("td")
        expect(cells.nth(0)).to_have_text("1")
        assert float(cells.nth(2).inner_text()) >= 0.6
        expect(cells.nth(4)).to_have_text("different person")
        page.screenshot(path=str(artifacts_dir / "review_continuity.png"), full_page=True)

        page.goto(f"{url}/review/{first}")
        expect(page.locator("#continuity-status")).to_have_text("first round")
        expect(page.locator("#rounds")).to_be_hidden()
        browser.close()
