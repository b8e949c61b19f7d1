"""Turn-taking checks (answer_latency, second_voice, read_aloud) on generated interviews and real speech.

1. Scripted interviews (bench/scenarios.py), each written as one mixed track and as two tracks
   (call + the interviewer's microphone): planted long waits before answers, and a whispered coach.
   Precision and recall of the flagged waits and second voices against what was planted.
2. ../shared/media/speech/pyannote_sample_2spk.wav (two real speakers) with its reference turns:
   analysed as a candidate-alone track (--voices 1), so the other speaker is a second voice.
3. Real single-speaker clips: any second voice there is a false alarm.
4. read_aloud: scripted interviews whose candidate thinks aloud (phrases at varying speeds, pauses, "um"s)
   except for planted answers read evenly in one breath, plus wholly spontaneous ones; transcribed by the
   real transcriber, as the pipeline does. Then the pyannote sample (real spontaneous speech): any
   read_aloud there is a false alarm.

Run alone: python bench/eval_conversation.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scenarios import make_scenario, script  # noqa: E402
from bench.tables import print_table  # noqa: E402
from interview_guard.analyzers.conversation import ConversationAnalyzer  # noqa: E402
from interview_guard.analyzers.core import AudioFeed  # noqa: E402
from interview_guard.analyzers.core import Indicator  # noqa: E402
from interview_guard.media import AudioChunk, open_recording  # noqa: E402
from interview_guard.options import AnalysisOptions, ConversationOptions  # noqa: E402
from interview_guard.speech.cadence import judgeable  # noqa: E402
from interview_guard.speech.transcriber import SpeechTranscriber, StreamingTranscription  # noqa: E402

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
SINGLE_SPEAKER = ("speech/hdtf_radio31_en.wav", "speech/jfk.wav", "talking_head_real/hdtf_aoc_sadtalker.mp4",
                  "talking_head_real/retalking_1_man_suit_interview.mp4",
                  "talking_head_real/retalking_2_swalwell.mp4")
SCRIPTS = {"3 long waits": dict(long_answers=(2, 4, 6)),
           "2 long waits + coach": dict(long_answers=(3, 6), coach_after=(1, 4)),
           "clean (no plant)": dict(long_answers=())}
# Spontaneous candidates (a different voice each) with planted read answers, and two without any.
READ_SCRIPTS = {"2 read (en-us+m3)": dict(seed=0, candidate="en-us+m3", read_answers=(3, 6)),
                "2 read (en+m1)": dict(seed=1, candidate="en+m1", read_answers=(1, 5)),
                "2 read (en-us+f3)": dict(seed=2, candidate="en-us+f3", read_answers=(3, 6)),
                "spontaneous (en-gb+m4)": dict(seed=3, candidate="en-gb+m4"),
                "spontaneous (en-us+m7)": dict(seed=4, candidate="en-us+m7")}


def run_analyzer(chunks, voices: int = 2) -> tuple[ConversationAnalyzer, list[Indicator]]:
    analyzer = ConversationAnalyzer(ConversationOptions(voices_expected=voices))
    feed = AudioFeed([analyzer])
    for chunk in chunks:
        feed.chunk(chunk)
    feed.flush()
    return analyzer, analyzer.finish(float("inf"))


def recording_chunks(path: Path):
    with open_recording(path) as reader:
        yield from (item for item in reader.frames_and_audio() if isinstance(item, AudioChunk))


def audio_file_chunks(path: Path):
    """Audio alone (the pipeline wants video; the analyzer does not), 16 kHz mono from t = 0."""
    with av.open(str(path)) as c:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=16_000)
        t = 0.0
        for frame in c.decode(audio=0):
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1).astype(np.float32)
                yield AudioChunk(t=t, samples=samples)
                t += len(samples) / 16_000


def _hits(found: list[tuple[float, float]], planted: tuple[tuple[float, float], ...]) -> tuple[int, int]:
    """(planted ones found, found ones that match nothing planted); a match is any overlap."""
    def overlaps(a, b):
        return a[0] < b[1] + 0.5 and b[0] < a[1] + 0.5
    caught = sum(any(overlaps(p, f) for f in found) for p in planted)
    false = sum(not any(overlaps(f, p) for p in planted) for f in found)
    return caught, false


def scenario_table(tmp: Path) -> dict[str, float]:
    rows, totals = [], np.zeros(6)
    clean_minutes = 0.0
    for name, kwargs in SCRIPTS.items():
        sc = make_scenario(script(**kwargs), tmp / name.replace(" ", "_"))
        for layout, path in (("mixed", sc.mixed), ("two tracks", sc.two_tracks)):
            _, found = run_analyzer(recording_chunks(path))
            waits = [(i.start, i.end) for i in found if i.check == "answer_latency"]
            voices = [(e.start, e.end) for i in found if i.check == "second_voice" for e in i.evidence]
            lc, lf = _hits(waits, sc.long_latencies)
            vc, vf = _hits(voices, sc.second_voice)
            totals += (lc, len(sc.long_latencies), lf, vc, len(sc.second_voice), vf)
            clean_minutes += sc.duration / 60
            rows.append([name, layout, f"{sc.duration:.0f}", f"{lc}/{len(sc.long_latencies)}", lf,
                         f"{vc}/{len(sc.second_voice)}", vf])
    print_table(["script", "audio", "s", "long waits found", "false waits", "second voice found", "false voices"],
                rows)
    lc, ln, lf, vc, vn, vf = totals
    print(f"long waits: recall {lc:.0f}/{ln:.0f}, {lf:.0f} false; second voice: recall {vc:.0f}/{vn:.0f}, "
          f"{vf:.0f} false; over {clean_minutes:.1f} min of speech\n")
    return {"latency_recall": lc / max(1, ln), "voice_recall": vc / max(1, vn),
            "false_per_10min": (lf + vf) / max(clean_minutes, 1e-9) * 10}


def pyannote_table() -> dict[str, float]:
    wav, rttm = MEDIA / "speech/pyannote_sample_2spk.wav", MEDIA / "speech/pyannote_sample_2spk.rttm"
    if not wav.exists():
        print(f"skipped: {wav} not found\n")
        return {}
    ref = [(float(r[3]), float(r[3]) + float(r[4]), r[7]) for r in (line.split() for line in rttm.open())]
    analyzer, found = run_analyzer(audio_file_chunks(wav), voices=1)
    frames = np.arange(0, 30, 0.1)
    truth = [[s for a, b, s in ref if a <= t < b] for t in frames]
    predicted = np.full(len(frames), -1)
    for piece, voice, _ in analyzer.voices.attributions:
        predicted[(frames >= piece.start) & (frames < piece.end)] = voice
    single = [i for i, s in enumerate(truth) if len(s) == 1 and predicted[i] >= 0]
    speakers = sorted({s for _, _, s in ref})
    pairs = {(v, s): sum(predicted[i] == v and truth[i][0] == s for i in single)
             for v in set(predicted[single]) for s in speakers}
    # Each predicted voice counts as the reference speaker it overlaps most.
    correct = sum(max(pairs.get((v, s), 0) for s in speakers) for v in set(predicted[single]))
    flagged = [(e.start, e.end) for i in found if i.check == "second_voice" for e in i.evidence]
    main = max(speakers, key=lambda s: sum(b - a for a, b, x in ref if x == s))
    other = [(a, b) for a, b, s in ref if s != main]
    other_s = sum(b - a for a, b in other)
    covered = sum(max(0.0, min(b, fb) - max(a, fa)) for a, b in other for fa, fb in flagged)
    print_table(["voices found", "turn attribution (purity)", "second_voice raised", "other speaker's time flagged"],
                [[len(analyzer.voices.voices), f"{correct / max(1, len(single)):.0%}",
                  "yes" if flagged else "no", f"{covered:.1f} of {other_s:.1f} s"]])
    print()
    return {"purity": correct / max(1, len(single)), "second_voice_raised": float(bool(flagged))}


def false_alarm_table() -> dict[str, float]:
    rows, alarms = [], 0
    for rel in SINGLE_SPEAKER:
        path = MEDIA / rel
        if not path.exists():
            continue
        chunks = audio_file_chunks(path) if path.suffix == ".wav" else recording_chunks(path)
        analyzer, found = run_analyzer(chunks, voices=1)
        flagged = [i for i in found if i.check == "second_voice"]
        alarms += bool(flagged)
        rows.append([rel, len(analyzer.voices.voices), "FALSE ALARM" if flagged else "ok"])
    print_table(["single-speaker clip (--voices 1)", "voices found", "second_voice"], rows)
    print(f"false second voices: {alarms}/{len(rows)}\n")
    return {"false_alarms": alarms / max(1, len(rows))}


def transcribed_run(chunks, voices: int = 2) -> tuple[ConversationAnalyzer, list[Indicator]]:
    """The analyzer fed as the pipeline feeds it: every track's audio, and the call's track transcribed."""
    options = AnalysisOptions(conversation=ConversationOptions(voices_expected=voices))
    analyzer = ConversationAnalyzer.from_settings(options)
    stream = StreamingTranscription(SpeechTranscriber(options.speech))
    feed = AudioFeed([analyzer])
    for chunk in chunks:
        feed.chunk(chunk)
        if chunk.track == 0:
            for segment in stream.feed(chunk):
                analyzer.on_speech(segment)
    feed.flush()
    for segment in stream.flush():
        analyzer.on_speech(segment)
    return analyzer, analyzer.finish(float("inf"))


def read_aloud_table(tmp: Path) -> dict[str, float]:
    rows, caught, planted, false, clean_s = [], 0, 0, 0, 0.0
    for name, kwargs in READ_SCRIPTS.items():
        sc = make_scenario(script(long_answers=(), spontaneous=True, **kwargs), tmp / f"read_{kwargs['seed']}")
        for layout, path in (("mixed", sc.mixed), ("two tracks", sc.two_tracks)):
            analyzer, found = transcribed_run(recording_chunks(path))
            spans = [(i.start, i.end) for i in found if i.check == "read_aloud"]
            c, f = _hits(spans, sc.read_aloud)
            judged = [a for a in analyzer.cadences if judgeable(a, analyzer.conv)]
            clean_s += sum(a.seconds for a in judged if not _hits([(a.start, a.end)], sc.read_aloud)[0])
            caught, planted, false = caught + c, planted + len(sc.read_aloud), false + f
            rows.append([name, layout, f"{len(judged)}/{len(sc.latencies)}", f"{c}/{len(sc.read_aloud)}", f,
                         ", ".join(f"{a:.0f}-{b:.0f} s" for a, b in spans) or "-"])
    print_table(["candidate", "audio", "answers judged", "read answers found", "false findings", "flagged"], rows)
    print(f"read_aloud: recall {caught}/{planted}, {false} false over {clean_s / 60:.1f} min of spontaneous "
          f"answers\n")
    return {"read_recall": caught / max(1, planted), "read_false_per_10min": false / max(clean_s / 60, 1e-9) * 10}


def read_aloud_real_table() -> dict[str, float]:
    wav = MEDIA / "speech/pyannote_sample_2spk.wav"
    if not wav.exists():
        print(f"skipped: {wav} not found\n")
        return {}
    rows, alarms = [], 0
    for voices in (2, 1):
        analyzer, found = transcribed_run(audio_file_chunks(wav), voices=voices)
        flagged = [i for i in found if i.check == "read_aloud"]
        alarms += len(flagged)
        judged = [a for a in analyzer.cadences if judgeable(a, analyzer.conv)]
        rows.append([f"pyannote_sample_2spk.wav (--voices {voices})", len(analyzer.cadences), len(judged),
                     " / ".join(f"{a.disfluency_rate:.0f}, {a.hesitation_rate:.0f}" for a in judged) or "-",
                     "FALSE ALARM" if flagged else "ok"])
    print_table(["real spontaneous speech", "answers", "judged", "fillers, pauses per 100 words", "read_aloud"],
                rows)
    return {"read_false_real": float(alarms)}


def conversation_tables() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ig-conversation-") as tmp:
        rates = scenario_table(Path(tmp))
        rates.update(read_aloud_table(Path(tmp)))
    rates.update(pyannote_table())
    rates.update(false_alarm_table())
    rates.update(read_aloud_real_table())
    return rates


if __name__ == "__main__":
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        sys.exit("needs espeak-ng and ffmpeg (apt-get install espeak-ng ffmpeg)")
    conversation_tables()
