"""Turn a per-frame yes/no condition into time spans, tolerating one-frame flickers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    start: float
    end: float
    frames: list[tuple[float, int]] = field(default_factory=list)  # (t, frame_index) while active

    @property
    def duration(self) -> float:
        return self.end - self.start

    def sample_frames(self, n: int = 3) -> list[tuple[float, int]]:
        """First, middle and last frames (or fewer) to show as evidence."""
        if len(self.frames) <= n:
            return list(self.frames)
        picks = [round(i * (len(self.frames) - 1) / (n - 1)) for i in range(n)]
        return [self.frames[i] for i in picks]


class SpanBuilder:
    """Opens a span on the first active frame, ends it at the first inactive frame
    that is not followed by activity within `max_gap_s`; keeps spans of `min_s` or more."""

    _MAX_FRAMES_KEPT = 400  # evidence needs a few frames, not all of a long span

    def __init__(self, min_s: float, max_gap_s: float = 0.35) -> None:
        self.min_s = min_s
        self.max_gap_s = max_gap_s
        self._open: Span | None = None
        self._inactive_since: float | None = None

    @property
    def is_open(self) -> bool:
        return self._open is not None

    def open_for(self, now: float) -> float:
        """Seconds the open span has lasted by `now` (0 when none is open)."""
        return 0.0 if self._open is None else max(0.0, now - self._open.start)

    def status(self, check: str, now: float, problem: str, fine: str):  # -> CheckStatus
        """Live tile: green while nothing is open, amber while a span grows, red once it is long enough
        to become a finding. `problem` reads "<problem> for N s"."""
        from interview_guard.analyzers.core import CheckStatus

        held = self.open_for(now)
        if self._open is None:
            return CheckStatus(check, "green", fine, round(now, 3))
        level = "red" if held >= self.min_s else "amber"
        return CheckStatus(check, level, f"{problem} for {held:.0f} s", round(now, 3))

    def update(self, t: float, active: bool, frame_index: int = -1) -> Span | None:
        """Feed one frame; returns a finished span when one closes here."""
        if active:
            if self._open is None:
                self._open = Span(t, t)
            self._inactive_since = None
            self._open.end = t
            if len(self._open.frames) < self._MAX_FRAMES_KEPT:
                self._open.frames.append((t, frame_index))
            return None
        if self._open is None:
            return None
        if self._inactive_since is None:
            self._inactive_since = t
        if t - self._inactive_since >= self.max_gap_s:
            return self._close(self._inactive_since)
        return None

    def finish(self, end_time: float) -> Span | None:
        if self._open is None:
            return None
        return self._close(self._inactive_since if self._inactive_since is not None else end_time)

    def _close(self, end: float) -> Span | None:
        span, self._open, self._inactive_since = self._open, None, None
        assert span is not None
        span.end = max(end, span.start)
        return span if span.duration >= self.min_s else None


def span_evidence(span: Span, note: str = "", words: str = ""):  # -> Evidence
    from interview_guard.analyzers.core import Evidence

    frames = span.sample_frames()
    return Evidence(start=round(span.start, 3), end=round(span.end, 3),
                    frame_times=tuple(round(t, 3) for t, _ in frames),
                    frame_indices=tuple(i for _, i in frames), words=words, note=note)


def clamp01(x: float) -> float:
    return max(0.0, min(1.0, x))


class WindowRuns:
    """Runs of consecutive windows that share a finding, per finding name.

    `add(window, hits)` files the window under each finding it shows and closes the runs of the
    others; a closed run counts when it has `sustain` windows, or (with judge_short) every window
    judged so far: a recording shorter than `sustain` windows is then judged on what it has.
    """

    def __init__(self, names: tuple[str, ...], sustain: int, judge_short: bool = True) -> None:
        self.sustain, self.judge_short = sustain, judge_short
        self.windows_seen = 0
        self._runs: dict[str, list] = {n: [] for n in names}

    def add(self, window, hits: dict[str, bool]) -> list[tuple[str, list]]:
        self.windows_seen += 1
        closed = []
        for name, run in self._runs.items():
            if hits.get(name):
                run.append(window)
            elif run := self._close(name):
                closed.append((name, run))
        return closed

    def finish(self) -> list[tuple[str, list]]:
        return [(name, run) for name in self._runs if (run := self._close(name))]

    def _close(self, name: str) -> list:
        run, self._runs[name] = self._runs[name], []
        needed = min(self.sustain, self.windows_seen) if self.judge_short else self.sustain
        return run if run and len(run) >= needed else []
