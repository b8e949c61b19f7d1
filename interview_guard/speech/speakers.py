"""Voices in a session, told apart online, and the turns they take.

Each piece of speech joins the voice whose running centroid it resembles most, or starts a new
voice when it resembles none (cosine similarity under `same_voice`). Short pieces carry noisy
embeddings, so they only join existing voices. Roles follow talk time: in an interview the candidate
speaks most; the interviewer is the voice heard on the interviewer's own track, or else the other
main voice of a mixed track.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from interview_guard.speech.voices import VoicePiece


@dataclass(frozen=True)
class SpeakerTurn:
    """One voice speaking from start to end without another voice in between."""

    start: float
    end: float
    voice: int
    pieces: int
    similarity: float  # mean similarity of its pieces to the voice's centroid: how sure the attribution is


@dataclass
class Voice:
    index: int
    centroid_sum: np.ndarray
    seconds: float
    level_sum: float
    track: int

    @property
    def centroid(self) -> np.ndarray:
        return self.centroid_sum / max(float(np.linalg.norm(self.centroid_sum)), 1e-9)

    @property
    def level_db(self) -> float:
        return self.level_sum / max(self.seconds, 1e-9)


class SpeakerTurns:
    """add(piece) attributes it to a voice; turns() derives the turns from those attributions."""

    def __init__(self, same_voice: float = 0.75, min_new_voice_s: float = 1.0, turn_gap_s: float = 10.0) -> None:
        self.same_voice = same_voice
        self.min_new_voice_s = min_new_voice_s
        self.turn_gap_s = turn_gap_s
        self.voices: list[Voice] = []
        self.attributions: list[tuple[VoicePiece, int, float]] = []

    def add(self, piece: VoicePiece) -> int | None:
        """The voice the piece joined, or None for a short piece like no known voice (too short to start
        one: it is set aside rather than forced into a voice it does not resemble)."""
        voice, similarity = self._attribute(piece)
        if voice is None:
            return None
        v = self.voices[voice]
        v.centroid_sum = v.centroid_sum + piece.embedding * piece.duration
        v.seconds += piece.duration
        v.level_sum += piece.level_db * piece.duration
        self.attributions.append((piece, voice, similarity))
        return voice

    def _attribute(self, piece: VoicePiece) -> tuple[int | None, float]:
        # Voices on another track (the interviewer's own microphone) are known; a piece stays on its track.
        own = [v for v in self.voices if v.track == piece.track]
        if own:
            sims = [float(piece.embedding @ v.centroid) for v in own]
            best = int(np.argmax(sims))
            if sims[best] >= self.same_voice:
                return own[best].index, sims[best]
            if piece.duration < self.min_new_voice_s:
                return None, sims[best]
        self.voices.append(Voice(len(self.voices), np.zeros_like(piece.embedding), 0.0, 0.0, piece.track))
        return len(self.voices) - 1, 1.0

    def turns(self) -> list[SpeakerTurn]:
        """Turns in time order (two tracks deliver their pieces in separate batches)."""
        turns: list[SpeakerTurn] = []
        for piece, voice, similarity in sorted(self.attributions, key=lambda a: a[0].start):
            last = turns[-1] if turns else None
            if last and last.voice == voice and piece.start - last.end < self.turn_gap_s:
                n = last.pieces + 1
                turns[-1] = SpeakerTurn(last.start, max(last.end, piece.end), voice, n,
                                        (last.similarity * last.pieces + similarity) / n)
            else:
                turns.append(SpeakerTurn(piece.start, piece.end, voice, 1, similarity))
        return turns

    def main_voices(self, count: int, track: int = 0) -> list[int]:
        """The `count` voices of one audio track heard longest, longest first."""
        return [v.index for v in sorted((v for v in self.voices if v.track == track), key=lambda v: -v.seconds)][:count]

    def similarity(self, a: int, b: int) -> float:
        return float(self.voices[a].centroid @ self.voices[b].centroid)
