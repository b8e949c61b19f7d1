"""Read-aloud cadence: how an answer was spoken, against how the same candidate speaks otherwise.

Thinking aloud is uneven: filled pauses ("um", "uh"), words said twice, false starts ("integra-"), pauses
in the middle of a sentence, and phrases at different speeds. Reading a prepared text is fluent and even.
Each answer is measured (`measure`) and compared with the median of the candidate's other answers
(`judge`): an answer is flagged only when those other answers are clearly spontaneous and this one is
almost free of disfluencies, pauses far less and keeps an even pace.

A weak signal, stated as such: fluent speakers and well-rehearsed answers read like this too. A candidate
who reads every answer gives no spontaneous baseline and is not flagged by this check; nor is one with
fewer than three answers long enough to judge. Whisper drops filled pauses unless prompted
(SpeechOptions.keep_fillers) and still misses some, so pauses are taken from the audio's loudness
(`LevelTrack`) where it has a clear floor, and from the gaps between word times otherwise.
"""

from __future__ import annotations

import re
import statistics
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.options import ConversationOptions
from interview_guard.speech.core import Word

CADENCE_LANGUAGE = "en"  # fillers, syllables and the filler prompt are English: other speech is not measured
_FILLER = re.compile(r"^(u+[mh]+|e+r+m*|a+h+|h+m+|m+h*m+)$")
_SENTENCE_END = (".", "?", "!")
_MIN_RUN_WORDS = 3  # a stretch between pauses needs this many words for its speaking rate to mean anything


def _bare(text: str) -> str:
    return re.sub(r"[^\w'-]", "", text.lower()).strip("-'")


def is_filler(text: str) -> bool:
    return bool(_FILLER.match(_bare(text)))


def syllables(text: str) -> int:
    """Vowel groups, less a silent final e: within one syllable in most English words, which is enough
    for a rate whose spread (not value) matters."""
    word = _bare(text)
    count = len(re.findall(r"[aeiouy]+", word)) + 2 * sum(c.isdigit() for c in word)
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


@dataclass(frozen=True)
class AnswerCadence:
    """One answer, measured. words: words other than fillers; rate_cv: std / mean of the speaking rate
    (syllables per second) over the stretches between pauses, None with fewer than three stretches."""

    start: float
    end: float
    words: int
    disfluencies: int  # filled pauses + repeated words + false starts
    hesitations: int  # pauses inside a sentence
    rate_cv: float | None
    text: str

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def disfluency_rate(self) -> float:
        """Per 100 words."""
        return 100.0 * self.disfluencies / max(1, self.words)

    @property
    def hesitation_rate(self) -> float:
        """Per 100 words."""
        return 100.0 * self.hesitations / max(1, self.words)


def measure(words: Sequence[Word], pauses: Sequence[tuple[float, float]] | None = None,
            pause_s: float = 0.3) -> AnswerCadence:
    """The cadence of one answer from its words and, where the audio told them, its pauses (else the gaps
    of at least pause_s between word times)."""
    if not words:
        raise ValueError("an answer to measure needs at least one word")
    if pauses is None:
        pauses = [(a.end, b.start) for a, b in zip(words, words[1:]) if b.start - a.end >= pause_s]
    # Silence before the first word or after the last is the end of a turn, not a pause in the answer.
    first, last = (words[0].start + words[0].end) / 2, (words[-1].start + words[-1].end) / 2
    pauses = [p for p in pauses if first < (p[0] + p[1]) / 2 < last]
    fillers = sum(is_filler(w.text) for w in words)
    spoken = [w for w in words if not is_filler(w.text)]
    repeats = sum(_bare(a.text) == _bare(b.text) != "" for a, b in zip(spoken, spoken[1:]))
    false_starts = sum(w.text.endswith("-") for w in words)
    return AnswerCadence(start=words[0].start, end=words[-1].end, words=len(spoken),
                         disfluencies=fillers + repeats + false_starts,
                         hesitations=sum(not _after_sentence(words, p) for p in pauses),
                         rate_cv=_rate_cv(words, pauses), text=" ".join(w.text for w in words))


def _after_sentence(words: Sequence[Word], pause: tuple[float, float]) -> bool:
    """Whether the word before the pause ends a sentence (a pause there is punctuation, not hesitation).
    Whisper stretches word times over pauses, so 'before' goes by the words' midpoints."""
    middle = (pause[0] + pause[1]) / 2
    before = [w for w in words if (w.start + w.end) / 2 < middle]
    return bool(before) and before[-1].text.endswith(_SENTENCE_END)


def _rate_cv(words: Sequence[Word], pauses: Sequence[tuple[float, float]]) -> float | None:
    rates = [r for r in (_rate(*run) for run in _runs(words, pauses)) if r is not None]
    if len(rates) < 3:
        return None
    return float(np.std(rates) / np.mean(rates))


def _runs(words: Sequence[Word], pauses: Sequence[tuple[float, float]]) -> list[tuple[list[Word], float, float]]:
    """Stretches of words between pauses and fillers, each with the pauses around it (its words' times may
    reach into them: Whisper stretches a word over the silence that follows it)."""
    runs: list[tuple[list[Word], float, float]] = [([], float("-inf"), float("inf"))]
    ahead = sorted(pauses)
    for w in words:
        while ahead and (ahead[0][0] + ahead[0][1]) / 2 < (w.start + w.end) / 2:
            pause = ahead.pop(0)
            runs[-1] = (runs[-1][0], runs[-1][1], pause[0])
            runs.append(([], pause[1], float("inf")))
        if is_filler(w.text):
            runs.append(([], w.end, float("inf")))
        else:
            runs[-1][0].append(w)
    if ahead:
        runs[-1] = (runs[-1][0], runs[-1][1], ahead[0][0])
    return [r for r in runs if len(r[0]) >= _MIN_RUN_WORDS]


