"""Spoken claims against a profile (or alone: python bench/eval_claims.py).

Each answer is spoken by espeak-ng at run time, put on a plain video, transcribed by the default
Whisper model and checked against one JSON Resume. Half the answers contradict the profile (a
planted contradiction, with the profile field it should name); half agree with it. Prints what
Whisper heard, what was expected and what was found, then the rates.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table  # noqa: E402
from interview_guard.inputs import SessionInputs  # noqa: E402
from interview_guard.options import (AnalysisOptions, IdentityOptions, LipSyncOptions,  # noqa: E402
                                     LivenessOptions)
from interview_guard.pipeline import analyze_recording  # noqa: E402

PROFILE = {
    "basics": {"name": "Sam Lee", "location": {"city": "Toronto", "countryCode": "CA"}},
    "work": [{"name": "Oracle", "position": "Software Engineer", "startDate": "2021-03"},
             {"name": "Siemens", "position": "Engineer", "startDate": "2015-09", "endDate": "2018-06"}],
    "education": [{"institution": "University of Toronto", "studyType": "Bachelor", "startDate": "2010-09",
                   "endDate": "2014-06"}],
}
# (answer, the profile field a contradiction must name, or None when the answer agrees)
ANSWERS = (
    ("I joined Oracle in 2019 as a backend engineer.", "work[0].startDate"),
    ("I left Siemens in 2020 to move closer to family.", "work[1].endDate"),
    ("I graduated from the University of Toronto in 2012.", "education[0].endDate"),
    ("I have fifteen years of experience in software.", "work"),
    ("I live in Vancouver with my partner.", "basics.location.city"),
    ("I was at Siemens in 2013, working on control systems.", "work[1]"),
    ("I joined Oracle in 2021 and I still work there.", None),
    ("At Siemens I worked from 2015 to 2018.", None),
    ("I graduated from the University of Toronto in 2014.", None),
    ("I have about ten years of experience.", None),
    ("I live in Toronto, close to the office.", None),
    ("In 2019 I spoke at a conference about databases.", None),
)
Table = Callable[[list[str], list[list[Any]]], None]


def speak(text: str, tmp: Path, name: str) -> Path:
    wav, mp4 = tmp / f"{name}.wav", tmp / f"{name}.mp4"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "135", "-g", "6", "-w", str(wav), text], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=10", "-i", str(wav),
                    "-shortest", "-c:v", "libx264", "-c:a", "aac", str(mp4)], check=True)
    return mp4


def claims_table(tmp: Path, table: Table) -> dict[str, float]:
    profile = tmp / "profile.json"
    profile.write_text(json.dumps(PROFILE), encoding="utf-8")
    options = AnalysisOptions(identity=IdentityOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False),
                              liveness=LivenessOptions(enabled=False))
    inputs = SessionInputs(profile=str(profile))
    rows, caught, planted, false_alarms, agreeing = [], 0, 0, 0, 0
    for i, (answer, field) in enumerate(ANSWERS):
        summary = analyze_recording(speak(answer, tmp, f"a{i}"), options, progress=False, inputs=inputs)
        found = [ind for ind in summary.indicators if ind.check == "claim_contradiction"]
        heard = " ".join(s.text for s in summary.transcript.segments).strip()
        named = [ind.evidence[0].note.split(":")[0].removeprefix("profile ") for ind in found]
        if field:
            planted += 1
            caught += field in named
        else:
            agreeing += 1
            false_alarms += bool(found)
        verdict = ("CAUGHT" if field in named else "missed") if field else ("false alarm" if found else "ok")
        rows.append([answer, heard, field or "(agrees)", ", ".join(named) or "-", verdict])
    table(["answer spoken", "Whisper heard", "expected", "contradiction found in", "result"], rows)
    print(f"planted contradictions found: {caught}/{planted}; agreeing answers flagged: {false_alarms}/{agreeing}\n")
    return {"caught": caught / max(1, planted), "false_alarms": false_alarms / max(1, agreeing)}


if __name__ == "__main__":
    if not (shutil.which("espeak-ng") and shutil.which("ffmpeg")):
        sys.exit("needs espeak-ng and ffmpeg (apt-get install espeak-ng ffmpeg)")
    with tempfile.TemporaryDirectory(prefix="ig-claims-") as tmp_dir:
        claims_table(Path(tmp_dir), print_table)
