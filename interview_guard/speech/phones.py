"""Forced phone alignment of English transcript segments with PocketSphinx (en-us model, CMU dictionary).

Whisper gives the words and rough word times; PocketSphinx, told which words were said, finds where each
of their phones lies, to 10 ms. Each segment is aligned on its own audio (a few seconds): alignment of a
known word sequence costs about 0.04 s per second of speech. Words the dictionary does not know (names,
numbers written as digits) cannot be aligned: the known words on either side are aligned as separate runs,
cut at the unknown word's Whisper times, so an unknown word never pulls its neighbours out of place.
Digits are spelled out ("F2" is aligned as "f two"), as speakers say them.
A run that does not align (PocketSphinx finds no path through all its words: one word heard wrong, a noise)
is halved at its middle word boundary and each half aligned alone, twice deep at most.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import replace

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.media.core import AUDIO_RATE
from interview_guard.model_store import resolve_model
from interview_guard.speech.core import Phone, TranscriptSegment, Word

logger = logging.getLogger(__name__)

MODEL = "pocketsphinx_en_us"
_FRAME_RATE = 100  # PocketSphinx frames per second
_PAD_S = 0.25  # audio kept around a run of words: Whisper's word times are off by up to this much
_MIN_RUN_S = 0.2
_SPLITS = 2  # a run that does not align is halved at most this many times (up to four pieces)
_TOKENS = re.compile(r"[a-z']+|[0-9]")
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_lock = threading.Lock()  # one decoder per process; a decoder is not safe to share between threads


@functools.lru_cache(maxsize=1)
def _load_decoder():  # -> pocketsphinx.Decoder
    try:
        from pocketsphinx import Decoder
    except ImportError as e:
        raise ModelError("phone alignment requires the pocketsphinx package: pip install pocketsphinx==5.1.1") from e
    base = resolve_model(MODEL)
    return Decoder(hmm=str(base / "en-us"), dict=str(base / "cmudict-en-us.dict"), lm=None,
                   samprate=AUDIO_RATE, loglevel="FATAL")


def dictionary_forms(text: str) -> list[str]:
    """A Whisper word as the CMU dictionary spells it: lower case, letters and apostrophes, each digit
    as its word ("X4" -> ["x", "four"])."""
    tokens = _TOKENS.findall(text.lower().replace("\u2019", "'"))
    forms = [_DIGITS[int(tok)] if tok.isdigit() else tok.strip("'") for tok in tokens]
    return [f for f in forms if f]


class PhoneAligner:
    """align(segment, samples, t0): the segment's phones, on the session clock (samples start at t0).

    Loads the model on creation (once per process); close() is safe to call twice."""

    def __init__(self) -> None:
        self._decoder = _load_decoder()

    def __enter__(self) -> "PhoneAligner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._decoder = None

    def knows(self, word: str) -> bool:
        forms = dictionary_forms(word)
        return bool(forms) and all(self._lookup(f) is not None for f in forms)

    def align(self, segment: TranscriptSegment, samples: np.ndarray, t0: float) -> tuple[Phone, ...]:
        if self._decoder is None:
            raise ModelError("the phone aligner was closed")
        phones: list[Phone] = []
        for run, lo, hi in self._runs(segment.words):
            phones += self._align_span(run, lo, hi, samples, t0, _SPLITS)
        return tuple(phones)

    def _align_span(self, run: list[Word], lo: float, hi: float, samples: np.ndarray, t0: float,
                    splits: int) -> list[Phone]:
        """A run's phones; a long run that does not align (one word heard wrong, a noise) is split in two at
        the middle word boundary and each half aligned on its own, up to `splits` times deep."""
        start = max(t0, lo)
        piece = samples[int((start - t0) * AUDIO_RATE): max(0, int((hi - t0) * AUDIO_RATE))]
        if len(piece) < _MIN_RUN_S * AUDIO_RATE:
            return []
        phones = self._align_run(run, piece, start)
        if phones or splits == 0 or len(run) < 4:
            return phones
        k = len(run) // 2
        cut = (run[k - 1].end + run[k].start) / 2
        return (self._align_span(run[:k], lo, min(hi, cut + _PAD_S / 2), samples, t0, splits - 1)
                + self._align_span(run[k:], max(lo, cut - _PAD_S / 2), hi, samples, t0, splits - 1))

    def with_phones(self, segment: TranscriptSegment, samples: np.ndarray, t0: float) -> TranscriptSegment:
        """The segment with its phones when it is trusted English speech; unchanged otherwise."""
        if not segment.readable_as("en") or not segment.words:
            return segment
        return replace(segment, phones=self.align(segment, samples, t0))

    def _lookup(self, form: str) -> str | None:
        with _lock:
            return self._decoder.lookup_word(form) if self._decoder is not None else None

    def _runs(self, words: tuple[Word, ...]) -> list[tuple[list[Word], float, float]]:
        """Runs of dictionary words, each with the audio span it may use: padded, but never past the middle
        of an unknown word beside it."""
        runs: list[tuple[list[Word], float, float]] = []
        run: list[Word] = []
        lo = -np.inf
        for w in words:
            if self.knows(w.text):
                run.append(w)
                continue
            middle = (w.start + w.end) / 2
            if run:
                runs.append((run, max(lo, run[0].start - _PAD_S), min(middle, run[-1].end + _PAD_S)))
            run, lo = [], middle
        if run:
            runs.append((run, max(lo, run[0].start - _PAD_S), run[-1].end + _PAD_S))
        return runs

    def _align_run(self, run: list[Word], piece: np.ndarray, start: float) -> list[Phone]:
        tagged = [(f, w) for w in run for f in dictionary_forms(w.text)]
        forms = [f for f, _ in tagged]
        data = (np.clip(piece, -1.0, 1.0) * 32767).astype("<i2").tobytes()
        try:
            with _lock:
                d = self._decoder
                # The decoder's features (cepstral mean and the like) carry over from one utterance to the
                # next: reset them, or a run's phones, and whether it aligns at all, depend on what came before
                # (measured: a clip's segment aligned first, failed after seven other clips).
                d.reinit_feat()
                d.set_align_text(" ".join(forms))
                _decode(d, data)
                d.set_alignment()
                _decode(d, data)
                entries = [(w.name, [(p.name, p.start, p.duration) for p in w]) for w in d.get_alignment()]
        except RuntimeError as e:  # the audio cannot hold these words (a wrong transcript, cut speech)
            logger.debug("no alignment for %r at %.2f s: %s", " ".join(forms), start, e)
            return []
        return _phones(entries, [w for _, w in tagged], start)


def _decode(decoder, data: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(data, full_utt=True)
    decoder.end_utt()


def _phones(entries: list[tuple[str, list[tuple[str, int, int]]]], run: list[Word], start: float) -> list[Phone]:
    """Phones of the aligned words (silences and noises left out), each tagged with Whisper's word
    (run: that word for each dictionary word aligned)."""
    words = iter(run)
    out: list[Phone] = []
    for name, phones in entries:
        if name.startswith(("<", "[", "+")) or name == "sil":
            continue
        word = next(words, None)
        if word is None:
            break
        for label, first, frames in phones:
            out.append(Phone(label, round(start + first / _FRAME_RATE, 3),
                             round(start + (first + frames) / _FRAME_RATE, 3), word.text))
    return out
