"""Which language the candidate speaks, and whether the transcript can be read as what they said.

Whisper tiny.en knows English only: given Hindi, Telugu or Mandarin it writes fluent invented English
("thank you for watching"), with high word probabilities now and then. So a run that forces a language
(`--language en`, the default) checks the spoken language with the multilingual model's language
identification (one encoder pass of Whisper base over up to 30 s of speech): on the first speech, again
every `language_recheck_s`, and on any window whose words the English model was unsure of. Speech in
another language either switches the run to the multilingual model (`on_other_language="switch"`, the
default) or keeps the English model's words marked untrusted (`"mark"`).

This module holds the types and the decision; `transcriber.py` runs the models. Nothing here imports one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

# TranscriptLanguage.status values
MULTILINGUAL = "multilingual"  # --language auto: the multilingual model names each window's language itself
OFF = "off"  # the check was turned off (check_language=False)
NOT_HEARD = "not_heard"  # no speech checked yet (or none in the recording)
EXPECTED = "expected"  # every check heard the expected language
SWITCHED = "switched"  # another language was heard: the multilingual model transcribes from `since` on
UNTRUSTED = "untrusted"  # another language was heard and the expected-language model's words were kept, marked
UNAVAILABLE = "unavailable"  # the multilingual model is not installed: the language could not be checked
STATUSES = (MULTILINGUAL, OFF, NOT_HEARD, EXPECTED, SWITCHED, UNTRUSTED, UNAVAILABLE)

# Whisper's language codes for the names a reader needs most; others are shown as their code.
_NAMES = {"en": "English", "zh": "Mandarin/Chinese", "hi": "Hindi", "te": "Telugu", "ta": "Tamil", "ur": "Urdu",
          "bn": "Bengali", "mr": "Marathi", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German",
          "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic", "ja": "Japanese", "ko": "Korean", "vi": "Vietnamese",
          "tl": "Tagalog", "id": "Indonesian", "tr": "Turkish", "pl": "Polish", "it": "Italian", "nl": "Dutch"}


def language_name(code: str) -> str:
    name = _NAMES.get(code)
    return f"{name} ({code})" if name else f"'{code}'"


@dataclass(frozen=True)
class LanguageVerdict:
    """What one language identification says: the most likely language, and how likely the expected one is."""

    language: str
    probability: float
    expected: str
    expected_probability: float

    @property
    def is_expected(self) -> bool:
        return self.language == self.expected


def judge_language(probabilities: Sequence[tuple[str, float]], expected: str,
                   min_expected_probability: float) -> LanguageVerdict:
    """The verdict on Whisper's (language, probability) list, most likely first.

    The speech counts as the expected language when that language is the most likely one or is at least
    `min_expected_probability` likely; anything else, a confident other language or no clear language at all
    (noise, a language Whisper barely knows), is not the expected one: an English model would invent words."""
    if not probabilities:
        raise ValueError("judge_language needs at least one (language, probability) pair (got none)")
    top, p_top = max(probabilities, key=lambda lp: lp[1])
    p_expected = round(float(next((p for lang, p in probabilities if lang == expected), 0.0)), 3)
    if top == expected or p_expected >= min_expected_probability:
        return LanguageVerdict(expected, p_expected, expected, p_expected)
    return LanguageVerdict(top, round(float(p_top), 3), expected, p_expected)


@dataclass(frozen=True)
class LanguageCheck:
    """One language identification on a stretch of speech (session seconds), and why it was run."""

    start: float
    end: float
    verdict: LanguageVerdict
    why: str  # "first speech", "periodic", "doubtful words", "confirming"
    seconds: float  # wall time of the check on the speech thread

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(d.pop("verdict"))
        d["is_expected"] = self.verdict.is_expected
        return d


@dataclass(frozen=True)
class TranscriptLanguage:
    """The run's language state: what the transcript can be read as. A new value replaces the old one (the
    speech thread writes it, the live session and the summary read it)."""

    status: str
    expected: str  # the language the run asked for ("en"); "" with --language auto
    language: str = ""  # the other language heard (switched / untrusted)
    probability: float = 0.0
    since: float | None = None  # session time of the first speech in another language
    model: str = ""  # the model transcribing now
    checks: tuple[LanguageCheck, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"transcript language status must be one of {STATUSES} (got {self.status!r})")

    @property
    def trusted(self) -> bool:
        """False when some of the transcript is words the model invented (they are marked per segment)."""
        return self.status != UNTRUSTED

    @property
    def other_language(self) -> bool:
        return self.status in (SWITCHED, UNTRUSTED)

    @property
    def check_seconds(self) -> float:
        return round(sum(c.seconds for c in self.checks), 3)

    @property
    def reason(self) -> str:
        heard = f"{language_name(self.language)}, probability {self.probability:.2f}"
        at = f" from {self.since:.1f} s" if self.since is not None else ""
        if self.status == SWITCHED:
            return (f"The candidate did not speak {language_name(self.expected)}: {heard}{at}. The English-only model "
                    f"would have invented words, so the multilingual {self.model} transcribed the rest of the "
                    f"session; checks that read English words cannot judge the other-language speech.")
        if self.status == UNTRUSTED:
            return (f"The candidate did not speak {language_name(self.expected)}: {heard}{at}. The transcript of that "
                    f"speech is words the English-only model invented, not what was said; it is struck out and no "
                    f"check judges it.")
        if self.status == UNAVAILABLE:
            return ("The spoken language could not be checked (the multilingual whisper-base model is not "
                    "installed): if the candidate did not speak English, the transcript is invented.")
        if self.status == EXPECTED:
            last = self.checks[-1].verdict if self.checks else None
            sure = f" (probability {last.probability:.2f})" if last else ""
            return f"The speech was checked {len(self.checks)} time(s) and is {language_name(self.expected)}{sure}."
        if self.status == MULTILINGUAL:
            return "The multilingual model named the language of each stretch of speech itself."
        if self.status == OFF:
            return "The spoken language was not checked (turned off)."
        return "No speech was checked for its language."

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "trusted": self.trusted, "expected": self.expected,
                "language": self.language, "probability": self.probability, "since": self.since,
                "model": self.model, "reason": self.reason, "check_seconds": self.check_seconds,
                "checks": [c.to_dict() for c in self.checks]}
