"""Scripted interviews spoken by espeak-ng, with planted answer latencies, a planted second voice, planted
read-aloud answers and planted contradictions of a résumé (`claims_script`, `CLAIMS_PROFILE`).

Each turn is synthesised at run time, laid on one timeline with the scripted silences, then written
twice: mixed into one audio track, and as two tracks (the call: candidate and any second voice;
the interviewer's own microphone). A plain video goes with them so the pipeline reads a normal file.

espeak reads every sentence at one even pace, as someone reading a script would. `script(spontaneous=True)`
makes the candidate speak like someone thinking aloud instead: each answer in phrases of 2-5 words, each at
its own speed, with pauses between them, an "um" or "uh" before some and a word said twice before others
(drawn from a seeded generator, so a scenario is the same every run). The answers in `read_answers` are
then read in one breath at an even pace: the planted read-aloud answers.
"""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16_000
INTERVIEWER = "en-us+f2"
CANDIDATE = "en-us+m3"
COACH = "en-us+whisper"


@dataclass(frozen=True)
class Turn:
    voice: str
    text: str
    gap_before_s: float  # silence before this turn starts
    gain_db: float = 0.0
    # "plain": one espeak call (as every turn was before); "read": the same, planted as read aloud among
    # spontaneous answers; "spontaneous": phrases, pauses and fillers drawn from `seed`.
    delivery: str = "plain"
    seed: int = 0


@dataclass(frozen=True)
class Scenario:
    """What was generated and what was planted (session seconds)."""

    mixed: Path  # one audio track
    two_tracks: Path  # call + interviewer's microphone
    duration: float
    latencies: tuple[tuple[float, float], ...]  # (question end, answer start) of every answer
    long_latencies: tuple[tuple[float, float], ...]  # the planted ones
    second_voice: tuple[tuple[float, float], ...]
    read_aloud: tuple[tuple[float, float], ...] = ()  # (start, end) of the planted read answers


QUESTIONS = (
    "Could you tell me about your current role?",
    "Which database did you use for the billing system?",
    "How did you handle the migration to the cloud?",
    "What was the hardest bug you fixed last year?",
    "How large was the team you worked with?",
    "Why do you want to leave your current company?",
    "Which programming language do you know best?",
    "How do you test your code before a release?",
)
ANSWERS = (
    "I am a backend engineer at a payments company, where I build the services that move money between banks.",
    "We used Postgres, with a read replica for reporting, and we partitioned the large tables by month.",
    "We moved one service at a time, kept both systems running for a while, and compared their results every day.",
    "A memory leak in a queue consumer that only showed up after two days of traffic, in a library we depended on.",
    "There were six engineers, a designer and a product manager, and we worked closely with the support team.",
    "I would like to work on larger systems and learn from a team that has more experience with distributed data.",
    "Python is the language I know best, although I have written a fair amount of Go over the last two years.",
    "Unit tests for the logic, integration tests against a real database, and a staging run before every release.",
)
FILLERS = ("um", "uh")
COACH_LINES = ("say Postgres, with a read replica for the reports, partitioned by month",
               "tell them six engineers, a designer and a product manager")


def script(long_answers: tuple[int, ...] = (2, 4, 6), coach_after: tuple[int, ...] = (),
           long_gap_s: float = 6.0, spontaneous: bool = False, read_answers: tuple[int, ...] = (),
           candidate: str = CANDIDATE, seed: int = 0) -> list[Turn]:
    """Questions and answers; answers in long_answers wait long_gap_s (+- a little); coach_after puts
    whispered hint (3 dB under the candidate: a coach off-microphone) into the pause before those answers.
    spontaneous: every answer but those in read_answers is spoken hesitantly (phrases drawn from seed + the
    answer's index); candidate: the candidate's espeak voice (any voice but the interviewer's and the coach's)."""
    if read_answers and not spontaneous:
        raise ValueError(f"read_answers {read_answers} need spontaneous=True (otherwise every answer is read)")
    normal = (0.6, 0.9, 0.7, 1.1, 0.8, 0.6, 1.0, 0.7)
    turns: list[Turn] = []
    for i, (q, a) in enumerate(zip(QUESTIONS, ANSWERS)):
        turns.append(Turn(INTERVIEWER, q, 1.0 if i else 0.5))
        wait = long_gap_s + 0.3 * (i % 3) if i in long_answers else normal[i]
        if i in coach_after:
            turns.append(Turn(COACH, COACH_LINES[coach_after.index(i) % len(COACH_LINES)], 1.0, gain_db=-3.0))
            wait = 1.0
        delivery = ("read" if i in read_answers else "spontaneous") if spontaneous else "plain"
        turns.append(Turn(candidate, a, wait, delivery=delivery, seed=seed * 100 + i))
    return turns


# A profile and an interview that contradicts it three times (as bench/eval_claims.py plants them), then an
# answer that agrees with everything.
CLAIMS_PROFILE = {
    "basics": {"name": "Sam Lee", "location": {"city": "Toronto", "countryCode": "CA"}},
    "work": [{"name": "Oracle", "position": "Software Engineer", "startDate": "2021-03"},
             {"name": "Microsoft", "position": "Engineer", "startDate": "2015-09", "endDate": "2018-06"}],
    "education": [{"institution": "University of Toronto", "studyType": "Bachelor", "startDate": "2010-09",
                   "endDate": "2014-06"}],
}
PLANTED_CLAIMS = (("Oracle", "2019", "2021-03"), ("Microsoft", "2020", "2018-06"),  # (place, said, profile)
                  ("University of Toronto", "2012", "2014-06"))


