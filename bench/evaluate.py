"""Evaluate analyze_recording on the labelled shared media; prints Markdown tables.

    python bench/evaluate.py [--media DIR] [--quick]

Tables: faces (every real/manipulated clip), transcript WER (clips whose words
are known), synthetic checks (clips made at run time with ffmpeg, with a known
expected finding). Media comes from --media, $IG_MEDIA_DIR or <repo>/../shared/media
and is never copied into the repo; generated clips live in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table as table  # noqa: E402
from interview_guard.errors import MediaError  # noqa: E402
from interview_guard.inputs import SessionInputs  # noqa: E402
from interview_guard.options import AnalysisOptions, LipSyncOptions, SpeechOptions  # noqa: E402
from interview_guard.pipeline import analyze_recording  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FACE_FOLDERS = ("talking_head_real", "face_motion", "manipulated")
VIDEO_SUFFIXES = {".mp4", ".mpg", ".mov", ".mkv", ".webm", ".avi"}
JFK_REF = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
RETALKING_REF = "My biggest weakness is asking for help when I need it. I'd like to do better at that."
BLANK_START, BLANK_END, TIME_TOLERANCE_S = 3.0, 6.0, 0.5


@dataclass
class Tally:
    passed: int = 0
    failed: int = 0
    clips: int = 0


# ---------------------------------------------------------------- helpers

def media_dir(arg: str | None) -> Path:
    d = Path(arg or os.environ.get("IG_MEDIA_DIR") or REPO.parent / "shared" / "media")
    if not d.is_dir():
        sys.exit(f"media folder not found: {d} (pass --media DIR or set IG_MEDIA_DIR)")
    return d


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def analyze(path: Path, speech: bool = True) -> tuple[dict[str, Any], bool]:
    """Summary dict and whether speech was on; falls back to faces only when there is no audio track."""
    if speech:
        try:
            return analyze_recording(path, AnalysisOptions(), progress=False).to_dict(), True
        except MediaError as e:
            if "no audio track" not in str(e):
                raise
    # as the CLI's --no-speech: lip-sync reads the audio too
    options = AnalysisOptions(speech=SpeechOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False))
    return analyze_recording(path, options, progress=False).to_dict(), False


def indicators_text(summary: dict[str, Any]) -> str:
    return ", ".join(f"{i['check']} {i['start']:.1f}-{i['end']:.1f}s ({i['level']})"
                     for i in summary["indicators"]) or "-"


# ---------------------------------------------------------------- (a) faces

def face_clips(media: Path, quick: bool) -> list[Path]:
    per_folder = [sorted(p for p in (media / f).glob("*") if p.suffix.lower() in VIDEO_SUFFIXES)
                  for f in FACE_FOLDERS]
    if not quick:
        return [p for clips in per_folder for p in clips]
    interleaved = [p for group in zip(*per_folder) for p in group]  # round robin: every folder is sampled
    return interleaved[:4]


def face_row(path: Path, media: Path) -> list[Any]:
    t = time.perf_counter()
    summary, speech = analyze(path, speech=not path.name.startswith("ffpp_"))
    faces = summary["faces"]
    share = faces["frames_with_face"] / max(1, faces["frames_analysed"])
    return [path.relative_to(media), faces["frames_analysed"], f"{share:.0%}", len(faces["tracks"]),
            summary["risk_level"], indicators_text(summary), "on" if speech else "off",
            f"{time.perf_counter() - t:.1f}"]


def faces_table(media: Path, quick: bool, tally: Tally) -> None:
    print("## faces\n")
    rows = [face_row(p, media) for p in face_clips(media, quick)]
    tally.clips += len(rows)
    table(["clip", "frames", "with face", "tracks", "risk", "indicators", "speech", "wall s"], rows)


# ---------------------------------------------------------------- (b) WER

def normalise(text: str) -> list[str]:
    text = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " "))
    return [w.strip("'") for w in text.split() if w.strip("'")]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions + deletions + insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1]


def wer(reference: str, hypothesis: str) -> tuple[float, int, int]:
    ref, hyp = normalise(reference), normalise(hypothesis)
    errors = edit_distance(ref, hyp)
    return errors / max(1, len(ref)), errors, len(ref)


def stm_reference(stm: Path) -> str:
    """Text of an STM file (file channel speaker start end [<label>] text...), in time order."""
    lines = []
    for line in stm.read_text().splitlines():
        if not line.strip() or line.startswith(";;"):
            continue
        parts = line.split(maxsplit=5)
        text = parts[5] if len(parts) > 5 else ""
        if text.startswith("<"):
            text = text.split(">", 1)[1] if ">" in text else ""
        lines.append((float(parts[3]), text.strip()))
    return " ".join(t for _, t in sorted(lines))


def wav_to_video(wav: Path, tmp: Path) -> Path:
    out = tmp / f"{wav.stem}_gray.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=320x240:r=10", "-i", str(wav), "-shortest",
           "-c:v", "libx264", "-c:a", "aac", str(out))
    return out


def wer_cases(media: Path, tmp: Path) -> list[tuple[str, Path, str, str]]:
    speech = media / "speech"
    return [
        ("speech/jfk.wav (as gray video)", wav_to_video(speech / "jfk.wav", tmp), JFK_REF, "brief (whisper sample)"),
        ("talking_head_real/retalking_1_man_suit_interview.mp4",
         media / "talking_head_real" / "retalking_1_man_suit_interview.mp4", RETALKING_REF, "MANIFEST line"),
        ("speech/pyannote_sample_2spk.wav (as gray video)", wav_to_video(speech / "pyannote_sample_2spk.wav", tmp),
         stm_reference(speech / "pyannote_sample_2spk.stm"), "pyannote_sample_2spk.stm"),
    ]


def wer_table(media: Path, tmp: Path, tally: Tally) -> list[float]:
    print("## transcript WER\n")
    rows, wers, texts = [], [], []
    for name, path, ref, source in wer_cases(media, tmp):
        summary, _ = analyze(path)
        hyp = summary["transcript"]["text"]
        rate, errors, n = wer(ref, hyp)
        wers.append(rate)
        texts.append((name, ref, hyp))
        rows.append([name, source, summary["transcript"]["model"], summary["transcript"]["language"],
                     n, len(normalise(hyp)), errors, f"{rate:.1%}"])
    tally.clips += len(rows)
    table(["clip", "reference from", "model", "lang", "ref words", "hyp words", "edits", "WER"], rows)
    for name, ref, hyp in texts:
        print(f"- {name}\n  - ref: {ref}\n  - hyp: {hyp}")
    print()
    return wers


# ---------------------------------------------------------------- (c) synthetic

def make_two_people(media: Path, tmp: Path) -> Path:
    out = tmp / "two_people_4s.mp4"
    ffmpeg("-loop", "1", "-t", "4", "-i", str(media / "portraits" / "fr_two_people.jpg"),
           "-f", "lavfi", "-t", "4", "-i", "sine=frequency=440:sample_rate=16000",
           "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p", "-r", "25", "-shortest",
           "-c:v", "libx264", "-c:a", "aac", str(out))
    return out


def make_blanked(media: Path, tmp: Path) -> Path:
    out = tmp / "obama_blank_3_6.mp4"
    ffmpeg("-i", str(media / "manipulated" / "hyperlips_v2_obama_SOURCE_real.mp4"),
           "-vf", f"drawbox=enable='between(t,{BLANK_START:g},{BLANK_END:g})':color=black:t=fill",
           "-c:v", "libx264", "-c:a", "copy", str(out))
    return out


def find(summary: dict[str, Any], check: str) -> dict[str, Any] | None:
    return next((i for i in summary["indicators"] if i["check"] == check), None)


def timed_row(case: str, summary: dict[str, Any], check: str, need_exact: bool) -> list[Any]:
    """Expect `check` spanning the blanked 3-6 s; exact start/end when need_exact, else overlap."""
    ind = find(summary, check)
    expected = f"{check} {BLANK_START:g}-{BLANK_END:g}s" + ("" if need_exact else " (overlap)")
    if ind is None:
        return [case, expected, indicators_text(summary), "-", "FAIL"]
    d_start, d_end = ind["start"] - BLANK_START, ind["end"] - BLANK_END
    if need_exact:
        ok = abs(d_start) <= TIME_TOLERANCE_S and abs(d_end) <= TIME_TOLERANCE_S
    else:
        ok = ind["start"] < BLANK_END and ind["end"] > BLANK_START
    found = f"{check} {ind['start']:.2f}-{ind['end']:.2f}s"
    return [case, expected, found, f"start {d_start:+.2f}s, end {d_end:+.2f}s", "PASS" if ok else "FAIL"]


def synthetic_table(media: Path, tmp: Path, tally: Tally) -> None:
    print("## synthetic checks\n")
    rows = []
    two, _ = analyze(make_two_people(media, tmp))
    ind = find(two, "several_faces")
    rows.append(["fr_two_people.jpg looped 4 s + sine", "several_faces",
                 indicators_text(two) + f"; {len(two['faces']['tracks'])} tracks", "-", "PASS" if ind else "FAIL"])
    blank, _ = analyze(make_blanked(media, tmp))
    rows.append(timed_row("obama clip, video black 3-6 s", blank, "no_face", need_exact=True))
    rows.append(timed_row("obama clip, video black 3-6 s", blank, "speech_without_face", need_exact=False))
    control = [i["check"] for i in blank["indicators"] if i["check"] not in ("no_face", "speech_without_face")]
    rows.append(["obama clip, video black 3-6 s", "nothing else", ", ".join(control) or "nothing else", "-",
                 "FAIL" if control else "PASS"])
    tally.clips += 2
    for r in rows:
        tally.passed += r[-1] == "PASS"
        tally.failed += r[-1] == "FAIL"
    table(["case", "expected", "found", "time error", "result"], rows)
    print(f"(time tolerance ±{TIME_TOLERANCE_S:g} s)\n")


# ---------------------------------------------------------------- main

def identity_tables(media: Path, tmp: Path, tally: Tally) -> None:
    import eval_identity  # beside this script

    def analyze_clip(path: Path) -> dict[str, Any]:
        tally.clips += 1
        return analyze(path)[0]

    def analyze_with(path: Path, options: AnalysisOptions, inputs: SessionInputs) -> dict[str, Any]:
        tally.clips += 1
        return analyze_recording(path, options, progress=False, inputs=inputs).to_dict()

    pairs_ok = eval_identity.photo_pairs(media, table)
    results = [(int(pairs_ok), int(not pairs_ok)),
               eval_identity.splices(media, tmp, analyze_clip, ffmpeg, table),
               eval_identity.same_person(media, tmp, analyze_clip, ffmpeg, table),
               eval_identity.reference_rows(media, analyze_with, table)]
    for passed, failed in results:
        tally.passed += passed
        tally.failed += failed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--media", help="shared media folder (default $IG_MEDIA_DIR or <repo>/../shared/media)")
    p.add_argument("--quick", action="store_true", help="only 4 clips in the faces table")
    p.add_argument("--no-face-recall", action="store_true",
                   help="skip the face-recall tables (eval_faces.py: labelled visible faces, dim 1080p copies)")
    p.add_argument("--no-identity", action="store_true", help="skip the face-consistency tables")
    p.add_argument("--no-lip-sync", action="store_true", help="skip the lip-sync tables (eval_lip_sync.py)")
    p.add_argument("--no-liveness", action="store_true", help="skip the liveness tables (eval_liveness.py)")
    p.add_argument("--no-claims", action="store_true", help="skip the spoken-claims table (eval_claims.py)")
    p.add_argument("--no-turns", action="store_true",
                   help="skip the turn-taking evaluation (answer latency, second voice, read-aloud cadence)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    media = media_dir(args.media)
    started, tally = time.perf_counter(), Tally()
    with tempfile.TemporaryDirectory(prefix="ig-eval-") as tmp:
        faces_table(media, args.quick, tally)
        if not args.no_face_recall:
            import eval_faces  # beside this script
            eval_faces.face_recall_tables(media, args.quick)
        wers = wer_table(media, Path(tmp), tally)
        synthetic_table(media, Path(tmp), tally)
        if not args.no_identity:
            identity_tables(media, Path(tmp), tally)
        if not args.no_lip_sync:
            import eval_lip_sync  # beside this script
            eval_lip_sync.lip_sync_tables(media, Path(tmp), table)
        if not args.no_liveness:
            import eval_liveness  # beside this script
            eval_liveness.liveness_tables(media, Path(tmp), table, quick=args.quick)
        if not args.no_claims:
            import eval_claims  # beside this script
            print("### Spoken claims against the profile\n")
            eval_claims.claims_table(Path(tmp), table)
        if not args.no_turns:
            import eval_conversation  # beside this script
            print("### Turn-taking: answer latency, second voices and read-aloud cadence\n")
            eval_conversation.conversation_tables()
    mean_wer = sum(wers) / max(1, len(wers))
    print(f"TOTAL: {tally.clips} recordings analysed, synthetic checks {tally.passed} PASS / {tally.failed} FAIL, "
          f"mean WER {mean_wer:.1%}, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
