"""A live session runs the engine over its LiveSource: frames put in from outside come out as the page's
messages in the engine's order, and the summary carries the session's own id, time and source warnings."""

from __future__ import annotations

import json
import time
from fractions import Fraction
from pathlib import Path

import av

from interview_guard.live.feed import LiveFrame
from interview_guard.live.session import LiveSession, new_session_folder
from interview_guard.options import AnalysisOptions, LipSyncOptions, MediaOptions, SpeechOptions
from tests.media_factory import _gradient

VIDEO_ONLY = AnalysisOptions(media=MediaOptions(analysis_fps=5.0), speech=SpeechOptions(enabled=False),
                             lip_sync=LipSyncOptions(enabled=False))


def _frame(i: int, fps: int = 10) -> av.VideoFrame:
    frame = av.VideoFrame.from_ndarray(_gradient((160, 120), i), format="rgb24")
    frame.pts, frame.time_base = i, Fraction(1, fps)
    return frame


def test_frames_put_in_come_out_as_messages_in_order_and_the_summary_is_the_sessions(tmp_path: Path) -> None:
    session = LiveSession(VIDEO_ONLY, new_session_folder(tmp_path), "test:generated")
    messages: list[dict] = []
    session.add_listener(messages.append)
    session.start()
    deadline = time.monotonic() + 60
    while session.state != "running" and time.monotonic() < deadline and not session.ended:
        time.sleep(0.05)
    assert session.state == "running", session.error
    for i in range(30):  # 3 s of a faceless picture
        session.put(LiveFrame(_frame(i), i / 10))
        time.sleep(0.01)
    summary = session.finish(timeout=60)
    assert summary is not None, session.error
    states = [m["state"] for m in messages if m["type"] == "state"]
    assert states == ["loading", "running", "finishing", "ended"]
    types = [m["type"] for m in messages]
    assert "indicator" in types[:types.index("summary")] and types.index("summary") < len(types) - 1
    assert "stats" in types and types.count("summary") == 1
    assert summary.session_id == session.id and summary.created == session.created
    assert summary.source.format == "test:generated" and summary.frames_analysed == session.media.frames_analysed > 0
    dropped = session.media.feed.video_dropped
    assert any("were dropped to keep up" in w for w in summary.warnings) == (dropped > 0)
    written = json.loads((session.folder / "summary.json").read_text())
    assert written["session_id"] == session.id and "no_face" in {i["check"] for i in written["indicators"]}
