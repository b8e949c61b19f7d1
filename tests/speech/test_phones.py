"""Forced phone alignment (speech/phones.py): phones of trusted English segments on the session clock."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from interview_guard.options import SpeechOptions
from interview_guard.speech import SpeechTranscriber
from interview_guard.speech.phones import PhoneAligner, dictionary_forms
from tests.speech.test_transcriber import _wav16k


def test_words_are_spelled_as_the_dictionary_does() -> None:
    assert dictionary_forms("F2,") == ["f", "two"]
    assert dictionary_forms("Don\u2019t") == ["don't"]
    assert dictionary_forms("...") == []


@pytest.fixture(scope="module")
def jfk(media_dir: Path):
    audio = _wav16k(media_dir / "speech" / "jfk.wav")
    return audio, SpeechTranscriber(SpeechOptions(device="cpu")).transcribe(audio, t0=5.0)


def test_phones_follow_the_words_on_the_session_clock(jfk) -> None:
    audio, segments = jfk
    phones = [p for s in segments for p in s.phones]
    assert len(phones) > 40, "every known word of the excerpt is aligned"
    assert all(5.0 <= p.start < p.end <= 5.0 + len(audio) / 16000 + 0.3 for p in phones), "the stream starts at 5 s"
    assert all(a.start <= b.start for a, b in zip(phones, phones[1:]))
    words = {w.text.strip(",. ").lower(): w for s in segments for w in s.words}
    my = [p for p in phones if p.word.strip(",. ").lower() == "my"]
    assert [p.label for p in my][:2] == ["M", "AY"], "the bilabial of 'my' is its first phone"
    # Whisper tiny's word times are rough (it gives "my" 40 ms here); the aligner places it 0.41 s earlier.
    assert abs(my[0].start - words["my"].start) < 0.5, "near where Whisper heard the word"


def test_the_same_audio_later_on_the_clock_gives_the_same_phones_later(jfk) -> None:
    audio, segments = jfk
    with PhoneAligner() as aligner:
        early = [replace(s, words=tuple(replace(w, start=w.start - 5.0, end=w.end - 5.0) for w in s.words),
                         start=s.start - 5.0, end=s.end - 5.0) for s in segments]
        at_zero = [p for s in early for p in aligner.align(s, audio, 0.0)]
    at_five = [p for s in segments for p in s.phones]
    assert [p.label for p in at_zero] == [p.label for p in at_five]
    assert all(abs(a.start + 5.0 - b.start) < 0.015 for a, b in zip(at_zero, at_five))


def test_speech_not_read_as_english_gets_no_phones(jfk) -> None:
    audio, segments = jfk
    with PhoneAligner() as aligner:
        german = replace(segments[0], language="de", phones=())
        untrusted = replace(segments[0], trusted=False, phones=())
        assert aligner.with_phones(german, audio, 5.0).phones == ()
        assert aligner.with_phones(untrusted, audio, 5.0).phones == ()



def test_a_segment_aligns_the_same_whatever_was_aligned_before(media_dir: Path, ffmpeg: str, tmp_path: Path) -> None:
    # The decoder's features carried over between utterances: in the pipeline the Hamilton clip's first segment
    # aligned when it came first and failed after seven GRID clips. Each run now starts afresh.
    import subprocess
    wav = tmp_path / "hamilton.wav"
    subprocess.run([ffmpeg, "-v", "error", "-i", str(media_dir / "talking_head_real" / "hamilton_stage_clip.mp4"),
                    "-ac", "1", "-ar", "16000", str(wav)], check=True)
    audio, jfk = _wav16k(wav), _wav16k(media_dir / "speech" / "jfk.wav")
    transcriber = SpeechTranscriber(SpeechOptions(device="cpu", check_language=False, align_phones=False))
    segments, others = transcriber.transcribe(audio, t0=0.0), transcriber.transcribe(jfk, t0=0.0)
    with PhoneAligner() as aligner:
        first = [aligner.align(s, audio, 0.0) for s in segments]
        for _ in range(3):
            for s in others + segments:
                aligner.align(s, jfk if s in others else audio, 0.0)
        again = [aligner.align(s, audio, 0.0) for s in segments]
    assert any(first) and again == first
