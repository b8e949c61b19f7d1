"""Spoken claims against the profile: contradictions quoted with their times; agreement raises nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_guard.analyzers.claims import ClaimsAnalyzer
from interview_guard.transcript.claims import mentions
from tests.analyzers.helpers import segment
from tests.profile.resumes import resume, write


def said(text: str, start: float = 10.0) -> list:
    words = text.split()
    return [segment([(start + 0.4 * i, start + 0.4 * i + 0.35, w) for i, w in enumerate(words)])]


@pytest.fixture
def analyzer(tmp_path: Path) -> ClaimsAnalyzer:
    return ClaimsAnalyzer(str(write(tmp_path, resume())))


def contradictions(analyzer: ClaimsAnalyzer, text: str) -> list:
    return [i for seg in said(text) for i in analyzer.on_speech(seg)]


@pytest.mark.parametrize("text, field", [
    ("I joined Globex in 2019 as a backend engineer.", "work[0].startDate"),
    ("At Initech I worked from 2015 to 2018.", "work[1].startDate"),
    ("I left Initech in 2019 for a bigger team.", "work[1].endDate"),
    ("I was at Initech in 2014.", "work[1]"),
    ("I graduated from the Politecnica de Madrid in 2016.", "education[0].endDate"),
    ("I have fifteen years of experience in backend work.", "work"),
    ("I live in Lisbon with my family.", "basics.location.city"),
])
def test_contradictions_are_found_and_quoted(analyzer: ClaimsAnalyzer, text: str, field: str) -> None:
    found = contradictions(analyzer, text)
    assert found and found[0].check == "claim_contradiction"
    assert any(f"({field})" in i.reason for i in found), [i.reason for i in found]
    assert found[0].evidence[0].words == text and found[0].start == 10.0


@pytest.mark.parametrize("text", [
    "I joined Globex in 2021 and I still work there.",
    "At Initech I worked from 2017 to 2021.",
    "I graduated from the Politecnica de Madrid in 2017.",
    "I have nine years of experience.",
    "I live in Madrid.",
    "In 2019 I went to a conference about Python.",  # a year with no employer named
])
def test_statements_that_agree_raise_nothing(analyzer: ClaimsAnalyzer, text: str) -> None:
    assert contradictions(analyzer, text) == []


def test_fuzzy_names_match_the_distinctive_part() -> None:
    assert mentions("i worked at globex for years", "Globex Corporation")
    assert mentions("back at initek we shipped", "Initech")  # a misheard name still counts
    assert not mentions("i like global examples", "Globex Corporation")


def test_the_same_contradiction_is_reported_once(analyzer: ClaimsAnalyzer) -> None:
    assert len(contradictions(analyzer, "I joined Globex in 2019.")) == 1
    assert contradictions(analyzer, "As I said I joined Globex in 2019.") == []
