"""Voice embeddings (numpy port of Resemblyzer's encoder), speech pieces and voice attribution."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from interview_guard.media.core import AUDIO_RATE, AudioChunk
from interview_guard.speech.speakers import SpeakerTurns
from interview_guard.speech.voice_encoder import mel_filterbank, mel_power, voice_encoder
from interview_guard.speech.voices import VoicePiece, VoicePieces


def espeak(text: str, voice: str, tmp: Path) -> np.ndarray:
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        pytest.skip("espeak-ng and ffmpeg are needed (apt-get install espeak-ng ffmpeg); .ci/run installs them")
    wav = tmp / f"{voice}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), "-ac", "1", "-ar", "16000", "-f", "f32le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.float32).copy()


def chunks(samples: np.ndarray, t0: float = 0.0) -> list[AudioChunk]:
    return [AudioChunk(t=t0 + i / AUDIO_RATE, samples=samples[i:i + 1600]) for i in range(0, len(samples), 1600)]


def test_mel_filterbank_is_librosas_slaney_bank() -> None:
    bank = mel_filterbank()
    assert bank.shape == (40, 201)
    # Slaney normalisation: each triangle has unit area in Hz, so its peak is 2 / (its width in Hz).
    peaks = bank.max(axis=1)
    assert np.all(peaks > 0) and peaks[0] > peaks[-1]
    tone = np.sin(2 * np.pi * 1000 * np.arange(AUDIO_RATE) / AUDIO_RATE).astype(np.float32)
    spectrum = mel_power(tone).mean(axis=0)
    assert 13 <= int(np.argmax(spectrum)) <= 17, "a 1 kHz tone lands in the bands around 1 kHz"


def test_one_voice_is_closer_to_itself_than_to_another(tmp_path: Path) -> None:
    enc = voice_encoder()
    text_a = "I worked at a payments company for three years, building the services that move money."
    text_b = "Our team migrated the billing system to the cloud over eight months, one service at a time."
    male_a, male_b = espeak(text_a, "en-us+m3", tmp_path), espeak(text_b, "en-us+m3", tmp_path)
    female_b = espeak(text_b, "en-us+f2", tmp_path)

    def embed(x: np.ndarray) -> np.ndarray:
        e = enc.embed_samples([x[i:i + 25600] for i in range(0, len(x) - 25600, 6400)]).mean(axis=0)
        return e / np.linalg.norm(e)

    same, other = float(embed(male_a) @ embed(male_b)), float(embed(male_a) @ embed(female_b))
    assert same > 0.85 and other < 0.75 and same - other > 0.15


def test_pieces_follow_the_speech_and_keep_the_clock(tmp_path: Path) -> None:
    speech = espeak("Could you tell me about the hardest bug you fixed last year?", "en-us+f2", tmp_path)
    silence = np.zeros(3 * AUDIO_RATE, np.float32)
    audio = np.concatenate([silence, speech, silence, speech, silence])
    maker = VoicePieces(block_s=4.0)
    pieces = [p for c in chunks(audio, t0=10.0) for p in maker.feed(c)] + maker.flush()
    spoken = len(speech) / AUDIO_RATE
    assert pieces and all(p.embedding.shape == (256,) for p in pieces)
    first_runs = sorted({round(p.run_start, 1) for p in pieces})
    assert len(first_runs) == 2, "two runs of speech, split by the pause"
    assert abs(first_runs[0] - 13.0) < 0.3 and abs(first_runs[1] - (16.0 + spoken)) < 0.3
    assert sum(p.duration for p in pieces) == pytest.approx(2 * spoken, abs=0.8)
    assert maker.flush() == [], "nothing is left after a flush"


def test_pieces_attribute_to_voices_and_turns_alternate() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=256), rng.normal(size=256)
    turns = SpeakerTurns(same_voice=0.75)
    for k in range(6):
        base = a if k % 2 == 0 else b
        e = base + rng.normal(scale=0.2, size=256)
        turns.add(VoicePiece(start=k * 3.0, end=k * 3.0 + 2.0, embedding=e / np.linalg.norm(e), level_db=-30,
                             run_start=k * 3.0))
    assert len(turns.voices) == 2
    assert [t.voice for t in turns.turns()] == [0, 1, 0, 1, 0, 1]
    assert turns.main_voices(1) == [0] or turns.main_voices(1) == [1]
    assert turns.similarity(0, 1) < 0.5


def test_the_numpy_port_reproduces_resemblyzer() -> None:
    """The reference embedding was computed by Resemblyzer 0.1.4 itself (torch + librosa) on this signal."""
    import json

    ref = json.loads((Path(__file__).parent / "resemblyzer_reference.json").read_text())
    t = np.arange(25600) / AUDIO_RATE
    phase = 2 * np.pi * np.cumsum(140 + 20 * np.sin(2 * np.pi * 3 * t)) / AUDIO_RATE
    x = sum(np.sin(k * phase) / k for k in range(1, 12)) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2)
    ours = voice_encoder().embed_samples([(0.1 * x).astype(np.float32)])[0]
    assert float(ours @ np.array(ref["embedding"])) > 0.9999