def claims_script() -> list[Turn]:
    """About 36 s: each planted claim is the candidate's whole answer to one question."""
    qa = (("Could you tell me about your current role?", "I joined Oracle in 2019 as a backend engineer."),
          ("What did you do before that?", "I left Microsoft in 2020 to move closer to my family."),
          ("Where did you study?", "I graduated from the University of Toronto in 2012."),
          (QUESTIONS[4], ANSWERS[4]))
    return [turn for i, (q, a) in enumerate(qa)
            for turn in (Turn(INTERVIEWER, q, 1.0 if i else 0.5), Turn(CANDIDATE, a, 0.8))]


def make_scenario(turns: list[Turn], folder: Path, name: str = "interview") -> Scenario:
    folder.mkdir(parents=True, exist_ok=True)
    call: list[np.ndarray] = []
    mic: list[np.ndarray] = []
    t = 0.0
    latencies, long_latencies, coach, read = [], [], [], []
    prev_end, prev_voice, question_end = 0.0, "", 0.0
    for i, turn in enumerate(turns):
        silence = np.zeros(int(turn.gap_before_s * RATE), np.float32)
        speech = _deliver(turn, folder / f"{name}_{i}.wav") * 10 ** (turn.gain_db / 20)
        start = t + turn.gap_before_s
        end = start + len(speech) / RATE
        on_mic = turn.voice == INTERVIEWER
        call += [silence, np.zeros_like(speech) if on_mic else speech]
        mic += [silence, speech if on_mic else np.zeros_like(speech)]
        if turn.delivery == "read":
            read.append((start, end))
        if _is_candidate(turn.voice) and prev_voice in (INTERVIEWER, COACH):
            q_end = prev_end if prev_voice == INTERVIEWER else question_end
            latencies.append((q_end, start))
            if start - q_end >= 3.0:  # planted, or a wait filled by the coach
                long_latencies.append((q_end, start))
        if turn.voice == INTERVIEWER:
            question_end = end
        if turn.voice == COACH:
            coach.append((start, end))
        prev_end, prev_voice, t = end, turn.voice, end
    tail = np.zeros(RATE, np.float32)
    noise = np.random.default_rng(7)  # a faint room-noise floor, as real microphones have
    call_track, mic_track = (np.concatenate(parts + [tail]) + noise.normal(0, 0.002, sum(map(len, parts)) + RATE
                                                                         ).astype(np.float32)
                             for parts in (call, mic))
    _write_wav(folder / f"{name}_call.wav", call_track)
    _write_wav(folder / f"{name}_mic.wav", mic_track)
    _write_wav(folder / f"{name}_mixed.wav", np.clip(call_track + mic_track, -1, 1))
    mixed, two = folder / f"{name}_mixed.mkv", folder / f"{name}_two_tracks.mkv"
    _mux(mixed, [folder / f"{name}_mixed.wav"])
    _mux(two, [folder / f"{name}_call.wav", folder / f"{name}_mic.wav"])
    return Scenario(mixed, two, len(call_track) / RATE, tuple(latencies), tuple(long_latencies), tuple(coach),
                    tuple(read))


def _is_candidate(voice: str) -> bool:
    return voice not in (INTERVIEWER, COACH)


def _deliver(turn: Turn, path: Path) -> np.ndarray:
    if turn.delivery == "spontaneous":
        return _speak_spontaneously(turn.voice, turn.text, path, np.random.default_rng(turn.seed))
    return _speak(turn.voice, turn.text, path)


def _speak_spontaneously(voice: str, text: str, path: Path, rng: np.random.Generator) -> np.ndarray:
    """Phrases of 2-5 words, each at its own speed (125-180 words a minute), 0.1-0.7 s apart; an "um" or
    "uh" before about a third of them, the first word said twice before about one in seven."""
    words, parts, i = text.split(), [], 0
    while i < len(words):
        phrase = words[i:i + int(rng.integers(2, 6))]
        i += len(phrase)
        if parts:
            parts.append(_silence(rng.uniform(0.1, 0.7)))
        if rng.random() < 0.35:
            parts += [_phrase(voice, str(rng.choice(FILLERS)), path, int(rng.integers(110, 140))),
                      _silence(rng.uniform(0.15, 0.4))]
        if rng.random() < 0.15:
            parts += [_phrase(voice, phrase[0].strip(",."), path, int(rng.integers(125, 181))),
                      _silence(rng.uniform(0.1, 0.25))]
        parts.append(_phrase(voice, " ".join(phrase), path, int(rng.integers(125, 181))))
    return np.concatenate(parts)


def _phrase(voice: str, text: str, path: Path, speed: int) -> np.ndarray:
    """One phrase without the silence espeak pads every utterance with, so the pauses are the drawn ones."""
    samples = _speak(voice, text, path, speed)
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0]: loud[-1] + 1] if len(loud) else samples


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.float32)


def _speak(voice: str, text: str, path: Path, speed: int = 150) -> np.ndarray:
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "f32le",
                          "-"], check=True, capture_output=True).stdout
    samples = np.frombuffer(raw, np.float32)
    return (samples * (0.3 / max(1e-6, float(np.abs(samples).max())))).astype(np.float32)


def _write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def _mux(out: Path, tracks: list[Path]) -> None:
    inputs = [arg for t in tracks for arg in ("-i", str(t))]
    maps = [arg for k in range(len(tracks)) for arg in ("-map", f"{k + 1}:a")]
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=160x120:r=5", *inputs,
                    "-map", "0:v", *maps, "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac",
                    str(out)], check=True)
