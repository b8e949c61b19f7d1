"""The report page's text: short spans given by their ends, counts in the timings footer without a unit."""

from __future__ import annotations

import re

from interview_guard.report import render_report
from tests.report.helpers import call_summary


def test_a_short_span_is_written_by_its_ends_not_around_0_00() -> None:
    html = render_report(call_summary(), {})
    assert "around 0:00" not in html
    assert "another voice at 0:00.3–0:02.2" in html


def test_a_count_in_the_timings_footer_has_no_seconds() -> None:
    html = render_report(call_summary(), {})
    (footer,) = re.findall(r"timings: ([^<]*)\.</p>", html)
    assert "identity descriptors 12" in footer and not re.search(r"descriptors[^,]*\bs\b", footer), footer
    assert "decode 1.23 s" in footer and "total 9.75 s" in footer


def test_hostile_words_and_reasons_are_escaped() -> None:
    html = render_report(call_summary(), {})
    assert "<script>Postgres" not in html and "<b>third</b>" not in html
