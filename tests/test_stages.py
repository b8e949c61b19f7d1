from __future__ import annotations

import itertools
import queue
import threading
import time

import pytest

from interview_guard.stages import END, StageThread, Stopped, get


def _drain(q: queue.Queue, stop: threading.Event) -> list:
    out = []
    while (item := get(q, stop)) is not END:
        out.append(item)
    return out


def test_items_flow_through_two_stages_in_order() -> None:
    stop = threading.Event()
    mid, out = queue.Queue(maxsize=2), queue.Queue(maxsize=2)
    a = StageThread("a", lambda x: x * 2, stop, source=range(50), outbox=mid).start()
    b = StageThread("b", lambda x: x + 1 if x % 4 else None, stop, inbox=mid, outbox=out).start()
    assert _drain(out, stop) == [x * 2 + 1 for x in range(50) if (x * 2) % 4]
    a.join(), b.join()
    assert a.error is None and b.error is None


def test_an_error_in_one_stage_stops_the_others_without_hanging() -> None:
    stop = threading.Event()
    mid, out = queue.Queue(maxsize=1), queue.Queue(maxsize=1)

    def explode(x: int) -> int:
        if x == 3:
            raise ValueError("bad frame 3")
        return x

    endless = itertools.count()  # a source that never ends: only the stop can end it
    a = StageThread("a", lambda x: x, stop, source=endless, outbox=mid).start()
    b = StageThread("b", explode, stop, inbox=mid, outbox=out).start()
    deadline = time.monotonic() + 5
    with pytest.raises(Stopped):
        while time.monotonic() < deadline:
            get(out, stop)
    a.join(), b.join()
    assert isinstance(b.error, ValueError) and a.error is None and stop.is_set()


def test_a_stage_needs_exactly_one_input() -> None:
    with pytest.raises(ValueError):
        StageThread("x", lambda x: x, threading.Event())
