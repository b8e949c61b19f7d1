"""Lip-sync rows of bench/evaluate.py (or alone: python bench/eval_lip_sync.py [--media DIR]).

Every test copy is made at run time in a temp folder with ffmpeg, never stored:
- shifted: the real clip's own audio delayed or advanced with -itsoffset (a stream start
  time, as relayed audio would carry it), muxed with the untouched video into mkv;
- replaced: the video with another real clip's voice, or with the *_DRIVING_audio the
  lip-sync fake was made from (the voice does not come from this mouth).
Analysis runs the faces and lip-sync only (no transcription, no identity), as any user can.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table  # noqa: E402
from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, SpeechOptions  # noqa: E402
from interview_guard.pipeline import analyze_recording  # noqa: E402

SHIFTS_MS = (0, -800, -400, -200, -80, 80, 200, 400, 800)
FRAME_MS = 40.0  # one frame at 25 fps: the aim
OPTIONS = AnalysisOptions(speech=SpeechOptions(enabled=False), identity=IdentityOptions(enabled=False),
                          lip_sync=LipSyncOptions())
Table = Callable[[list[str], list[list[Any]]], None]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def real_clips(media: Path) -> list[Path]:
    talking = sorted((media / "talking_head_real").glob("*"))
    sources = sorted((media / "manipulated").glob("*_SOURCE_real.mp4"))
    return [p for p in talking + sources if p.suffix in {".mp4", ".mpg"}]


def shifted(clip: Path, shift_ms: int, tmp: Path) -> Path:
    """The clip with its audio moved by shift_ms (positive: audio late)."""
    out = tmp / f"{clip.stem}_shift{shift_ms:+d}.mkv"
    ffmpeg("-i", str(clip), "-itsoffset", f"{shift_ms / 1000:.3f}", "-i", str(clip),
           "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", str(out))
    return out


def replaced(clip: Path, voice: Path, tmp: Path) -> Path:
    """The clip's video with another voice, looped to the video's length."""
    out = tmp / f"{clip.stem}_voice_{voice.stem}.mkv"
    ffmpeg("-i", str(clip), "-stream_loop", "-1", "-i", str(voice), "-map", "0:v:0", "-map", "1:a:0",
           "-c:v", "copy", "-c:a", "pcm_s16le", "-ar", "16000", "-ac", "1", "-shortest", str(out))
    return out


def analyze(path: Path) -> dict[str, Any]:
    return analyze_recording(path, OPTIONS, progress=False).to_dict()


def offsets_ms(summary: dict[str, Any]) -> list[float]:
    """The smoothed offset of every judged window."""
    series = next(s for s in summary["series"] if s["name"] == "av_offset_ms")
    return [v for v in series["values"] if v is not None]


def strengths(summary: dict[str, Any]) -> list[float]:
    series = next(s for s in summary["series"] if s["name"] == "sync_strength")
    return [v for v in series["values"] if v is not None]


def checks(summary: dict[str, Any]) -> list[str]:
    return sorted({i["check"] for i in summary["indicators"]
                   if i["check"] in ("av_offset", "low_sync", "speech_mouth_still", "mouth_moving_silent")})


def offset_table(clips: list[Path], tmp: Path, table: Table) -> dict[str, float]:
    rows, errors, by_shift, zero_flags = [], [], {s: [] for s in SHIFTS_MS}, 0
    for clip in clips:
        row: list[Any] = [clip.name]
        for shift in SHIFTS_MS:
            summary = analyze(clip if shift == 0 else shifted(clip, shift, tmp))
            errs = [v - shift for v in offsets_ms(summary)]
            errors += errs
            by_shift[shift] += errs
            if shift == 0 and "av_offset" in checks(summary):
                zero_flags += 1
            row.append(f"{len(errs)}: {median(errs):+.0f}" if errs else "no window")
        rows.append(row)
    table(["clip (judged windows: median error ms)", *[f"{s:+d} ms" for s in SHIFTS_MS]], rows)
    within = [sum(abs(e) <= FRAME_MS for e in errs) / len(errs) if errs else 0.0 for errs in by_shift.values()]
    table(["shift", *[f"{s:+d} ms" for s in SHIFTS_MS], "all"],
          [["windows within 40 ms", *[f"{w:.0%}" for w in within],
            f"{sum(abs(e) <= FRAME_MS for e in errors) / max(1, len(errors)):.0%}"],
           ["windows within 80 ms", *[f"{sum(abs(e) <= 2 * FRAME_MS for e in es) / max(1, len(es)):.0%}"
                                      for es in by_shift.values()],
            f"{sum(abs(e) <= 2 * FRAME_MS for e in errors) / max(1, len(errors)):.0%}"],
           ["judged windows", *[str(len(es)) for es in by_shift.values()], str(len(errors))]])
    print(f"real clips with a false av_offset (unshifted): {zero_flags}/{len(clips)}\n")
    return {"within_40": sum(abs(e) <= FRAME_MS for e in errors) / max(1, len(errors)),
            "windows": float(len(errors)), "false_av_offset": float(zero_flags)}


def low_sync_table(media: Path, clips: list[Path], tmp: Path, table: Table) -> dict[str, float]:
    rows, flagged_fake, judged_fake, flagged_real = [], 0, 0, 0
    pairs = [(clip, clips[(i + 3) % len(clips)]) for i, clip in enumerate(clips)]
    for driving in sorted((media / "manipulated").glob("*_DRIVING_audio*.wav")):
        source = media / "manipulated" / driving.name.replace("_DRIVING_audio.wav", "_SOURCE_real.mp4")
        if source.exists():
            pairs.append((source, driving))
    for clip, voice in pairs:
        fake = analyze(replaced(clip, voice, tmp))
        real = analyze(clip)
        s_fake, s_real = strengths(fake), strengths(real)
        hit = "low_sync" in checks(fake)
        judged_fake += bool(s_fake)
        flagged_fake += hit
        flagged_real += "low_sync" in checks(real)
        rows.append([clip.name, voice.name, f"{median(s_real):.2f}" if s_real else "-",
                     f"{median(s_fake):.2f}" if s_fake else "-", "FLAGGED" if hit else "missed",
                     ", ".join(checks(fake)) or "-"])
    table(["video", "voice put in", "strength own voice", "strength other voice", "low_sync", "checks raised"],
          rows)
    print(f"low_sync on replaced voices: {flagged_fake}/{len(pairs)} ({judged_fake} judged); "
          f"on the real clips: {flagged_real}/{len(pairs)}\n")
    return {"replaced_flagged": flagged_fake / max(1, len(pairs)), "real_flagged": flagged_real / max(1, len(pairs))}


def lipsync_fake_table(media: Path, table: Table) -> None:
    rows = []
    for fake in sorted((media / "manipulated").glob("*_LIPSYNC_fake.mp4")):
        source = media / "manipulated" / fake.name.replace("_LIPSYNC_fake.mp4", "_SOURCE_real.mp4")
        for label, path in (("SOURCE real", source), ("LIPSYNC fake", fake)):
            if not path.exists():
                continue
            s = analyze(path)
            offs, st = offsets_ms(s), strengths(s)
            rows.append([path.name, label, len(offs), f"{median(offs):+.0f}" if offs else "-",
                         f"{median(st):.2f}" if st else "-", ", ".join(checks(s)) or "-"])
    table(["clip", "label", "judged windows", "median offset ms", "median strength", "checks raised"], rows)


def lip_sync_tables(media: Path, tmp: Path, table: Table) -> dict[str, float]:
    clips = real_clips(media)
    print("### Lip-sync: offset error on shifted copies\n")
    result = offset_table(clips, tmp, table)
    print("### Lip-sync: another voice put on the video (low_sync)\n")
    result.update(low_sync_table(media, clips, tmp, table))
    print("### Lip-sync fakes beside their sources (not tuned on; built to be in sync)\n")
    lipsync_fake_table(media, table)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", default=str(Path(__file__).resolve().parents[2] / "shared" / "media"))
    media_path = Path(parser.parse_args().media)
    if not media_path.is_dir():
        sys.exit(f"media folder not found: {media_path} (pass --media DIR)")
    with tempfile.TemporaryDirectory(prefix="ig-lipsync-") as tmp_dir:
        lip_sync_tables(media_path, Path(tmp_dir), print_table)
