"""read_aloud: answers measured from hand-made words, judged against the candidate's other answers; and once
end to end on an interview spoken by espeak-ng, thinking aloud except for a planted read answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from interview_guard.errors import OptionsError
from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import AnalysisOptions, ConversationOptions, SpeechOptions
from interview_guard.speech.cadence import AnswerCadence, LevelTrack, is_filler, judge, measure, syllables
from interview_guard.speech.core import Word

OPTIONS = ConversationOptions()


def spoken(text: str, t0: float = 0.0, word_s: float = 0.3, pauses: dict[int, float] | None = None) -> list[Word]:
    """Words one after another; pauses[i] puts that much silence before word i."""
    words, t = [], t0
    for i, token in enumerate(text.split()):
        t += (pauses or {}).get(i, 0.0)
        words.append(Word(round(t, 3), round(t + word_s, 3), token, 0.9))
        t += word_s + 0.02
    return words


FLUENT = ("We moved one service at a time and kept both systems running for a while, "
          "then compared their results every day until they matched.")
HESITANT = ("So, um, we moved one service at a, uh, at a time, and we we kept both systems, um, running "
            "for a while and compared, uh, the results every every day.")


def hesitant(t0: float) -> list[Word]:
    return spoken(HESITANT, t0, pauses={5: 0.6, 12: 0.5, 17: 0.7, 22: 0.4})


def fluent(t0: float) -> list[Word]:
    return spoken(FLUENT, t0)


def test_fillers_repetitions_and_false_starts_are_disfluencies() -> None:
    a = measure(spoken("Um, I think we we used Post- Postgres, uh, mostly. Hmm, and the the replicas"))
    assert a.disfluencies == 3 + 2 + 1  # um uh hmm; we we, the the; Post-
    assert a.words == 12  # fillers are not words
    assert is_filler("Umm,") and is_filler("uh...") and is_filler("Mm") and not is_filler("um-brella")


def test_pauses_after_a_sentence_are_not_hesitations() -> None:
    words = spoken("We used Postgres. It was fast, and we partitioned the tables by month", pauses={3: 0.8, 6: 0.5})
    a = measure(words)
    assert a.hesitations == 1, "the pause after 'Postgres.' is punctuation, the one after 'fast,' is not"


def test_pauses_from_the_audio_replace_the_gaps_between_word_times() -> None:
    words = spoken(FLUENT)  # Whisper often stretches words over the pauses: no gaps between word times
    assert measure(words).hesitations == 0
    assert measure(words, pauses=[(words[3].end - 0.4, words[4].start)]).hesitations == 1


def test_speaking_rate_spread_needs_three_stretches() -> None:
    even = measure(spoken("we ran it and we saw that it did", pauses={3: 0.5, 6: 0.5}))
    assert even.rate_cv is not None and even.rate_cv < 0.15
    assert measure(spoken(FLUENT)).rate_cv is None  # one stretch: no spread to measure
    fast_slow = spoken("one two three", 0.0, 0.15) + spoken("four five six", 1.5, 0.5) + spoken("seven eight nine",
                                                                                                  4.0, 0.2)
    assert measure(fast_slow).rate_cv > 0.3
    assert syllables("engineering") == 4 and syllables("time") == 1 and syllables("database,") == 3


def test_a_fluent_answer_among_hesitant_ones_is_flagged() -> None:
    answers = [measure(hesitant(0)), measure(hesitant(20)), measure(fluent(40)), measure(hesitant(60))]
    found = judge(answers, OPTIONS)
    assert [f.answer.start for f in found] == [40.0]
    assert found[0].baseline.answers == 3 and found[0].baseline.disfluency_rate > 10


def test_nothing_is_flagged_without_a_spontaneous_baseline() -> None:
    assert judge([measure(fluent(t)) for t in (0, 20, 40, 60)], OPTIONS) == [], "all read: no baseline"
    assert judge([measure(hesitant(0)), measure(fluent(20))], OPTIONS) == [], "too few answers to compare"


def test_short_answers_are_not_judged() -> None:
    short = measure(spoken("Yes, Postgres, with a replica.", 40))
    assert judge([measure(hesitant(0)), measure(hesitant(20)), short, measure(hesitant(60))], OPTIONS) == []


def test_an_answer_as_uneven_as_usual_is_not_flagged() -> None:
    uneven = AnswerCadence(40, 50, words=25, disfluencies=0, hesitations=0, rate_cv=0.6, text="")
    assert judge([measure(hesitant(0)), measure(hesitant(20)), uneven, measure(hesitant(60))], OPTIONS) == []


def test_the_level_track_finds_pauses_in_the_audio() -> None:
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 0.1, 5 * AUDIO_RATE).astype(np.float32)
    audio[2 * AUDIO_RATE: int(2.5 * AUDIO_RATE)] = rng.normal(0, 0.001, AUDIO_RATE // 2)
    track = LevelTrack()
    for s in range(0, len(audio), 1600):
        track.feed(AudioChunk(t=10.0 + s / AUDIO_RATE, samples=audio[s:s + 1600]))
    (pause,) = track.pauses(10.5, 14.5)
    assert pause == pytest.approx((12.0, 12.5), abs=0.03)
    noise = LevelTrack()
    noise.feed(AudioChunk(t=0.0, samples=rng.normal(0, 0.1, 3 * AUDIO_RATE).astype(np.float32)))
    assert noise.pauses(0.5, 2.5) is None, "no floor to tell a pause from"


def test_answers_fall_back_together_to_word_gaps_when_the_audio_cannot_tell_pauses() -> None:
    from interview_guard.analyzers.conversation import ConversationAnalyzer
    from interview_guard.speech.core import TranscriptSegment

    class Levels:  # no pause heard in the first three answers; the fourth too noisy to tell
        def pauses(self, start: float, end: float, pause_s: float) -> list[tuple[float, float]] | None:
            return None if start >= 60 else []

    analyzer = ConversationAnalyzer.from_settings(AnalysisOptions())
    answers = [hesitant(0), hesitant(20), fluent(40), hesitant(60)]
    analyzer.segments = [TranscriptSegment(w[0].start, w[-1].end, "", tuple(w), "en", 1.0, -0.2, 0.0) for w in answers]
    analyzer.levels = Levels()
    analyzer._answer_spans = lambda candidate, interviewer: [(w[0].start, w[-1].end) for w in answers]
    found = analyzer._read_aloud(0, 1)
    assert [c.hesitations for c in analyzer.cadences] == [measure(w).hesitations for w in answers] == [4, 4, 0, 4]
    assert [i.start for i in found] == [40.0] and "weak signal" in found[0].reason


@pytest.mark.parametrize("field, value", [("read_min_words", 1), ("read_hesitation_share", 1.5),
                                          ("spontaneous_disfluency", 0.0), ("pause_s", 5.0)])
def test_read_aloud_options_are_checked(field: str, value: float) -> None:
    with pytest.raises(OptionsError):
        AnalysisOptions(conversation=ConversationOptions(**{field: value}))


# end to end ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tools() -> None:
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        pytest.skip("espeak-ng and ffmpeg are needed (apt-get install espeak-ng ffmpeg); .ci/run installs them")


@pytest.mark.slow
def test_a_read_answer_among_spontaneous_ones_is_flagged_with_its_time(tools, tmp_path: Path) -> None:
    from bench.eval_conversation import recording_chunks, transcribed_run
    from bench.scenarios import make_scenario, script

    sc = make_scenario(script(long_answers=(), spontaneous=True, read_answers=(3,), seed=0), tmp_path)
    analyzer, found = transcribed_run(recording_chunks(sc.two_tracks))
    read = [i for i in found if i.check == "read_aloud"]
    (planted,) = sc.read_aloud
    hits = [i for i in read if abs(i.start - planted[0]) < 1.0 and abs(i.end - planted[1]) < 1.0]
    assert len(hits) == 1, [(i.start, i.end, i.reason) for i in read]
    assert "weak signal" in hits[0].reason and hits[0].confidence <= 0.4
    # Of the 7 spontaneous answers at most one may read as fluent: where Whisper drops a synthetic "um"
    # (it does on some CPUs: measured 20.7-28.8 s here), that answer has no filler left. docs/evaluation.md: 2 false
    # findings in 11.4 min of spontaneous answers.
    assert len(read) - len(hits) <= 1, [(i.start, i.end, i.reason) for i in read]
    assert "memory leak" in hits[0].evidence[0].words.lower()
    assert len(analyzer.cadences) == 8
    assert {s.name for s in analyzer.series()} >= {"disfluency_rate"}


@pytest.mark.slow
def test_the_transcriber_keeps_filled_pauses(tools, tmp_path: Path) -> None:
    from bench.scenarios import _phrase, _silence
    from interview_guard.speech.transcriber import SpeechTranscriber

    said = ("um", "we moved one service", "uh", "at a time and kept both systems running", "um", "for a while")
    audio = np.concatenate([_silence(0.5)] + [part for text in said for part in
                                              (_phrase("en-us+m3", text, tmp_path / "a.wav", 140), _silence(0.4))])
    fillers = {keep: [w.text for s in SpeechTranscriber(SpeechOptions(device="cpu", keep_fillers=keep)).transcribe(
        audio, 0.0) for w in s.words if is_filler(w.text)] for keep in (True, False)}
    assert len(fillers[True]) > len(fillers[False]), fillers  # measured: 1 "Umm" of 3 kept, none without
