"""answer_latency and second_voice on interviews spoken by espeak-ng at test time (bench/scenarios.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.scenarios import Scenario, make_scenario, script
from interview_guard.analyzers.conversation import ConversationAnalyzer
from interview_guard.analyzers.core import AudioFeed
from interview_guard.errors import MediaError, OptionsError
from interview_guard.media import AudioChunk, open_recording
from interview_guard.options import AnalysisOptions, ConversationOptions, MediaOptions


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scenario]:
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        pytest.skip("espeak-ng and ffmpeg are needed (apt-get install espeak-ng ffmpeg); .ci/run installs them")
    tmp = tmp_path_factory.mktemp("interviews")
    return {"waits": make_scenario(script(long_answers=(2, 4, 6)), tmp / "waits"),
            "coach": make_scenario(script(long_answers=(), coach_after=(1, 5)), tmp / "coach"),
            "clean": make_scenario(script(long_answers=()), tmp / "clean")}


def analyse(path: Path, voices: int = 2, track: str = "auto") -> tuple[ConversationAnalyzer, list]:
    options = AnalysisOptions(media=MediaOptions(interviewer_track=track),
                              conversation=ConversationOptions(voices_expected=voices))
    analyzer = ConversationAnalyzer.from_settings(options)
    feed = AudioFeed([analyzer])
    with open_recording(path, options.media) as reader:
        for item in reader.frames_and_audio():
            if isinstance(item, AudioChunk):
                feed.chunk(item)
    feed.flush()
    return analyzer, analyzer.finish(reader.info.duration)


def near(found: tuple[float, float], planted: tuple[float, float], slack: float = 0.6) -> bool:
    return abs(found[0] - planted[0]) < slack and abs(found[1] - planted[1]) < slack


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["two_tracks", "mixed"])
def test_long_waits_before_answers_are_found_with_their_times(scenarios, layout: str) -> None:
    sc = scenarios["waits"]
    analyzer, found = analyse(getattr(sc, layout))
    waits = [i for i in found if i.check == "answer_latency"]
    assert len(waits) == len(sc.long_latencies) == 3
    for planted in sc.long_latencies:
        assert any(near((i.start, i.end), planted) for i in waits), f"missed the wait at {planted}"
    assert all("after the question ended" in i.reason and i.measurements["latency_s"] > 5 for i in waits)
    assert analyzer.two_tracks == (layout == "two_tracks")
    assert len(analyzer.answers) == 8, "every question got its answer"
    assert not [i for i in found if i.check == "second_voice"]


@pytest.mark.slow
def test_a_whispering_coach_is_a_second_voice_and_fills_the_wait(scenarios) -> None:
    sc = scenarios["coach"]
    _, found = analyse(sc.mixed)
    voices = [i for i in found if i.check == "second_voice"]
    assert len(voices) == 1
    spans = [(e.start, e.end) for e in voices[0].evidence]
    assert all(any(a < p[1] and p[0] < b for p in sc.second_voice) for a, b in spans), "only the coach's times"
    waits = [(i.start, i.end) for i in found if i.check == "answer_latency"]
    assert any(near(w, planted, slack=1.0) for w in waits for planted in sc.long_latencies), \
        "the coach's whisper does not end the wait for the answer"


@pytest.mark.slow
def test_a_clean_interview_raises_nothing(scenarios) -> None:
    for path in (scenarios["clean"].mixed, scenarios["clean"].two_tracks):
        analyzer, found = analyse(path)
        assert found == [] and len(analyzer.answers) == 8


@pytest.mark.slow
def test_the_interviewer_track_can_be_named_or_turned_off(scenarios) -> None:
    sc = scenarios["waits"]
    analyzer, _ = analyse(sc.two_tracks, track="none")
    assert not analyzer.two_tracks
    with pytest.raises(MediaError, match="cannot be the interviewer's"):
        analyse(sc.two_tracks, track="3")
    with pytest.raises(OptionsError, match="interviewer track"):
        MediaOptions(interviewer_track="left") and AnalysisOptions(media=MediaOptions(interviewer_track="left"))


@pytest.mark.slow
def test_the_pipeline_transcribes_the_call_and_times_turns_with_the_interviewer_track(scenarios) -> None:
    from interview_guard.options import IdentityOptions, LivenessOptions
    from interview_guard.pipeline import analyze_recording

    sc = scenarios["waits"]
    summary = analyze_recording(sc.two_tracks, AnalysisOptions(identity=IdentityOptions(enabled=False),
                                                               liveness=LivenessOptions(enabled=False)),
                                progress=False)
    heard = " ".join(s.text for s in summary.transcript.segments).lower()
    assert "payments company" in heard and "release" in heard, "the call's track (the candidate) is transcribed"
    assert "which database" not in heard, "the interviewer's own track is not"
    assert len([i for i in summary.indicators if i.check == "answer_latency"]) == 3
    assert {s.name for s in summary.series} >= {"answer_latency"}
