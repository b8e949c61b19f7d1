"""Pipeline stages on their own threads, linked by bounded queues.

Decoding, face landmarks, identity descriptors and speech all spend their time
in native code that releases the GIL (FFmpeg, MediaPipe, dlib, CTranslate2), so
threads let them share the cores. Every queue is bounded: a slow stage slows
the one before it instead of letting memory grow. An error in any stage stops
the others and is raised on the caller's thread.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

END = object()  # the last item a stage passes on


class Stopped(Exception):
    """Raised inside a stage when another stage failed and the run is over."""


class StageThread:
    """Runs `work(item)` on every item of `inbox` (or drains `source`) on its own thread.

    Each result that is not None goes to `outbox` (when given). `busy_s` is the
    time spent inside `work`, which the benchmark reports per stage.
    """

    def __init__(self, name: str, work: Callable[[Any], Any], stop: threading.Event,
                 inbox: queue.Queue | None = None, source: Iterable[Any] | None = None,
                 outbox: queue.Queue | None = None) -> None:
        if (inbox is None) == (source is None):
            raise ValueError("a stage reads either an inbox or a source")
        self.name, self.work, self.stop = name, work, stop
        self.inbox, self.source, self.outbox = inbox, source, outbox
        self.error: BaseException | None = None
        self.busy_s = 0.0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "StageThread":
        self._thread.start()
        return self

    def join(self) -> None:
        self._thread.join()

    def _items(self) -> Iterable[Any]:
        if self.source is not None:
            yield from self.source
            return
        assert self.inbox is not None
        while (item := get(self.inbox, self.stop)) is not END:
            yield item

    def _run(self) -> None:
        try:
            items = iter(self._items())
            while True:
                start = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    break
                if self.source is None:  # waiting on an inbox is not work
                    start = time.perf_counter()
                result = self.work(item)
                self.busy_s += time.perf_counter() - start
                if result is not None and self.outbox is not None:
                    put(self.outbox, result, self.stop)
        except Stopped:
            pass
        except BaseException as e:  # handed to the caller's thread
            self.error = e
            self.stop.set()
        finally:
            if self.outbox is not None:
                put(self.outbox, END, self.stop, force=True)


def put(q: queue.Queue, item: Any, stop: threading.Event, force: bool = False) -> None:
    """Blocking put that gives up when the run is stopped (so no thread waits forever)."""
    while True:
        if stop.is_set() and not force:
            raise Stopped
        try:
            q.put(item, timeout=0.1)
            return
        except queue.Full:
            if stop.is_set():
                if force:
                    _drop_one(q)
                else:
                    raise Stopped from None


def get(q: queue.Queue, stop: threading.Event) -> Any:
    while True:
        try:
            return q.get(timeout=0.1)
        except queue.Empty:
            if stop.is_set():
                raise Stopped from None


def _drop_one(q: queue.Queue) -> None:
    try:
        q.get_nowait()
    except queue.Empty:
        pass
