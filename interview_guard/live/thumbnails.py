"""Evidence pictures for a live session, which has no file to take frames from afterwards.

Small JPEGs of the latest analysed frames are kept in a bounded ring; when an indicator cites
frames, those are written into the session's evidence folder (while still in the ring) and
served to the page; the report at the end inlines them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

import cv2

from interview_guard.media.core import VideoFrame
from interview_guard.media.frame_grab import jpeg_bytes


class ThumbnailRing:
    def __init__(self, folder: Path, url_prefix: str, keep: int = 600, max_side: int = 320) -> None:
        self.folder, self.url_prefix, self.keep, self.max_side = folder, url_prefix, keep, max_side
        self._ring: OrderedDict[int, tuple[float, bytes]] = OrderedDict()  # frame index -> (t, jpeg)
        self._saved: dict[int, tuple[float, Path]] = {}
        self._lock = threading.Lock()

    def add(self, frame: VideoFrame) -> None:
        if not frame.analysed:
            return
        image = frame.image
        scale = self.max_side / max(image.shape[:2])
        if scale < 1:
            image = cv2.resize(image, (int(image.shape[1] * scale), int(image.shape[0] * scale)),
                               interpolation=cv2.INTER_AREA)
        jpeg = jpeg_bytes(image, quality=75)
        with self._lock:
            self._ring[frame.index] = (frame.t, jpeg)
            while len(self._ring) > self.keep:
                self._ring.popitem(last=False)

    def save(self, indices: list[int]) -> dict[int, str]:
        """Write the cited frames still in the ring; returns their URLs by frame index."""
        urls = {}
        for index in dict.fromkeys(indices):
            with self._lock:
                kept = self._ring.get(index)
                saved = self._saved.get(index)
            if saved is None and kept is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                path = self.folder / f"frame_{index}.jpg"
                path.write_bytes(kept[1])
                with self._lock:
                    self._saved[index] = saved = (kept[0], path)
            if saved is not None:
                urls[index] = self.url_prefix + saved[1].name
        return urls

    def jpegs_at(self, times: list[float], tolerance_s: float = 0.25) -> dict[float, bytes]:
        """The saved or kept frame nearest each time (within tolerance), for the report."""
        with self._lock:
            known = [(t, jpeg) for t, jpeg in self._ring.values()]
            saved = list(self._saved.values())
        known += [(t, path.read_bytes()) for t, path in saved if path.exists()]
        out: dict[float, bytes] = {}
        for want in dict.fromkeys(times):
            best = min(known, key=lambda k: abs(k[0] - want), default=None)
            if best is not None and abs(best[0] - want) <= tolerance_s:
                out[want] = best[1]
        return out
