"""The review app in headless Chromium: sessions made by `analyze` in this test are listed, one opens with
its timeline, transcript and profile findings, a decision is recorded and the audit log shows it."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from interview_guard.cli import main
from tests.conftest import run_ffmpeg
from tests.profile.resumes import resume, write
from tests.review.server import review_server

pytestmark = pytest.mark.usefixtures("store_url")  # on SQLite and on PostgreSQL (tests/conftest.py)


def _chromium_ready() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")


@pytest.mark.slow
def test_a_reviewer_finds_opens_and_decides_a_session(media_dir: Path, data_dir: Path, tmp_path: Path,
                                                      artifacts_dir: Path, ffmpeg: str) -> None:
    _chromium_ready()
    from playwright.sync_api import expect, sync_playwright

    profile = write(tmp_path, resume(**{"basics.phone": "+34 612 34"}))  # a phone number too short for Spain
    fake = tmp_path / "dubbed_late_audio.mp4"  # audio 600 ms behind the lips: av_offset on the timeline
    source = media_dir / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"
    run_ffmpeg(ffmpeg, "-i", str(source), "-itsoffset", "0.6", "-i", str(source), "-map", "0:v", "-map", "1:a",
               "-c", "copy", str(fake))
    real = media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4"
    for clip, extra in ((real, []), (fake, ["--profile", str(profile)])):
        assert main(["analyze", str(clip), "--out", str(tmp_path / clip.stem), "--quiet", "--no-liveness",
                     *extra]) == 0

    with review_server(data_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{url}/review")
        rows = page.locator("#sessions tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("#count")).to_have_text("2 of 2 session(s)")
        page.screenshot(path=str(artifacts_dir / "review_list.png"), full_page=True)

        page.fill("input[name=q]", "dubbed")
        page.click("#filters button[type=submit]")
        expect(rows).to_have_count(1)
        rows.first.click()

        page.wait_for_url(f"{url}/review/*")
        expect(page.locator("#title")).to_contain_text(fake.name)
        bars = page.locator("#timeline rect.bar")
        expect(bars.first).to_be_visible()
        assert bars.count() >= 1
        expect(page.locator("#transcript .seg").first).to_be_visible()
        expect(page.locator("#profile")).to_contain_text("profile_phone")
        bars.first.click()
        expect(page.locator("#findings li.picked")).to_have_count(1)
        expect(page.locator("#picked")).not_to_be_empty()

        page.check("input[name=decision][value=needs_follow_up]")
        page.fill("input[name=reviewer]", "Ana Reviewer")
        page.fill("textarea[name=note]", "ask the candidate to repeat the answer on camera")
        page.click("#decide button[type=submit]")
        expect(page.locator("#decide-status")).to_have_text("recorded")
        expect(page.locator("#decisions li").first).to_contain_text("needs follow up by Ana Reviewer")
        audit = page.locator("#audit tbody tr").first
        expect(audit).to_contain_text("decision")
        expect(audit).to_contain_text("Ana Reviewer")
        page.screenshot(path=str(artifacts_dir / "review_session.png"), full_page=True)

        page.goto(f"{url}/review")
        expect(page.locator("#sessions tbody tr", has_text="dubbed")).to_contain_text("needs follow up")
        browser.close()
