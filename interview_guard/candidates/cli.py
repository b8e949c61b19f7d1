"""`interview-guard candidates list | consent | rounds | accept-round | reject-round | forget | purge | new-key`
and `interview-guard verify --candidate ID RECORDING`: the same person across rounds, from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from interview_guard.errors import UserError

if TYPE_CHECKING:
    from interview_guard.inputs import SessionInputs

# verify's exit status: what the comparison found (1 stays "some other error", 2 "bad input").
VERIFY_EXIT = {"same_person": 0, "different_person": 3, "different_voice": 3, "cannot_judge": 4}
_DATA_DIR_HELP = "store folder (default: IG_DATA_DIR or ~/.local/share/interview-guard)"


def add_candidates_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("candidates", help="candidates, their consent and identity templates",
                       description="Candidates known to the store. With a candidate's consent an encrypted "
                                   "identity template of each session is kept, and each new session is compared "
                                   "with the earlier reference rounds (candidate_continuity); a round judged "
                                   "a different person waits for a reviewer (rounds, accept-round, reject-round).")
    p.add_argument("--data-dir", type=Path, default=None, help=_DATA_DIR_HELP)
    s = p.add_subparsers(dest="candidates_command", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="candidates with their sessions, consent and template rounds")
    ls.add_argument("--json", action="store_true")
    co = s.add_parser("consent", help="record the candidate's consent to keep identity templates")
    co.add_argument("id", help="candidate id or e-mail")
    co.add_argument("--by", required=True, metavar="TEXT", help="who recorded it and how it was given")
    ro = s.add_parser("rounds", help="the candidate's template rounds: status, verdict, face distance")
    ro.add_argument("id", help="candidate id or e-mail")
    ro.add_argument("--json", action="store_true")
    for name, verb, what in (("accept-round", "accept", "make a round a reference: later sessions are compared "
                                                         "with it"),
                             ("reject-round", "reject", "reject a round as not the candidate: never compared")):
        r = s.add_parser(name, help=what, description=f"{what[0].upper()}{what[1:]}. Written to the audit log "
                                                      f"(`interview-guard sessions audit`) with --by and --note.")
        r.add_argument("id", help="candidate id or e-mail")
        r.add_argument("round", type=int, help="the round number (`candidates rounds ID` lists them)")
        r.add_argument("--by", required=True, metavar="NAME", help=f"who decides to {verb} it")
        r.add_argument("--note", default="", metavar="TEXT", help="why (e.g. photo ID checked on the call)")
        r.add_argument("--yes", action="store_true", help="do not ask")
    fo = s.add_parser("forget", help="withdraw consent: delete the candidate's identity templates")
    fo.add_argument("id", help="candidate id or e-mail")
    fo.add_argument("--yes", action="store_true", help="do not ask")
    pu = s.add_parser("purge", help="delete the candidate, all their sessions and templates")
    pu.add_argument("id", help="candidate id or e-mail")
    pu.add_argument("--yes", action="store_true", help="do not ask")
    s.add_parser("new-key", help="print a new key for [candidates] template_key in config.toml")

    v = sub.add_parser("verify", help="is the person in a recording the candidate of the earlier rounds?",
                       description="Compare a recording (a later round, an onboarding call) with the candidate's "
                                   "reference rounds (face, and voice when there is speech). The session is "
                                   "kept in the store like any other; its template is kept as a verification, "
                                   "never a reference unless a reviewer accepts it (candidates accept-round). "
                                   "Exit 0: same person; 3: a different person or voice; 4: cannot judge (no "
                                   "usable face or speech); 2: bad input.")
    v.add_argument("recording", type=Path)
    v.add_argument("--candidate", required=True, metavar="ID", help="candidate id or e-mail")
    v.add_argument("--data-dir", type=Path, default=None, help=_DATA_DIR_HELP)
    v.add_argument("--fps", type=float, default=5.0, help="frames analysed per second (default 5)")
    v.add_argument("--json", action="store_true", help="print the candidate_continuity result as JSON")
    v.add_argument("--quiet", action="store_true", help="no progress bar")


def run_candidates(args: argparse.Namespace) -> int:
    from interview_guard.config import load_config
    from interview_guard.store import open_store

    if args.candidates_command == "new-key":
        from interview_guard.candidates.cipher import new_key

        print(f'[candidates]\ntemplate_key = "{new_key()}"')
        print("# put these lines in config.toml in the data folder; keep the key safe: without it the "
              "templates cannot be read", file=sys.stderr)
        return 0
    with open_store(load_config(args.data_dir)) as store:
        return {"list": _list, "consent": _consent, "rounds": _rounds, "accept-round": _review,
                "reject-round": _review, "forget": _forget, "purge": _purge}[args.candidates_command](store, args)


def _list(store, args: argparse.Namespace) -> int:
    from interview_guard.store.identity import list_candidates

    found = list_candidates(store)
    if args.json:
        print(json.dumps([c.to_dict() for c in found], indent=2, ensure_ascii=False))
        return 0
    for c in found:
        consent = f"consent {c.consent_at:%Y-%m-%d} ({c.consent_by})" if c.consent_at else "no consent"
        print(f"{c.id}  {c.name or '-':24} {c.email or '-':28} {c.sessions:3} session(s)  "
              f"{c.rounds} template round(s), {c.references} reference  {consent}")
    if not found:
        print("no candidates (a candidate is made by analysing with --profile)", file=sys.stderr)
    return 0


def _consent(store, args: argparse.Namespace) -> int:
    from interview_guard.store.identity import get_candidate, template_cipher

    template_cipher(store)  # a key is needed before anything is kept: say so now, not after the next session
    candidate = get_candidate(store, args.id)
    store.record_consent(candidate.id, args.by)
    print(f"consent recorded for {candidate.name or candidate.id}: identity templates are kept from the next session")
    return 0


def _rounds(store, args: argparse.Namespace) -> int:
    from interview_guard.store.identity import get_candidate, list_rounds

    candidate = get_candidate(store, args.id)
    rounds = list_rounds(store, candidate.id)
    if args.json:
        print(json.dumps([r.to_dict() for r in rounds], indent=2, ensure_ascii=False))
        return 0
    for r in rounds:
        distance = "-" if r.face_distance is None else f"{r.face_distance:.2f}"
        print(f"round {r.round:<3} {r.created:%Y-%m-%d}  {r.status:12} {(r.verdict or '-').replace('_', ' '):16} "
              f"face distance {distance:5}  {r.session_id}  {r.source}")
    if not rounds:
        print(f"no template rounds for {candidate.name or candidate.id}", file=sys.stderr)
    elif any(r.status in ("pending", "verification") for r in rounds):
        print(f"only reference rounds are compared; `interview-guard candidates accept-round {candidate.id} N "
              f"--by NAME` or `reject-round` decides a pending one", file=sys.stderr)
    return 0


def _review(store, args: argparse.Namespace) -> int:
    from interview_guard.store.cli import confirm
    from interview_guard.store.identity import get_candidate, review_round

    candidate, accept = get_candidate(store, args.id), args.candidates_command == "accept-round"
    who = candidate.name or candidate.id
    change = (f"make round {args.round} of {who} a reference (later sessions are compared with it)" if accept
              else f"reject round {args.round} of {who} (never compared again)")
    if not args.yes and not confirm(f"{change}? [y/N] ", f"candidates {args.candidates_command}"):
        return 1
    record = review_round(store, candidate.id, args.round, accept, actor=args.by, note=args.note)
    print(f"round {record.round} of {who} is now {record.status}; written to the audit log")
    return 0


def _forget(store, args: argparse.Namespace) -> int:
    from interview_guard.store.cli import confirm
    from interview_guard.store.identity import forget, get_candidate

    candidate = get_candidate(store, args.id)
    if not args.yes and not confirm(f"delete the {candidate.rounds} identity template round(s) of "
                                    f"{candidate.name or candidate.id}? [y/N] ", "candidates forget"):
        return 1
    count = forget(store, candidate.id, actor="candidates forget")
    print(f"{count} identity template round(s) deleted; consent withdrawn")
    return 0


def _purge(store, args: argparse.Namespace) -> int:
    from interview_guard.store.cli import confirm
    from interview_guard.store.identity import get_candidate, purge_candidate

    candidate = get_candidate(store, args.id)
    if not args.yes and not confirm(f"delete {candidate.name or candidate.id}, their {candidate.sessions} "
                                    f"session(s) and {candidate.rounds} template round(s)? [y/N] ", "candidates purge"):
        return 1
    result = purge_candidate(store, candidate.id, actor="candidates purge")
    print(f"deleted the candidate, {result.sessions} session(s), {result.files} file(s) and their templates")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from interview_guard.candidates.compare import as_verification
    from interview_guard.config import load_config
    from interview_guard.options import AnalysisOptions, ConversationOptions, LipSyncOptions, LivenessOptions
    from interview_guard.options import MediaOptions, SpeechOptions
    from interview_guard.outputs import evidence_frames
    from interview_guard.store import open_store
    from interview_guard.store.identity import continuity_inputs, get_candidate
    from interview_guard.pipeline import analyze_into_store

    with open_store(load_config(args.data_dir)) as store:
        candidate = get_candidate(store, args.candidate)
        inputs = continuity_inputs(store, candidate.id)
        _check_verifiable(candidate.name or candidate.id, candidate.id, inputs)
        # Only what identity needs: faces, descriptors, voice pieces (no transcription, lip-sync or liveness).
        options = AnalysisOptions(media=MediaOptions(analysis_fps=args.fps), speech=SpeechOptions(enabled=False),
                                  lip_sync=LipSyncOptions(enabled=False), liveness=LivenessOptions(enabled=False),
                                  conversation=ConversationOptions(enabled=False))
        summary, recorder = analyze_into_store(store, args.recording, options, progress=not args.quiet,
                                               full_analysis=False, inputs=inputs)
        assert summary.candidate_continuity is not None
        # A verification is kept as a record of the check, never as a reference the next session is held to.
        summary = replace(summary, candidate_continuity=as_verification(summary.candidate_continuity))
        summary = recorder.complete(summary, evidence_frames(summary, progress=not args.quiet))
    report = summary.candidate_continuity
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    print(f"{args.recording.name} vs {candidate.name or candidate.id}: {report.status.replace('_', ' ')}. "
          f"{report.reason} {report.kept()}".rstrip(), file=sys.stderr)
    return VERIFY_EXIT.get(report.status, 4)


def _check_verifiable(who: str, candidate_id: str, continuity: SessionInputs) -> None:
    """verify needs consent and at least one reference round; say which is missing and what to do."""
    if not continuity.consent:
        problem, fix = "no consent recorded", "analyse a session with --consent first"
    elif not continuity.rounds:
        problem, fix = "no round kept yet", "analyse a session with --consent first"
    elif not any(r.is_reference for r in continuity.rounds):
        problem = f"none of its {len(continuity.rounds)} round(s) is a reference"
        fix = (f"`interview-guard candidates rounds {candidate_id}` lists them, `candidates accept-round "
               f"{candidate_id} N --by NAME` makes one a reference")
    else:
        return
    raise UserError(f"candidate {who} has no identity template to verify against ({problem}); {fix}")
