"""WindowRuns: sustained findings over consecutive windows, and short recordings judged on what they have."""

from __future__ import annotations

from interview_guard.analyzers.spans import WindowRuns


def test_a_run_counts_once_it_lasts_and_closes_when_the_finding_stops() -> None:
    runs = WindowRuns(("a", "b"), sustain=3)
    closed = [runs.add(i, {"a": i in (1, 2, 3), "b": i == 5}) for i in range(7)]
    assert closed[4] == [("a", [1, 2, 3])]
    assert all(c == [] for k, c in enumerate(closed) if k != 4)  # b's single window never counts
    assert runs.finish() == []


def test_a_recording_shorter_than_the_sustain_is_judged_whole() -> None:
    runs = WindowRuns(("a",), sustain=3)
    runs.add(0, {"a": True})
    runs.add(1, {"a": True})
    assert runs.finish() == [("a", [0, 1])]


def test_a_short_run_in_a_long_recording_does_not_count() -> None:
    runs = WindowRuns(("a",), sustain=3)
    for i in range(5):
        runs.add(i, {"a": False})
    runs.add(5, {"a": True})
    assert runs.finish() == []


def test_without_judge_short_a_short_recording_needs_the_full_sustain() -> None:
    runs = WindowRuns(("a",), sustain=3, judge_short=False)
    runs.add(0, {"a": True})
    runs.add(1, {"a": True})
    assert runs.finish() == []
