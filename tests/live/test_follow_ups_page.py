"""The live page in headless Chromium, following `live --source` on an espeak interview that contradicts the
candidate's profile three times: each contradiction proposes a question quoting both sides; the one marked
asked and answered is in summary.json with its answer span, and the review app links that answer."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.scenarios import CLAIMS_PROFILE, PLANTED_CLAIMS, claims_script, make_scenario
from tests.review.server import free_port, review_server

pytestmark = pytest.mark.slow


def _tools_ready() -> None:
    for tool in ("espeak-ng", "ffmpeg", "chromium"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")


def _current_session(url: str, agent: subprocess.Popen, log: Path, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert agent.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(f"{url}/api/current", timeout=2) as r:
                current = json.load(r)
            if current:
                return current["session"]
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the agent started no session:\n{log.read_text()}")


def test_planted_contradictions_are_proposed_on_the_live_page_and_marks_reach_the_summary(
        tmp_path: Path, data_dir: Path, artifacts_dir: Path) -> None:
    _tools_ready()
    from playwright.sync_api import expect, sync_playwright

    scenario = make_scenario(claims_script(), tmp_path / "scenario", "claims")
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(CLAIMS_PROFILE), encoding="utf-8")
    port, log = free_port(), tmp_path / "agent.log"
    agent = subprocess.Popen(
        [sys.executable, "-m", "interview_guard", "live", "--no-browser", "--source", str(scenario.mixed),
         "--profile", str(profile), "--no-lip-sync", "--no-liveness", "--port", str(port), "--data-dir",
         str(data_dir)], stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        session = _current_session(url, agent, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1300, "height": 1100})
            page.goto(f"{url}/?watch={session}")
            items = page.locator("#follow-ups > li")

            # The first contradiction: asked now, answered a few seconds later, while the interview goes on.
            place, said, listed = PLANTED_CLAIMS[0]
            first = items.filter(has_text=f"{place} from {listed}")
            expect(first).to_have_count(1, timeout=60_000)
            first.locator("button.asked").click()
            expect(first).to_have_attribute("data-state", "asked")
            page.wait_for_timeout(3000)
            first.locator("button.answered").click()
            expect(first).to_have_attribute("data-state", "answered")
            expect(first.locator(".state")).to_contain_text("answered at")

            expect(page.locator("#state")).to_have_text("ended", timeout=120_000)
            for place, said, listed in PLANTED_CLAIMS:
                asked = items.filter(has_text=listed).filter(has_text=f"in {said}")
                expect(asked).to_have_count(1)
                expect(asked.locator(".question")).to_contain_text(f"in {said}; your profile says")
                expect(asked.locator(".quotes li").first).to_contain_text("heard at")
                expect(asked.locator(".quotes li").first).to_contain_text(said)  # what was said, as heard
                expect(asked.locator(".quotes li").nth(1)).to_contain_text(f"profile: {place}")
                expect(asked.locator(".quotes li").nth(1)).to_contain_text(listed)  # what the profile has
            first.locator("a.answer").click()
            expect(page.locator("#transcript .word.answer").first).to_be_visible()
            page.screenshot(path=str(artifacts_dir / "live_follow_ups.png"), full_page=True)
            browser.close()
        assert agent.wait(timeout=60) == 0, log.read_text()
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()

    summary = json.loads((data_dir / "sessions" / session / "summary.json").read_text())
    claims = [f for f in summary["follow_ups"] if f["check"] == "claim_contradiction"]
    assert sorted(q["text"].split(" (")[0] for f in claims for q in f["quotes"] if q["source"] == "profile") == \
        sorted(["Oracle from 2021-03 to now", "Microsoft from 2015-09 to 2018-06",
                "University of Toronto until 2014-06"])
    (marked,) = [f for f in summary["follow_ups"] if f["state"] != "proposed"]
    assert marked["state"] == "answered" and "Oracle in 2019" in marked["question"]
    assert 2.5 <= marked["answered_at"] - marked["asked_at"] <= 10.0
    assert marked["answer_start"] is not None and marked["asked_at"] - 1.0 <= marked["answer_start"]
    assert marked["answer_start"] < marked["answer_end"] <= summary["source"]["duration"]
    report = (data_dir / "sessions" / session / "report.html").read_text()
    assert "<tr class=follow-up data-state=answered>" in report and "<a href='#seg-" in report
    journal = [json.loads(line) for line in (data_dir / "sessions" / session / "journal.jsonl").open()]
    assert [m["state"] for m in journal if m["type"] == "follow_up" and m["id"] == marked["id"]] == \
        ["proposed", "asked", "answered"]

    with review_server(data_dir) as review, sync_playwright() as p:  # the stored session, in the review app
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{review}/review/{session}")
        answered = page.locator("#follow-ups > li[data-state=answered]")
        expect(answered).to_contain_text("You mentioned joining Oracle in 2019")
        answered.locator("a.answer").click()
        expect(page.locator("#transcript .seg.picked").first).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "review_follow_ups.png"), full_page=True)
        browser.close()
