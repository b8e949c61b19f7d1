"""Turn-taking: how long the candidate waits before answering, voices that should not be there, and
answers that sound read.

`answer_latency`: time from the end of the interviewer's turn to the start of the candidate's; an
answer that keeps the interviewer waiting far longer than the candidate usually does (someone
off-screen looking up or typing the answer) is flagged, more strongly when several such waits are
alike. `second_voice`: a voice on the call's audio that is neither the candidate's nor the
interviewer's (a coach, a whisper). Exact when the interviewer's microphone is its own audio track;
on a mixed track the voices are told apart by their embeddings (speech/speakers.py), which can merge
two similar voices: the confidence says so. `read_aloud`: an answer spoken fluently and evenly among the
candidate's otherwise hesitant answers (speech/cadence.py); a weak signal, weighted low.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator, Series
from interview_guard.media.core import AudioChunk
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, ConversationOptions
from interview_guard.speech.cadence import (CADENCE_LANGUAGE, AnswerCadence, LevelTrack, ReadAloud, judge, judgeable,
                                            measure)
from interview_guard.speech.core import TranscriptSegment, Word, words_between
from interview_guard.speech.language import language_name
from interview_guard.speech.speakers import SpeakerTurn, SpeakerTurns
from interview_guard.speech.voices import VoicePiece

_MIXED_CONFIDENCE = 0.6  # voices told apart by embeddings alone
_TRACK_CONFIDENCE = 0.9  # the interviewer on their own track
_QUIET_DB = 10.0
_READ_SCORE = 0.4
_READ_CONFIDENCE = 0.4  # at most: reading is one explanation of a fluent answer among several


@dataclass(frozen=True)
class Answer:
    question_end: float
    answer_start: float
    confidence: float

    @property
    def latency(self) -> float:
        return max(0.0, self.answer_start - self.question_end)


class ConversationAnalyzer(Analyzer):
    checks = ("answer_latency", "second_voice", "read_aloud")
    reads_voice = True

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.speech.enabled and settings.conversation.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "ConversationAnalyzer":
        return cls(settings.conversation)

    def __init__(self, options: ConversationOptions) -> None:
        self.conv = options
        self.voices = SpeakerTurns(same_voice=self.conv.same_voice)
        self.segments: list[TranscriptSegment] = []
        self.answers: list[Answer] = []
        self.levels = LevelTrack()  # the call's loudness, for the pauses inside answers
        self.cadences: list[AnswerCadence] = []

    def on_audio(self, chunk: AudioChunk) -> list[Indicator]:
        if chunk.track == 0:  # only the call is transcribed
            self.levels.feed(chunk)
        return []

    def on_voice(self, piece: VoicePiece) -> list[Indicator]:
        self.voices.add(piece)
        return []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        self.segments.append(segment)
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        candidate, interviewer = self._roles()
        if candidate is None:
            return []
        found = self._second_voices(candidate, interviewer)
        if interviewer is not None:
            self.answers = self._answers(self.voices.turns(), candidate, interviewer)
            found += self._latencies()
        return found + self._read_aloud(candidate, interviewer)

    # roles ---------------------------------------------------------------------------------------------

    @property
    def two_tracks(self) -> bool:
        return any(v.track == 1 for v in self.voices.voices)

    def _roles(self) -> tuple[int | None, int | None]:
        """The candidate speaks most on the call's track; the interviewer is the voice on their own
        track, or else the second main voice of a mixed track (when two voices are expected)."""
        call = self.voices.main_voices(2, track=0)
        if not call:
            return None, None
        if self.two_tracks:
            return call[0], self.voices.main_voices(1, track=1)[0]
        interviewer = call[1] if self.conv.voices_expected >= 2 and len(call) > 1 else None
        return call[0], interviewer

    # answer latency ------------------------------------------------------------------------------------

    def _answers(self, turns: list[SpeakerTurn], candidate: int, interviewer: int) -> list[Answer]:
        """Each candidate turn that follows an interviewer turn; other voices in between (a coach filling the
        pause) do not end the wait."""
        confidence = _TRACK_CONFIDENCE if self.two_tracks else _MIXED_CONFIDENCE
        answers, question = [], None
        for turn in turns:
            if turn.voice == interviewer:
                question = turn
            elif turn.voice == candidate:
                if question is not None:
                    sure = min(1.0, max(0.3, min(question.similarity, turn.similarity)))
                    answers.append(Answer(question.end, turn.start, confidence * sure))
                question = None
        return answers

    def _latencies(self) -> list[Indicator]:
        latencies = np.array([a.latency for a in self.answers])
        if not len(latencies):
            return []
        # The usual pace is that of the quick answers (lower quartile): a coached candidate may wait long on
        # half the questions, which would drag a median up with them.
        typical = float(np.percentile(latencies, 25))
        # With few answers there is no usual pace to compare with; the floor alone must carry it.
        floor = self.conv.long_latency_s if len(latencies) >= 3 else self.conv.long_latency_s * 1.5
        long = [a for a in self.answers if a.latency >= floor
                and (len(latencies) < 3 or a.latency >= self.conv.latency_factor * typical)]
        waits = np.array([a.latency for a in long])
        regular = len(long) >= 3 and float(np.std(waits) / np.mean(waits)) <= self.conv.regular_latency_cv
        return [self._latency_indicator(a, typical, len(long), regular) for a in long]

    def _latency_indicator(self, answer: Answer, typical: float, count: int, regular: bool) -> Indicator:
        words = _words_between(self.segments, answer.question_end - 4.0, answer.answer_start + 4.0)
        pattern = (f"; {count} answers waited this long, all alike (someone may be looking the answers up)"
                   if regular else "")
        return Indicator(
            check="answer_latency", start=answer.question_end, end=answer.answer_start,
            score=0.8 if regular else 0.5, confidence=answer.confidence,
            reason=(f"the candidate began answering {answer.latency:.1f} s after the question ended "
                    f"(quick answers start within {typical:.1f} s){pattern}"),
            evidence=(Evidence(start=answer.question_end, end=answer.answer_start, words=words,
                               note=f"silence of {answer.latency:.1f} s before the answer"),),
            measurements={"latency_s": round(answer.latency, 2), "usual_latency_s": round(typical, 2)})

    # second voice --------------------------------------------------------------------------------------

    def _second_voices(self, candidate: int, interviewer: int | None) -> list[Indicator]:
        main = [candidate] + ([interviewer] if interviewer is not None else [])
        found = []
        for v in self.voices.voices:
            if v.index in main or v.track != 0 or v.seconds < self.conv.second_voice_min_s:
                continue
            closest = max(self.voices.similarity(v.index, m) for m in main)
            if closest < self.conv.distinct_voice:
                found.append(self._second_voice_indicator(v.index, candidate, interviewer is not None, closest))
        return found

    def _second_voice_indicator(self, voice: int, candidate: int, with_interviewer: bool, closest: float) -> Indicator:
        spans = _spans([p for p, v, _ in self.voices.attributions if v == voice])
        seconds = self.voices.voices[voice].seconds
        quieter = self.voices.voices[candidate].level_db - self.voices.voices[voice].level_db
        how = (f", {quieter:.0f} dB quieter than the candidate (a whisper, or someone away from the microphone)"
               if quieter >= _QUIET_DB else "")
        confidence = (_TRACK_CONFIDENCE if self.two_tracks else _MIXED_CONFIDENCE) * min(1.0, seconds / 5.0 + 0.5)
        others = "the candidate's and the interviewer's" if with_interviewer else "the candidate's"
        return Indicator(
            check="second_voice", start=spans[0][0], end=spans[-1][1], score=0.7, confidence=min(1.0, confidence),
            reason=(f"another voice, unlike {others}, spoke for {seconds:.1f} s in {len(spans)} stretch(es){how}"),
            evidence=tuple(Evidence(start=a, end=b, words=_words_between(self.segments, a, b),
                                    note="the other voice") for a, b in spans[:8]),
            measurements={"seconds": round(seconds, 1), "similarity_to_closest_voice": round(closest, 3),
                          "level_below_candidate_db": round(quieter, 1)})

    # read aloud ----------------------------------------------------------------------------------------

    def _answer_spans(self, candidate: int, interviewer: int | None) -> list[tuple[float, float]]:
        """The candidate's speech from one question to the next (a stray voice in between does not split an
        answer); with no interviewer known, each of the candidate's turns."""
        spans: list[tuple[float, float]] = []
        answering = False
        for turn in self.voices.turns():
            if turn.voice == candidate and answering:
                spans[-1] = (spans[-1][0], turn.end)
            elif turn.voice == candidate:
                spans.append((turn.start, turn.end))
                answering = interviewer is not None
            elif turn.voice == interviewer:
                answering = False
        return spans

    def _read_aloud(self, candidate: int, interviewer: int | None) -> list[Indicator]:
        answers = [(a, b, words) for a, b in self._answer_spans(candidate, interviewer)
                   if (words := self._words(a, b))]
        heard = [self.levels.pauses(a, b, self.conv.pause_s) for a, b, _ in answers]
        self.cadences = [measure(words, p, self.conv.pause_s) for (_, _, words), p in zip(answers, heard)]
        # Pauses heard in the audio and gaps between Whisper's word times (which stretch over pauses) differ
        # too much to compare: where the audio cannot tell one judged answer's pauses, every answer uses gaps.
        if any(p is None and judgeable(c, self.conv) for p, c in zip(heard, self.cadences)):
            self.cadences = [measure(words, None, self.conv.pause_s) for _, _, words in answers]
        return [self._read_aloud_indicator(r) for r in judge(self.cadences, self.conv)]

    def _words(self, start: float, end: float) -> list[Word]:
        """The answer's words, if they can be measured: an answer with speech in another language (or words an
        English-only model invented) is not judged at all, since its fillers and syllables are not English."""
        inside = [s for s in self.segments if s.end > start - 0.3 and s.start < end + 0.3]
        if any(not s.readable_as(CADENCE_LANGUAGE) for s in inside):
            return []
        return [w for s in inside for w in s.words if start - 0.3 <= (w.start + w.end) / 2 <= end + 0.3]

    def not_judged(self) -> dict[str, str]:
        unread: dict[str, float] = {}
        for s in self.segments:
            if not s.readable_as(CADENCE_LANGUAGE):
                unread[s.language] = unread.get(s.language, 0.0) + s.end - s.start
        if not unread:
            return {}
        heard = ", ".join(f"{seconds:.0f} s in {language_name(lang)}" for lang, seconds in
                          sorted(unread.items(), key=lambda kv: -kv[1]))
        return {"read_aloud": f"cannot judge {heard}: fillers and pauses are measured on English words only"}

    def _read_aloud_indicator(self, found: ReadAloud) -> Indicator:
        a, b = found.answer, found.baseline
        confidence = _READ_CONFIDENCE * min(1.0, a.words / 25) * min(1.0, b.answers / 4)
        return Indicator(
            check="read_aloud", start=a.start, end=a.end, score=_READ_SCORE, confidence=round(confidence, 3),
            reason=_read_aloud_reason(found),
            evidence=(Evidence(start=a.start, end=a.end, words=a.text[:300], note="the answer that sounded read"),),
            measurements=_cadence_measurements(found))

    def series(self) -> tuple[Series, ...]:
        found = []
        if self.answers:
            found.append(Series(name="answer_latency", label="answer latency", unit="s",
                                times=tuple(a.answer_start for a in self.answers),
                                values=tuple(round(a.latency, 2) for a in self.answers), lower=0.0,
                                limits=(self.conv.long_latency_s,)))
        judged = [c for c in self.cadences if judgeable(c, self.conv)]
        if judged:
            found.append(Series(name="disfluency_rate", label="fillers and repeats in each answer",
                                unit="per 100 words", times=tuple(c.start for c in judged),
                                values=tuple(round(c.disfluency_rate, 1) for c in judged), lower=0.0))
        return tuple(found)


