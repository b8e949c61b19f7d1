"""What the speech stage emits: segments of words on the session clock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Phone:
    """One phone from forced alignment (ARPAbet label without stress: "B", "AA"), on the session clock,
    with the word it belongs to (as Whisper wrote it)."""

    label: str
    start: float
    end: float
    word: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"phone {self.label!r} ends before it starts ({self.start} > {self.end})")


@dataclass(frozen=True)
class TranscriptSegment:
    """One Whisper segment. language_probability is Whisper's own confidence in `language`.

    trusted is False when the words cannot be what was said: an English-only model ran on speech that
    the language check found to be in `language` (with `on_other_language="mark"`). Such words are
    shown struck out and never judged or quoted as the candidate's.

    phones: the words' phones by forced alignment (speech/phones.py), English segments only; empty when
    the segment is not English, not trusted, or alignment was off or failed."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    language: str
    language_probability: float
    avg_logprob: float
    no_speech_prob: float
    trusted: bool = True
    phones: tuple[Phone, ...] = ()

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"segment ends before it starts ({self.start} > {self.end})")

    def readable_as(self, language: str) -> bool:
        """Whether checks that read words in `language` (English cue words, English fillers) can judge it."""
        return self.trusted and self.language == language


def words_between(words: Iterable[Word], start: float, end: float) -> str:
    """The words heard (at least partly) between start and end, as one string for evidence."""
    return " ".join(w.text.strip() for w in words if w.end > start and w.start < end)
