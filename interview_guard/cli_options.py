"""The analysis flags the commands share (`analyze`, `analyze-batch`, `live`, `serve`), declared once, and the
settings and session inputs they build.

A command picks the flags it offers (`add_analysis_flags(parser, names, defaults)`) and builds what they ask
for with `analysis_from_args(args, defaults)`. Defaults live in one place, the settings a command starts from
(`AnalysisOptions()`, or a command's own such as live's): a flag that is not given leaves them as they are,
and its help reads the default from them. --candidate and --consent name the candidate as typed; the command
resolves them in the store (store.identity.with_continuity) once it has opened it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions
from interview_guard.options_limits import DEVICES

INPUTS = "inputs"  # the group name under which a flag sets a SessionInputs field


@dataclass(frozen=True)
class Flag:
    """One flag: its argparse declaration for a command's defaults, and the (group, field, value) it sets
    when given: group is an AnalysisOptions field, or INPUTS. A switch (store_true) sets when present."""

    option: str
    declare: Callable[[AnalysisOptions], dict[str, Any]]
    sets: tuple[tuple[str, str, Callable[[Any], Any]], ...] = ()

    @property
    def dest(self) -> str:
        return self.option.lstrip("-").replace("-", "_")


def time_span(text: str) -> tuple[float, float]:
    """'90-110' or '1:30-1:50' -> (90.0, 110.0)."""
    def seconds(part: str) -> float:
        value = 0.0
        for piece in part.strip().split(":"):
            value = value * 60 + float(piece)
        return value

    try:
        start, end = (seconds(p) for p in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a span like 90-110 or 1:30-1:50") from None
    if not 0 <= start < end:
        raise argparse.ArgumentTypeError(f"{text!r}: the span must start at 0 s or later and end after it starts")
    return start, end


def _off(value: Any) -> bool:
    return False


def _on(value: Any) -> bool:
    return True


def _switch(text: str) -> Callable[[AnalysisOptions], dict[str, Any]]:
    return lambda d: dict(action="store_true", help=text)


_FLAGS = (
    Flag("--fps", lambda d: dict(type=float, help=f"frames analysed per second (default {d.media.analysis_fps:g})"),
         (("media", "analysis_fps", float),)),
    Flag("--lip-sync-fps", lambda d: dict(type=float, help=f"mouth frames per second for lip-sync (default "
                                                           f"{d.lip_sync.fps:g}; lower keeps up on slow machines)"),
         (("lip_sync", "fps", float),)),
    Flag("--max-faces", lambda d: dict(type=int, help=f"most faces looked for per frame (default {d.faces.max_faces})"),
         (("faces", "max_faces", int),)),
    Flag("--language", lambda d: dict(help=f"'en' (Whisper tiny.en), 'auto' to detect it, or a code such as 'de' "
                                           f"(default {d.speech.language})"),
         (("speech", "language", str.lower),)),
    Flag("--device", lambda d: dict(choices=list(DEVICES), help=f"where speech runs: auto picks CUDA when present "
                                                               f"(default {d.speech.device})"),
         (("speech", "device", str),)),
    Flag("--beam-size", lambda d: dict(type=int, help=f"Whisper beam size (default {d.speech.beam_size}; "
                                                      f"1 is fastest)"),
         (("speech", "beam_size", int),)),
    Flag("--no-speech", _switch("ignore the audio: no transcription, no lip-sync (video-only recordings)"),
         (("speech", "enabled", _off), ("lip_sync", "enabled", _off))),
    Flag("--no-lip-sync", _switch("skip lip-sync (it analyses every frame up to 30 fps, the costliest check)"),
         (("lip_sync", "enabled", _off),)),
    Flag("--av-offset-threshold", lambda d: dict(type=float, metavar="MS", help=(
        f"audio-video offset, in milliseconds, that raises av_offset when it holds (default "
        f"{d.lip_sync.offset_threshold_s * 1000:g})")),
         (("lip_sync", "offset_threshold_s", lambda ms: ms / 1000.0),)),
    Flag("--reference", lambda d: dict(action="append", metavar="PHOTO", help=(
        "ID or résumé photo to compare the candidate with (repeatable; largest face used)")),
         ((INPUTS, "references", tuple),)),
    Flag("--match-threshold", lambda d: dict(type=float, help=(
        f"face descriptor distance under which two faces are one person (default {d.identity.match_threshold:g})")),
         (("identity", "match_threshold", float),)),
    Flag("--no-identity", _switch("skip face identity checks"), (("identity", "enabled", _off),)),
    Flag("--no-liveness", _switch("skip the liveness and deepfake signals (pulse, blinks, replays, seams, challenge)"),
         (("liveness", "enabled", _off),)),
    Flag("--no-forgery", _switch("skip the learned face-forgery detector (face_forgery; about 1 ms per crop, "
                                 "2 crops a second)"),
         (("forgery", "enabled", _off),)),
    Flag("--liveness-full-rate", _switch("give the liveness signals every frame up to 30 fps even with --no-lip-sync "
                                         "or --no-speech (the face's jitter against its head needs them; lip-sync "
                                         "decodes them anyway)"),
         (("liveness", "full_rate", _on),)),
    Flag("--challenge", lambda d: dict(action="append", type=time_span, metavar="START-END", help=(
        "a span (seconds or m:ss, e.g. 1:30-1:50) when the candidate was asked to turn the head left and right, "
        "look up and pass a hand across the face; may be repeated")),
         ((INPUTS, "challenges", tuple),)),
    Flag("--profile", lambda d: dict(type=Path, metavar="FILE", help=(
        "the candidate's JSON Resume (.json), or a .txt/.pdf résumé read as best effort: its phone, dates, e-mail "
        "and links are checked too (profile_* indicators)")),
         ((INPUTS, "profile", str),)),
    Flag("--voices", lambda d: dict(type=int, metavar="N", help=(
        f"voices that belong on the call's audio: 2 (interviewer and candidate) or 1 (the candidate alone); any "
        f"further voice raises second_voice (default {d.conversation.voices_expected})")),
         (("conversation", "voices_expected", int),)),
    Flag("--interviewer-track", lambda d: dict(metavar="N|auto|none", help=(
        f"audio track that is the interviewer's own microphone (default {d.media.interviewer_track}; auto: the "
        f"second of exactly two tracks)")),
         (("media", "interviewer_track", str.lower),)),
    Flag("--no-turns", _switch("skip turn-taking checks (answer latency, second voice)"),
         (("conversation", "enabled", _off),)),
    Flag("--candidate", lambda d: dict(default="", metavar="ID", help=(
        "a candidate already in the store (id or e-mail), when there is no profile"))),
    Flag("--consent", lambda d: dict(default="", metavar="TEXT", help=(
        "the candidate consents to an identity template being kept and compared across their sessions: who "
        "recorded it and how (needs [candidates] template_key)"))),
)
FLAGS: dict[str, Flag] = {f.dest: f for f in _FLAGS}


def add_analysis_flags(parser: argparse.ArgumentParser, names: Iterable[str],
                       defaults: AnalysisOptions = AnalysisOptions(), notes: dict[str, str] | None = None) -> None:
    """Declare these shared flags (by dest: "fps", "no_speech", ...) on the parser, in the order given; their
    help names the defaults' values. notes: a command's own words added to a flag's help."""
    for name in names:
        flag = FLAGS[name]
        kwargs = flag.declare(defaults)
        if name in (notes or {}):
            kwargs["help"] = f"{kwargs['help']} ({notes[name]})"
        parser.add_argument(flag.option, **kwargs)


def analysis_from_args(args: argparse.Namespace, defaults: AnalysisOptions = AnalysisOptions(),
                       inputs: SessionInputs = SessionInputs()) -> tuple[AnalysisOptions, SessionInputs]:
    """The settings and session inputs the given flags ask for: defaults (and inputs) changed only where a
    flag that the parser declared was given. Checked as they are made (OptionsError)."""
    changes: dict[str, dict[str, Any]] = {}
    for flag in _FLAGS:
        value = getattr(args, flag.dest, None)
        if value is None or value is False:
            continue
        for group, field, convert in flag.sets:
            changes.setdefault(group, {})[field] = convert(value)
    inputs = replace(inputs, **changes.pop(INPUTS, {}))
    settings = replace(defaults, **{group: replace(getattr(defaults, group), **fields)
                                    for group, fields in changes.items()})
    return settings, inputs
