"""faster-whisper behind one small interface: a window of samples in, segments out.

`StreamingTranscription` takes audio chunk by chunk (a file or a live call) and
transcribes windows of up to `window_s`, cut at the quietest moment near their
end so words are not split; memory stays bounded by one window.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import replace

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.model_store import resolve_model
from interview_guard.options import SpeechOptions
from interview_guard.speech.core import TranscriptSegment, Word
from interview_guard.speech.phones import PhoneAligner
from interview_guard.speech.language import (EXPECTED, MULTILINGUAL, NOT_HEARD, OFF, SWITCHED, UNAVAILABLE, UNTRUSTED,
                                             LanguageCheck, TranscriptLanguage, judge_language)

logger = logging.getLogger(__name__)

# Whisper is trained on transcripts that leave out filled pauses; a prompt that has them makes it write them
# down (the prompt from OpenAI's speech-to-text prompting guide). It is given to every window.
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
MULTILINGUAL_MODEL = "whisper-base"  # names the spoken language; transcribes it when the forced one is wrong


def resolve_device(device: str) -> tuple[str, str]:
    """(device, compute_type): CUDA float16 when asked or available, else CPU int8."""
    if device == "cpu":
        return "cpu", "int8"
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not has_cuda:
        raise ModelError("--device cuda was asked for but CTranslate2 sees no CUDA device; use --device cpu or auto")
    return ("cuda", "float16") if has_cuda else ("cpu", "int8")


_WHISPER_SEED = 20261203


@functools.lru_cache(maxsize=4)
def load_whisper(model_name: str, device: str, compute_type: str, cpu_threads: int):  # -> WhisperModel
    """Load a Whisper model once per process."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as e:
        raise ModelError("speech analysis requires the faster-whisper package: pip install faster-whisper") from e
    import ctranslate2

    # Whisper falls back to sampling (temperature 0.2, 0.4, ...) where greedy decoding fails its checks, and
    # CTranslate2 seeds each thread's generator from a random device unless a seed is set first: the same
    # recording then gave different words (34, 43, 39 on one 8 s clip). A fixed seed makes a re-check
    # reproduce the analysis.
    ctranslate2.set_random_seed(_WHISPER_SEED)
    path = resolve_model(model_name)
    return WhisperModel(str(path), device=device, compute_type=compute_type, cpu_threads=cpu_threads,
                        local_files_only=True)


