"""The analysis options the command line's flags ask for, shared by `analyze` and `analyze-batch`."""

from __future__ import annotations

import argparse

from interview_guard.options import (AnalysisOptions, ConversationOptions, FaceOptions, ForgeryOptions,
                                     IdentityOptions, LipSyncOptions, LivenessOptions, MediaOptions, SpeechOptions)


def options_from_args(args: argparse.Namespace) -> AnalysisOptions:
    return AnalysisOptions(
        media=MediaOptions(analysis_fps=args.fps, interviewer_track=args.interviewer_track.lower()),
        faces=FaceOptions(max_faces=args.max_faces),
        speech=SpeechOptions(enabled=not args.no_speech, language=args.language.lower(), device=args.device,
                             beam_size=args.beam_size),
        identity=IdentityOptions(enabled=not args.no_identity, references=tuple(args.reference),
                                 match_threshold=args.match_threshold),
        lip_sync=LipSyncOptions(enabled=not (args.no_speech or args.no_lip_sync),
                                offset_threshold_s=args.av_offset_threshold / 1000.0),
        liveness=LivenessOptions(enabled=not args.no_liveness, challenges=tuple(args.challenge),
                                 full_rate=args.liveness_full_rate),
        forgery=ForgeryOptions(enabled=not args.no_forgery),
        conversation=ConversationOptions(enabled=not args.no_turns, voices_expected=args.voices),
        profile=str(args.profile) if args.profile else "")
