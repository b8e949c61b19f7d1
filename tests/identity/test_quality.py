"""Which faces identity takes, and the caveat it keeps for small and dark ones (IdentityOptions)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from interview_guard.identity.quality import assess, issue_parts, lifted
from interview_guard.options import IdentityOptions
from tests.analyzers.helpers import face


def _picture(mean: float, spread: float = 6.0) -> np.ndarray:
    """640x480, textured (so it is sharp) around a mean grey level."""
    rng = np.random.default_rng(3)
    return np.clip(np.round(rng.normal(mean, spread, (480, 640, 1))), 0, 255).repeat(3, 2).astype(np.uint8)


@pytest.mark.parametrize(("size", "issue", "caveat"), [
    (0.30, "", ""),  # 192 px wide
    (0.05, "", "small (32 px wide)"),  # under full_confidence_px (40), at least min_face_px (28)
    (0.04, "too small (26 px wide)", ""),
])
def test_face_size_decides_usable_weak_or_too_small(size: float, issue: str, caveat: str) -> None:
    q = assess(face(0.0, size=size), _picture(120, 30), 1.0, IdentityOptions())
    assert (q.issue, q.caveat) == (issue, caveat)


def test_a_dark_face_is_described_brightened_and_a_black_one_refused() -> None:
    o = IdentityOptions()
    dark = assess(face(0.0), _picture(15, 4), 1.0, o)
    assert dark.issue == "" and dark.dark and dark.caveat == "dark (mean 15/255, brightened)"
    assert lifted(_picture(15, 4), dark.brightness).mean() == pytest.approx(110, abs=6)
    black = assess(face(0.0), _picture(3, 1), 1.0, o)
    assert black.issue.startswith("too dark (mean 3/255") and not black.dark
    assert assess(face(0.0), _picture(120, 30), 1.0, o).dark is False


def test_a_turned_face_is_refused_before_its_light_is_measured() -> None:
    q = assess(replace(face(0.0), pose=replace(face(0.0).pose, yaw=50.0)), _picture(15), 1.0, IdentityOptions())
    assert q.issue == "turned away (yaw 50°)" and q.brightness is None


@pytest.mark.parametrize(("issue", "parts"), [
    ("too small (26 px wide)", ("too small", 26.0)), ("turned away (yaw -52°)", ("turned away", -52.0)),
    ("too dark (mean 5/255)", ("too dark", 5.0)), ("partly out of frame", ("partly out of frame", None)),
])
def test_issue_parts_reads_back_what_assess_wrote(issue: str, parts: tuple) -> None:
    assert issue_parts(issue) == parts
