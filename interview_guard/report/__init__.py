"""Reports for people: a self-contained HTML page per session."""

from interview_guard.report.html import render_report

__all__ = ["render_report"]
