"""`interview-guard analyze-batch PATHS... [--workers N] [--ray ADDRESS]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from interview_guard.errors import UserError

if TYPE_CHECKING:
    from interview_guard.options import AnalysisOptions


# analyze-batch's analysis flags (cli_options.FLAGS): settings only, as a batch has no per-session inputs
BATCH_FLAGS = ("fps", "language", "device", "no_speech", "no_lip_sync", "no_liveness", "no_forgery",
               "liveness_full_rate", "no_identity", "voices")


def add_batch_parser(sub: argparse._SubParsersAction) -> None:
    from interview_guard.cli_options import add_analysis_flags

    p = sub.add_parser(
        "analyze-batch", help="analyse many recordings on a local process pool or a Ray cluster",
        description="Analyse every recording in the folders, glob patterns and list files given, writing each "
                    "session to the store. Files already analysed (same content) are skipped; a failed file is "
                    "reported and tried once more and never stops the batch. Exit 0 when every file succeeded, "
                    "1 when some failed (each listed with its reason).")
    p.add_argument("paths", nargs="+", help="recordings, folders, glob patterns ('calls/**/*.mp4') or .txt lists")
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.add_argument("--ray", default=None, metavar="ADDRESS",
                   help="run on a Ray cluster ('auto', 'ray://host:10001'; 'local' starts one here)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="session store folder (default: IG_DATA_DIR or ~/.local/share/interview-guard); its "
                        "config.toml may point at PostgreSQL, which every Ray node must then reach")
    p.add_argument("--time-limit", type=float, default=0.0, metavar="SECONDS",
                   help="give up on a file after this long (default: 4x its length + 5 min)")
    p.add_argument("--max-memory-gb", type=float, default=0.0, metavar="GB",
                   help="cap each local worker's resident memory; a file that needs more fails alone (default: "
                        "no cap)")
    add_analysis_flags(p, BATCH_FLAGS, batch_defaults())
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print one JSON result per file at the end")


def batch_defaults() -> AnalysisOptions:
    """A worker with a GPU has time for the larger model (when installed); each result names the model used."""
    from interview_guard.options import AnalysisOptions, SpeechOptions

    return AnalysisOptions(speech=SpeechOptions(gpu_model="whisper-base"))


def run_batch_command(args: argparse.Namespace) -> int:
    from interview_guard.batch.inputs import collect_recordings
    from interview_guard.batch.runner import failure_line, run_batch
    from interview_guard.batch.worker import FileJob
    from interview_guard.cli_options import analysis_from_args
    from interview_guard.config import load_config
    from interview_guard.store import open_store

    if args.workers < 0 or args.time_limit < 0 or args.max_memory_gb < 0:
        raise UserError("--workers, --time-limit and --max-memory-gb must be 0 or more")
    files = collect_recordings(args.paths)
    config = load_config(args.data_dir)
    with open_store(config):  # migrate once here, not in every worker at the same time
        pass
    options, _ = analysis_from_args(args, batch_defaults())  # no flag of analyze-batch sets an input
    workers = args.workers or os.cpu_count() or 1
    jobs = [FileJob(str(f), options, str(config.data_dir.resolve()), args.time_limit or _default_limit(f))
            for f in files]
    print(f"{len(jobs)} recording(s), {workers} worker(s) on {'Ray ' + args.ray if args.ray else 'this machine'}; "
          f"sessions in {config.data_dir}", file=sys.stderr)
    results = run_batch(jobs, workers, args.ray, args.max_memory_gb, progress=not args.quiet)
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    failed = [r for r in results if r.status == "failed"]
    done = sum(r.status == "done" for r in results)
    print(f"{done} analysed, {sum(r.status == 'skipped' for r in results)} skipped (already analysed), "
          f"{len(failed)} failed", file=sys.stderr)
    for r in failed:
        print(f"  {failure_line(r)}", file=sys.stderr)
    return 1 if failed else 0


def _default_limit(path: Path) -> float:
    """4x the recording's length plus 5 minutes for model loading; an unreadable length gets an hour."""
    try:
        import av

        with av.open(str(path)) as c:
            duration = (c.duration or 0) / 1_000_000
    except Exception:  # the worker reports the real problem with the file
        duration = 0.0
    return 4 * duration + 300 if duration else 3600.0
