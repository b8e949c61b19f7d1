"""The result types, the fusion rule, the summary and the report writer load no model library: the store, the
review app and tools that only read findings must not pay for OpenCV, faster-whisper or onnxruntime (issue 25's
ground floor)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("cv2", "faster_whisper", "ctranslate2", "mediapipe", "onnxruntime", "dlib", "av", "torch", "numpy")


# summary: the store, live journal and review read summaries; report: the HTML page is rendered from one.
@pytest.mark.parametrize("module", ["interview_guard.results", "interview_guard.fusion", "interview_guard.summary",
                                    "interview_guard.follow_ups", "interview_guard.report"])
def test_module_loads_no_model_library(module: str) -> None:
    probe = (f"import sys, {module}; "
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"import {module} loaded {loaded}"


def test_analyzers_still_export_the_result_types() -> None:
    from interview_guard import results
    from interview_guard.analyzers import core

    assert core.Indicator is results.Indicator and core.Evidence is results.Evidence
    assert core.Series is results.Series and core.CheckStatus is results.CheckStatus
