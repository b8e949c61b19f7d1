"""The live entrance (bounded, drops video not audio) and the session clock (RTCP sender reports)."""

from __future__ import annotations

import asyncio
import fractions
import threading

import av
import numpy as np
import pytest
from aiortc.rtp import RtcpSenderInfo, RtcpSrPacket
from aiortc.rtp import RtpPacket

from interview_guard.live.clock import SenderReports, SessionClock, ntp_seconds, rtp_delta
from interview_guard.live.feed import LiveConverter, LiveFeed, LiveFrame
from interview_guard.media.core import AudioChunk, VideoFrame
from interview_guard.options import AnalysisOptions, MediaOptions


def _video(pts: int = 0) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(np.full((96, 128, 3), 128, np.uint8), format="rgb24")
    frame.pts, frame.time_base = pts, fractions.Fraction(1, 90_000)
    return frame


def _audio(pts: int = 0, samples: int = 960, rate: int = 48_000) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(np.zeros((1, samples), np.int16), format="s16", layout="mono")
    frame.sample_rate, frame.pts, frame.time_base = rate, pts, fractions.Fraction(1, rate)
    return frame


def test_feed_drops_the_oldest_waiting_video_but_keeps_audio() -> None:
    feed = LiveFeed(max_video=2, max_audio_s=10.0)
    for i in range(5):
        feed.put(LiveFrame(_video(i), t=i * 0.04))
        feed.put(LiveFrame(_audio(i), t=i * 0.02))
    feed.close()
    items = list(feed.items())
    videos = [it.t for it in items if it.is_video]
    assert videos == pytest.approx([0.12, 0.16])  # the newest two: the lag never grows
    assert len([it for it in items if not it.is_video]) == 5
    assert (feed.video_in, feed.video_dropped, feed.audio_dropped) == (5, 3, 0)


def test_feed_bounds_audio_too_when_the_analysis_stalls() -> None:
    feed = LiveFeed(max_video=2, max_audio_s=0.1)  # five 20 ms frames
    for i in range(8):
        feed.put(LiveFrame(_audio(i * 960), t=i * 0.02))
    feed.close()
    assert len(list(feed.items())) == 5 and feed.audio_dropped == 3


def test_feed_items_wait_for_input_and_end_on_close() -> None:
    feed = LiveFeed()
    got: list[float] = []
    reader = threading.Thread(target=lambda: got.extend(it.t for it in feed.items()))
    reader.start()
    feed.put(LiveFrame(_video(), t=1.5))
    feed.close()
    reader.join(5)
    assert not reader.is_alive() and got == [1.5]


def test_converter_picks_the_analysis_rate_and_places_audio_on_the_clock() -> None:
    options = AnalysisOptions(media=MediaOptions(analysis_fps=5.0, max_side=64))
    seen: list[VideoFrame] = []
    converter = LiveConverter(options, on_frame=seen.append)
    items = [LiveFrame(_video(), t=i / 25) for i in range(25)]  # one second at 25 fps
    items.append(LiveFrame(_audio(samples=48_000), t=0.5))  # one second of audio starting at 0.5 s
    out = list(converter.convert(iter(items)))
    frames = [o for o in out if isinstance(o, VideoFrame)]
    analysed = [f for f in frames if f.analysed]
    assert len(analysed) == 5 and max(f.image.shape[1] for f in frames) == 64
    assert all(f.source_size == (128, 96) for f in frames) and len(seen) == len(frames)
    chunks = [o for o in out if isinstance(o, AudioChunk)]
    samples = np.concatenate([c.samples for c in chunks])
    assert chunks[0].t == 0.0 and len(samples) == pytest.approx(16_000 * 1.5, abs=400)
    assert not samples[: 16_000 * 45 // 100].any()  # silence before the audio's start keeps the clock


def test_rtp_and_ntp_arithmetic() -> None:
    assert rtp_delta(5, 2**32 - 5) == 10  # wrapped between the two
    assert rtp_delta(2**32 - 5, 5) == -10
    assert ntp_seconds((3 << 32) + 2**31) == 3.5


class _FakeReceiver:
    """What SenderReports wraps: aiortc's per-packet handlers."""

    def __init__(self) -> None:
        self.handled: list[object] = []

    async def _handle_rtcp_packet(self, packet) -> None:
        self.handled.append(packet)

    async def _handle_rtp_packet(self, packet, arrival_time_ms: int) -> None:
        self.handled.append(packet)


def _sr(ssrc: int, ntp_s: float, rtp: int) -> RtcpSrPacket:
    ntp = (int(ntp_s) << 32) + int((ntp_s % 1) * 2**32)
    return RtcpSrPacket(ssrc=ssrc, sender_info=RtcpSenderInfo(ntp_timestamp=ntp, rtp_timestamp=rtp,
                                                              packet_count=1, octet_count=1))


def test_sender_reports_put_audio_and_video_on_one_clock() -> None:
    """Two tracks with unrelated random RTP starts: the reports say audio RTP 1_000_000 and video RTP
    4_000_000_000 were both taken at NTP 100.0 s; frames captured together must land together."""
    audio_rx, video_rx = _FakeReceiver(), _FakeReceiver()
    audio, video = SenderReports(audio_rx), SenderReports(video_rx)

    async def feed() -> None:
        # Retransmission padding on another SSRC comes first and must not be taken for the media.
        await video_rx._handle_rtp_packet(RtpPacket(ssrc=99, timestamp=7), arrival_time_ms=0)
        for i in range(3):
            await audio_rx._handle_rtp_packet(RtpPacket(ssrc=1, timestamp=1_000_000 + 960 * i), arrival_time_ms=0)
            await video_rx._handle_rtp_packet(RtpPacket(ssrc=2, timestamp=4_000_000_000 + 3000 * i),
                                              arrival_time_ms=0)
        await audio_rx._handle_rtcp_packet(_sr(1, 100.0, 1_000_000))
        await video_rx._handle_rtcp_packet(_sr(2, 100.0, 4_000_000_000))
        await video_rx._handle_rtcp_packet(_sr(99, 500.0, 7))

    asyncio.run(feed())
    assert len(audio_rx.handled) == 4 and len(video_rx.handled) == 6  # aiortc still sees every packet
    # One second after the first frames: audio pts 48000 (48 kHz), video pts 90000 (90 kHz).
    assert audio.sender_time(_audio(48_000)) == pytest.approx(101.0)
    assert video.sender_time(_video(90_000)) == pytest.approx(101.0)
    clock = SessionClock(wait_s=10.0)
    assert clock.place("audio0", _audio(0), audio, is_video=False) is None  # video sets the clock's 0
    assert clock.place("video0", _video(45_000), video, is_video=True) == 0.0
    assert clock.place("audio0", _audio(48_000), audio, is_video=False) == pytest.approx(0.5)
    assert not clock.fallback_tracks


def test_a_track_without_reports_waits_then_falls_back_to_arrival_time() -> None:
    reports = SenderReports(_FakeReceiver())
    waiting = SessionClock(wait_s=10.0)
    assert waiting.place("video0", _video(0), reports, is_video=True) is None
    clock = SessionClock(wait_s=0.0)
    assert clock.place("video0", _video(0), reports, is_video=True) == 0.0
    assert clock.place("video0", _video(90_000), reports, is_video=True) == pytest.approx(1.0)
    assert clock.fallback_tracks == {"video0"}
