"""The spoken-language check: the decision alone, the transcriber's schedule with stand-in models, then real speech."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from interview_guard.errors import OptionsError
from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import AnalysisOptions, SpeechOptions
from interview_guard.speech import transcriber as transcriber_module
from interview_guard.speech.language import (EXPECTED, MULTILINGUAL, NOT_HEARD, SWITCHED, UNTRUSTED,
                                             TranscriptLanguage, judge_language)
from interview_guard.speech.transcriber import SpeechTranscriber, StreamingTranscription

# the decision ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("probabilities, language, expected", [
    ([("en", 0.949), ("pt", 0.006)], "en", True),  # jfk.wav through whisper-base
    ([("zh", 0.999), ("en", 0.0)], "zh", False),  # chinese_news_zh.wav
    ([("de", 0.948), ("en", 0.012)], "de", False),  # espeak-ng -v de
    ([("it", 0.291), ("la", 0.263), ("en", 0.124)], "it", False),  # no clear language: an English model invents
    ([("hi", 0.42), ("en", 0.55)], "en", True),  # English likely enough, though not by much
    ([("en", 0.31), ("hi", 0.3)], "en", True),  # ranked first
])
def test_the_verdict_names_the_language_and_whether_it_is_the_expected_one(probabilities, language, expected) -> None:
    verdict = judge_language(probabilities, "en", min_expected_probability=0.5)
    assert (verdict.language, verdict.is_expected) == (language, expected)
    assert verdict.expected_probability == dict(probabilities).get("en", 0.0)


def test_a_verdict_needs_probabilities() -> None:
    with pytest.raises(ValueError, match="got none"):
        judge_language([], "en", 0.5)


def test_a_transcript_language_refuses_an_unknown_status() -> None:
    with pytest.raises(ValueError, match="'maybe'"):
        TranscriptLanguage(status="maybe", expected="en")


@pytest.mark.parametrize("field, value", [("on_other_language", "translate"), ("min_expected_probability", 1.0),
                                          ("language_recheck_s", 1.0), ("doubtful_word_probability", 2.0)])
def test_language_check_options_are_checked(field: str, value: object) -> None:
    with pytest.raises(OptionsError, match=field):
        AnalysisOptions(speech=SpeechOptions(**{field: value}))


# the schedule, with stand-in models --------------------------------------------------------------------------


class FakeWhisper:
    """Says `text` for any audio, in `language`; detect_language answers from `heard` (one entry per call)."""

    def __init__(self, text: str, language: str, word_probability: float = 0.9,
                 heard: list[list[tuple[str, float]]] | None = None) -> None:
        self.text, self.lang, self.p, self.heard = text, language, word_probability, list(heard or [])
        self.transcribed: list[str | None] = []
        self.detections = 0

    def transcribe(self, samples: np.ndarray, language: str | None = None, **_: object):
        self.transcribed.append(language)
        words = [SimpleNamespace(start=0.2 + 0.5 * i, end=0.6 + 0.5 * i, word=w, probability=self.p)
                 for i, w in enumerate(self.text.split())]
        segment = SimpleNamespace(start=0.2, end=words[-1].end, text=self.text, words=words, avg_logprob=-0.3,
                                  no_speech_prob=0.01)
        return iter([segment]), SimpleNamespace(language=language or self.lang, language_probability=0.98)

    def detect_language(self, audio: np.ndarray, vad_filter: bool = False):
        self.detections += 1
        probabilities = self.heard.pop(0) if len(self.heard) > 1 else self.heard[0]
        return probabilities[0][0], probabilities[0][1], probabilities


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch):
    """tiny.en invents English; base hears what the test says and transcribes it as Mandarin."""
    tiny = FakeWhisper("thank you for watching please subscribe", "en")
    base = FakeWhisper("这两天 央视 播出", "zh", heard=[[("zh", 0.99), ("en", 0.0)]])
    monkeypatch.setattr(transcriber_module, "load_whisper",
                        lambda name, *_: {"whisper-tiny.en": tiny, "whisper-base": base}[name])
    monkeypatch.setattr(transcriber_module, "resolve_device", lambda device: ("cpu", "int8"))
    return tiny, base


def _speech(seconds: float = 6.0) -> np.ndarray:
    return np.random.default_rng(0).normal(0, 0.1, int(seconds * AUDIO_RATE)).astype(np.float32)


def test_other_speech_switches_to_the_multilingual_model_before_any_invented_word_is_given(models) -> None:
    tiny, base = models
    t = SpeechTranscriber(SpeechOptions(device="cpu"))
    assert t.language.status == NOT_HEARD
    segments = t.transcribe(_speech(), 10.0)
    assert [s.text for s in segments] == ["这两天 央视 播出"] and segments[0].language == "zh"
    assert t.language.status == SWITCHED and t.language.language == "zh" and t.language.since == 10.2
    assert t.language.model == "whisper-base" and "did not speak English" in t.language.reason
    assert base.transcribed == [None], "the multilingual model names the language itself"
    t.transcribe(_speech(), 16.0)
    assert tiny.transcribed == ["en"] and base.transcribed == [None, None]
    assert base.detections == 1, "switched for good: no more checks"


def test_with_mark_the_invented_words_are_kept_untrusted_and_checked_until_english_returns(models) -> None:
    tiny, base = models
    base.heard = [[("zh", 0.99), ("en", 0.0)], [("zh", 0.98)], [("en", 0.97)], [("en", 0.96)]]
    t = SpeechTranscriber(SpeechOptions(device="cpu", on_other_language="mark"))
    first = t.transcribe(_speech(), 0.0)
    assert [(s.trusted, s.language) for s in first] == [(False, "zh")]
    assert t.language.status == UNTRUSTED and not t.language.trusted
    assert t.transcribe(_speech(), 6.0)[0].trusted is False
    assert t.transcribe(_speech(), 12.0)[0].trusted is True  # English again
    assert t.language.status == UNTRUSTED, "some of the transcript stays invented"
    t.transcribe(_speech(), 18.0)
    assert base.detections == 3, "once English is back, no check until the recheck time"


def test_english_is_checked_once_then_on_doubtful_words_and_periodically(models) -> None:
    tiny, base = models
    base.heard = [[("en", 0.95)]]
    t = SpeechTranscriber(SpeechOptions(device="cpu", language_recheck_s=60.0))
    for start in (0.0, 6.0, 12.0):
        assert t.transcribe(_speech(), start)[0].trusted
    assert base.detections == 1 and t.language.status == EXPECTED
    tiny.p = 0.4  # the English model is unsure of its words
    t.transcribe(_speech(), 18.0)
    assert [c.why for c in t.language.checks] == ["first speech", "doubtful words"]
    tiny.p = 0.9
    t.transcribe(_speech(), 80.0)
    assert t.language.checks[-1].why == "periodic" and base.transcribed == []


def test_a_short_first_check_is_confirmed_on_the_next_speech(models) -> None:
    tiny, base = models
    tiny.text = "hello"
    base.heard = [[("en", 0.9)]]
    t = SpeechTranscriber(SpeechOptions(device="cpu", min_check_speech_s=2.0))
    t.transcribe(_speech(), 0.0)
    tiny.text = "thanks for having me today it is good to be here"
    t.transcribe(_speech(), 6.0)
    t.transcribe(_speech(), 12.0)
    assert [c.why for c in t.language.checks] == ["first speech", "confirming"]


def test_auto_language_needs_no_check(models) -> None:
    t = SpeechTranscriber(SpeechOptions(device="cpu", language="auto"))
    t.transcribe(_speech(), 0.0)
    assert t.language.status == MULTILINGUAL and not models[1].detections


def test_silence_is_not_checked(models) -> None:
    t = SpeechTranscriber(SpeechOptions(device="cpu"))
    assert t.transcribe(np.zeros(AUDIO_RATE * 3, np.float32), 0.0) == []
    assert t.language.status == NOT_HEARD and not models[1].detections


# real speech --------------------------------------------------------------------------------------------------


def _decode(path: Path) -> np.ndarray:
    from faster_whisper.audio import decode_audio

    return decode_audio(str(path), sampling_rate=AUDIO_RATE).astype(np.float32)


def _stream(t: SpeechTranscriber, audio: np.ndarray) -> list:
    stream = StreamingTranscription(t)
    out = []
    for s in range(0, len(audio), 1600):
        out += stream.feed(AudioChunk(t=s / AUDIO_RATE, samples=audio[s:s + 1600]))
    return out + stream.flush()


def test_mandarin_through_the_english_model_is_switched_and_transcribed_as_mandarin(media_dir: Path) -> None:
    t = SpeechTranscriber(SpeechOptions(device="cpu"))
    segments = _stream(t, _decode(media_dir / "speech" / "chinese_news_zh.wav"))
    assert segments and {s.language for s in segments} == {"zh"} and all(s.trusted for s in segments)
    assert "央视" in "".join(s.text for s in segments) or "案件" in "".join(s.text for s in segments)
    assert t.language.status == SWITCHED and t.language.probability > 0.9
    assert t.language.check_seconds < 3.0  # one encoder pass of Whisper base (about 0.6 s of one core here)


def test_mandarin_marked_keeps_no_word_as_trusted(media_dir: Path) -> None:
    t = SpeechTranscriber(SpeechOptions(device="cpu", on_other_language="mark"))
    segments = _stream(t, _decode(media_dir / "speech" / "chinese_news_zh.wav"))
    assert segments and not any(s.trusted for s in segments) and t.language.status == UNTRUSTED


def test_english_stays_trusted(media_dir: Path) -> None:
    t = SpeechTranscriber(SpeechOptions(device="cpu"))
    segments = _stream(t, _decode(media_dir / "speech" / "jfk.wav"))
    assert "fellow americans" in " ".join(s.text for s in segments).lower()
    assert all(s.trusted and s.language == "en" for s in segments)
    assert t.language.status == EXPECTED and t.language.model == "whisper-tiny.en"


def test_german_made_at_test_time_is_switched(tmp_path: Path) -> None:
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        pytest.skip("espeak-ng and ffmpeg are needed (apt-get install espeak-ng ffmpeg); .ci/run installs them")
    wav = tmp_path / "de.wav"
    subprocess.run(["espeak-ng", "-v", "de", "-s", "150", "-w", str(wav),
                    "Guten Tag. Ich habe sieben Jahre bei einer Bank in Frankfurt gearbeitet, zuerst als Entwickler "
                    "und später als Teamleiter. Danach bin ich nach Berlin gezogen."], check=True)
    t = SpeechTranscriber(SpeechOptions(device="cpu"))
    segments = _stream(t, _decode(wav))
    assert t.language.status == SWITCHED and t.language.language == "de"
    assert segments and {s.language for s in segments} == {"de"}
    assert "frankfurt" in " ".join(s.text for s in segments).lower()
