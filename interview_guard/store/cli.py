"""`interview-guard sessions list | show | export | purge | audit`: the store from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from interview_guard.errors import UserError

def add_sessions_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sessions", help="list, show, export and purge stored sessions",
                       description="The sessions kept in the store (analyze and live write them there).")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="store folder (default: IG_DATA_DIR or ~/.local/share/interview-guard)")
    s = p.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="sessions, newest first")
    ls.add_argument("--search", default="", help="text in the source, candidate name or id")
    ls.add_argument("--risk", default="", choices=["", "clear", "review", "high", "unknown"])
    ls.add_argument("--check", default="", help="only sessions with an indicator of this check")
    ls.add_argument("--status", default="", choices=["", "running", "complete", "incomplete", "failed"])
    ls.add_argument("--since", type=_date, default=None, metavar="YYYY-MM-DD", help="started on or after this day")
    ls.add_argument("--sort", default="started", choices=["started", "risk", "source", "status"])
    ls.add_argument("--limit", type=int, default=100)
    fmt = ls.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="a JSON array (id, source, started, risk_level, ...)")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    sh = s.add_parser("show", help="one session: its risk, indicators with reasons, decisions")
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true")
    ex = s.add_parser("export", help="a session's summary JSON (schema in docs/how-it-works.md), with its review")
    ex.add_argument("id")
    ex.add_argument("--out", type=Path, default=None, help="write to this file instead of stdout")
    pu = s.add_parser("purge", help="delete sessions with their rows and files",
                      description="Delete sessions: their database rows, evidence and files, and candidate "
                                  "records left with no session. Asks first unless --yes.")
    pu.add_argument("ids", nargs="*", help="session ids")
    pu.add_argument("--older-than", type=int, default=None, metavar="DAYS", help="every session older than this")
    pu.add_argument("--expired", action="store_true", help="every session older than the configured retention")
    pu.add_argument("--yes", action="store_true", help="do not ask")
    pu.add_argument("--json", action="store_true")
    au = s.add_parser("audit", help="the audit log (newest first)")
    au.add_argument("id", nargs="?", default=None, help="only this session's entries")
    au.add_argument("--json", action="store_true")


def run_sessions(args: argparse.Namespace) -> int:
    from interview_guard.config import load_config
    from interview_guard.store import open_store

    with open_store(load_config(args.data_dir)) as store:
        return {"list": _list, "show": _show, "export": _export, "purge": _purge,
                "audit": _audit}[args.sessions_command](store, args)


def _list(store, args: argparse.Namespace) -> int:
    from interview_guard.store import SessionQuery
    from interview_guard.store.records import sessions_csv

    try:
        query = SessionQuery(text=args.search, risk_level=args.risk, check=args.check, status=args.status,
                             since=args.since, sort=args.sort, limit=args.limit)
    except ValueError as e:
        raise UserError(str(e)) from None
    records = [r.to_dict() for r in store.list_sessions(query)]
    if args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write(sessions_csv(records))
    elif not records:
        print(f"no sessions in {store.config.data_dir}", file=sys.stderr)
    else:
        for r in records:
            decision = r["decision"]["decision"] if r["decision"] else ""
            print(f"{r['id']}  {r['started']}  {r['status']:10} {r['risk_level']:7} {r['indicator_count']:3} "
                  f"indicator(s)  {r['source']}" + (f"  [{decision}]" if decision else ""))
    return 0


def _show(store, args: argparse.Namespace) -> int:
    detail = store.session_detail(args.id)
    if args.json:
        print(json.dumps(detail, indent=2, ensure_ascii=False))
        return 0
    s = detail["session"]
    print(f"session {s['id']}: {s['source']} ({s['kind']}), started {s['started']}, {s['status']}")
    print(f"risk {s['risk_level'].upper()} ({s['indicator_count']} indicators)"
          + (f"; candidate {s['candidate']}" if s["candidate"] else ""))
    for w in detail["warnings"]:
        print(f"  ! {w}")
    for i in detail["indicators"]:
        print(f"  {_clock(i['start'])}-{_clock(i['end'])} [{i['check']}, {i['level']}] {i['reason']}")
    for d in detail["decisions"]:
        print(f"  decision {d['created']}: {d['decision']} by {d['reviewer'] or 'reviewer'}: {d['note']}")
    return 0


def _export(store, args: argparse.Namespace) -> int:
    text = json.dumps(store.export(args.id), indent=2, ensure_ascii=False)
    store.audit("cli", "export", args.id, str(args.out or "stdout"))
    if args.out:
        try:
            args.out.write_text(text + "\n", encoding="utf-8")
        except OSError as e:
            raise UserError(f"--out {args.out}: cannot write ({e.strerror})") from e
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


def _purge(store, args: argparse.Namespace) -> int:
    chosen = [args.older_than is not None, args.expired, bool(args.ids)]
    if sum(chosen) != 1:
        raise UserError("purge needs exactly one of: session ids, --older-than DAYS, --expired")
    if args.older_than is not None and args.older_than < 0:
        raise UserError("--older-than must be 0 days or more")
    if args.expired and not store.config.retention_days:
        raise UserError("retention_days is 0 in the config (keep forever): nothing is expired")
    days = args.older_than if args.older_than is not None else store.config.retention_days
    ids = list(dict.fromkeys(args.ids)) or store.expired(days)
    for sid in args.ids:
        store.get_session(sid)  # an unknown id fails before anything is deleted
    if ids and not args.yes and not confirm(f"delete {len(ids)} session(s) and their files? [y/N] "):
        print("nothing deleted", file=sys.stderr)
        return 1
    result = store.purge(ids, actor="cli") if ids else None
    report = {"sessions": result.sessions if result else 0, "files": result.files if result else 0,
              "candidates": result.candidates if result else 0, "ids": ids}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"purged {report['sessions']} session(s), {report['files']} file(s), "
              f"{report['candidates']} candidate record(s)", file=sys.stderr)
    return 0


def _audit(store, args: argparse.Namespace) -> int:
    entries = [e.to_dict() for e in store.audit_log(args.id)]
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
    else:
        for e in entries:
            print(f"{e['at']}  {e['actor']:12} {e['action']:18} {e['session_id'] or '-':28} {e['detail']}")
    return 0


def confirm(prompt: str, action: str = "purge") -> bool:
    """Ask on the terminal; without one, refuse and say to add --yes."""
    if not sys.stdin.isatty():
        raise UserError(f"{action} asks for confirmation and there is no terminal to ask on: add --yes")
    return input(prompt).strip().lower() in ("y", "yes")


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-23") from None


def _clock(t: float) -> str:
    return f"{int(t // 60)}:{t % 60:04.1f}"
