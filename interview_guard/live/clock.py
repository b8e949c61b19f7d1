"""One session clock for live tracks, from the sender's RTCP sender reports.

Each RTP stream counts time from its own random start, so a track's frame times say nothing
about another track's. The sender's RTCP sender reports (RFC 3550 6.4.1) pair an RTP timestamp
with its wall clock (NTP): that puts audio and video on one clock, as a player does for
lip-sync. aiortc reads those reports but keeps only statistics, so `SenderReports` listens in
on the receiver. A track with no report after `wait_s` falls back to arrival times on this
machine, and the session says so (lip-sync offsets then carry the network's jitter).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import av
from aiortc import RTCRtpReceiver
from aiortc.rtp import RtcpSrPacket

logger = logging.getLogger(__name__)

_NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900 (NTP) to 1970 (Unix)


def ntp_seconds(ntp_timestamp: int) -> float:
    """A 64-bit NTP timestamp (32.32 fixed point) in seconds since 1900."""
    return (ntp_timestamp >> 32) + (ntp_timestamp & 0xFFFFFFFF) / 2**32


def rtp_delta(a: int, b: int) -> int:
    """a - b for 32-bit RTP timestamps that may have wrapped between them."""
    return ((a - b + 2**31) % 2**32) - 2**31


@dataclass(frozen=True)
class SenderReport:
    ntp: float  # seconds since 1900 on the sender's clock
    rtp: int  # the RTP timestamp the sender had at that moment


class SenderReports:
    """Sender reports and the first RTP timestamp of one receiver, listened in on.

    aiortc hands decoded frames pts = RTP timestamp - the first frame's; `rtp_origin` undoes that.
    """

    def __init__(self, receiver: RTCRtpReceiver) -> None:
        self._receiver = receiver
        self._reports: dict[int, SenderReport] = {}  # by SSRC
        self._first_rtp: dict[int, int] = {}
        self._packets: dict[int, int] = {}
        rtcp, rtp = receiver._handle_rtcp_packet, receiver._handle_rtp_packet

        async def on_rtcp(packet) -> None:
            if isinstance(packet, RtcpSrPacket):
                self._reports[packet.ssrc] = SenderReport(ntp_seconds(packet.sender_info.ntp_timestamp),
                                                          packet.sender_info.rtp_timestamp)
            await rtcp(packet)

        async def on_rtp(packet, arrival_time_ms: int) -> None:
            self._first_rtp.setdefault(packet.ssrc, packet.timestamp)
            self._packets[packet.ssrc] = self._packets.get(packet.ssrc, 0) + 1
            await rtp(packet, arrival_time_ms=arrival_time_ms)

        # aiortc calls these per packet from its transport; wrapping them keeps its own handling intact.
        receiver._handle_rtcp_packet = on_rtcp  # type: ignore[method-assign]
        receiver._handle_rtp_packet = on_rtp  # type: ignore[method-assign]

    @property
    def _media_ssrc(self) -> int | None:
        # Browsers also send on a retransmission SSRC, and probe bandwidth with padding on it before the
        # media flows; the media stream is the one that carries most packets.
        return max(self._packets, key=self._packets.__getitem__) if self._packets else None

    @property
    def report(self) -> SenderReport | None:
        ssrc = self._media_ssrc
        return self._reports.get(ssrc) if ssrc is not None else None

    @property
    def rtp_origin(self) -> int | None:
        # The receiver's own mapper knows the first *complete* frame's timestamp; the first packet's
        # is the same unless that frame was lost, and serves when the private attribute is gone.
        mapper = getattr(self._receiver, "_RTCRtpReceiver__timestamp_mapper", None)
        origin = getattr(mapper, "_origin", None)
        if isinstance(origin, int):
            return origin
        ssrc = self._media_ssrc
        return self._first_rtp.get(ssrc) if ssrc is not None else None

    def sender_time(self, frame: av.VideoFrame | av.AudioFrame) -> float | None:
        """The frame's time on the sender's wall clock (seconds since 1900), once a report came."""
        origin, report = self.rtp_origin, self.report
        if report is None or origin is None or frame.pts is None or not frame.time_base:
            return None
        rate = 1 / frame.time_base
        rtp = (origin + frame.pts) & 0xFFFFFFFF
        return report.ntp + rtp_delta(rtp, report.rtp) / float(rate)


class SessionClock:
    """Maps each track's frames to seconds from the session's first video frame.

    `place()` returns None while a track waits for its first sender report (the caller holds
    the frame); after `wait_s` without one it uses arrival times instead.
    """

    def __init__(self, wait_s: float = 4.0) -> None:
        self.wait_s = wait_s
        self.origin: float | None = None  # sender seconds (since 1900) at session time 0
        self.fallback_tracks: set[str] = set()
        self._started = time.monotonic()
        self._anchors: dict[str, float] = {}  # fallback: wall seconds at the track's pts 0

    def place(self, name: str, frame, reports: SenderReports | None, is_video: bool) -> float | None:
        at = reports.sender_time(frame) if reports is not None else None
        if at is None:
            if reports is not None and time.monotonic() - self._started < self.wait_s:
                return None
            at = self._arrival_time(name, frame)
        if self.origin is None:
            if not is_video:
                return None  # video sets 0; audio before it waits (and is trimmed at 0)
            self.origin = at
        return at - self.origin

    def _arrival_time(self, name: str, frame) -> float:
        """Wall clock on this machine, in the same 1900-based seconds as the sender's reports."""
        if name not in self.fallback_tracks:
            self.fallback_tracks.add(name)
            logger.warning("track %s: no RTCP sender report; timing it by arrival (less exact lip-sync)", name)
        pts = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else 0.0
        if name not in self._anchors:
            self._anchors[name] = time.time() + _NTP_EPOCH_OFFSET - pts
        return self._anchors[name] + pts
