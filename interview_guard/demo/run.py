"""`interview-guard demo`: the real analysis on a bundled real recording and on manipulated copies of it made
here and now, each with its report, so a first run needs no recording of one's own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from interview_guard.demo.clips import Clip, looped, read_clip, spliced, voice_delayed, write_clip

MEDIA = Path(__file__).resolve().parent / "media"
_SPEAKER, _OTHER = "grid_bbaf2n.mp4", "grid_lbax4n.mp4"


@dataclass(frozen=True)
class DemoCase:
    name: str
    made: str  # how the recording was made, in words
    expected: tuple[str, ...]  # the checks that should find it (none for the real recording)
    build: Callable[[], Clip]


@dataclass(frozen=True)
class DemoResult:
    case: DemoCase
    report: Path
    risk_level: str
    found: tuple[str, ...]  # checks with findings, strongest first
    top_reason: str  # the strongest finding's reason ("" without one)
    seconds: float

    @property
    def as_expected(self) -> bool:
        return set(self.case.expected) <= set(self.found) if self.case.expected else not self.found


def demo_cases() -> tuple[DemoCase, ...]:
    def clip(name: str) -> Clip:
        return read_clip(MEDIA / name)

    return (
        DemoCase("real", "one GRID speaker, as recorded", (), lambda: clip(_SPEAKER)),
        DemoCase("splice", "that speaker, then another in the same seat (a stand-in takes over at 3 s)",
                 ("identity_change",), lambda: spliced(clip(_SPEAKER), clip(_OTHER))),
        DemoCase("loop", "the real recording played three times (a replay fed to a virtual camera)",
                 ("replay_loop",), lambda: looped(clip(_SPEAKER), 3)),
        DemoCase("voice_delay", "the real recording with its voice 400 ms behind the lips (relayed or dubbed)",
                 ("av_offset",), lambda: voice_delayed(clip(_SPEAKER), 0.4)),
    )


def run_demo(out_dir: Path) -> Iterator[DemoResult]:
    """Make, analyse and report each case in turn (models load once, in the first)."""
    from interview_guard.outputs import write_outputs
    from interview_guard.pipeline import analyze_recording

    for case in demo_cases():
        started = time.perf_counter()
        folder = out_dir / case.name
        recording = write_clip(case.build(), folder / f"{case.name}.mp4")
        summary = analyze_recording(recording, progress=False)
        written = write_outputs(summary, folder, report=True)
        ranked = sorted(summary.indicators, key=lambda i: i.score * i.confidence, reverse=True)
        found = tuple(dict.fromkeys(i.check for i in ranked))
        yield DemoResult(case, written[-1], summary.risk.level, found, ranked[0].reason if ranked else "",
                         round(time.perf_counter() - started, 1))


def describe(result: DemoResult, number: int, total: int) -> str:
    case = result.case
    findings = ", ".join(result.found) or "no finding"
    if case.expected:
        verdict = f"expected {', '.join(case.expected)}: {'found' if result.as_expected else 'NOT found'}"
    else:
        verdict = "expected nothing: " + ("nothing found" if result.as_expected else "found something")
    return (f"[{number}/{total}] {case.name}: {case.made}\n"
            f"      risk {result.risk_level.upper()} ({findings}); {verdict}; {result.seconds:.1f} s\n"
            + (f"      {_shorten(result.top_reason)}\n" if result.top_reason else "")
            + f"      {result.report}")


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
