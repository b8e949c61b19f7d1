"""Identity templates: who was on camera (and on the microphone) in one session, in a form that can be
compared with a later session of the same candidate.

A template keeps the mean face descriptor of the session's main person (dlib 128-d) with its spread, and
the centroid of the candidate's voice (256-d) when there was enough speech. Never frames or audio.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from interview_guard.identity.embedder import descriptor_distance as _dist
from interview_guard.speech.speakers import SpeakerTurns
from interview_guard.speech.voices import VoicePiece

TEMPLATE_VERSION = 1
_MAX_FACE_SAMPLES = 1000  # a reservoir: three hours of descriptors every two seconds would be 5400
_MIN_VOICE_S = 2.0  # less speech than this gives too noisy a voice centroid to keep or compare


@dataclass(frozen=True)
class IdentityTemplate:
    """face_mean: mean descriptor of the main person; face_spread: median distance of that person's
    descriptors to the mean (how much they vary on camera); voice_mean: unit centroid of the candidate's
    voice, or None when too little speech was heard."""

    face_mean: tuple[float, ...] | None
    face_spread: float
    face_samples: int
    voice_mean: tuple[float, ...] | None
    voice_seconds: float

    def to_json(self) -> bytes:
        return json.dumps({"version": TEMPLATE_VERSION, "face_mean": self.face_mean, "face_spread": self.face_spread,
                           "face_samples": self.face_samples, "voice_mean": self.voice_mean,
                           "voice_seconds": self.voice_seconds}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "IdentityTemplate":
        d = json.loads(data)
        if d.get("version") != TEMPLATE_VERSION:
            raise ValueError(f"identity template version {d.get('version')!r} is not {TEMPLATE_VERSION}")
        return cls(face_mean=_vector(d["face_mean"]), face_spread=float(d["face_spread"]),
                   face_samples=int(d["face_samples"]), voice_mean=_vector(d["voice_mean"]),
                   voice_seconds=float(d["voice_seconds"]))

    @property
    def has_face(self) -> bool:
        return self.face_mean is not None

    @property
    def has_voice(self) -> bool:
        return self.voice_mean is not None


# What a kept round is for. reference: compared with every later session (the candidate as the store knows
# them); pending: judged not (or not surely) the same person, kept for a reviewer, compared with nothing until
# accepted; rejected: a reviewer said it is not the candidate; verification: kept by `verify`, never a
# reference unless a reviewer accepts it.
ROUND_STATUSES = ("reference", "pending", "rejected", "verification")


@dataclass(frozen=True)
class TemplateRound:
    """A stored template: which round of the candidate's sessions it came from, and its status (above)."""

    round: int
    session_id: str
    created: datetime
    template: IdentityTemplate
    status: str = "reference"

    def __post_init__(self) -> None:
        if self.status not in ROUND_STATUSES:
            raise ValueError(f"round status must be one of {list(ROUND_STATUSES)} (got {self.status!r})")

    @property
    def is_reference(self) -> bool:
        return self.status == "reference"


@dataclass(frozen=True)
class FaceSample:
    t: float
    frame_index: int
    vec: np.ndarray


class TemplateBuilder:
    """Collects one session's face descriptors and voice pieces; `template()` at the end.

    The main person is the largest group of descriptors within `threshold` of their median (a second
    person seen briefly, or a bad descriptor, stays out of the mean)."""

    def __init__(self, threshold: float, same_voice: float = 0.75, seed: int = 7) -> None:
        self.threshold = threshold
        self.samples: list[FaceSample] = []
        self.seen = 0
        self.voices = SpeakerTurns(same_voice=same_voice)
        self._random = random.Random(seed)

    def add_face(self, t: float, frame_index: int, vec: np.ndarray) -> None:
        self.seen += 1
        sample = FaceSample(t, frame_index, np.asarray(vec, np.float64))
        if len(self.samples) < _MAX_FACE_SAMPLES:
            self.samples.append(sample)
        elif (j := self._random.randrange(self.seen)) < _MAX_FACE_SAMPLES:
            self.samples[j] = sample

    def add_voice(self, piece: VoicePiece) -> None:
        if piece.track == 0:  # the call's audio; the interviewer's own track is not the candidate
            self.voices.add(piece)

    def main_person(self) -> list[FaceSample]:
        if not self.samples:
            return []
        vecs = np.stack([s.vec for s in self.samples])
        median = np.median(vecs, axis=0)
        close = [s for s in self.samples if _dist(s.vec, median) < self.threshold]
        return sorted(close or self.samples, key=lambda s: s.t)

    def template(self) -> IdentityTemplate:
        person = self.main_person()
        face_mean, spread = None, 0.0
        if person:
            mean = np.mean([s.vec for s in person], axis=0)
            face_mean = tuple(round(float(v), 6) for v in mean)
            spread = float(np.median([_dist(s.vec, mean) for s in person]))
        voice_mean, seconds = self._voice()
        return IdentityTemplate(face_mean=face_mean, face_spread=round(spread, 4), face_samples=len(person),
                                voice_mean=voice_mean, voice_seconds=round(seconds, 2))

    def _voice(self) -> tuple[tuple[float, ...] | None, float]:
        """The voice heard longest on the call's track: in an interview, the candidate."""
        main = self.voices.main_voices(1, track=0)
        if not main:
            return None, 0.0
        voice = self.voices.voices[main[0]]
        if voice.seconds < _MIN_VOICE_S:
            return None, voice.seconds
        return tuple(round(float(v), 6) for v in voice.centroid), voice.seconds


def face_distance(a: IdentityTemplate, b: IdentityTemplate) -> float | None:
    if a.face_mean is None or b.face_mean is None:
        return None
    return _dist(np.asarray(a.face_mean), np.asarray(b.face_mean))


def voice_similarity(a: IdentityTemplate, b: IdentityTemplate) -> float | None:
    if a.voice_mean is None or b.voice_mean is None:
        return None
    return float(np.asarray(a.voice_mean) @ np.asarray(b.voice_mean))


def _vector(values) -> tuple[float, ...] | None:
    return None if values is None else tuple(float(v) for v in values)
