"""Lip-sync rows of bench/evaluate.py (or alone: python bench/eval_lip_sync.py [--media DIR]).

Every test copy is made at run time in a temp folder with ffmpeg, never stored:
- shifted: the real clip's own audio delayed or advanced with -itsoffset (a stream start
  time, as relayed audio would carry it), muxed with the untouched video into mkv;
- replaced: the video with another real clip's voice, or with the *_DRIVING_audio the
  lip-sync fake was made from (the voice does not come from this mouth).
Analysis runs the faces, transcription (English, with phone alignment) and lip-sync; no identity, liveness
or conversation checks, and no language check (every clip here is English). Each copy is analysed once and
its summary serves every table. --quick runs a small subset (four clips, four shifts) to try a change fast.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table  # noqa: E402
from interview_guard.options import (AnalysisOptions, ConversationOptions, IdentityOptions,  # noqa: E402
                                     LipSyncOptions, LivenessOptions, SpeechOptions)
from interview_guard.pipeline import analyze_recording  # noqa: E402

SHIFTS_MS = (0, -800, -400, -200, -80, 80, 200, 400, 800)
FRAME_MS = 40.0  # one frame at 25 fps: the aim
QUICK_SHIFTS_MS = (0, -400, 200, 800)
QUICK_CLIPS = ("grid_bbaf2n.mpg", "grid_lrwp9a.mpg", "retalking_1_man_suit_interview.mp4",
               "hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4")
OPTIONS = AnalysisOptions(speech=SpeechOptions(check_language=False, cpu_threads=1),
                          identity=IdentityOptions(enabled=False), liveness=LivenessOptions(enabled=False),
                          conversation=ConversationOptions(enabled=False), lip_sync=LipSyncOptions())
Table = Callable[[list[str], list[list[Any]]], None]


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


MIN_CLIP_S = 2.0  # shorter clips hold one or two words: no lip-sync window, and no fair dub either


def duration_s(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip() or 0.0)


@functools.lru_cache(maxsize=4)
def real_clip_groups(media: Path) -> list[list[Path]]:
    """Real talking clips with their own voice, in two groups: the first thirteen (talking_head_real and the
    HyperLips sources) and the people added later (talking_head_real_more and the lip-sync family's source),
    each file once (the family's source is a copy of retalking_1) and none under MIN_CLIP_S. Dubs pair clips
    within a group, so the first group's pairs stay what earlier tables measured."""
    talking = sorted((media / "talking_head_real").glob("*"))
    sources = sorted((media / "manipulated").glob("*_SOURCE_real.mp4"))
    more = sorted((media / "talking_head_real_more").glob("*")) + sorted((media / "lipsync_family").glob("real_*"))
    seen: set[str] = set()
    groups = []
    for group in (talking + sources, more):
        kept = []
        for p in group:
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.suffix in {".mp4", ".mpg"} else ""
            if digest and digest not in seen and duration_s(p) >= MIN_CLIP_S:
                kept.append(p)
            seen.add(digest)
        if kept:
            groups.append(kept)
    return groups


def real_clips(media: Path) -> list[Path]:
    return [p for group in real_clip_groups(media) for p in group]


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


_SUMMARIES: dict[Path, dict[str, Any]] = {}


def analyze(path: Path) -> dict[str, Any]:
    """The summary of one copy, analysed once per run (several tables read it)."""
    if path not in _SUMMARIES:
        _SUMMARIES[path] = analyze_recording(path, OPTIONS, progress=False).to_dict()
    return _SUMMARIES[path]


def series_values(summary: dict[str, Any], name: str) -> list[float]:
    """The judged values of one series of the summary ([] where it is absent)."""
    series = next((s for s in summary["series"] if s["name"] == name), None)
    return [float(v) for v in series["values"] if v is not None] if series else []


def offsets_ms(summary: dict[str, Any], name: str = "av_offset_ms") -> list[float]:
    """The offset of every judged window: the envelope's smoothed one (av_offset_ms) or the phone-event
    one, one per transcript segment (av_offset_phones_ms)."""
    return series_values(summary, name)


def strengths(summary: dict[str, Any]) -> list[float]:
    series = next(s for s in summary["series"] if s["name"] == "sync_strength")
    return [v for v in series["values"] if v is not None]


def phone_strength(summary: dict[str, Any]) -> str:
    """Median phone sync strength over the judged transcript segments (openness.py), or '-'."""
    values = series_values(summary, "phone_sync_strength")
    return f"{median(values):.2f}" if values else "-"


def checks(summary: dict[str, Any]) -> list[str]:
    return sorted({i["check"] for i in summary["indicators"]
                   if i["check"] in ("av_offset", "low_sync", "speech_mouth_still", "mouth_moving_silent",
                                     "viseme_mismatch")})


def offset_table(clips: list[Path], tmp: Path, table: Table, shifts: tuple[int, ...] = SHIFTS_MS) -> dict[str, float]:
    rows, errors, by_shift, zero_flags, shifted_low = [], [], {s: [] for s in shifts}, 0, 0
    for clip in clips:
        row: list[Any] = [clip.name]
        for shift in shifts:
            summary = analyze(clip if shift == 0 else shifted(clip, shift, tmp))
            errs = [v - shift for v in offsets_ms(summary)]
            errors += errs
            by_shift[shift] += errs
            if shift == 0 and "av_offset" in checks(summary):
                zero_flags += 1
            if shift != 0 and "low_sync" in checks(summary):
                shifted_low += 1
            row.append(f"{len(errs)}: {median(errs):+.0f}" if errs else "no window")
        rows.append(row)
    table(["clip (judged windows: median error ms)", *[f"{s:+d} ms" for s in shifts]], rows)
    within = [sum(abs(e) <= FRAME_MS for e in errs) / len(errs) if errs else 0.0 for errs in by_shift.values()]
    table(["shift", *[f"{s:+d} ms" for s in shifts], "all"],
          [["windows within 40 ms", *[f"{w:.0%}" for w in within],
            f"{sum(abs(e) <= FRAME_MS for e in errors) / max(1, len(errors)):.0%}"],
           ["windows within 80 ms", *[f"{sum(abs(e) <= 2 * FRAME_MS for e in es) / max(1, len(es)):.0%}"
                                      for es in by_shift.values()],
            f"{sum(abs(e) <= 2 * FRAME_MS for e in errors) / max(1, len(errors)):.0%}"],
           ["judged windows", *[str(len(es)) for es in by_shift.values()], str(len(errors))]])
    print(f"real clips with a false av_offset (unshifted): {zero_flags}/{len(clips)}; shifted copies raising "
          f"low_sync (their voice is this mouth's, only delayed): {shifted_low}/{len(clips) * (len(shifts) - 1)}\n")
    return {"within_40": sum(abs(e) <= FRAME_MS for e in errors) / max(1, len(errors)),
            "windows": float(len(errors)), "false_av_offset": float(zero_flags)}


def dub_pairs(media: Path, clips: list[Path]) -> list[tuple[Path, Path]]:
    """Each real clip's video with the voice of the clip three on in its group, and every *_DRIVING_audio on
    its source."""
    pairs = []
    for group in real_clip_groups(media):
        group = [c for c in group if c in clips]
        pairs += [(clip, group[(i + 3) % len(group)]) for i, clip in enumerate(group) if len(group) > 1]
    for driving in sorted((media / "manipulated").glob("*_DRIVING_audio*.wav")):
        source = media / "manipulated" / driving.name.replace("_DRIVING_audio.wav", "_SOURCE_real.mp4")
        if source.exists() and source in clips:
            pairs.append((source, driving))
    return pairs


def bilabials(summary: dict[str, Any]) -> str:
    """'missed/judged' bilabials of viseme_mismatch, from its series."""
    series = next((s for s in summary["series"] if s["name"] == "bilabials_missed_share"), None)
    if not series or not series["values"]:
        return "0 judged"
    n = len(series["values"])
    return f"{round(series['values'][-1] * n)}/{n} missed"


def dub_table(media: Path, clips: list[Path], tmp: Path, table: Table) -> dict[str, float]:
    rows, by_low, by_viseme, flagged, judged_fake = [], 0, 0, 0, 0
    pairs = dub_pairs(media, clips)
    later = set(real_clip_groups(media)[1]) if len(real_clip_groups(media)) > 1 else set()
    flagged_first, first = 0, sum(c not in later for c, _ in pairs)
    for clip, voice in pairs:
        fake = analyze(replaced(clip, voice, tmp))
        s_fake, s_real = strengths(fake), strengths(analyze(clip))
        raised = checks(fake)
        judged_fake += bool(s_fake)
        by_low += "low_sync" in raised
        by_viseme += "viseme_mismatch" in raised
        flagged += "low_sync" in raised or "viseme_mismatch" in raised
        flagged_first += clip not in later and ("low_sync" in raised or "viseme_mismatch" in raised)
        rows.append([clip.name, voice.name, f"{median(s_real):.2f}" if s_real else "-",
                     f"{median(s_fake):.2f}" if s_fake else "-", phone_strength(analyze(clip)), phone_strength(fake),
                     bilabials(fake),
                     "FLAGGED" if "low_sync" in raised or "viseme_mismatch" in raised else "missed",
                     ", ".join(raised) or "-"])
    table(["video", "voice put in", "strength own voice", "strength other voice", "phone strength own voice",
           "phone strength other voice", "bilabials (other voice)",
           "low_sync or viseme_mismatch", "checks raised"], rows)
    real_rows, real_low, real_viseme = [], 0, 0
    for clip in clips:
        raised = checks(analyze(clip))
        real_low += "low_sync" in raised
        real_viseme += "viseme_mismatch" in raised
        real_rows.append([clip.name, bilabials(analyze(clip)), phone_strength(analyze(clip)), ", ".join(raised) or "-"])
    table(["real clip (own voice)", "bilabials", "phone strength", "checks raised"], real_rows)
    n, m = max(1, len(pairs)), max(1, len(clips))
    real_first = [c for c in clips if c not in later]
    table(["", "low_sync", "viseme_mismatch", "either"],
          [[f"dubs flagged, the first {len(real_first)} clips' pairs (of {first})", "", "",
            f"{flagged_first}/{first} ({flagged_first / max(1, first):.0%})"],
           [f"real clips flagged, the first {len(real_first)}", "", "",
            f"{sum(bool({'low_sync', 'viseme_mismatch'} & set(checks(analyze(c)))) for c in real_first)}"
            f"/{len(real_first)}"],
           [f"dubs flagged (of {len(pairs)}; {judged_fake} judged by the envelope)", f"{by_low}/{len(pairs)}",
            f"{by_viseme}/{len(pairs)}", f"{flagged}/{len(pairs)} ({flagged / n:.0%})"],
           [f"real clips flagged (of {len(clips)})", f"{real_low}/{len(clips)}", f"{real_viseme}/{len(clips)}",
            f"{sum(bool({'low_sync', 'viseme_mismatch'} & set(checks(analyze(c)))) for c in clips)}/{len(clips)}"]])
    return {"replaced_flagged": flagged / n, "replaced_low_sync": by_low / n, "replaced_viseme": by_viseme / n,
            "real_flagged": (real_low + real_viseme) / m}


METHODS = (("envelope", "av_offset_ms"), ("phone events", "av_offset_phones_ms"),
           ("phone events where confident, else envelope (what av_offset reports)", "av_offset_combined_ms"))


def relative_errors(clip: Path, tmp: Path, shifts: tuple[int, ...], name: str) -> dict[int, list[float]] | None:
    """Per shift, each judged window's offset minus the shift minus the clip's own unshifted reading (median);
    None when the unshifted clip has no reading."""
    own = offsets_ms(analyze(clip), name)
    if not own:
        return None
    ref = median(own)
    return {shift: [v - shift - ref for v in offsets_ms(analyze(clip if shift == 0 else shifted(clip, shift, tmp)),
                                                         name)] for shift in shifts}


def _error_row(label: str, per_clip: list[dict[int, list[float]]], unread: int) -> tuple[list[Any], float, int]:
    errs = [e for by_shift in per_clip for es in by_shift.values() for e in es]
    moved = sum(len(es) for by_shift in per_clip for shift, es in by_shift.items() if shift)
    # a sign flip: a shifted copy's reading moved the other way from the shift
    flips = sum((e + shift) * shift < 0 for by_shift in per_clip for shift, es in by_shift.items() if shift
                for e in es)
    within = sum(abs(e) <= FRAME_MS for e in errs) / max(1, len(errs))
    return ([label, f"{within:.0%}", f"{sum(abs(e) <= 2 * FRAME_MS for e in errs) / max(1, len(errs)):.0%}",
             f"{flips}/{moved}", len(errs), unread], within, flips)


def phone_offset_table(clips: list[Path], tmp: Path, table: Table, shifts: tuple[int, ...]) -> dict[str, float]:
    """The phone-event offset against the envelope's, both relative to each clip's unshifted reading: on every
    clip each judges, and on the clips both judge."""
    readings = {name: {clip: relative_errors(clip, tmp, shifts, name) for clip in clips} for _, name in METHODS}
    phones = readings["av_offset_phones_ms"]
    table(["clip (phone events: judged windows: median error ms)", *[f"{s:+d} ms" for s in shifts]],
          [[clip.name, *([f"{len(e)}: {median(e):+.0f}" if e else "no window" for e in phones[clip].values()]
                         if phones[clip] is not None else ["no reading unshifted"] * len(shifts))] for clip in clips])
    both = [c for c in clips if all(readings[name][c] is not None for _, name in METHODS)]
    result, rows = {}, []
    for method, name in METHODS:
        judged = [r for r in readings[name].values() if r is not None]
        row, within, flips = _error_row(method, judged, len(clips) - len(judged))
        rows.append(row)
        result[f"{name}_within_40"], result[f"{name}_sign_flips"] = within, float(flips)
    for method, name in METHODS:
        rows.append(_error_row(f"{method}, on the {len(both)} clips all judge", [readings[name][c] for c in both],
                               0)[0])
    table(["offset from", "windows within 40 ms", "within 80 ms", "sign flips (shifted windows)", "judged windows",
           "clips with no unshifted reading"], rows)
    return result


def grid_table(clips: list[Path], table: Table) -> None:
    """GRID is studio-synced: the absolute offset should be zero."""
    rows = []
    for clip in (c for c in clips if c.name.startswith("grid_")):
        s = analyze(clip)
        env, ph = offsets_ms(s, "av_offset_ms"), offsets_ms(s, "av_offset_phones_ms")
        conf = offsets_ms(s, "phone_sync_confidence")
        rows.append([clip.name, f"{median(env):+.0f}" if env else "-", f"{median(ph):+.0f}" if ph else "-",
                     f"{median(conf):.2f}" if conf else "-",
                     "yes" if env and abs(median(env)) <= FRAME_MS else "no",
                     "yes" if ph and abs(median(ph)) <= FRAME_MS else "no"])
    table(["GRID clip (unshifted)", "envelope ms", "phone events ms", "phone confidence", "envelope within 40 ms",
           "phones within 40 ms"], rows)


def lipsync_fake_table(media: Path, table: Table) -> None:
    rows = []
    family = sorted((media / "lipsync_family").glob("real_*.mp4"))
    pairs = [(media / "manipulated" / f.name.replace("_LIPSYNC_fake.mp4", "_SOURCE_real.mp4"), f)
             for f in sorted((media / "manipulated").glob("*_LIPSYNC_fake.mp4"))]
    pairs += [(family[0], f) for f in sorted((media / "lipsync_family").glob("fake_*.mp4"))] if family else []
    for source, fake in pairs:
        for label, path in (("SOURCE real", source), ("LIPSYNC fake", fake)):
            if label == "SOURCE real" and any(r[0] == path.name for r in rows):
                continue  # one source row for the family's seven fakes
            if not path.exists():
                continue
            s = analyze(path)
            offs, st = offsets_ms(s), strengths(s)
            rows.append([path.name, label, len(offs), f"{median(offs):+.0f}" if offs else "-",
                         f"{median(st):.2f}" if st else "-", ", ".join(checks(s)) or "-"])
    table(["clip", "label", "judged windows", "median offset ms", "median strength", "checks raised"], rows)


def lip_sync_tables(media: Path, tmp: Path, table: Table, quick: bool = False) -> dict[str, float]:
    clips = real_clips(media)
    shifts = QUICK_SHIFTS_MS if quick else SHIFTS_MS
    if quick:
        clips = [c for c in clips if c.name in QUICK_CLIPS]
    print("### Lip-sync: offset error on shifted copies (envelope, absolute)\n")
    result = offset_table(clips, tmp, table, shifts)
    print("### Lip-sync: phone-event offset against the envelope, relative to each clip's unshifted reading\n")
    result.update(phone_offset_table(clips, tmp, table, shifts))
    print("### Lip-sync: GRID clips (studio-synced), absolute offset\n")
    grid_table(clips, table)
    print("### Lip-sync: another voice put on the video (low_sync, viseme_mismatch)\n")
    result.update(dub_table(media, clips, tmp, table))
    print("### Lip-sync fakes beside their sources (not tuned on; built to be in sync)\n")
    lipsync_fake_table(media, table)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", default=str(Path(__file__).resolve().parents[2] / "shared" / "media"))
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK_CLIPS)} at shifts "
                        f"{', '.join(f'{s:+d}' for s in QUICK_SHIFTS_MS)} ms")
    args = parser.parse_args()
    media_path = Path(args.media)
    if not media_path.is_dir():
        sys.exit(f"media folder not found: {media_path} (pass --media DIR)")
    with tempfile.TemporaryDirectory(prefix="ig-lipsync-") as tmp_dir:
        lip_sync_tables(media_path, Path(tmp_dir), print_table, quick=args.quick)