def _read_aloud_reason(found: ReadAloud) -> str:
    a, b = found.answer, found.baseline
    pace = f" at an even pace (its speed varied {a.rate_cv:.0%})" if a.rate_cv is not None else ""
    usual_pace = f", their speed varying {b.rate_cv:.0%}" if b.rate_cv is not None else ""
    disfluencies = _count(a.disfluencies, "filler or repeated word", "fillers or repeated words")
    pauses = _count(a.hesitations, "pause inside a sentence", "pauses inside sentences")
    return (f"this answer may have been read aloud: {disfluencies} and {pauses} in {a.words} words{pace}, "
            f"while the candidate's {b.answers} other answers had {b.disfluency_rate:.1f} and "
            f"{b.hesitation_rate:.1f} per 100 words{usual_pace}. A weak signal: fluent people and prepared "
            "answers sound like this too")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _cadence_measurements(found: ReadAloud) -> dict[str, float]:
    a, b = found.answer, found.baseline
    numbers = {"words": a.words, "seconds": round(a.seconds, 1), "other_answers": b.answers,
               "disfluencies_per_100_words": round(a.disfluency_rate, 1),
               "hesitations_per_100_words": round(a.hesitation_rate, 1),
               "usual_disfluencies_per_100_words": round(b.disfluency_rate, 1),
               "usual_hesitations_per_100_words": round(b.hesitation_rate, 1)}
    # A pace is measured only over three stretches between pauses or more; none is not zero.
    if a.rate_cv is not None:
        numbers["rate_cv"] = round(a.rate_cv, 3)
    if b.rate_cv is not None:
        numbers["usual_rate_cv"] = round(b.rate_cv, 3)
    return numbers


def _spans(pieces: list[VoicePiece], join_s: float = 1.0) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for p in sorted(pieces, key=lambda p: p.start):
        if spans and p.start - spans[-1][1] <= join_s:
            spans[-1] = (spans[-1][0], max(spans[-1][1], p.end))
        else:
            spans.append((p.start, p.end))
    return spans


def _words_between(segments: list[TranscriptSegment], start: float, end: float) -> str:
    """Evidence words; never the words an English-only model invented for other speech."""
    return words_between((w for s in segments if s.trusted for w in s.words), start, end)[:300]
