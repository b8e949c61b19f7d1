"""Fuse indicators into one session risk level with its top reasons.

Rule (also in docs/how-it-works.md, "Fusion rule"): each indicator's strength is
    weight(check) * score * confidence.
Each check contributes its strongest indicator; the session risk is
    risk = 1 - prod(1 - strength_c)   over checks c,
so independent findings add up but no single weak one dominates.
Level: "high" when risk >= 0.6, "review" when risk >= 0.25, else "clear".
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_guard.results import Indicator

# How much a check alone says about fraud. A missing face is often innocent
# (the candidate looked away); a second face or a faceless voice rarely is.
CHECK_WEIGHTS: dict[str, float] = {
    "no_face": 0.5,
    "face_partly_out": 0.25,
    "several_faces": 0.7,
    "speech_without_face": 0.7,
    "identity_change": 0.9,
    "several_identities": 0.8,
    "reference_mismatch": 0.8,
    "reference_match": 0.0,
    "face_unusable": 0.2,
    # Lip-sync: an offset is often a bad connection; a voice from another mouth rarely is.
    "av_offset": 0.5,
    "low_sync": 0.7,
    "speech_mouth_still": 0.6,
    "mouth_moving_silent": 0.3,
    "viseme_mismatch": 0.6,
    # Liveness: a loop or a photo is deliberate; rPPG and blinks are easily upset by innocent causes.
    "no_pulse": 0.3,
    "pulse_mismatch": 0.5,
    "blink_anomaly": 0.4,
    "replay_loop": 0.9,
    "frozen_video": 0.5,
    "still_image": 0.9,
    "face_swap_seam": 0.7,
    "face_flicker": 0.5,
    # Learned, but judged on few forgeries (docs/evaluation.md): strong when it fires, yet beauty filters exist.
    "face_forgery": 0.7,
    "challenge": 0.8,
    # Application red flags: questions to ask, each with an innocent explanation more often than not.
    "profile_phone": 0.4,
    "profile_timeline": 0.4,
    "profile_email": 0.3,
    "profile_links": 0.3,
    "claim_contradiction": 0.7,
    "reading_gaze": 0.5,
    "language_switch": 0.5,
    # Turn-taking: a long wait is often thinking; a third voice in the candidate's room rarely is innocent.
    "answer_latency": 0.4,
    "second_voice": 0.7,
    # Fluent, even speech among hesitant answers: reading is one explanation, fluency and rehearsal are others.
    "read_aloud": 0.3,
    # Another person than in the candidate's earlier rounds: a stand-in, as strong as a change mid-call.
    "candidate_continuity": 0.9,
}
DEFAULT_WEIGHT = 0.5
HIGH_AT = 0.6
REVIEW_AT = 0.25
TOP_REASONS = 3


@dataclass(frozen=True)
class RiskAssessment:
    level: str  # "clear" | "review" | "high"
    score: float
    top_reasons: tuple[Indicator, ...]


def strength(ind: Indicator) -> float:
    return CHECK_WEIGHTS.get(ind.check, DEFAULT_WEIGHT) * ind.score * ind.confidence


def fuse(indicators: list[Indicator]) -> RiskAssessment:
    best: dict[str, float] = {}
    for ind in indicators:
        best[ind.check] = max(best.get(ind.check, 0.0), strength(ind))
    clear_share = 1.0
    for s in best.values():
        clear_share *= 1.0 - s
    risk = round(1.0 - clear_share, 3)
    level = "high" if risk >= HIGH_AT else "review" if risk >= REVIEW_AT else "clear"
    ranked = sorted(indicators, key=strength, reverse=True)
    top = tuple(i for i in ranked if strength(i) >= 0.05)[:TOP_REASONS]
    return RiskAssessment(level, risk, top)
