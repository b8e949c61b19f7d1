"""Runs inside a test's network namespace: starts the agent, sends it a clip over WebRTC from an
aiortc client or from headless Chromium (the real page), and writes what came back to --out.

python -m tests.live.drive_live aiortc --clip CLIP --seconds S --out DIR
python -m tests.live.drive_live chromium --video X.y4m --audio X.wav --seconds S --out DIR
    [--profile FILE] [--consent-by TEXT]   (uploads the profile; ticks the consent box and says who recorded it)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

PORT = 8765


def start_agent(out: Path) -> subprocess.Popen:
    log = open(out / "agent.log", "w")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "interview_guard", "live", "--no-browser", "--port", str(PORT),
                             "--data-dir", str(out / "data")], stdout=log, stderr=subprocess.STDOUT, env=env)


async def wait_for_agent(timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{PORT}/") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError("the agent did not start")


async def aiortc_client(clip: str, seconds: float, out: Path) -> dict:
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer

    player = MediaPlayer(clip)
    pc = RTCPeerConnection()
    channel = pc.createDataChannel("indicators")
    messages: list[dict] = []
    ended = asyncio.Event()

    @channel.on("message")
    def on_message(text: str) -> None:
        msg = json.loads(text)
        messages.append(msg)
        if msg["type"] == "state" and msg["state"] in ("ended", "failed"):
            ended.set()

    pc.addTrack(player.video)
    pc.addTrack(player.audio)
    await pc.setLocalDescription(await pc.createOffer())
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{PORT}/offer", json={
                "sdp": pc.localDescription.sdp, "type": pc.localDescription.type, "candidate": "aiortc test"}) as r:
            answer = await r.json()
    await pc.setRemoteDescription(RTCSessionDescription(answer["sdp"], answer["type"]))
    await asyncio.sleep(seconds)
    channel.send(json.dumps({"type": "stop"}))
    await asyncio.wait_for(ended.wait(), 120)
    await pc.close()
    return {"session": answer["session"], "messages": messages}


async def chromium_page(video: str, audio: str, seconds: float, out: Path, challenge_at: float | None,
                        profile: str = "", consent_by: str = "") -> dict:
    from playwright.async_api import async_playwright

    args = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}", f"--use-file-for-fake-audio-capture={audio}",
            "--allow-loopback-in-peer-connection", "--no-sandbox", "--disable-gpu",
            "--disable-features=WebRtcHideLocalIpsWithMdns"]
    levels: list[dict] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        await page.goto(f"http://127.0.0.1:{PORT}/")
        await page.select_option("#source", "camera")
        await page.fill("#candidate", "Test Candidate")
        if profile:
            await page.set_input_files("#profile", profile)
        if consent_by:
            await page.check("#consent")
            await page.fill("#consent-by", consent_by)
        await page.click("#start")
        started = time.monotonic()
        prompts = ""
        while time.monotonic() - started < seconds:
            await asyncio.sleep(1.0)
            if challenge_at is not None and not prompts and time.monotonic() - started >= challenge_at:
                await page.click("#challenge")
                await page.wait_for_selector("#prompts:not([hidden])", timeout=10_000)
                prompts = await page.inner_text("#prompts")
            levels.append(await page.evaluate("""() => ({
                t: performance.now() / 1000,
                tiles: Object.fromEntries([...document.querySelectorAll('.tile')].map(
                    e => [e.dataset.check, e.dataset.level])),
                words: document.querySelectorAll('#transcript .word').length,
                stats: document.getElementById('stats').textContent,
                error: document.getElementById('error').textContent})"""))
        await page.screenshot(path=str(out / "live_page.png"), full_page=True)
        await page.click("#stop")
        await page.wait_for_selector("#end:not([hidden])", timeout=120_000)
        report = await page.get_attribute("#summary-link", "href")
        await page.screenshot(path=str(out / "live_page_end.png"), full_page=True)
        words = await page.eval_on_selector_all("#transcript .word", "els => els.map(e => e.textContent.trim())")
        await browser.close()
    return {"levels": levels, "words": words, "report": report, "prompts": prompts, "console": console[-20:]}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["aiortc", "chromium"])
    p.add_argument("--clip")
    p.add_argument("--video")
    p.add_argument("--audio")
    p.add_argument("--seconds", type=float, default=20.0)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--challenge-at", type=float, default=None, help="press the challenge button after S seconds")
    p.add_argument("--profile", default="", help="a profile file to upload on the page")
    p.add_argument("--consent-by", default="", help="tick the consent box; who recorded the consent")
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    agent = start_agent(args.out)
    try:
        asyncio.run(wait_for_agent())
        if args.mode == "aiortc":
            result = asyncio.run(aiortc_client(args.clip, args.seconds, args.out))
        else:
            result = asyncio.run(chromium_page(args.video, args.audio, args.seconds, args.out, args.challenge_at,
                                               args.profile, args.consent_by))
    finally:
        agent.terminate()
        try:
            agent.wait(30)
        except subprocess.TimeoutExpired:
            agent.kill()
    (args.out / "result.json").write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
