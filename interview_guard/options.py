"""Every threshold and setting of an analysis run, checked before work starts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interview_guard.options_limits import verify

if TYPE_CHECKING:
    from interview_guard.inputs import SessionInputs

FULL_RATE_FPS = 30.0  # the most frames per second any full-rate check looks at


@dataclass(frozen=True)
class MediaOptions:
    """How a recording is decoded.

    analysis_fps: frames per second handed to the face stage; the others are
        decoded (the codec needs them) but never converted to pixels.
    max_side: analysed frames are scaled down so their longer side is at most
        this many pixels; face boxes are still reported in source pixels.
    interviewer_track: which audio track is the interviewer's own microphone (a number, 1 = the
        first), "none", or "auto": the second track of a recording that has exactly two. The
        first track is always the call's audio, transcribed and lip-synced.
    """

    analysis_fps: float = 10.0
    max_side: int = 640
    interviewer_track: str = "auto"


@dataclass(frozen=True)
class FaceOptions:
    """MediaPipe Face Landmarker settings and the tracker's matching rules.

    max_faces: most faces looked for in one frame.
    min_detection_confidence / min_presence_confidence: MediaPipe's thresholds.
    track_max_gap_s: a face that comes back within this many seconds near
        where it left keeps its track id.
    second_look: when the landmarker finds no face in a picture that is not blank, look again
        (faces/second_look.py): the landmarker on an enlarged, contrast-normalised crop at the last face's box,
        else a full-frame face detector and the landmarker on a crop around each of its boxes. Finds small, far
        and dim faces (a seated person in a 1080p frame); costs nothing on frames where the first look finds one.
    second_look_detector: the full-frame detector: "haar" (OpenCV's frontal cascade on a CLAHE-normalised grey
        frame; chosen by bench/eval_faces.py: best recall on small dim faces at ~60 ms a 640 px frame), or "hog"
        (dlib's HOG, which misses faces under 80 px).
    second_look_interval_s: the full-frame detector runs at most once per this many seconds of video; the interval
        doubles (up to 4x) while it keeps finding nothing, so a faceless picture costs little.
    second_look_turns: degrees the full-frame detector also turns the picture by when it finds no upright face
        (a frontal cascade misses heads rolled past about 15 degrees), and a tracked face rolled past 15 degrees is
        cropped turned upright; () looks upright only. Each turn is one more
        detector pass on those searches (bench/eval_faces.py --only turned,faceless).
    """

    max_faces: int = 4
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    track_max_gap_s: float = 1.5
    second_look: bool = True
    second_look_detector: str = "haar"
    second_look_interval_s: float = 0.3
    second_look_turns: tuple[float, ...] = (-25.0, 25.0)


@dataclass(frozen=True)
class SpeechOptions:
    """faster-whisper settings.

    language: "en" uses Whisper tiny.en; "auto" detects the language with the
        multilingual base model; any other code forces it on the base model.
    device: "auto" picks CUDA when CTranslate2 sees a GPU, else CPU int8.
    window_s: longest audio window transcribed at once (Whisper sees 30 s);
        windows are cut at the quietest moment near their end.
    cpu_threads: CTranslate2 threads on CPU; 0 means half the cores, leaving
        the rest to decoding and faces.
    keep_fillers: with the English model, prompt Whisper with a hesitant sentence so that it writes
        the "um"s and "uh"s it otherwise drops (the read_aloud check counts them). Measured: fillers
        kept on spontaneous speech, none added to read speech (only punctuation changes). Other
        languages get no prompt (an English prompt would pull the multilingual model towards English).
    gpu_model: a larger model to use instead when speech runs on a GPU and that model is installed
        ("" keeps the usual one); batch workers set "whisper-base". The summary's transcript says which ran.
    check_language: with a forced language (not "auto"), check the spoken language with the multilingual
        model's language identification (speech/language.py): an English-only model writes invented English
        for any other speech. About 0.6 s of one CPU core per check (measured; docs/how-it-works.md).
    on_other_language: what to do when the speech is not in `language`: "switch" transcribes the rest of the
        session with the multilingual model (its words are the real ones, in that language); "mark" keeps
        the forced model's words, marked untrusted and judged by no check.
    min_expected_probability: the forced language counts as spoken when Whisper gives it at least this
        probability (or ranks it first).
    language_recheck_s: while the forced language is heard, check again after this many session seconds.
    doubtful_word_probability: a window whose words the forced model gives a mean probability under this is
        checked again at once (invented words score low: 0.35-0.55 on German, Spanish, Mandarin; English
        0.67-0.92 here).
    min_check_speech_s: a check on less speech than this is confirmed on the next window with speech.
    align_phones: time every phone of trusted English segments by forced alignment (speech/phones.py,
        PocketSphinx; about 0.04 s per second of speech) for the lip-sync phone checks.
    """

    enabled: bool = True
    language: str = "en"
    device: str = "auto"
    beam_size: int = 1
    window_s: float = 28.0
    cpu_threads: int = 0
    keep_fillers: bool = True
    gpu_model: str = ""
    check_language: bool = True
    on_other_language: str = "switch"
    min_expected_probability: float = 0.5
    language_recheck_s: float = 300.0
    doubtful_word_probability: float = 0.6
    min_check_speech_s: float = 2.0
    align_phones: bool = True

    @property
    def model_name(self) -> str:
        return "whisper-tiny.en" if self.language == "en" else "whisper-base"


@dataclass(frozen=True)
class CheckOptions:
    """Thresholds of the first-issue analyzers (seconds unless named otherwise).

    no_face_min_s: no face at all for at least this long raises `no_face`.
    partly_out_fraction: share of a face's landmarks outside the frame that
        counts as partly out; `face_partly_out` needs partly_out_min_s of it.
    several_faces_min_s: two or more faces in view this long raise `several_faces`.
    speech_without_face_min_s: this much speech with no face raises `speech_without_face`.
    """

    no_face_min_s: float = 2.0
    partly_out_fraction: float = 0.15
    partly_out_min_s: float = 2.0
    several_faces_min_s: float = 1.0
    speech_without_face_min_s: float = 1.0


@dataclass(frozen=True)
class IdentityOptions:
    """Face identity (dlib 128-d descriptors) and its checks.

    match_threshold: descriptor distance under which two faces are the same
        person. 0.6 is dlib's published operating point (99.38% on LFW); on the
        labelled photo pairs in ../shared it separates all 300 pairs (see docs/evaluation.md).
        Lower it to cut false matches, raise it to cut false alarms.
    embed_interval_s: longest wait between descriptors of one face track; a new
        track and a scene cut get one at once, and a far descriptor is confirmed
        on the next frames.
    enrol_samples: usable descriptors that make the session's first identity.
    change_samples: consecutive far descriptors that confirm an identity change.
    min_face_px / max_yaw / max_pitch / min_sharpness / brightness: a face
        outside these is unusable for identity and the check says why (face widths in analysed pixels).
    full_confidence_px / min_dark_brightness / weak_face_confidence: a face narrower than full_confidence_px
        (and at least min_face_px), or darker than brightness[0] (and at least min_dark_brightness: its
        descriptor is then taken on the picture brightened), still gets descriptors, but the identity findings
        resting on it have their confidence multiplied by weak_face_confidence. Measured by
        bench/eval_face_size.py (12 people): the same person's distance grows from 0.16 (median) at full size to
        0.26 at 34 px and 0.31 at 28 px (95th percentile 0.38, all under 0.6), other people stay at 0.59 or more
        (as at full size). A face darkened to 12/255 gives 0.39, brightened first 0.19; at 4/255 0.68 (most
        over 0.6) against 0.30 brightened. min_dark_brightness leaves a margin over that 4/255 for the noise of
        a real dark camera (the darkened copies have none).
    unusable_min_s: a usable face missing this long raises `face_unusable`.
    The photos to compare the candidate with are the session's (SessionInputs.references).
    """

    enabled: bool = True
    match_threshold: float = 0.6
    embed_interval_s: float = 2.0
    enrol_samples: int = 3
    change_samples: int = 2
    min_face_px: int = 28
    full_confidence_px: int = 40
    min_dark_brightness: float = 6.0
    weak_face_confidence: float = 0.7
    max_yaw: float = 35.0
    max_pitch: float = 30.0
    min_sharpness: float = 12.0
    brightness: tuple[float, float] = (35.0, 235.0)
    unusable_min_s: float = 5.0


@dataclass(frozen=True)
class LipSyncOptions:
    """Lip-sync: the mouth on screen against the voice heard (seconds unless named otherwise).

    fps: mouth frames per second; every decoded frame up to this rate (lip motion is
        faster than the analysis rate), face landmarks included.
    window_s / hop_s: sliding windows that are correlated; min_window_s: shortest one
        judged (a recording shorter than window_s is judged whole).
    max_lag_s: offsets searched, both ways.
    min_speech_share / min_mouth_share: a window with less speech, or with the mouth
        visible for less of it, is "cannot judge".
    still_mouth_motion: spread of the mouth opening (in eye distances) under which a
        mouth counts as still; moving_mouth_motion: over which it counts as talking.
    offset_threshold_s: an offset at least this large, held for sustain_windows
        windows, raises `av_offset`.
    low_sync_peak: a window whose own correlation at the session's lag (its support) is under
        this is low synchrony.
    lag_penalty: correlation given up per second of lag, so that the speech rhythm's
        echoes (a syllable away) do not beat the true, usually small, offset.
    viseme_tolerance_s: `viseme_mismatch` looks for the lips closing this far either side of a P, B or M
        (frames and phone boundaries are not exact).
    viseme_closed_ratio: the lips count as closed under this share of the speaker's own open-mouth gap
        (the 90th percentile of their lip gap), kept within 0.03-0.08 mouth widths.
    viseme_min_bilabials / viseme_miss_share: `viseme_mismatch` is raised once at least this many
        bilabials were judged and at least this share of them had no closure, unless some offset within
        offset_threshold_s lines up closures for 1 - viseme_miss_share / 2 of them (a steady small offset).
    phone_strength: read the phone sync strength (lipsync/openness.py, models/phone_openness.json) of each
        English transcript segment and raise `low_sync` where the mouth does not follow the phones.
    """

    enabled: bool = True
    phone_strength: bool = True
    fps: float = FULL_RATE_FPS
    window_s: float = 4.0
    hop_s: float = 1.0
    min_window_s: float = 2.5
    max_lag_s: float = 1.0
    min_speech_share: float = 0.25
    min_mouth_share: float = 0.8
    still_mouth_motion: float = 0.012
    moving_mouth_motion: float = 0.05
    offset_threshold_s: float = 0.2
    low_sync_peak: float = 0.2
    sustain_windows: int = 3
    lag_penalty: float = 0.15
    viseme_tolerance_s: float = 0.08
    viseme_closed_ratio: float = 0.3
    viseme_min_bilabials: int = 3
    viseme_miss_share: float = 0.5


@dataclass(frozen=True)
class LivenessOptions:
    """Liveness and deepfake signals (seconds unless named otherwise).

    pulse_window_s / pulse_hop_s: rPPG windows (POS, CHROM cross-check).
    pulse_snr_db: a region whose pulse SNR reaches this has a clear pulse;
        pulse_mismatch_bpm: regions with clear pulses further apart than this disagree.
    no_blink_s: eyes visible this long without one blink raises `blink_anomaly`;
        regular_blink_cv: blink intervals more regular than this (std / mean, at least
        ten blinks in a row) do too.
    frozen_min_s: the picture and face standing exactly still this long is `frozen_video`.
    loop_min_s / loop_min_lag_s / loop_history_s: a moving stretch this long that repeats one
        seen at least loop_min_lag_s earlier (and at most loop_history_s) is `replay_loop`.
    still_window_s: a face with no blink, no mouth motion and no non-rigid motion this long
        is `still_image`.
    challenge_yaw / challenge_pitch: degrees each way that count as a full turn / a look up, in the
        session's challenge windows (SessionInputs.challenges).
    challenge_on_request: live mode: the interviewer starts challenge windows from the page, so the
        check runs without windows known in advance.
    challenge_s: how long a challenge started from the page lasts.
    full_rate: decode every frame for these checks even when lip-sync is off (lip-sync decodes them
        anyway); the face's jitter against its head needs them and says "cannot judge" at 10 fps.
    """

    enabled: bool = True
    pulse_window_s: float = 10.0
    pulse_hop_s: float = 2.0
    pulse_snr_db: float = 0.0
    pulse_mismatch_bpm: float = 12.0
    no_blink_s: float = 30.0
    regular_blink_cv: float = 0.1
    frozen_min_s: float = 1.0
    loop_min_s: float = 2.0
    loop_min_lag_s: float = 2.0
    loop_history_s: float = 900.0
    still_window_s: float = 10.0
    challenge_yaw: float = 30.0
    challenge_pitch: float = 15.0
    challenge_on_request: bool = False
    challenge_s: float = 12.0
    full_rate: bool = False


@dataclass(frozen=True)
class ForgeryOptions:
    """The face-forgery detector (models/face_forgery.onnx), a liveness signal: off with --no-liveness too.

    per_second: crops scored per face per second of video (each about 1 ms on one core).
    min_face_px: faces narrower than this (source pixels) are not scored: too few pixels to show a blend.
    max_yaw / max_pitch: degrees; more turned (or nodding) faces are not scored: the model learned from
        near-frontal faces, and real faces looking down scored as blends in the evaluation.
    use_gpu: the CUDA provider when onnxruntime has one (otherwise the CPU).
    """

    enabled: bool = True
    per_second: float = 2.0
    min_face_px: float = 48.0
    max_yaw: float = 35.0
    max_pitch: float = 20.0
    use_gpu: bool = True


@dataclass(frozen=True)
class ConversationOptions:
    """Turn-taking and voices (seconds unless named otherwise).

    voices_expected: voices that belong in the call's audio: 2 for a mixed interview (interviewer and
        candidate), 1 when the track holds the candidate alone (or the interviewer is on their own track).
    same_voice: cosine similarity of voice embeddings at which speech joins a known voice.
    distinct_voice: a further voice counts as a second voice only if it is this far from the main ones
        (under this similarity to each), so one speaker's own variation is not reported.
    second_voice_min_s: speech of a further voice this long raises `second_voice`.
    long_latency_s / latency_factor: an answer that starts at least this long after the question ended,
        and at least latency_factor times the lower quartile of the session's waits, raises `answer_latency`.
    regular_latency_cv: three or more long latencies this regular (std / mean) raise it more strongly.
    read_min_words / read_min_s: an answer (the candidate's speech between two questions) with fewer words
        (fillers not counted) or shorter than this is not judged by `read_aloud`.
    read_min_answers: judged answers needed before any is compared with the others (the baseline is the
        median of the candidate's other judged answers).
    spontaneous_disfluency / spontaneous_hesitation: the baseline counts as spontaneous speech when it has
        at least this many disfluencies (fillers, repeated words, false starts), or pauses inside a sentence,
        per 100 words; a candidate whose answers all sound fluent is never flagged.
    read_disfluency_share / read_hesitation_share: against a spontaneous baseline, an answer with at most
        this share of its disfluencies (and at most 0.5 per 100 words when the baseline has none) and this
        share of its pauses, spoken at a pace no less even, raises `read_aloud` (a weak signal).
    pause_s: silence inside an answer that counts as a pause.
    """

    enabled: bool = True
    voices_expected: int = 2
    same_voice: float = 0.75
    distinct_voice: float = 0.72
    second_voice_min_s: float = 1.5
    long_latency_s: float = 3.0
    latency_factor: float = 2.5
    regular_latency_cv: float = 0.25
    read_min_words: int = 12
    read_min_s: float = 4.0
    read_min_answers: int = 3
    spontaneous_disfluency: float = 2.5
    spontaneous_hesitation: float = 8.0
    read_disfluency_share: float = 0.25
    read_hesitation_share: float = 0.4
    pause_s: float = 0.3


@dataclass(frozen=True)
class ContinuityOptions:
    """The same candidate across sessions (`candidate_continuity`): it runs when the session names a candidate
    (SessionInputs: candidate_id, consent, rounds).

    face_threshold: distance between two sessions' mean face descriptors from which they show different
        people (dlib's 0.6 operating point); face_uncertain_from: from this distance up to the threshold the
        check cannot tell (measured: same person 0.08-0.25, different people 0.56 and up; means vary less
        than single descriptors, so the band catches look-alikes both ways).
    same_voice / different_voice: cosine similarity of two sessions' voice centroids at or over which the
        voice is the same, under which it is another voice (between: cannot tell; microphones differ).
    """

    face_threshold: float = 0.6
    face_uncertain_from: float = 0.5
    same_voice: float = 0.75
    different_voice: float = 0.6


@dataclass(frozen=True)
class AnalysisOptions:
    media: MediaOptions = field(default_factory=MediaOptions)
    faces: FaceOptions = field(default_factory=FaceOptions)
    speech: SpeechOptions = field(default_factory=SpeechOptions)
    checks: CheckOptions = field(default_factory=CheckOptions)
    identity: IdentityOptions = field(default_factory=IdentityOptions)
    lip_sync: LipSyncOptions = field(default_factory=LipSyncOptions)
    liveness: LivenessOptions = field(default_factory=LivenessOptions)
    forgery: ForgeryOptions = field(default_factory=ForgeryOptions)
    conversation: ConversationOptions = field(default_factory=ConversationOptions)
    continuity: ContinuityOptions = field(default_factory=ContinuityOptions)

    def __post_init__(self) -> None:
        verify(self)

    @property
    def needs_audio(self) -> bool:
        """Transcription or lip-sync reads the audio (the CLI's --no-speech turns both off)."""
        return self.speech.enabled or self.lip_sync.enabled

    def reads_audio_with(self, inputs: SessionInputs) -> bool:
        """Audio is decoded when there is some: also for the candidate's voice profile (a session that names
        a candidate), which can do without."""
        return self.needs_audio or inputs.continuity

    def analyzers_read_audio_with(self, inputs: SessionInputs) -> bool:
        """Lip-sync, turn-taking and the candidate's voice profile read the samples themselves."""
        return self.lip_sync.enabled or (self.speech.enabled and self.conversation.enabled) or inputs.continuity

    @property
    def full_rate_fps(self) -> float:
        """Frames per second the face stage sees beyond the analysis rate (0: none). Lip motion needs the
        video's own rate; the pulse and blinks use those frames when lip-sync has them decoded anyway, and
        the analysis rate otherwise (10 fps still resolves 42-180 bpm and most blinks), unless asked to."""
        if self.lip_sync.enabled:
            return self.lip_sync.fps
        return FULL_RATE_FPS if self.liveness.enabled and self.liveness.full_rate else 0.0