def _rate(run: list[Word], after: float, before: float) -> float | None:
    seconds = min(run[-1].end, before) - max(run[0].start, after)
    return sum(syllables(w.text) for w in run) / seconds if seconds >= 0.3 else None


# judging ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The median of the candidate's other judged answers."""

    answers: int
    disfluency_rate: float
    hesitation_rate: float
    rate_cv: float | None


@dataclass(frozen=True)
class ReadAloud:
    answer: AnswerCadence
    baseline: Baseline


def judgeable(answer: AnswerCadence, options: ConversationOptions) -> bool:
    return answer.words >= options.read_min_words and answer.seconds >= options.read_min_s


def judge(answers: Sequence[AnswerCadence], options: ConversationOptions) -> list[ReadAloud]:
    """The answers that sound read against the candidate's other answers (leave-one-out medians)."""
    judged = [a for a in answers if judgeable(a, options)]
    if len(judged) < options.read_min_answers:
        return []
    found = []
    for i, answer in enumerate(judged):
        baseline = _baseline(judged[:i] + judged[i + 1:])
        if _spontaneous(baseline, options) and _reads(answer, baseline, options):
            found.append(ReadAloud(answer, baseline))
    return found


def _baseline(others: Sequence[AnswerCadence]) -> Baseline:
    cvs = [a.rate_cv for a in others if a.rate_cv is not None]
    return Baseline(answers=len(others),
                    disfluency_rate=statistics.median(a.disfluency_rate for a in others),
                    hesitation_rate=statistics.median(a.hesitation_rate for a in others),
                    rate_cv=statistics.median(cvs) if len(cvs) >= 2 else None)


def _spontaneous(b: Baseline, o: ConversationOptions) -> bool:
    # Whisper misses many fillers even when prompted: pauses alone can show a thinking-aloud baseline.
    return b.disfluency_rate >= o.spontaneous_disfluency or b.hesitation_rate >= o.spontaneous_hesitation


def _reads(a: AnswerCadence, b: Baseline, o: ConversationOptions) -> bool:
    fluent = a.disfluency_rate <= max(0.5, o.read_disfluency_share * b.disfluency_rate)
    unhesitating = a.hesitation_rate <= o.read_hesitation_share * b.hesitation_rate
    # A pace that varies more than usual is not a text being read, whatever the pauses say.
    even = a.rate_cv is None or b.rate_cv is None or a.rate_cv <= b.rate_cv
    return fluent and unhesitating and even


# pauses from the audio ----------------------------------------------------------------------------------


class LevelTrack:
    """The loudness of one audio track every 20 ms (about 0.7 MB an hour), read back at the end to find the
    pauses inside each answer. Assumes the track's chunks follow each other without gaps, as VoicePieces does."""

    def __init__(self, hop_s: float = 0.02, min_contrast_db: float = 15.0) -> None:
        self.hop = int(hop_s * AUDIO_RATE)
        self.min_contrast_db = min_contrast_db
        self.t0: float | None = None
        self._levels = array("f")
        self._rest = np.zeros(0, np.float32)

    def feed(self, chunk: AudioChunk) -> None:
        if self.t0 is None:
            self.t0 = chunk.t
        samples = np.concatenate([self._rest, chunk.samples]) if len(self._rest) else chunk.samples
        n = len(samples) // self.hop
        frames = samples[: n * self.hop].astype(np.float64).reshape(n, self.hop)
        self._levels.extend(10 * np.log10((frames ** 2).mean(axis=1) + 1e-10))
        self._rest = samples[n * self.hop:]

    def pauses(self, start: float, end: float, pause_s: float = 0.3) -> list[tuple[float, float]] | None:
        """Quiet stretches of at least pause_s between start and end; None when the speech does not stand
        clearly above the floor around it (noise), so that pauses cannot be told from the audio."""
        inside, around = self._slice(start, end), self._slice(start - 1.0, end + 1.0)
        if len(inside) < 2:
            return None
        loud, floor = float(np.percentile(inside, 90)), float(np.percentile(around, 5))
        if loud - floor < self.min_contrast_db:
            return None
        quiet = np.r_[False, inside < floor + 0.35 * (loud - floor), False].astype(np.int8)
        edges = np.flatnonzero(np.diff(quiet))
        first, step = self._index(start), self.hop / AUDIO_RATE
        return [(self._time(first + a), self._time(first + b)) for a, b in zip(edges[::2], edges[1::2])
                if (b - a) * step >= pause_s]

    def _index(self, t: float) -> int:
        return min(len(self._levels), max(0, int(round((t - (self.t0 or 0.0)) * AUDIO_RATE / self.hop))))

    def _time(self, index: int) -> float:
        return (self.t0 or 0.0) + index * self.hop / AUDIO_RATE

    def _slice(self, start: float, end: float) -> np.ndarray:
        return np.frombuffer(self._levels, np.float32)[self._index(start): self._index(end)].copy()
