"""The session list as CSV: cells a spreadsheet would run as formulas are neutralised (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from interview_guard.store.records import LIST_COLUMNS, sessions_csv, spreadsheet_safe


def _row(**values) -> dict:
    row = {c: "" for c in LIST_COLUMNS}
    row.update({"checks_flagged": [], "decision": None, "risk_score": 0.42, "indicator_count": 3, **values})
    return row


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0",
                                     "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_written_as_text(hostile: str) -> None:
    text = sessions_csv([_row(source=hostile, candidate=hostile)])
    (header, cells) = list(csv.reader(io.StringIO(text)))
    row = dict(zip(header, cells))
    assert row["source"] == "'" + hostile and row["candidate"] == "'" + hostile


def test_ordinary_cells_and_numbers_are_unchanged() -> None:
    text = sessions_csv([_row(source="monday interview.mp4", candidate="Ana Ruiz", checks_flagged=["no_face"])])
    row = dict(zip(*list(csv.reader(io.StringIO(text)))))
    assert row["source"] == "monday interview.mp4" and row["risk_score"] == "0.42" and row["checks_flagged"] == "no_face"
    assert spreadsheet_safe(-1.5) == -1.5
