"""Benchmark analyze_recording against the decode-only floor of ffmpeg.

    python bench/bench_analyze.py [CLIP] [--repeat N] [--concat N] [--decode-only]

Each analysis runs in a fresh Python process (this script with --child), so its
peak RSS and model loading do not leak into the next measurement. Media comes
from $IG_MEDIA_DIR or <repo>/../shared/media and is never copied into the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.bench_decode import print_decode_table, time_reader, time_scaled_ffmpeg  # noqa: E402
DEFAULT_CLIP = "manipulated/hyperlips_v2_obama_SOURCE_real.mp4"
# Distinct real talking-head clips joined into one ~60 s 720p interview-like recording. Joining one
# clip to itself is not a fair input: Whisper sees the same sentence repeated in a window, judges it
# a hallucination loop and re-decodes at higher temperatures (5x slower, measured).
MIX = ("manipulated/hyperlips_v2_obama_SOURCE_real.mp4", "talking_head_real/retalking_1_man_suit_interview.mp4",
       "manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4", "talking_head_real/hdtf_aoc_sadtalker.mp4",
       "talking_head_real/retalking_2_swalwell.mp4", "talking_head_real/grid_bbaf2n.mpg",
       "talking_head_real/grid_lbax4n.mpg", "talking_head_real/grid_pwij3p.mpg",
       "talking_head_real/grid_lrwp9a.mpg", "talking_head_real/grid_brbk7n.mpg")
# second look: inside faces; forgery (the face-forgery model): inside identity
STAGES = ("decode", "faces", "faces_second_look", "identity", "forgery", "analyzers", "speech_busy", "speech_wait",
          "total")
# Each mode is a fresh process with these options; "default" is what `interview-guard analyze` runs.
MODES = {
    "default (all checks)": {"speech": True, "identity": True, "lip_sync": True, "liveness": True},
    "default without the forgery model": {"speech": True, "identity": True, "lip_sync": True, "liveness": True,
                                          "forgery": False},
    "default without phones": {"speech": True, "identity": True, "lip_sync": True, "liveness": True,
                               "phones": False},
    "default without liveness": {"speech": True, "identity": True, "lip_sync": True, "liveness": False},
    "no lip-sync": {"speech": True, "identity": True, "lip_sync": False, "liveness": True},
    "no lip-sync, no liveness": {"speech": True, "identity": True, "lip_sync": False, "liveness": False},
    "no lip-sync, liveness at full rate": {"speech": True, "identity": True, "lip_sync": False, "liveness": True,
                                           "liveness_full_rate": True},
    "faces + identity": {"speech": False, "identity": True, "lip_sync": False, "liveness": False},
    "faces only": {"speech": False, "identity": False, "lip_sync": False, "liveness": False},
}
# The cost of a check: the run with it against the run without it, both measured here.
COSTS = (("face-forgery model", "default (all checks)", "default without the forgery model"),
         ("phone alignment and phone sync", "default (all checks)", "default without phones"),
         ("liveness (lip-sync on)", "default (all checks)", "default without liveness"),
         ("liveness (lip-sync off)", "no lip-sync", "no lip-sync, no liveness"),
         ("liveness at full rate (lip-sync off)", "no lip-sync, liveness at full rate", "no lip-sync, no liveness"),
         ("lip-sync", "default without liveness", "no lip-sync, no liveness"))


def media_dir() -> Path:
    d = Path(os.environ.get("IG_MEDIA_DIR") or REPO.parent / "shared" / "media")
    if not d.is_dir():
        sys.exit(f"media folder not found: {d} (set IG_MEDIA_DIR to the shared media folder)")
    return d


def resolve_clip(arg: str | None) -> Path:
    if arg and Path(arg).is_file():
        return Path(arg).resolve()
    clip = media_dir() / (arg or DEFAULT_CLIP)
    if not clip.is_file():
        sys.exit(f"clip not found: {clip}")
    return clip


def duration_of(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                          str(path)], check=True, capture_output=True, text=True).stdout
    return float(out.strip())


def concat(clip: Path, times: int, tmp: Path) -> Path:
    """The clip `times` times back to back (concat demuxer, stream copy)."""
    if times <= 1:
        return clip
    listing = tmp / "list.txt"
    listing.write_text("".join(f"file '{clip}'\n" for _ in range(times)))
    out = tmp / f"{clip.stem}_x{times}{clip.suffix}"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-c", "copy", str(out)], check=True)
    return out


def mixed_clip(tmp: Path) -> Path:
    """MIX as one 1280x720 25 fps H.264/AAC file (x264 veryfast, as a recorder would write it)."""
    clips = [media_dir() / c for c in MIX]
    inputs = [arg for c in clips for arg in ("-i", str(c))]
    norm = "scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,fps=25,setsar=1"
    graph = "".join(f"[{i}:v]{norm}[v{i}];[{i}:a]aresample=44100,aformat=channel_layouts=stereo[a{i}];"
                    for i in range(len(clips)))
    graph += "".join(f"[v{i}][a{i}]" for i in range(len(clips))) + f"concat=n={len(clips)}:v=1:a=1[v][a]"
    out = tmp / "interview_mix_720p.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", str(out)], check=True)
    return out


def time_decode(clip: Path, repeat: int) -> list[float]:
    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(["ffmpeg", "-v", "error", "-threads", "0", "-i", str(clip), "-f", "null", "-"], check=True)
        walls.append(time.perf_counter() - t)
    return walls


def child(mode: str, clip: str, repeat: int) -> None:
    """Runs in a fresh process: load models (timed), analyse `repeat` times, print one JSON line."""
    t0 = time.perf_counter()
    from interview_guard.faces import FaceLandmarkerRunner
    from interview_guard.options import (AnalysisOptions, ForgeryOptions, IdentityOptions, LipSyncOptions,
                                         LivenessOptions, SpeechOptions)
    from interview_guard.pipeline import analyze_recording
    from interview_guard.speech.transcriber import _cpu_threads, load_whisper, resolve_device
    load = {"imports": time.perf_counter() - t0}
    speech = SpeechOptions(enabled=MODES[mode]["speech"], align_phones=MODES[mode].get("phones", True))
    identity = IdentityOptions(enabled=MODES[mode]["identity"])
    if speech.enabled:
        t = time.perf_counter()
        device, compute = resolve_device(speech.device)
        load_whisper(speech.model_name, device, compute, _cpu_threads(speech.cpu_threads))
        load["whisper"] = time.perf_counter() - t
    t = time.perf_counter()
    FaceLandmarkerRunner(AnalysisOptions().faces).close()
    load["face_landmarker"] = time.perf_counter() - t  # paid again by every analysis: not cached
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        options = AnalysisOptions(speech=speech, identity=identity,
                                  lip_sync=LipSyncOptions(enabled=MODES[mode]["lip_sync"],
                                                          phone_strength=MODES[mode].get("phones", True)),
                                  liveness=LivenessOptions(enabled=MODES[mode]["liveness"],
                                                           full_rate=MODES[mode].get("liveness_full_rate", False)),
                                  forgery=ForgeryOptions(enabled=MODES[mode].get("forgery", True)))
        summary = analyze_recording(clip, options, progress=False).to_dict()
        runs.append({"wall": time.perf_counter() - t, "timings": summary["timings"],
                     "words": len(summary["transcript"]["text"].split()),
                     "faces": summary["faces"]["frames_with_face"], "frames": summary["faces"]["frames_analysed"]})
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"load": load, "runs": runs, "rss_mib": rss_mib}))


def run_child(mode: str, clip: Path, repeat: int) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(clip), "--repeat", str(repeat)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"analysis ({mode}) failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor() or "?")
    return f"nproc {os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}, {platform.platform()}"


def row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def print_report(clip: Path, duration: float, decode: list[float], results: dict[str, dict]) -> None:
    floor = min(decode)
    print(f"\n## analyze_recording benchmark\n\nmachine: {machine()}\n")
    print(f"clip: `{clip.name}` ({duration:.1f} s); best of {len(decode)} run(s) per row; "
          "peak RSS of each row's fresh process\n")
    print(row(["run", "wall s", "x real-time", "vs decode", "peak RSS MiB"] + list(STAGES)))
    print(row(["---"] * (5 + len(STAGES))))
    print(row(["ffmpeg decode (floor)", f"{floor:.2f}", f"{duration / floor:.1f}", "1.0", "-"] + ["-"] * len(STAGES)))
    for mode, res in results.items():
        best = min(res["runs"], key=lambda r: r["wall"])
        wall = best["wall"]
        stages = [f"{best['timings'].get(s, 0.0):.2f}" for s in STAGES]
        print(row([f"analyze {mode}", f"{wall:.2f}", f"{duration / wall:.1f}", f"{wall / floor:.1f}",
                   f"{res['rss_mib']:.0f}"] + stages))
    print("\n### model load (fresh process, seconds)\n")
    print(row(["run", "imports", "whisper load", "face landmarker create"]))
    print(row(["---"] * 4))
    for mode, res in results.items():
        ld = res["load"]
        print(row([mode, f"{ld['imports']:.2f}", f"{ld['whisper']:.2f}" if "whisper" in ld else "-",
                   f"{ld['face_landmarker']:.2f}"]))
    print("\n### spread over repeats (wall s)\n")
    print(row(["run", "min", "median", "max"]))
    print(row(["---"] * 4))
    print(row(["ffmpeg decode", f"{min(decode):.2f}", f"{statistics.median(decode):.2f}", f"{max(decode):.2f}"]))
    for mode, res in results.items():
        walls = [r["wall"] for r in res["runs"]]
        print(row([mode, f"{min(walls):.2f}", f"{statistics.median(walls):.2f}", f"{max(walls):.2f}"]))
    print("\n### cost of a check (share of the analysis time of the run that includes it)\n")
    print(row(["check", "with s", "without s", "share of the run with it"]))
    print(row(["---"] * 4))
    for name, with_it, without in COSTS:
        if with_it not in results or without not in results:  # --modes left one of the pair out
            continue
        a = min(r["wall"] for r in results[with_it]["runs"])
        b = min(r["wall"] for r in results[without]["runs"])
        print(row([name, f"{a:.2f}", f"{b:.2f}", f"{(a - b) / a:.0%}"]))
    for mode, res in results.items():
        r = res["runs"][0]
        print(f"\n{mode}: {r['frames']} frames analysed, {r['faces']} with a face, {r['words']} words transcribed")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("clip", nargs="?", help="file, or path under the media folder (default: a ~60 s 720p mix of "
                                           "the real talking-head clips, made at run time)")
    p.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is reported (default 1)")
    p.add_argument("--concat", type=int, default=1, help="join CLIP N times first (default 1: as is)")
    p.add_argument("--modes", default="", metavar="A,B",
                   help="run only these modes (exact names, comma-separated; default: every mode)")
    p.add_argument("--decode-only", action="store_true",
                   help="time only the decode stage: the reader alone against ffmpeg (bench/bench_decode.py)")
    p.add_argument("--child", metavar="MODE", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.clip, args.repeat)
        return
    if args.repeat < 1 or args.concat < 1:
        sys.exit("--repeat and --concat must be at least 1")
    with tempfile.TemporaryDirectory(prefix="ig-bench-") as tmp:
        clip = concat(resolve_clip(args.clip), args.concat, Path(tmp)) if args.clip else mixed_clip(Path(tmp))
        duration = duration_of(clip)
        print(f"benchmarking {clip.name} ({duration:.1f} s) ...", file=sys.stderr)
        decode = time_decode(clip, args.repeat)
        scaled, reader = time_scaled_ffmpeg(clip, args.repeat), time_reader(clip, args.repeat)
        if args.decode_only:
            print_decode_table(min(decode), scaled, reader, {})
            return
        results = {}
        wanted = [m.strip() for m in args.modes.split(",") if m.strip()] or list(MODES)
        unknown = [m for m in wanted if m not in MODES]
        if unknown:
            sys.exit(f"unknown mode(s) {unknown}; modes: {list(MODES)}")
        for mode in wanted:
            print(f"  {mode} ...", file=sys.stderr)
            results[mode] = run_child(mode, clip, args.repeat)
        print_report(clip, duration, decode, results)
        print_decode_table(min(decode), scaled, reader, results)


if __name__ == "__main__":
    main()
