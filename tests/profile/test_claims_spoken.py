"""A spoken answer (espeak-ng, made at test time) with one planted contradiction, through the whole pipeline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, LivenessOptions
from interview_guard.pipeline import analyze_recording
from tests.conftest import run_ffmpeg
from tests.profile.resumes import write

ANSWER = ("Thanks for having me. I joined Oracle in 2019. Before that, I worked at Siemens from 2015 to 2018. "
          "I graduated from the University of Toronto in 2014.")
PROFILE = {
    "basics": {"name": "Sam Lee", "location": {"city": "Toronto", "countryCode": "CA"}},
    "work": [{"name": "Oracle", "position": "Software Engineer", "startDate": "2021-03"},  # said: 2019
             {"name": "Siemens", "position": "Engineer", "startDate": "2015-09", "endDate": "2018-06"}],
    "education": [{"institution": "University of Toronto", "studyType": "Bachelor", "startDate": "2010-09",
                   "endDate": "2014-06"}],
}


@pytest.fixture(scope="module")
def spoken_answer(tmp_path_factory: pytest.TempPathFactory, ffmpeg: str) -> Path:
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng); .ci/run installs it")
    tmp = tmp_path_factory.mktemp("spoken")
    subprocess.run([espeak, "-v", "en-us", "-s", "135", "-g", "6", "-w", str(tmp / "answer.wav"), ANSWER], check=True)
    run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=10", "-i", str(tmp / "answer.wav"),
               "-shortest", "-c:v", "libx264", "-c:a", "aac", str(tmp / "answer.mp4"))
    return tmp / "answer.mp4"


def test_the_planted_contradiction_is_quoted_and_the_true_claims_pass(spoken_answer: Path, tmp_path: Path) -> None:
    options = AnalysisOptions(identity=IdentityOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False),
                              liveness=LivenessOptions(enabled=False))
    summary = analyze_recording(spoken_answer, options, progress=False,
                                inputs=SessionInputs(profile=str(write(tmp_path, PROFILE))))
    found = [i for i in summary.indicators if i.check == "claim_contradiction"]
    assert len(found) == 1, [i.reason for i in found] + [summary.transcript.segments[0].text]
    (c,) = found
    assert "work[0].startDate" in c.reason and "Oracle from 2021-03" in c.reason
    assert "joined Oracle in 2019" in c.evidence[0].words
    assert 1.0 < c.start < c.end < 8.0  # the second sentence, not the whole answer
    asked = [f for f in summary.follow_ups if f.check == "claim_contradiction"]
    assert [f.question for f in asked] == ["You mentioned joining Oracle in 2019; your profile says March 2021 — "
                                           "which is right?"]
    heard, listed = asked[0].quotes
    assert "joined Oracle in 2019" in heard.text and heard.t == c.start
    assert listed.text == "Oracle from 2021-03 to now (work[0].startDate)"
