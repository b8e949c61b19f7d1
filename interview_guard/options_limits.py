"""The limits every setting must keep, checked as AnalysisOptions is made, before work starts: one line
for each, saying which setting, its range and what it got."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interview_guard.errors import OptionsError

if TYPE_CHECKING:
    from interview_guard.options import (AnalysisOptions, ConversationOptions, LipSyncOptions, LivenessOptions,
                                         SpeechOptions)

DEVICES = ("auto", "cpu", "cuda")
ON_OTHER_LANGUAGE = ("switch", "mark")  # SpeechOptions.on_other_language
SECOND_LOOK_DETECTORS = ("haar", "hog")


def _verify_language_check(s: SpeechOptions) -> None:
    _require(s.on_other_language in ON_OTHER_LANGUAGE,
             f"on_other_language must be one of {list(ON_OTHER_LANGUAGE)} (got {s.on_other_language!r})")
    _require(0.05 <= s.min_expected_probability <= 0.95,
             f"min_expected_probability must be in [0.05, 0.95] (got {s.min_expected_probability})")
    _require(10.0 <= s.language_recheck_s <= 3600.0,
             f"language_recheck_s must be in [10, 3600] s (got {s.language_recheck_s})")
    _require(0.0 <= s.doubtful_word_probability <= 1.0,
             f"doubtful_word_probability must be in [0, 1] (got {s.doubtful_word_probability})")
    _require(0.0 <= s.min_check_speech_s <= 30.0,
             f"min_check_speech_s must be in [0, 30] s (got {s.min_check_speech_s})")


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise OptionsError(message)


def verify(o: AnalysisOptions) -> None:
    _require(0.5 <= o.media.analysis_fps <= 60, f"analysis fps must be in [0.5, 60] (got {o.media.analysis_fps})")
    _require(64 <= o.media.max_side <= 4096, f"max side must be in [64, 4096] pixels (got {o.media.max_side})")
    _require(1 <= o.faces.max_faces <= 16, f"max faces must be in [1, 16] (got {o.faces.max_faces})")
    _require(o.faces.second_look_detector in SECOND_LOOK_DETECTORS,
             f"second_look_detector must be one of {list(SECOND_LOOK_DETECTORS)} (got {o.faces.second_look_detector!r})")
    _require(all(-90 <= a <= 90 and a for a in o.faces.second_look_turns),
             f"second_look_turns must be non-zero angles in [-90, 90] degrees (got {o.faces.second_look_turns})")
    _require(0.05 <= o.faces.second_look_interval_s <= 10.0,
             f"second_look_interval_s must be in [0.05, 10] s (got {o.faces.second_look_interval_s})")
    _require(o.speech.device in DEVICES, f"device must be one of {list(DEVICES)} (got {o.speech.device!r})")
    _require(1 <= o.speech.beam_size <= 10, f"beam size must be in [1, 10] (got {o.speech.beam_size})")
    _require(5.0 <= o.speech.window_s <= 30.0, f"speech window must be in [5, 30] s (got {o.speech.window_s})")
    lang = o.speech.language
    _require(lang == "auto" or (lang.isalpha() and 2 <= len(lang) <= 3),
             f"language must be 'auto' or a code such as 'en' (got {lang!r})")
    _verify_language_check(o.speech)
    _require(0.1 <= o.forgery.per_second <= 30, f"forgery crops per second must be in [0.1, 30] (got {o.forgery.per_second})")
    _require(16 <= o.forgery.min_face_px <= 1024,
             f"forgery min face size must be in [16, 1024] px (got {o.forgery.min_face_px})")
    for name in ("no_face_min_s", "partly_out_min_s", "several_faces_min_s", "speech_without_face_min_s"):
        value = getattr(o.checks, name)
        _require(0.1 <= value <= 600, f"{name} must be in [0.1, 600] s (got {value})")
    i = o.identity
    _require(0.2 <= i.match_threshold <= 1.2, f"match threshold must be in [0.2, 1.2] (got {i.match_threshold})")
    _require(0.1 <= i.embed_interval_s <= 10, f"embed interval must be in [0.1, 10] s (got {i.embed_interval_s})")
    _require(16 <= i.min_face_px <= i.full_confidence_px <= 1024,
             f"identity face sizes need 16 <= min_face_px <= full_confidence_px <= 1024 "
             f"(got {i.min_face_px}/{i.full_confidence_px})")
    _require(0 < i.weak_face_confidence <= 1,
             f"weak_face_confidence must be in (0, 1] (got {i.weak_face_confidence})")
    _require(0 <= i.min_dark_brightness <= i.brightness[0],
             f"min_dark_brightness must be in [0, brightness low {i.brightness[0]}] (got {i.min_dark_brightness})")
    _require(1 <= i.enrol_samples <= 50 and 1 <= i.change_samples <= 20,
             f"enrol/change samples must be in [1, 50]/[1, 20] (got {i.enrol_samples}/{i.change_samples})")
    _verify_lip_sync(o.lip_sync)
    _verify_liveness(o.liveness)
    _verify_conversation(o.conversation)
    c = o.continuity
    _require(0.2 <= c.face_uncertain_from <= c.face_threshold <= 1.2,
             f"continuity face thresholds need 0.2 <= uncertain from <= threshold <= 1.2 "
             f"(got {c.face_uncertain_from}/{c.face_threshold})")
    _require(0 < c.different_voice <= c.same_voice < 1,
             f"continuity voice similarities need 0 < different <= same < 1 (got {c.different_voice}/{c.same_voice})")
    track = o.media.interviewer_track
    _require(track in ("auto", "none") or (track.isdigit() and int(track) >= 1),
             f"interviewer track must be 'auto', 'none' or a track number from 1 (got {track!r})")
    _require(0 < o.checks.partly_out_fraction < 1,
             f"partly_out_fraction must be in (0, 1) (got {o.checks.partly_out_fraction})")


def _verify_conversation(c: ConversationOptions) -> None:
    _require(1 <= c.voices_expected <= 4, f"expected voices must be in [1, 4] (got {c.voices_expected})")
    _require(0 < c.distinct_voice <= c.same_voice < 1,
             f"voice similarities need 0 < distinct <= same < 1 (got {c.distinct_voice}/{c.same_voice})")
    _require(0.5 <= c.second_voice_min_s <= 60, f"second-voice span must be in [0.5, 60] s (got {c.second_voice_min_s})")
    _require(0.5 <= c.long_latency_s <= 60 and 1 <= c.latency_factor <= 20,
             f"latency needs 0.5 <= long latency <= 60 s and 1 <= factor <= 20 "
             f"(got {c.long_latency_s}/{c.latency_factor})")
    _require(3 <= c.read_min_words <= 200 and 1 <= c.read_min_s <= 120 and 3 <= c.read_min_answers <= 50,
             f"read-aloud answers need 3 <= min words <= 200, 1 <= min length <= 120 s, 3 <= min answers <= 50 "
             f"(got {c.read_min_words}/{c.read_min_s}/{c.read_min_answers})")
    _require(c.spontaneous_disfluency > 0 and c.spontaneous_hesitation > 0,
             f"spontaneous baselines must be above 0 per 100 words "
             f"(got {c.spontaneous_disfluency}/{c.spontaneous_hesitation})")
    _require(0 <= c.read_disfluency_share < 1 and 0 <= c.read_hesitation_share < 1,
             f"read-aloud shares of the baseline must be in [0, 1) "
             f"(got {c.read_disfluency_share}/{c.read_hesitation_share})")
    _require(0.1 <= c.pause_s <= 2, f"pause length must be in [0.1, 2] s (got {c.pause_s})")


def _verify_lip_sync(ls: LipSyncOptions) -> None:
    _require(5 <= ls.fps <= 60, f"lip-sync fps must be in [5, 60] (got {ls.fps})")
    _require(0.1 <= ls.max_lag_s <= 3, f"lip-sync max lag must be in [0.1, 3] s (got {ls.max_lag_s})")
    _require(1 <= ls.min_window_s <= ls.window_s <= 30 and 0.1 <= ls.hop_s <= ls.window_s,
             f"lip-sync windows need 1 <= min window <= window <= 30 s and 0.1 <= hop <= window "
             f"(got {ls.min_window_s}/{ls.window_s}/{ls.hop_s})")
    _require(0.02 <= ls.offset_threshold_s <= ls.max_lag_s,
             f"lip-sync offset threshold must be in [0.02 s, max lag] (got {ls.offset_threshold_s})")
    _require(-1 < ls.low_sync_peak < 1, f"low-sync peak must be in (-1, 1) (got {ls.low_sync_peak})")
    _require(1 <= ls.sustain_windows <= 100, f"sustain windows must be in [1, 100] (got {ls.sustain_windows})")
    _require(0 <= ls.viseme_tolerance_s <= 0.5, f"viseme tolerance must be in [0, 0.5] s (got {ls.viseme_tolerance_s})")
    _require(0 < ls.viseme_closed_ratio < 1, f"viseme closed ratio must be in (0, 1) (got {ls.viseme_closed_ratio})")
    _require(1 <= ls.viseme_min_bilabials <= 10000 and 0 < ls.viseme_miss_share <= 1,
             f"viseme_mismatch needs min bilabials >= 1 and a miss share in (0, 1] "
             f"(got {ls.viseme_min_bilabials}/{ls.viseme_miss_share})")


def _verify_liveness(lv: LivenessOptions) -> None:
    _require(4 <= lv.pulse_window_s <= 60 and 0.5 <= lv.pulse_hop_s <= lv.pulse_window_s,
             f"pulse windows need 4 <= window <= 60 s and 0.5 <= hop <= window "
             f"(got {lv.pulse_window_s}/{lv.pulse_hop_s})")
    _require(3 <= lv.pulse_mismatch_bpm <= 60, f"pulse mismatch must be in [3, 60] bpm (got {lv.pulse_mismatch_bpm})")
    _require(5 <= lv.no_blink_s <= 600, f"no-blink span must be in [5, 600] s (got {lv.no_blink_s})")
    _require(0.2 <= lv.frozen_min_s <= 60, f"frozen span must be in [0.2, 60] s (got {lv.frozen_min_s})")
    _require(0.5 <= lv.loop_min_s <= lv.loop_min_lag_s <= lv.loop_history_s <= 7200,
             f"loops need 0.5 <= min length <= min lag <= history <= 7200 s "
             f"(got {lv.loop_min_s}/{lv.loop_min_lag_s}/{lv.loop_history_s})")
    _require(3 <= lv.still_window_s <= 120, f"still-image window must be in [3, 120] s (got {lv.still_window_s})")
    _require(10 <= lv.challenge_yaw <= 80 and 5 <= lv.challenge_pitch <= 60,
             f"challenge angles must be yaw in [10, 80], pitch in [5, 60] degrees "
             f"(got {lv.challenge_yaw}/{lv.challenge_pitch})")
