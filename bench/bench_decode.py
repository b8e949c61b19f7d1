"""The decode stage against ffmpeg's decode-only floor: the recording reader alone, with no check running.

    python bench/bench_analyze.py --decode-only [CLIP] [--repeat N]

Printed by bench_analyze.py, all measured in its run on the same file:
- `ffmpeg -i CLIP -f null -`: the floor (decodes video and audio, converts nothing);
- the same with every frame scaled to the analysis size in RGB (what the reader has to do when lip-sync takes
  every frame), a reference for the conversion's cost (the system's ffmpeg, not PyAV's own build);
- the reader as `analyze` opens it with the default options (frames at the analysis and the lip-sync rate,
  the call's audio at 16 kHz), in a fresh process: wall and CPU seconds, the CPU of every thread; and the
  same at the analysis rate only (what the reader costs without lip-sync's full-rate frames);
- the decode stage inside each analysis run: the same reader sharing two cores with the other stages
  (its busy seconds include the waits for a core and for the GIL).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def time_scaled_ffmpeg(clip: Path, repeat: int) -> list[float]:
    """ffmpeg decoding every frame and scaling it to the analysis size in RGB (bilinear, as the reader)."""
    from interview_guard.media.convert import analysis_size
    from interview_guard.options import MediaOptions
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-of", "csv=p=0", str(clip)], check=True, capture_output=True, text=True).stdout
    width, height = (int(x) for x in out.strip().split(",")[:2])
    w, h = analysis_size(width, height, MediaOptions().max_side)
    walls = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(["ffmpeg", "-v", "error", "-threads", "0", "-i", str(clip),
                        "-vf", f"scale={w}:{h}:flags=bilinear,format=rgb24", "-f", "null", "-"], check=True)
        walls.append(time.perf_counter() - t)
    return walls


def time_reader(clip: Path, repeat: int) -> dict[str, list[dict]]:
    """The reader alone, `repeat` times in one fresh process, with and without the full-rate frames:
    {"default" | "analysis rate only": [{wall, cpu, frames, analysed, chunks}]}."""
    proc = subprocess.run([sys.executable, __file__, "--child", str(clip), "--repeat", str(repeat)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"reader alone failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _child(clip: str, repeat: int) -> None:
    from interview_guard.media import VideoFrame, open_recording
    from interview_guard.options import AnalysisOptions
    options = AnalysisOptions()
    runs: dict[str, list[dict]] = {"default": [], "analysis rate only": []}
    for _ in range(repeat):
        for name, full_rate_fps in (("default", options.full_rate_fps), ("analysis rate only", 0.0)):
            t, cpu = time.perf_counter(), time.process_time()
            frames = chunks = 0
            with open_recording(clip, options.media, need_audio=options.needs_audio, full_rate_fps=full_rate_fps,
                                use_audio=True) as reader:
                for item in reader.frames_and_audio():
                    frames += isinstance(item, VideoFrame)
                    chunks += not isinstance(item, VideoFrame)
                analysed = reader.frames_analysed
            runs[name].append({"wall": time.perf_counter() - t, "cpu": time.process_time() - cpu, "frames": frames,
                               "analysed": analysed, "chunks": chunks})
    print(json.dumps(runs))


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def print_decode_table(floor: float, scaled: list[float], reader: dict[str, list[dict]],
                       results: dict[str, dict]) -> None:
    """results: bench_analyze's runs by mode (their decode stage's busy seconds), may be empty."""
    print("\n### decode stage against ffmpeg's floor (seconds; best of the repeats)\n")
    print(_row(["run", "wall s", "CPU s (all threads)", "vs floor"]))
    print(_row(["---"] * 4))
    print(_row(["ffmpeg decode (floor)", f"{floor:.2f}", "-", "1.0"]))
    print(_row(["ffmpeg decode + every frame to RGB at the analysis size (reference)", f"{min(scaled):.2f}", "-",
                f"{min(scaled) / floor:.1f}"]))
    for name, runs in reader.items():
        best = min(runs, key=lambda r: r["wall"])
        print(_row([f"reader alone, {name} ({best['frames']} frames, {best['analysed']} at the analysis rate)",
                    f"{best['wall']:.2f}", f"{best['cpu']:.2f}", f"{best['wall'] / floor:.1f}"]))
    for mode, res in results.items():
        busy = min(res["runs"], key=lambda r: r["wall"])["timings"].get("decode", 0.0)
        print(_row([f"decode stage busy in analyze {mode}", f"{busy:.2f}", "-", f"{busy / floor:.1f}"]))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="child process of bench_analyze.py --decode-only")
    p.add_argument("--child", required=True, metavar="CLIP")
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args(argv)
    _child(args.child, args.repeat)


if __name__ == "__main__":
    main()