def _cpu_threads(asked: int) -> int:
    """0 means half the cores: speech runs beside the video stages, and oversubscribing
    2 cores made both slower (measured in bench/bench_analyze.py)."""
    return asked if asked > 0 else max(1, (os.cpu_count() or 2) // 2)


def model_for(options: SpeechOptions, device: str) -> str:
    """The usual model, or options.gpu_model on a GPU when it is installed (a GPU has time for a larger one)."""
    if device != "cuda" or not options.gpu_model or options.gpu_model == options.model_name:
        return options.model_name
    try:
        resolve_model(options.gpu_model)
    except ModelError:
        logger.info("%s is not installed: %s runs on the GPU", options.gpu_model, options.model_name)
        return options.model_name
    return options.gpu_model


class SpeechTranscriber:
    """Transcribes windows of 16 kHz mono audio with word timestamps and Silero VAD.

    With a forced language it also checks that this language is spoken (speech/language.py); `language` is
    the run's state, replaced (never changed in place) on the speech thread as checks come in."""

    def __init__(self, options: SpeechOptions) -> None:
        self.options = options
        self.device, self.compute_type = resolve_device(options.device)
        self.model_name = model_for(options, self.device)
        self._threads = _cpu_threads(options.cpu_threads)
        self._model = load_whisper(self.model_name, self.device, self.compute_type, self._threads)
        # Only the English model gets the English prompt: it would pull the multilingual one towards English.
        self._prompt = FILLER_PROMPT if options.keep_fillers and options.language == "en" else None
        self._forced: str | None = None if options.language == "auto" else options.language
        self._decode_as = self._forced  # None once switched: the multilingual model names each window's language
        self._last_check_t: float | None = None
        self._confirmed = False  # a check on enough speech has been made
        self._hearing_other = False  # the last check heard another language (with "mark": check every window)
        status = MULTILINGUAL if self._forced is None else OFF if not options.check_language else NOT_HEARD
        self.language = TranscriptLanguage(status=status, expected=self._forced or "", model=self.model_name)
        self._aligner = PhoneAligner() if options.align_phones else None

    def transcribe(self, samples: np.ndarray, t0: float) -> list[TranscriptSegment]:
        """Segments of `samples` (which start at session time t0), on the session clock, with the phones
        of trusted English segments."""
        segments = self._transcribe(samples, t0)
        if self._aligner is None:
            return segments
        return [self._aligner.with_phones(s, samples, t0) for s in segments]

    def _transcribe(self, samples: np.ndarray, t0: float) -> list[TranscriptSegment]:
        if len(samples) < AUDIO_RATE // 4 or float(np.abs(samples).max(initial=0.0)) < 1e-4:
            return []
        segments = self._run(self._model, samples, t0, self._decode_as, self._prompt)
        why = self._check_due(segments, t0)
        if why is None:
            return segments
        check = self._check(samples, t0, segments, why)
        if check is None or check.verdict.is_expected:
            return segments
        if self.options.on_other_language == "switch":
            self._switch(t0)
            return self._run(self._model, samples, t0, self._decode_as, self._prompt)
        return [replace(s, trusted=False, language=check.verdict.language,
                        language_probability=check.verdict.probability) for s in segments]

    def _run(self, model, samples: np.ndarray, t0: float, language: str | None,
             prompt: str | None) -> list[TranscriptSegment]:
        segments, info = model.transcribe(
            samples, language=language, beam_size=self.options.beam_size, word_timestamps=True,
            vad_filter=True, condition_on_previous_text=False, initial_prompt=prompt)
        return [_segment(s, t0, info.language, info.language_probability) for s in segments]

    # language check ------------------------------------------------------------------------------------

    def _check_due(self, segments: list[TranscriptSegment], t0: float) -> str | None:
        """Why this window's language should be checked now, or None."""
        words = [w for s in segments for w in s.words]
        if self.language.status not in (NOT_HEARD, EXPECTED, UNTRUSTED) or not words:
            return None
        if self._last_check_t is None:
            return "first speech"
        if self._hearing_other:
            return "other language before"  # every window, until the forced language is heard again
        if not self._confirmed:
            return "confirming"
        if len(words) >= 3 and np.mean([w.probability for w in words]) < self.options.doubtful_word_probability:
            return "doubtful words"
        if t0 - self._last_check_t >= self.options.language_recheck_s:
            return "periodic"
        return None

    def _check(self, samples: np.ndarray, t0: float, segments: list[TranscriptSegment],
               why: str) -> LanguageCheck | None:
        """Language identification of the window's speech (from its first segment to its last)."""
        model = self._multilingual()
        if model is None:
            return None
        start, end = segments[0].start, segments[-1].end
        speech = samples[max(0, int((start - t0) * AUDIO_RATE)): int((end - t0) * AUDIO_RATE) + 1]
        began = time.perf_counter()
        try:
            _, _, probabilities = model.detect_language(speech, vad_filter=True)
        except ValueError:  # the VAD found no speech in it: judge the stretch as it is
            _, _, probabilities = model.detect_language(speech)
        verdict = judge_language(probabilities, self._forced or "", self.options.min_expected_probability)
        check = LanguageCheck(start=start, end=end, verdict=verdict, why=why,
                              seconds=round(time.perf_counter() - began, 3))
        self._last_check_t = t0
        self._hearing_other = not verdict.is_expected
        self._confirmed = self._confirmed or end - start >= self.options.min_check_speech_s
        logger.info("language check (%s) at %.1f s: %s %.2f (%s %.2f) in %.2f s", why, start, verdict.language,
                    verdict.probability, verdict.expected, verdict.expected_probability, check.seconds)
        self._record(check)
        return check

    def _record(self, check: LanguageCheck) -> None:
        lang, v = self.language, check.verdict
        checks = lang.checks + (check,)
        if v.is_expected:
            # Words once found to be another language stay marked: the status says some are.
            self.language = replace(lang, checks=checks, status=lang.status if lang.status == UNTRUSTED else EXPECTED)
        elif lang.other_language:
            self.language = replace(lang, checks=checks)
        else:
            self.language = replace(lang, checks=checks, status=UNTRUSTED, language=v.language,
                                    probability=v.probability, since=check.start)

    def _switch(self, t0: float) -> None:
        """From this window on, the multilingual model transcribes and names each window's language."""
        self._model, self._decode_as, self._prompt = self._multilingual(), None, None
        self.language = replace(self.language, status=SWITCHED, model=MULTILINGUAL_MODEL)
        logger.warning("speech in %s, not %s: %s transcribes from %.1f s on", self.language.language,
                       self._forced, MULTILINGUAL_MODEL, t0)

    def _multilingual(self):  # -> WhisperModel | None
        if self.model_name == MULTILINGUAL_MODEL:
            return self._model
        try:
            return load_whisper(MULTILINGUAL_MODEL, self.device, self.compute_type, self._threads)
        except ModelError as e:
            logger.warning("the spoken language cannot be checked: %s", e)
            self.language = replace(self.language, status=UNAVAILABLE)
            return None


def _segment(s, t0: float, language: str, language_probability: float) -> TranscriptSegment:
    words = tuple(Word(round(t0 + float(w.start), 3), round(t0 + float(w.end), 3), w.word.strip(),
                       round(float(w.probability), 3)) for w in (s.words or []))
    return TranscriptSegment(start=round(t0 + float(s.start), 3), end=round(t0 + float(s.end), 3),
                             text=s.text.strip(), words=words, language=language,
                             language_probability=round(float(language_probability), 3),
                             avg_logprob=round(float(s.avg_logprob), 3),
                             no_speech_prob=round(float(s.no_speech_prob), 3))


class StreamingTranscription:
    """Feeds chunks to a transcriber in windows; emits segments as windows complete."""

    def __init__(self, transcriber: SpeechTranscriber, window_s: float | None = None) -> None:
        self.transcriber = transcriber
        self.window = int((window_s or transcriber.options.window_s) * AUDIO_RATE)
        self._parts: list[np.ndarray] = []
        self._buffered = 0
        self._t0: float | None = None

    def feed(self, chunk: AudioChunk) -> list[TranscriptSegment]:
        if self._t0 is None:
            self._t0 = chunk.t
        self._parts.append(chunk.samples)
        self._buffered += len(chunk.samples)
        out: list[TranscriptSegment] = []
        while self._buffered >= self.window:
            out.extend(self._transcribe_head(final=False))
        return out

    def flush(self) -> list[TranscriptSegment]:
        return self._transcribe_head(final=True) if self._buffered else []

    def _transcribe_head(self, final: bool) -> list[TranscriptSegment]:
        data = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0]
        cut = len(data) if final else _quietest_cut(data[: self.window])
        assert self._t0 is not None
        segments = self.transcriber.transcribe(data[:cut], self._t0)
        rest = data[cut:]
        self._t0 += cut / AUDIO_RATE
        self._parts = [rest] if len(rest) else []
        self._buffered = len(rest)
        return segments


