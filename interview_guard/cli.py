"""Command line: `interview-guard analyze RECORDING --out DIR`, `interview-guard models`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from interview_guard import __version__
from interview_guard.errors import UserError
from interview_guard.live.cli import add_live_parser, run_live, run_serve
from interview_guard.batch.cli import add_batch_parser, run_batch_command
from interview_guard.candidates.cli import add_candidates_parser, run_candidates, run_verify
from interview_guard.cli_options import add_analysis_flags, analysis_from_args
from interview_guard.store.cli import add_sessions_parser, run_sessions

logger = logging.getLogger("interview_guard")
_MAX_ERROR_CHARS = 1000

# analyze's analysis flags (cli_options.FLAGS), in the order its help lists them; defaults: AnalysisOptions()
ANALYZE_FLAGS = ("fps", "max_faces", "language", "device", "beam_size", "no_speech", "no_lip_sync",
                 "av_offset_threshold", "reference", "match_threshold", "no_identity", "no_liveness", "no_forgery",
                 "liveness_full_rate", "challenge", "profile", "voices", "interviewer_track", "no_turns",
                 "candidate", "consent")

_DESCRIPTION = """Local, explainable checks against candidate fraud in remote video interviews.
Every finding comes with its time, its evidence and a plain reason."""


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="interview-guard", description=_DESCRIPTION)
    p.add_argument("--version", action="version", version=f"interview-guard {__version__}")
    p.add_argument("--debug", action="store_true", help="show debug logs and full tracebacks")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_analyze(sub)
    add_live_parser(sub)
    add_batch_parser(sub)
    add_sessions_parser(sub)
    add_candidates_parser(sub)
    c = sub.add_parser("check-profile", help="check a candidate's application: phone, dates, e-mail, links",
                       description="Check a JSON Resume (or a .txt/.pdf résumé, read as best effort) for red flags "
                                   "before any interview: phone number validity, type and region; timelines; "
                                   "e-mail and profile links. Exit 0 with or without findings, 2 for a file that "
                                   "cannot be read.")
    c.add_argument("profile", type=Path, help="the profile file")
    c.add_argument("--json", action="store_true", help="print a JSON list of findings (check, field, reason, ...)")
    c.add_argument("--today", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                   help="judge dates as of this day (default: today)")
    d = sub.add_parser("demo", help="analyse a bundled real clip and manipulated copies of it; write their reports",
                       description="A first run that needs no recording: analyses a bundled GRID corpus clip "
                                   "(CC BY 4.0) as it is, spliced with another speaker, looped, and with its voice "
                                   "delayed, and writes each one's summary.json and report.html. Nothing is kept "
                                   "in the session store.")
    d.add_argument("--out", type=Path, default=Path("ig-demo"), help="output folder (default: ./ig-demo)")
    m = sub.add_parser("models", help="list the model files and whether each is found and intact",
                       description="List every model in the manifest: where it was found and whether its sha256 matches.")
    m.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    m.add_argument("--no-verify", action="store_true", help="check sizes only (skip sha256)")
    _accept_debug_everywhere(p)
    return p


def _accept_debug_everywhere(parser: argparse.ArgumentParser) -> None:
    """--debug after the command (`analyze x --debug`) as well as before it, at every level."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                if "--debug" not in sub._option_string_actions:
                    # SUPPRESS: an absent flag here leaves the top level's value alone
                    sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                     help="show debug logs and full tracebacks")
                _accept_debug_everywhere(sub)


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser(
        "analyze", help="analyse a recording and write summary.json and report.html",
        description="Analyse one interview recording (mp4, webm, mkv, mov, mpg): track faces, transcribe "
                    "speech, run every check, and write OUT/summary.json and OUT/report.html.")
    a.add_argument("recording", type=Path, help="the recording to analyse")
    a.add_argument("--out", type=Path, default=None, help="output folder (default: ./ig-out/<recording name>)")
    add_analysis_flags(a, ANALYZE_FLAGS)
    a.add_argument("--no-report", action="store_true", help="write summary.json only")
    a.add_argument("--data-dir", type=Path, default=None,
                   help="session store folder (default: IG_DATA_DIR or ~/.local/share/interview-guard)")
    a.add_argument("--no-store", action="store_true",
                   help="do not keep the session in the store (only the --out files are written)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    a.add_argument("--json", action="store_true", help="also print summary.json to stdout")


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _cmd_check_profile(args: argparse.Namespace) -> int:
    from interview_guard.profile.checks import check_profile
    from interview_guard.profile.load import load_profile

    profile = load_profile(args.profile)
    findings = check_profile(profile, args.today)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False))
        return 0
    # A JSON Resume holds what it holds; only a parsed text or PDF résumé can have missed fields.
    parsed = args.profile.suffix.lower() != ".json"
    missing = [k for k in ("name", "email", "phone", "work", "education") if parsed and k not in profile.found]
    print(f"{args.profile.name}: {len(findings)} finding(s)"
          + (f"; not found in the text: {', '.join(missing)}" if missing else ""))
    for f in findings:
        print(f"  - [{f.check}] {f.field}: {f.reason}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from interview_guard.outputs import copy_outputs, evidence_frames, write_outputs

    options, inputs = analysis_from_args(args)
    out_dir = args.out or Path("ig-out") / args.recording.stem
    _check_out_dir(out_dir)
    if args.no_store:
        from interview_guard.pipeline import analyze_recording

        if args.consent or args.candidate:
            raise UserError("--consent and --candidate keep and compare identity templates in the store: "
                            "drop --no-store")
        summary = analyze_recording(args.recording, options, progress=not args.quiet, inputs=inputs)
        written = write_outputs(summary, out_dir, report=not args.no_report, progress=not args.quiet)
    else:
        from interview_guard.config import load_config
        from interview_guard.store import open_store
        from interview_guard.store.identity import with_continuity
        from interview_guard.pipeline import analyze_into_store

        with open_store(load_config(args.data_dir)) as store:
            inputs = with_continuity(store, inputs, args.candidate, args.consent)
            summary, recorder = analyze_into_store(store, args.recording, options, progress=not args.quiet,
                                                   inputs=inputs)
            summary = recorder.complete(summary, evidence_frames(summary, progress=not args.quiet))
            written = copy_outputs(recorder.folder, out_dir, report=not args.no_report)
            kept = f"session {summary.session_id} kept in {store.config.data_dir}"
    # The verdict and the files on stdout for scripts (progress and logs stay on stderr); with --json,
    # stdout is the summary alone, so it parses, and the verdict goes to stderr.
    verdict = sys.stderr if args.json else sys.stdout
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    risk = summary.risk
    print(f"{args.recording.name}: risk {risk.level.upper()} ({len(summary.indicators)} indicators)", file=verdict)
    for ind in risk.top_reasons:
        print(f"  - [{ind.check}] {ind.reason}", file=verdict)
    if not args.no_store:
        print(kept, file=verdict)
    for path in written:
        print(f"wrote {path}", file=verdict)
    return 0


def _check_out_dir(out_dir: Path) -> None:
    """Before any work (nothing is analysed or stored for a folder that cannot be written); nothing is
    created here either, so bad input leaves no empty folder behind."""
    existing = out_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"--out {out_dir}: {existing} is a file, not a folder; choose another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UserError(f"--out {out_dir}: {existing} is not writable by this user; choose another --out")


def _cmd_demo(args: argparse.Namespace) -> int:
    from interview_guard.demo.run import demo_cases, describe, run_demo

    _check_out_dir(args.out)
    total = len(demo_cases())
    print(f"interview-guard demo: {total} recordings made from bundled GRID corpus clips (CC BY 4.0), "
          f"analysed into {args.out}/ (the first loads the models)", file=sys.stderr)
    results = []
    for number, result in enumerate(run_demo(args.out), 1):
        results.append(result)
        print(describe(result, number, total), file=sys.stderr)
    missed = [r.case.name for r in results if not r.as_expected]
    print(f"open the reports above in a browser; {total - len(missed)} of {total} came out as expected"
          + (f" (not: {', '.join(missed)})" if missed else ""), file=sys.stderr)
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from interview_guard.model_store import load_manifest, model_statuses

    statuses = model_statuses(verify=not args.no_verify)
    specs = load_manifest()
    if args.json:
        print(json.dumps([{"name": s.name, "found": s.found, "path": str(s.path) if s.path else None,
                           "source": s.source, "hash_ok": s.hash_ok, "licence": specs[s.name].licence,
                           "size": sum(f.size for f in specs[s.name].files), "problem": s.problem}
                          for s in statuses], indent=2))
    else:
        for s in statuses:
            state = "ok" if s.hash_ok else "MISSING" if not s.found else "PROBLEM"
            where = f"{s.path}  [{s.source}]" if s.path else s.problem
            size_mb = sum(f.size for f in specs[s.name].files) / 1e6
            print(f"{s.name:18} {state:8} {size_mb:7.1f} MB  {specs[s.name].licence:11} {where}")
    return 0 if all(s.hash_ok for s in statuses) else 1


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            return _run(argv)
        finally:  # also after --help's SystemExit: a reader that closed early fails here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:  # `interview-guard ... | head`: the reader had what it wanted
        _quiet_stdout()
        return 141  # as a shell reports a command ended by SIGPIPE


def _run(argv: list[str] | None) -> int:
    args = _build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        commands = {"analyze": _cmd_analyze, "models": _cmd_models, "check-profile": _cmd_check_profile,
                    "demo": _cmd_demo,
                    "live": run_live, "serve": run_serve, "sessions": run_sessions,
                    "analyze-batch": run_batch_command, "candidates": run_candidates, "verify": run_verify}
        return commands[args.command](args)
    except UserError as e:
        if args.debug:
            raise
        message = str(e)  # one line, bounded: an error must never echo a whole hostile input
        message = message if len(message) <= _MAX_ERROR_CHARS else f"{message[:_MAX_ERROR_CHARS]}... (cut)"
        print(f"interview-guard: error: {' '.join(message.splitlines())}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interview-guard: interrupted; nothing was written", file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush does not raise again (Python docs, SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
