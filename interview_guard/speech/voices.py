"""Who is speaking when: stretches of speech between pauses, each with its voice embedding.

Audio arrives in 100 ms chunks; every few seconds the buffered audio goes through Silero VAD (the
model faster-whisper ships), finished speech runs are cut into pieces of about two seconds and each
piece gets a voice embedding. The buffer never holds more than one block plus an unfinished run,
so memory stays bounded however long the session is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.speech.voice_encoder import PARTIAL_SAMPLES, voice_encoder

_PARTIAL_HOP = PARTIAL_SAMPLES // 4  # 0.4 s between the partial embeddings averaged over a piece


@dataclass(frozen=True)
class VoicePiece:
    """Speech from start to end (session seconds) on one audio track, with its voice.

    embedding: unit 256-d vector; level_db: RMS level in dBFS (a whisper is far below normal speech);
    run_start: where the run of speech this piece belongs to began (a pause ends a run).
    """

    start: float
    end: float
    embedding: np.ndarray
    level_db: float
    run_start: float
    track: int = 0

    @property
    def duration(self) -> float:
        return self.end - self.start


class VoicePieces:
    """feed(chunk) -> finished VoicePieces; flush() at the end returns the rest."""

    def __init__(self, track: int = 0, block_s: float = 6.0, piece_s: float = 2.0, min_piece_s: float = 0.5,
                 min_pause_s: float = 0.25, max_run_s: float = 30.0) -> None:
        self.track = track
        self._block = int(block_s * AUDIO_RATE)
        self._piece = int(piece_s * AUDIO_RATE)
        self._min_piece = int(min_piece_s * AUDIO_RATE)
        self._max_run = int(max_run_s * AUDIO_RATE)
        # A low threshold: the speech we hunt (a coach, a whisper) is faint, and Silero scores whispers low.
        self._vad = VadOptions(threshold=0.25, min_silence_duration_ms=int(min_pause_s * 1000), speech_pad_ms=30)
        self._chunks: list[np.ndarray] = []
        self._t0: float | None = None  # session time of the buffer's first sample
        self._pending = 0  # samples buffered since the last VAD pass

    def feed(self, chunk: AudioChunk) -> list[VoicePiece]:
        if self._t0 is None:
            self._t0 = chunk.t
        self._chunks.append(chunk.samples)
        self._pending += len(chunk.samples)
        if self._pending < self._block:
            return []
        self._pending = 0
        return self._cut(final=False)

    def flush(self) -> list[VoicePiece]:
        return self._cut(final=True) if self._chunks else []

    def _cut(self, final: bool) -> list[VoicePiece]:
        audio = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        runs = [(d["start"], d["end"]) for d in get_speech_timestamps(audio, self._vad)]
        done: list[tuple[int, int]] = []
        keep_from = len(audio)
        for start, end in runs:
            # A run that reaches the last half second may go on: keep it for the next pass, unless too long.
            if not final and end >= len(audio) - AUDIO_RATE // 2 and end - start < self._max_run:
                keep_from = start
                break
            done.append((start, end))
        else:
            if not final:  # the last second may hold the first syllables of a run VAD cannot see yet
                keep_from = max(done[-1][1] if done else 0, len(audio) - AUDIO_RATE)
        t0 = self._t0 or 0.0
        pieces = [p for start, end in done for p in self._pieces(audio, t0, start, end)]
        rest = audio[keep_from:]
        self._t0 = t0 + keep_from / AUDIO_RATE if len(rest) else None
        self._chunks = [rest] if len(rest) else []
        return pieces

    def _pieces(self, audio: np.ndarray, t0: float, start: int, end: int) -> list[VoicePiece]:
        if end - start < self._min_piece:
            return []
        count = max(1, round((end - start) / self._piece))
        bounds = [start + (end - start) * k // count for k in range(count + 1)]
        spans = list(zip(bounds[:-1], bounds[1:]))
        embeddings = _embed_spans(audio, spans)
        return [VoicePiece(start=t0 + a / AUDIO_RATE, end=t0 + b / AUDIO_RATE, embedding=e,
                           level_db=_level_db(audio[a:b]), run_start=t0 + start / AUDIO_RATE, track=self.track)
                for (a, b), e in zip(spans, embeddings)]


class VoiceStream:
    """Voice pieces of every audio track (0: the call, 1: the interviewer's own microphone), cut once
    for all the checks that read voices."""

    def __init__(self) -> None:
        self._tracks: dict[int, VoicePieces] = {}

    def feed(self, chunk: AudioChunk) -> list[VoicePiece]:
        if chunk.track not in self._tracks:
            self._tracks[chunk.track] = VoicePieces(track=chunk.track)
        return self._tracks[chunk.track].feed(chunk)

    def flush(self) -> list[VoicePiece]:
        return [piece for pieces in self._tracks.values() for piece in pieces.flush()]


def _embed_spans(audio: np.ndarray, spans: list[tuple[int, int]]) -> list[np.ndarray]:
    """One embedding per span: the normalised mean of 1.6 s partials every 0.4 s across it."""
    windows, owner = [], []
    for k, (a, b) in enumerate(spans):
        for s in range(a, max(a + 1, b - PARTIAL_SAMPLES + 1), _PARTIAL_HOP):
            windows.append(audio[s:min(b, s + PARTIAL_SAMPLES)])
            owner.append(k)
    partials = voice_encoder().embed_samples(windows)
    owners = np.asarray(owner)
    out = []
    for k in range(len(spans)):
        mean = partials[owners == k].mean(axis=0)
        out.append(mean / max(float(np.linalg.norm(mean)), 1e-9))
    return out


def _level_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(max(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))), 1e-6)))