_PAUSE_S = 0.25  # quiet this long ends a sentence or a phrase; gaps between words are shorter
_PAUSE_HOP = AUDIO_RATE // 20
_QUIET = 0.1  # power, against the window's loud speech (90th percentile): 10 dB under
_PAUSE_SEARCH_S = 4.0  # at least this much of a window's end is searched for a pause


def _quietest_cut(window: np.ndarray) -> int:
    """Where a window ends: in the middle of the longest pause in its last third (its last 4 s, in a short
    live window), so that a sentence (and a claim in it) is heard whole by one window; with no pause there,
    the quietest 100 ms of the last third."""
    searched = max(len(window) // 3, int(_PAUSE_SEARCH_S * AUDIO_RATE))
    pause = _longest_pause(window, max(0, len(window) - searched))
    return pause if pause is not None else _quietest_100ms(window)


def _longest_pause(window: np.ndarray, start: int) -> int | None:
    """The middle sample of the longest run of quiet of at least _PAUSE_S after `start`, if any."""
    frames = len(window) // _PAUSE_HOP
    energy = (window[: frames * _PAUSE_HOP].reshape(-1, _PAUSE_HOP) ** 2).mean(axis=1)
    if not len(energy):
        return None
    quiet = energy <= _QUIET * float(np.percentile(energy, 90))
    best, run = (0, 0), 0
    for k in range(start // _PAUSE_HOP, frames):
        run = run + 1 if quiet[k] else 0
        if run >= best[1]:
            best = (k, run)
    end, length = best
    if length * _PAUSE_HOP < _PAUSE_S * AUDIO_RATE:
        return None
    return (end + 1) * _PAUSE_HOP - length * _PAUSE_HOP // 2


def _quietest_100ms(window: np.ndarray) -> int:
    """Sample index of the quietest 100 ms in the last third of the window."""
    hop = AUDIO_RATE // 10
    start = (len(window) * 2 // 3) // hop * hop
    tail = window[start: len(window) // hop * hop]
    if len(tail) < hop:
        return len(window)
    energy = (tail.reshape(-1, hop) ** 2).mean(axis=1)
    return start + int(np.argmin(energy)) * hop + hop // 2
