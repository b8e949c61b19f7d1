"""Live mode under real-time input: does the analysis keep up, and how late is what the page sees?

    python bench/bench_live.py [CLIP] [--speed 1.0]

Plays a recording in real time through the live pipeline (what `interview-guard live --source
FILE` does) under several settings, each in a fresh process, and prints per setting: frames
analysed per second, the share of video frames dropped at the entrance to keep up, the lag of
analysed frames (arrival to analysis), and how long after a sentence ended its transcript
reached the page. The baseline row is the face checks alone, measured in the same run.
Default input: the ~60 s 720p mix of distinct real clips that bench_analyze.py builds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_analyze import machine, mixed_clip, resolve_clip  # noqa: E402
from bench.tables import print_table  # noqa: E402

# name -> options for the child; "faces only" is the baseline.
SETTINGS = {
    "faces only (baseline)": {"speech": False, "lip_sync": False, "liveness": False, "fps": 5.0, "lip_fps": 15.0},
    "live defaults (5 fps, lip-sync 15 fps)": {"speech": True, "lip_sync": True, "liveness": True, "fps": 5.0,
                                               "lip_fps": 15.0},
    "live, no lip-sync": {"speech": True, "lip_sync": False, "liveness": True, "fps": 5.0, "lip_fps": 15.0},
    "analyze's rates (10 fps, lip-sync 30 fps)": {"speech": True, "lip_sync": True, "liveness": True, "fps": 10.0,
                                                  "lip_fps": 30.0},
}


def child(clip: Path, settings: dict, speed: float) -> dict:
    from interview_guard.live.session import LiveSession, new_session_folder
    from interview_guard.live.sources import RecordingPlayer
    from interview_guard.options import (AnalysisOptions, LipSyncOptions, LivenessOptions, MediaOptions,
                                         SpeechOptions)

    options = AnalysisOptions(
        media=MediaOptions(analysis_fps=settings["fps"]),
        speech=SpeechOptions(enabled=settings["speech"], window_s=6.0, device="cpu"),
        lip_sync=LipSyncOptions(enabled=settings["lip_sync"], fps=settings["lip_fps"]),
        liveness=LivenessOptions(enabled=settings["liveness"]))
    with tempfile.TemporaryDirectory() as tmp:
        session = LiveSession(options, new_session_folder(Path(tmp)), "bench")
        received: list[tuple[float, dict]] = []
        session.add_listener(lambda m: received.append((time.monotonic(), m)))
        session.start()
        while not any(m.get("state") == "running" for _, m in received):  # models loaded
            time.sleep(0.05)
        player = RecordingPlayer(clip, options, speed=speed)
        started = time.monotonic()
        player.start(session)
        summary = session.wait()
    stats = [m for _, m in received if m["type"] == "stats"]
    lags = [m["lag_s"] for m in stats if m["lag_s"] is not None]
    # Transcript latency: when the page got a segment, less when the segment ended (both on the session clock).
    text_lag = [(at - started) * speed - m["end"] for at, m in received if m["type"] == "transcript"]
    last = stats[-1] if stats else {"video_in": 0, "video_dropped": 0}
    return {"fps": statistics.median(m["fps"] for m in stats[2:]) if len(stats) > 2 else 0.0,
            "dropped": last["video_dropped"] / max(1, last["video_in"]),
            "lag_p50": statistics.median(lags) if lags else None,
            "lag_max": max(lags) if lags else None,
            "text_p50": statistics.median(text_lag) if text_lag else None,
            "text_max": max(text_lag) if text_lag else None,
            "indicators": len(summary.indicators) if summary else -1,
            "error": session.error}


def _fmt(value, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("clip", nargs="?", help="a recording (default: the ~60 s mix of real clips)")
    p.add_argument("--speed", type=float, default=1.0, help="play faster than real time (default 1)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.clip), json.loads(args.child), args.speed)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        clip = resolve_clip(args.clip) if args.clip else mixed_clip(Path(tmp))
        rows = []
        for name, settings in SETTINGS.items():
            out = subprocess.run([sys.executable, __file__, str(clip), "--speed", str(args.speed),
                                  "--child", json.dumps(settings)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append([name, _fmt(r["fps"], 1), f"{r['dropped']:.0%}", _fmt(r["lag_p50"]), _fmt(r["lag_max"]),
                         _fmt(r["text_p50"], 1), _fmt(r["text_max"], 1), r["indicators"], r["error"] or ""])
            print(f"done: {name}", file=sys.stderr, flush=True)
    print(f"Live pipeline on {clip.name} at {args.speed}x real time; {machine()}\n")
    print_table(["setting", "analysed fps", "video dropped", "lag p50 s", "lag max s", "transcript delay p50 s",
                 "transcript delay max s", "indicators", "error"], rows)


if __name__ == "__main__":
    main()
