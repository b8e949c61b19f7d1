"""A failed or abandoned offer does not hold the one session slot: an SDP that cannot be used is a 400 and
starts nothing, and a page that never connects is ended after the connect timeout."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from aiortc import RTCPeerConnection

from interview_guard.live.server import LiveAgent
from interview_guard.options import AnalysisOptions, LipSyncOptions, SpeechOptions

OPTIONS = AnalysisOptions(speech=SpeechOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False))


async def _real_offer() -> tuple[RTCPeerConnection, dict]:
    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="sendonly")
    pc.createDataChannel("indicators")
    await pc.setLocalDescription(await pc.createOffer())
    return pc, {"sdp": pc.localDescription.sdp, "type": "offer"}


def test_an_unusable_sdp_is_refused_and_blocks_nothing(tmp_path: Path) -> None:
    async def run() -> None:
        agent = LiveAgent(OPTIONS, tmp_path)
        async with TestClient(TestServer(agent.app())) as client:
            bad = await client.post("/offer", json={"sdp": "garbage\r\nmore garbage", "type": "offer"})
            assert bad.status == 400 and "SDP" in (await bad.json())["error"]
            assert agent.current is None or agent.current.ended
            pc, offer = await _real_offer()
            good = await client.post("/offer", json=offer)
            assert good.status == 200, await good.text()
            await pc.close()

    asyncio.run(asyncio.wait_for(run(), 60))


def test_a_page_that_never_connects_is_ended_and_the_next_offer_is_taken(tmp_path: Path) -> None:
    async def run() -> None:
        agent = LiveAgent(OPTIONS, tmp_path)
        agent.connect_timeout_s = 0.5
        async with TestClient(TestServer(agent.app())) as client:
            pc, offer = await _real_offer()  # answered, but the answer is never applied: no connection
            first = await client.post("/offer", json=offer)
            session = agent.sessions[(await first.json())["session"]]
            busy = await client.post("/offer", json=offer)
            assert busy.status == 409
            for _ in range(100):
                if session.ended:
                    break
                await asyncio.sleep(0.1)
            assert session.ended
            second_pc, second = await _real_offer()
            again = await client.post("/offer", json=second)
            assert again.status == 200, await again.text()
            await pc.close()
            await second_pc.close()

    asyncio.run(asyncio.wait_for(run(), 60))
