"""`check-profile` and `analyze --profile` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.profile.resumes import resume, write


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "interview_guard", *args], capture_output=True, text=True)


def test_check_profile_json_lists_findings_with_check_field_reason(tmp_path: Path) -> None:
    path = write(tmp_path, resume(**{"basics.phone": "+44 56 1234 5678", "basics.location.countryCode": "GB"}))
    proc = cli("check-profile", str(path), "--json", "--today", "2026-11-23")
    assert proc.returncode == 0, proc.stderr
    findings = json.loads(proc.stdout)
    assert [(f["check"], f["field"]) for f in findings] == [("profile_phone", "basics.phone")]
    assert "VoIP" in findings[0]["reason"]


def test_check_profile_of_a_clean_profile_prints_no_findings(tmp_path: Path) -> None:
    proc = cli("check-profile", str(write(tmp_path, resume())), "--today", "2026-11-23")
    assert proc.returncode == 0 and "0 finding(s)" in proc.stdout


def test_malformed_profile_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, resume(**{"work.0.startDate": "last spring"}))
    proc = cli("check-profile", str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "work[0].startDate: 'last spring' is not a date" in proc.stderr


def test_analyze_with_a_profile_reports_its_findings(synthetic_clip: Path, tmp_path: Path) -> None:
    path = write(tmp_path, resume(**{"basics.email": "ana@mailinator.com"}))
    out = tmp_path / "out"
    proc = cli("analyze", str(synthetic_clip), "--no-speech", "--quiet", "--no-report", "--profile", str(path),
               "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    found = [i for i in summary["indicators"] if i["check"].startswith("profile_")]
    assert [i["check"] for i in found] == ["profile_email"] and "disposable" in found[0]["reason"]
    assert "profile_timeline" in summary["checks_run"] and summary["settings"]["profile"] == str(path)


def test_analyze_with_a_malformed_profile_writes_nothing(synthetic_clip: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    proc = cli("analyze", str(synthetic_clip), "--no-speech", "--quiet", "--profile", str(bad),
               "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "bad.json: (top level): expected an object, found list" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_analyze_proposes_follow_up_questions_in_the_summary_and_the_report(synthetic_clip: Path,
                                                                            tmp_path: Path) -> None:
    path = write(tmp_path, resume(**{"work.1.endDate": "2019-01",  # nothing listed from 2019-01 to 2021-03
                                     "basics.phone": "+1 415 555 2671"}))  # a US number, living in Spain
    out = tmp_path / "out"
    proc = cli("analyze", str(synthetic_clip), "--no-speech", "--quiet", "--profile", str(path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert list(summary)[-1] == "follow_ups"
    asked = {f["question"]: f for f in summary["follow_ups"]}
    gap = asked["What were you doing between January 2019 and March 2021?"]
    assert gap["check"] == "profile_timeline" and gap["state"] == "proposed" and gap["asked_at"] is None
    assert gap["quotes"] == [{"source": "profile", "t": None,
                              "text": "work, education: nothing is listed from 2019-01-31 to 2021-03-01 (25 months): "
                                      "worth asking about; gaps are common and usually innocent."}]
    assert "Where are you based at the moment?" in asked
    report = (out / "report.html").read_text()
    assert "<h2>Follow-up questions</h2>" in report and "between January 2019 and March 2021?" in report
