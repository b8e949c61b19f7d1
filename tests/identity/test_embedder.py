from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from interview_guard.errors import UserError
from interview_guard.identity import load_references
from interview_guard.identity.reference import _read_rgb, labelled_pair_distances


@pytest.fixture(scope="module")
def pair_distances(media_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    return labelled_pair_distances(media_dir / "portraits" / "deepface_pairs")


def test_labelled_photo_pairs_are_all_separated_at_the_default_threshold(pair_distances) -> None:
    d, same = pair_distances
    assert len(d) == 300
    assert np.all((d < 0.6) == same), f"{np.sum((d < 0.6) != same)} of 300 pairs wrong"


def test_reference_without_a_face_is_a_clear_error(tmp_path: Path) -> None:
    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((200, 300, 3), 180, np.uint8))
    with pytest.raises(UserError, match="no face found"):
        load_references([str(blank)])


def test_unreadable_reference_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "id.jpg"
    bad.write_text("not an image")
    with pytest.raises(UserError, match="not a readable image"):
        load_references([str(bad)])
    with pytest.raises(UserError, match="no such file"):
        _read_rgb(tmp_path / "missing.jpg")


def test_group_photo_uses_the_largest_face_and_says_so(media_dir: Path) -> None:
    (ref,) = load_references([str(media_dir / "portraits" / "fr_two_people.jpg")])
    assert ref.faces_found == 2 and "largest" in ref.note
    assert ref.embedding.shape == (128,)
