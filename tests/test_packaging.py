"""What the install brings: one OpenCV (two distributions would write the same cv2 package over each other)."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _distributions_providing(package: str) -> set[str]:
    found = set()
    for dist in metadata.distributions():
        top_level = (dist.read_text("top_level.txt") or "").split()
        files = dist.files or ()
        if package in top_level or any(str(f).startswith(f"{package}/__init__") for f in files):
            found.add(dist.metadata["Name"].lower())
    return found


def test_one_distribution_provides_cv2() -> None:
    providers = _distributions_providing("cv2")
    assert len(providers) == 1, f"several OpenCV distributions installed side by side: {sorted(providers)}"


def test_the_project_asks_for_the_opencv_mediapipe_requires() -> None:
    requires = metadata.requires("mediapipe") or []
    mediapipe_opencv = {re.split(r"[ <>=;\[]", r)[0].lower() for r in requires if r.lower().startswith("opencv")}
    ours = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    our_opencv = {re.split(r"[ <>=;\[]", r)[0].lower() for r in ours if r.lower().startswith("opencv")}
    assert our_opencv <= mediapipe_opencv, f"we ask for {our_opencv}, mediapipe for {mediapipe_opencv}"
