"""Application checks: each planted problem is found with its field; the clean profile raises nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from interview_guard.profile.checks import check_profile
from interview_guard.profile.load import load_profile
from tests.profile.resumes import resume, write

TODAY = dt.date(2026, 11, 23)


def findings(tmp_path: Path, **changes) -> list:
    return check_profile(load_profile(write(tmp_path, resume(**changes))), TODAY)


def test_the_clean_profile_raises_nothing(tmp_path: Path) -> None:
    assert findings(tmp_path) == []


@pytest.mark.parametrize("phone, country, expect", [
    ("+34 612 34", "ES", "not a valid phone number"),  # too short
    ("+1 415 555 2671", "ES", "from US but the candidate says they live in ES"),
    ("+44 56 1234 5678", "GB", "VoIP"),  # UK 056 numbers are VoIP
    ("+44 909 876 5432", "GB", "premium-rate"),
    ("612 345 678", "", "no +country code"),
])
def test_phone_problems(tmp_path: Path, phone: str, country: str, expect: str) -> None:
    found = findings(tmp_path, **{"basics.phone": phone, "basics.location.countryCode": country})
    assert [f.check for f in found] == ["profile_phone"] and expect in found[0].reason
    assert found[0].field == "basics.phone" and phone in found[0].values


def test_a_local_number_is_read_with_the_claimed_country(tmp_path: Path) -> None:
    assert findings(tmp_path, **{"basics.phone": "612 345 678"}) == []


def test_timeline_problems_each_name_their_field(tmp_path: Path) -> None:
    found = findings(tmp_path, **{
        "work.1.endDate": "2016-01",  # ends before it starts
        "education.0.startDate": "2016-09", "education.0.endDate": "2017-02",  # a bachelor in 6 months
    })
    by_field = {f.field: f for f in found}
    assert "ends (2016-01) before it starts (2017-09)" in by_field["work[1].endDate"].reason
    assert "took at most 6 months" in by_field["education[0]"].reason


def test_overlapping_full_time_jobs_are_found_and_a_notice_period_is_not(tmp_path: Path) -> None:
    long = findings(tmp_path, **{"work.1.endDate": "2022-12"})
    assert any(f.field == "work[0], work[1]" and "at least 20 months" in f.reason for f in long)
    assert findings(tmp_path, **{"work.1.endDate": "2021-04"}) == []  # one month of notice


def test_year_only_dates_are_not_held_against_the_candidate(tmp_path: Path) -> None:
    assert findings(tmp_path, **{"work.0.startDate": "2021", "work.1.endDate": "2021"}) == []


def test_future_dates_gaps_and_seniority_before_graduation(tmp_path: Path) -> None:
    found = findings(tmp_path, **{
        "work.0.startDate": "2027-01",
        "work.1": {"name": "Initech", "position": "Lead Engineer", "startDate": "2012-01", "endDate": "2013-01"},
    })
    reasons = " | ".join(f"{f.field}: {f.reason}" for f in found)
    assert "work[0].startDate: Globex has a start date in the future" in reasons
    assert "senior role (Lead Engineer) starts in 2012-01, before the first degree" in reasons
    assert "nothing is listed from 2017-06-30 to today" in reasons


def test_email_and_links(tmp_path: Path) -> None:
    found = findings(tmp_path, **{"basics.email": "ana@mailinator.com",
                                  "basics.profiles.0.url": "https://linkedin.example.net/in/anaruiz",
                                  "basics.profiles.1.username": "someone-else"})
    assert {(f.check, f.field) for f in found} == {("profile_email", "basics.email"),
                                                    ("profile_links", "basics.profiles[0].url"),
                                                    ("profile_links", "basics.profiles[1].username")}


def test_part_time_work_beside_a_job_is_not_an_overlap(tmp_path: Path) -> None:
    extra = {"name": "Freelance", "position": "Part-time tutor", "startDate": "2018-01", "endDate": "2020-01"}
    doc = resume()
    doc["work"].append(extra)
    assert check_profile(load_profile(write(tmp_path, doc)), TODAY) == []
