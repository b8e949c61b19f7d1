from __future__ import annotations

from pathlib import Path

from interview_guard.analyzers.core import Indicator
from interview_guard.fusion import fuse


def _ind(check: str, score: float, confidence: float = 1.0) -> Indicator:
    return Indicator(check=check, start=0.0, end=1.0, score=score, confidence=confidence, reason="because")


def test_no_indicators_is_clear() -> None:
    risk = fuse([])
    assert risk.level == "clear" and risk.score == 0 and risk.top_reasons == ()


def test_short_absence_alone_stays_clear() -> None:
    assert fuse([_ind("no_face", 0.3, 0.85)]).level == "clear"


def test_second_face_asks_for_review_and_independent_findings_add_up() -> None:
    one = fuse([_ind("several_faces", 0.7, 0.85)])
    both = fuse([_ind("several_faces", 0.7, 0.85), _ind("speech_without_face", 1.0, 0.9)])
    assert one.level == "review"
    assert both.level == "high" and both.score > one.score
    assert both.top_reasons[0].check == "speech_without_face"


def test_repeats_of_one_check_count_once() -> None:
    many = fuse([_ind("no_face", 0.5, 0.85)] * 10)
    assert many.score == fuse([_ind("no_face", 0.5, 0.85)]).score


def test_low_confidence_lowers_the_risk() -> None:
    assert fuse([_ind("several_faces", 1.0, 0.3)]).score < fuse([_ind("several_faces", 1.0, 0.9)]).score


def test_every_check_has_a_documented_weight() -> None:
    """A new check must choose its weight (docs/how-it-works.md's checks table documents it), never the default."""
    from interview_guard.analyzers.registry import all_checks
    from interview_guard.fusion import CHECK_WEIGHTS

    assert set(all_checks()) == set(CHECK_WEIGHTS)
    docs = (Path(__file__).resolve().parents[1] / "docs" / "how-it-works.md").read_text()
    assert [c for c in all_checks() if f"`{c}`" not in docs] == []
