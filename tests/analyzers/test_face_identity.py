from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from interview_guard.analyzers.face_identity import FaceIdentityAnalyzer
from interview_guard.identity.reference import ReferenceFace
from interview_guard.options import IdentityOptions
from tests.analyzers.helpers import face, frames, run

RNG = np.random.default_rng(7)
PEOPLE = {name: RNG.normal(0, 0.09, 128).astype(np.float32) for name in "ABC"}  # ~1.0 apart


def _sample(person: str, noise: float = 0.02) -> np.ndarray:
    return (PEOPLE[person] + RNG.normal(0, noise, 128)).astype(np.float32)


def _frames(schedule, duration: float, every: float = 0.5, issue_at=lambda t: ""):
    """Frames at 10 fps; a descriptor every `every` s of whoever schedule(t) says is on camera."""
    def faces_at(t: float):
        f = replace(face(t), quality_issue=issue_at(t))
        if not f.quality_issue and abs(t / every - round(t / every)) < 1e-6:
            f = replace(f, embedding=_sample(schedule(t)))
        return [f]
    return frames(duration, faces_at)


def test_same_person_all_along_raises_nothing() -> None:
    assert run(FaceIdentityAnalyzer(IdentityOptions()), _frames(lambda t: "A", 20.0)) == []


def test_a_different_person_is_caught_with_the_change_time() -> None:
    found = run(FaceIdentityAnalyzer(IdentityOptions()), _frames(lambda t: "A" if t < 8.0 else "B", 16.0))
    (change,) = [i for i in found if i.check == "identity_change"]
    assert change.measurements["change_time_s"] == pytest.approx(8.0, abs=1.0)
    assert change.end - 8.0 < 2.0  # raised within 2 s
    (several,) = [i for i in found if i.check == "several_identities"]
    assert several.measurements["identities"] == 2


def test_people_taking_turns_are_recognised_when_they_return() -> None:
    who = lambda t: "A" if t < 5 or 10 <= t < 15 else "B"  # noqa: E731
    found = run(FaceIdentityAnalyzer(IdentityOptions()), _frames(who, 20.0))
    changes = [i for i in found if i.check == "identity_change"]
    assert len(changes) == 3 and "seen before" in changes[1].reason
    (several,) = [i for i in found if i.check == "several_identities"]
    assert several.measurements == {"identities": 2.0, "turns": 4.0}


def test_a_single_odd_descriptor_is_not_a_change() -> None:
    who = lambda t: "B" if t == 6.0 else "A"  # noqa: E731
    assert run(FaceIdentityAnalyzer(IdentityOptions()), _frames(who, 12.0)) == []


def test_reference_match_and_mismatch() -> None:
    analyzer = FaceIdentityAnalyzer(IdentityOptions())
    analyzer.references = [ReferenceFace(Path("id.jpg"), PEOPLE["A"], 1, "one face")]
    (match,) = run(analyzer, _frames(lambda t: "A", 6.0))
    assert match.check == "reference_match" and match.score == 0.0 and match.measurements["distance"] < 0.6
    analyzer = FaceIdentityAnalyzer(IdentityOptions())
    analyzer.references = [ReferenceFace(Path("id.jpg"), PEOPLE["C"], 1, "one face")]
    (mismatch,) = run(analyzer, _frames(lambda t: "A", 6.0))
    assert mismatch.check == "reference_mismatch" and mismatch.score >= 0.6 and "id.jpg" in mismatch.reason


def test_long_unusable_stretch_is_reported_with_its_reason() -> None:
    issue = lambda t: "turned away (yaw 60°)" if 3.0 <= t < 10.0 else ""  # noqa: E731
    found = run(FaceIdentityAnalyzer(IdentityOptions()), _frames(lambda t: "A", 14.0, issue_at=issue))
    (unusable,) = [i for i in found if i.check == "face_unusable"]
    assert unusable.start == pytest.approx(3.0) and unusable.end == pytest.approx(10.0)
    assert "turned away" in unusable.reason


def test_a_too_small_face_is_reported_with_its_measured_size_and_worst_frame() -> None:
    """face_unusable says what happened, with numbers: the face's width against what identity needs."""
    def issue(t: float) -> str:
        return f"too small ({24 + round(t) % 4} px wide)" if 2.0 <= t < 9.0 else ""
    found = run(FaceIdentityAnalyzer(IdentityOptions()), _frames(lambda t: "A", 12.0, issue_at=issue))
    (unusable,) = [i for i in found if i.check == "face_unusable"]
    assert "too small (24 to 27 px wide as analysed; identity needs 28 px" in unusable.reason
    assert "in 100% of them" in unusable.reason and "in 70 analysed frames with a face" in unusable.reason
    assert unusable.measurements["too_small_share"] == 1.0 and unusable.measurements["too_small_worst"] == 24.0
    worst = unusable.evidence[1]
    assert round(worst.frame_times[0]) % 4 == 0  # a frame where the face was 24 px wide
    assert "24 px wide" in worst.note


def test_face_unusable_names_each_cause_with_its_share() -> None:
    def issue(t: float) -> str:
        if not 1.0 <= t < 11.0:
            return ""
        return "turned away (yaw -52°)" if t < 8.0 else "too dark (mean 3/255)"
    found = run(FaceIdentityAnalyzer(IdentityOptions()), _frames(lambda t: "A", 13.0, issue_at=issue))
    (unusable,) = [i for i in found if i.check == "face_unusable"]
    turned, dark = unusable.reason.index("turned away from the camera (yaw -52°"), unusable.reason.index("too dark")
    assert turned < dark  # the most frequent first
    assert "in 70% of them" in unusable.reason and "in 30% of them" in unusable.reason
    assert "mean brightness 3 of 255; identity needs 6" in unusable.reason
    assert unusable.measurements["turned_away_share"] == 0.7 and unusable.measurements["too_dark_worst"] == 3.0
    assert [e.note.split(":")[0] for e in unusable.evidence[1:]] == ["the face turned away from the camera",
                                                                     "the face too dark"]


def test_findings_on_a_small_face_say_so_and_are_less_confident() -> None:
    def run_at(caveat: str):
        frames = _frames(lambda t: "A" if t < 8.0 else "B", 16.0)
        frames = [replace(f, faces=tuple(replace(x, embedding_caveat=caveat if x.embedding is not None else "")
                                         for x in f.faces)) for f in frames]
        (change,) = [i for i in run(FaceIdentityAnalyzer(IdentityOptions()), frames) if i.check == "identity_change"]
        return change
    large, small = run_at(""), run_at("small (31 px wide)")
    assert "small" not in large.reason and "The face is small (31 px wide as analysed)" in small.reason
    assert small.confidence == pytest.approx(0.7 * large.confidence, abs=0.002)
