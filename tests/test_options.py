"""Settings and session inputs as the command line builds them, for every command, with one builder."""

from __future__ import annotations

import argparse

import pytest

from interview_guard.batch.cli import BATCH_FLAGS, batch_defaults
from interview_guard.cli import ANALYZE_FLAGS, _build_parser
from interview_guard.cli_options import FLAGS, add_analysis_flags, analysis_from_args
from interview_guard.errors import OptionsError
from interview_guard.inputs import SessionInputs
from interview_guard.live.cli import LIVE_FLAGS, live_defaults, live_settings
from interview_guard.options import AnalysisOptions, MediaOptions


def _parse(*argv: str) -> argparse.Namespace:
    return _build_parser().parse_args(list(argv))


@pytest.mark.parametrize("flags, fps", [([], 30.0), (["--no-lip-sync"], 0.0),
                                        (["--no-lip-sync", "--liveness-full-rate"], 30.0),
                                        (["--no-speech", "--liveness-full-rate"], 30.0),
                                        (["--no-speech", "--liveness-full-rate", "--no-liveness"], 0.0)])
def test_full_rate_frames_come_with_lip_sync_or_when_liveness_asks(flags: list[str], fps: float) -> None:
    settings, _ = analysis_from_args(_parse("analyze", "x.mp4", *flags))
    assert settings.full_rate_fps == fps


def test_no_flag_leaves_every_command_with_its_defaults() -> None:
    assert analysis_from_args(_parse("analyze", "x.mp4")) == (AnalysisOptions(), SessionInputs())
    assert analysis_from_args(_parse("analyze-batch", "x.mp4"), batch_defaults()) == (batch_defaults(), SessionInputs())
    for command in ("live", "serve"):
        args = _parse(command)
        args.source = getattr(args, "source", None)
        assert live_settings(args) == (live_defaults(), SessionInputs())


def test_help_names_the_defaults_of_the_command() -> None:
    parser = argparse.ArgumentParser()
    add_analysis_flags(parser, ("fps", "av_offset_threshold"), AnalysisOptions(media=MediaOptions(analysis_fps=7.5)))
    text = parser.format_help()
    assert "(default 7.5)" in text and "(default 200)" in text
    live = argparse.ArgumentParser()
    add_analysis_flags(live, LIVE_FLAGS, live_defaults())
    assert "(default 5)" in live.format_help() and "(default 15;" in live.format_help()


def test_the_flags_set_settings_and_the_session_inputs_apart() -> None:
    settings, inputs = analysis_from_args(_parse(
        "analyze", "x.mp4", "--fps", "4", "--language", "DE", "--no-speech", "--av-offset-threshold", "300",
        "--reference", "a.jpg", "--reference", "b.jpg", "--challenge", "1:30-1:50", "--profile", "cv.json",
        "--voices", "1", "--interviewer-track", "NONE", "--no-turns", "--match-threshold", "0.5"))
    assert settings.media.analysis_fps == 4.0 and settings.media.interviewer_track == "none"
    assert settings.speech.language == "de" and not settings.speech.enabled and not settings.lip_sync.enabled
    assert settings.lip_sync.offset_threshold_s == pytest.approx(0.3) and settings.identity.match_threshold == 0.5
    assert settings.conversation.voices_expected == 1 and not settings.conversation.enabled
    assert inputs == SessionInputs(references=("a.jpg", "b.jpg"), profile="cv.json", challenges=((90.0, 110.0),))


def test_a_camera_source_turns_speech_and_lip_sync_off_in_live() -> None:
    settings, _ = live_settings(_parse("live", "--source", "v4l2:/dev/video0", "--fps", "3"))
    assert not settings.speech.enabled and not settings.lip_sync.enabled and settings.media.analysis_fps == 3.0
    assert settings.liveness.challenge_on_request and settings.speech.window_s == 6.0


def test_batch_offers_only_settings_and_builds_without_filling_in_the_rest() -> None:
    args = _parse("analyze-batch", "calls/", "--no-identity", "--voices", "1")
    assert not hasattr(args, "reference") and not hasattr(args, "challenge")
    settings, inputs = analysis_from_args(args, batch_defaults())
    assert not settings.identity.enabled and settings.conversation.voices_expected == 1
    assert settings.speech.gpu_model == "whisper-base" and inputs == SessionInputs()


def test_every_command_declares_only_shared_flags_and_each_is_known() -> None:
    for names in (ANALYZE_FLAGS, LIVE_FLAGS, BATCH_FLAGS):
        assert set(names) <= set(FLAGS)


@pytest.mark.parametrize("argv", [["analyze", "x.mp4", "--fps", "0"], ["analyze", "x.mp4", "--voices", "9"]])
def test_a_flag_outside_its_range_is_refused_before_work(argv: list[str]) -> None:
    with pytest.raises(OptionsError):
        analysis_from_args(_parse(*argv))


def test_a_challenge_window_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(OptionsError, match="challenge window"):
        SessionInputs(challenges=((10.0, 5.0),))
