"""Batch throughput: hours of recording analysed per hour of wall time, for 1 and 2 local workers.

    python bench/bench_batch.py [--copies N] [--no-liveness]

The batch is the MIX clips of bench_analyze.py (distinct real talking heads), each re-encoded N times with a
different tiny crop so that every copy is new content (the store skips a file it has analysed). Each row
starts with an empty store, through the real `interview-guard analyze-batch` command, so model loading
per worker is part of the cost, as it is for a real batch.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_analyze import MIX, machine, media_dir  # noqa: E402
from bench.tables import print_table  # noqa: E402


def make_batch(folder: Path, copies: int) -> float:
    """Writes the batch; returns its total duration in seconds."""
    total = 0.0
    for k in range(copies):
        for clip in MIX:
            out = folder / f"{k}_{Path(clip).stem}.mp4"
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(media_dir() / clip), "-vf",
                            f"crop=iw-{2 * (k + 1)}:ih-{2 * (k + 1)}", "-c:v", "libx264", "-preset", "veryfast",
                            "-c:a", "aac", str(out)], check=True)
            total += float(subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of",
                                           "csv=p=0", str(out)], capture_output=True, text=True, check=True)
                           .stdout.strip())
    return total


def run(folder: Path, workers: int, extra: list[str]) -> tuple[float, list[dict]]:
    with tempfile.TemporaryDirectory() as store:
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "interview_guard", "analyze-batch", str(folder), "--workers",
                               str(workers), "--data-dir", store, "--json", "--quiet", *extra],
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"analyze-batch failed: {proc.stderr[-2000:]}")
    return wall, json.loads(proc.stdout)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--copies", type=int, default=1, help="copies of the ten clips (default 1: ten files)")
    p.add_argument("--no-liveness", action="store_true", help="pass --no-liveness to the batch")
    args = p.parse_args()
    extra = ["--no-liveness"] if args.no_liveness else []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds = make_batch(folder, args.copies)
        rows, baseline = [], None
        for workers in (1, 2):
            wall, results = run(folder, workers, extra)
            failed = sum(r["status"] == "failed" for r in results)
            rate = seconds / wall  # hours of recording per hour of wall time
            baseline = baseline or rate
            rows.append([workers, len(results), failed, f"{seconds / 60:.1f}", f"{wall:.0f}", f"{rate:.2f}",
                         f"{rate / baseline:.2f}x", f"{sum(r['seconds'] for r in results) / len(results):.1f}"])
    print(f"\n## analyze-batch throughput\n\nmachine: {machine()}\n")
    print(f"batch: {len(MIX) * args.copies} files, {seconds:.0f} s of recording"
          f"{' (--no-liveness)' if extra else ' (all checks)'}; a fresh store per row\n")
    print_table(["workers", "files", "failed", "recording min", "wall s", "recording h per wall h",
                 "vs 1 worker", "mean s per file"], rows)


if __name__ == "__main__":
    main()
