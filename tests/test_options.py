"""Options as the command line builds them."""

from __future__ import annotations

import pytest

from interview_guard.cli import _build_parser
from interview_guard.cli_options import options_from_args


@pytest.mark.parametrize("flags, fps", [([], 30.0), (["--no-lip-sync"], 0.0),
                                        (["--no-lip-sync", "--liveness-full-rate"], 30.0),
                                        (["--no-speech", "--liveness-full-rate"], 30.0),
                                        (["--no-speech", "--liveness-full-rate", "--no-liveness"], 0.0)])
def test_full_rate_frames_come_with_lip_sync_or_when_liveness_asks(flags: list[str], fps: float) -> None:
    args = _build_parser().parse_args(["analyze", "x.mp4", *flags])
    assert options_from_args(args).full_rate_fps == fps
