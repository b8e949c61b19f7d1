"""A profile is hostile input: its size, its counts, its nesting and what an error quotes of it are bounded,
and overlapping jobs give one finding per overlapping set, not one per pair."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from interview_guard.profile.checks import check_profile
from interview_guard.profile.load import MAX_ENTRIES, ProfileError, load_profile
from tests.profile.resumes import resume, write

TODAY = dt.date(2026, 11, 23)


def _jobs(n: int, start: int = 2010, end: int = 2012) -> list[dict]:
    return [{"name": f"Acme {i}", "position": "Engineer", "startDate": f"{start}-01", "endDate": f"{end}-12"}
            for i in range(n)]


def _overlaps(tmp_path: Path, jobs: list[dict]) -> list:
    found = check_profile(load_profile(write(tmp_path, resume(work=jobs))), TODAY)
    return [f for f in found if f.facts.get("kind") == "overlap"]


def test_many_parallel_jobs_give_one_finding_naming_the_set(tmp_path: Path) -> None:
    (found,) = _overlaps(tmp_path, _jobs(MAX_ENTRIES["work"]))
    assert f"{MAX_ENTRIES['work']} full-time jobs overlap" in found.reason and "and 95 more" in found.reason
    assert len(found.values) == 5 and len(found.reason) < 400


def test_a_chain_of_overlaps_is_one_set_and_separate_pairs_stay_apart(tmp_path: Path) -> None:
    chain = [{"name": n, "startDate": s, "endDate": e} for n, s, e in
             (("A", "2010-01", "2011-12"), ("B", "2011-01", "2012-12"), ("C", "2012-01", "2013-12"))]
    (found,) = _overlaps(tmp_path, chain)
    assert "3 full-time jobs overlap" in found.reason and found.facts["jobs"] == "3"
    pairs = [{"name": n, "startDate": s, "endDate": e} for n, s, e in
             (("A", "2010-01", "2011-12"), ("B", "2011-01", "2011-12"), ("C", "2015-01", "2016-12"),
              ("D", "2016-01", "2016-12"))]
    found = _overlaps(tmp_path, pairs)
    assert sorted(f.values for f in found) == [("A", "B"), ("C", "D")]
    assert all(f.reason.startswith("two full-time jobs") for f in found)


def test_too_many_jobs_are_refused_not_judged(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"work: 2000 entries; a résumé has at most 100"):
        load_profile(write(tmp_path, resume(work=_jobs(2000))))


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = write(tmp_path, resume(work=_jobs(100_000)))
    with pytest.raises(ProfileError, match="larger than any résumé"):
        load_profile(path)


def test_a_text_resume_of_thousands_of_dated_lines_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text("Jane Doe\njane@example.com\n" + "Worked at Acme 2010 - 2012\n" * 2000)
    with pytest.raises(ProfileError, match="work: .* entries"):
        load_profile(path)


def test_a_field_longer_than_any_resume_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"basics.name: 50000 characters"):
        load_profile(write(tmp_path, resume(**{"basics.name": "x" * 50_000})))


@pytest.mark.parametrize("content, expect", [
    ("[" * 100_000 + "]" * 100_000, "nested far deeper"),
    ('{"basics": {"name": ' + "9" * 100_000 + "}}", "not a JSON Resume"),
])
def test_deep_nesting_and_huge_numbers_are_one_line_errors(tmp_path: Path, content: str, expect: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(content)
    with pytest.raises(ProfileError, match=expect) as caught:
        load_profile(path)
    assert len(str(caught.value)) < 400
    proc = subprocess.run([sys.executable, "-m", "interview_guard", "check-profile", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and expect in proc.stderr


def test_an_error_never_quotes_a_whole_hostile_value(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, resume(**{"basics.phone": list(range(100_000))})))
    assert "expected text, found list" in str(caught.value) and len(str(caught.value)) < 300
    with pytest.raises(ProfileError) as caught:
        load_profile(write(tmp_path, resume(**{"work.0.startDate": "2019-" + "1" * 5000})))
    assert "is not a date" in str(caught.value) and len(str(caught.value)) < 300


def test_a_real_profile_still_loads(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, resume()))
    assert profile.name == "Ana Ruiz" and len(profile.work) == 2
    assert json.loads(Path(profile.source).read_text())["basics"]["name"] == "Ana Ruiz"
