"""language_switch: a stretch in another language is reported with its words; one language is not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path


from interview_guard.analyzers.language_switch import LanguageSwitchAnalyzer
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, LivenessOptions, SpeechOptions
from interview_guard.pipeline import analyze_recording
from tests.analyzers.helpers import segment
from tests.conftest import run_ffmpeg

AUTO = AnalysisOptions(speech=SpeechOptions(language="auto"))


def said(start: float, language: str, probability: float = 0.95) -> object:
    words = [(start + 0.5 * i, start + 0.5 * i + 0.4, w) for i, w in enumerate("one two three four five".split())]
    return replace(segment(words), language=language, language_probability=probability)


def run(segments) -> list:
    a = LanguageSwitchAnalyzer.from_settings(AUTO)
    for s in segments:
        a.on_speech(s)
    return a.finish(100.0)


def test_a_stretch_in_another_language_is_reported() -> None:
    found = run([said(0, "en"), said(10, "en"), said(20, "zh"), said(30, "zh"), said(40, "en"), said(50, "en")])
    assert len(found) == 1 and found[0].start == 20.0 and "'zh'" in found[0].reason and "'en'" in found[0].reason


def test_one_language_or_unsure_detections_raise_nothing() -> None:
    assert run([said(0, "en"), said(10, "en")]) == []
    assert run([said(0, "en"), said(10, "de", probability=0.4), said(20, "en")]) == []


def test_it_runs_only_with_language_detection() -> None:
    assert LanguageSwitchAnalyzer.runs_with(AUTO, SessionInputs())
    assert not LanguageSwitchAnalyzer.runs_with(AnalysisOptions(), SessionInputs())  # tiny.en cannot tell languages apart


def test_english_then_mandarin_on_real_speech(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    clip = tmp_path / "switch.mp4"
    run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "color=c=gray:s=160x120:r=5", "-i", str(media_dir / "speech" / "jfk.wav"),
               "-i", str(media_dir / "speech" / "chinese_news_zh.wav"), "-filter_complex",
               "[1:a]aresample=16000[a1];[2:a]aresample=16000[a2];[a1][a2]concat=n=2:v=0:a=1[a]",
               "-map", "0:v", "-map", "[a]", "-shortest", "-c:v", "libx264", "-c:a", "aac", str(clip))
    options = AnalysisOptions(speech=SpeechOptions(language="auto", window_s=10.0),
                              identity=IdentityOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False),
                              liveness=LivenessOptions(enabled=False))
    summary = analyze_recording(clip, options, progress=False)
    found = [i for i in summary.indicators if i.check == "language_switch"]
    assert len(found) == 1, [(s.start, s.language, s.text) for s in summary.transcript.segments]
    assert "'zh'" in found[0].reason and 9.0 <= found[0].start <= 13.0
