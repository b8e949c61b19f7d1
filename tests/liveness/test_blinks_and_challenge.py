"""blink_anomaly and the challenge verdicts on frames with known truth."""

from __future__ import annotations

import numpy as np

from interview_guard.analyzers.blinks import BlinkAnalyzer
from interview_guard.analyzers.challenge import ChallengeAnalyzer
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LivenessOptions
from tests.liveness.frames import blend_with_blink, frame, observation, run

FPS = 30.0


def blinking(seconds: float, blink_times: list[float], yaw: float = 0.0) -> list:
    out = []
    for k in range(int(seconds * FPS)):
        t = k / FPS
        closed = any(b <= t < b + 0.15 for b in blink_times)
        out.append(frame(t, (observation(t, blend=blend_with_blink(0.75 if closed else 0.08), yaw=yaw),)))
    return out


def test_natural_blinks_raise_nothing_and_are_counted() -> None:
    rng = np.random.default_rng(0)
    times = list(np.cumsum(rng.uniform(1.5, 6.0, 20)))
    analyzer = BlinkAnalyzer.from_settings(AnalysisOptions())
    assert run(analyzer, blinking(60.0, [t for t in times if t < 59])) == []
    assert len(analyzer.blinks) == len([t for t in times if t < 59])


def test_no_blink_for_40_seconds_is_an_anomaly_with_its_span() -> None:
    found = run(BlinkAnalyzer.from_settings(AnalysisOptions()), blinking(50.0, [2.0, 45.0]))
    assert len(found) == 1 and found[0].check == "blink_anomaly"
    assert 2.0 <= found[0].start <= 2.3 and 44.8 <= found[0].end <= 45.1


def test_a_turned_face_is_not_counted_as_open_eyes() -> None:
    assert run(BlinkAnalyzer.from_settings(AnalysisOptions()), blinking(50.0, [2.0, 45.0], yaw=50.0)) == []


def test_blinks_on_a_timer_are_an_anomaly() -> None:
    found = run(BlinkAnalyzer.from_settings(AnalysisOptions()), blinking(40.0, [1.0 + 3.0 * i for i in range(12)]))
    assert [i.check for i in found] == ["blink_anomaly"] and found[0].measurements["interval_cv"] < 0.05


def challenge_frames(yaws: list[float], embedding_at=lambda yaw: None, fps: float = 10.0) -> list:
    return [frame(k / fps, (observation(k / fps, yaw=y, embedding=embedding_at(y)),)) for k, y in enumerate(yaws)]


def challenge(*windows: tuple[float, float]) -> ChallengeAnalyzer:
    return ChallengeAnalyzer.from_settings(AnalysisOptions(), SessionInputs(challenges=windows))


def sweep(amplitude: float, seconds: float = 6.0) -> list[float]:
    return [amplitude * np.sin(2 * np.pi * k / (seconds * 10)) for k in range(int(seconds * 10))]


def test_a_challenge_started_live_is_judged_like_a_planned_one() -> None:
    live = AnalysisOptions(liveness=LivenessOptions(challenge_on_request=True))
    assert ChallengeAnalyzer.runs_with(live, SessionInputs())
    assert not ChallengeAnalyzer.runs_with(AnalysisOptions(), SessionInputs())
    assert ChallengeAnalyzer.runs_with(AnalysisOptions(), SessionInputs(challenges=((0.0, 6.0),)))
    analyzer = ChallengeAnalyzer.from_settings(live)
    analyzer.schedule(0.0, 6.0)  # the interviewer pressed the button at 0 s
    found = run(analyzer, challenge_frames(sweep(40.0)))
    assert len(found) == 1 and found[0].measurements["passed"] == 1.0


def test_turning_both_ways_passes() -> None:
    found = run(challenge((0.0, 6.0)), challenge_frames(sweep(40.0)))
    assert len(found) == 1 and found[0].measurements["passed"] == 1.0 and found[0].score == 0.0
    assert found[0].confidence >= 0.4 and "pass" in found[0].reason


def test_a_frontal_face_did_not_perform_the_challenge() -> None:
    found = run(challenge((0.0, 6.0)), challenge_frames(sweep(3.0)))
    assert found[0].measurements["performed"] == 0.0 and "not performed" in found[0].reason


def test_a_face_that_becomes_someone_else_when_turned_fails() -> None:
    frontal, other = np.zeros(128, np.float32), np.full(128, 0.1, np.float32)  # 1.13 apart
    found = run(challenge((0.0, 6.0)),
                challenge_frames(sweep(40.0), embedding_at=lambda y: other if abs(y) >= 15 else frontal))
    assert found[0].score == 0.8 and "fail" in found[0].reason and "identity distance" in found[0].reason


def test_only_the_window_is_judged_and_an_unreached_window_is_reported() -> None:
    yaws = [0.0] * 30 + sweep(40.0) + [0.0] * 30
    found = run(challenge((3.0, 9.0), (100.0, 110.0)), challenge_frames(yaws))
    assert [i.measurements["performed"] for i in found] == [1.0, 0.0]
    assert found[1].start == 100.0 and "ended before" in found[1].reason


def test_blink_rate_series_counts_blinks_per_minute_where_the_eyes_were_seen() -> None:
    analyzer = BlinkAnalyzer.from_settings(AnalysisOptions())
    visible = blinking(20.0, [1.0, 4.0, 7.0, 12.0])
    turned = blinking(10.0, [], yaw=60.0)
    turned = [frame(f.t + 20.0, f.faces) for f in turned]
    run(analyzer, visible + turned)
    (series,) = analyzer.series()
    assert abs(series.values[0] - 18.0) < 0.5 and abs(series.values[1] - 6.0) < 0.5 and series.values[2] is None
