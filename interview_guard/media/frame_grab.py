"""Grab a few frames by time (evidence pictures for the report) by seeking the recording again."""

from __future__ import annotations

import logging
from pathlib import Path

import av
import cv2
import numpy as np

from interview_guard.media.convert import upright

logger = logging.getLogger(__name__)


def grab_frames(path: Path, times: list[float], origin: float, max_side: int = 360) -> dict[float, np.ndarray]:
    """RGB frames shown at each session time in `times` (at most a few dozen; each costs a seek)."""
    found: dict[float, np.ndarray] = {}
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for t in sorted(set(times)):
                image = _frame_at(container, stream, t + origin, max_side)
                if image is not None:
                    found[t] = image
    except av.error.FFmpegError as e:
        logger.warning("%s: could not grab evidence frames (%s)", path, e)
    return found


def _frame_at(container, stream, t: float, max_side: int) -> np.ndarray | None:
    container.seek(int(max(0.0, t - 0.5) / stream.time_base), stream=stream, backward=True, any_frame=False)
    last = None
    for frame in container.decode(stream):
        if frame.time is None:
            continue
        last = frame
        if frame.time >= t - 1e-3:
            break
    if last is None:
        return None
    scale = min(1.0, max_side / max(last.width, last.height))
    w, h = max(2, int(last.width * scale) // 2 * 2), max(2, int(last.height * scale) // 2 * 2)
    return upright(last.to_ndarray(format="rgb24", width=w, height=h), last)


def jpeg_bytes(image: np.ndarray, quality: int = 80) -> bytes:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("could not encode a JPEG")
    return buf.tobytes()
