"""Follow-up questions the interviewer can ask now: neutral templates filled with a finding's evidence
(templates.py), tracked as the interviewer marks them asked and answered (book.py)."""

from interview_guard.follow_ups.book import MAX_FOLLOW_UPS, FollowUpBook, answer_span
from interview_guard.follow_ups.core import (MARKS, STATES, FollowUp, FollowUpError, FollowUpsClosed, Quote,
                                             UnknownFollowUp)
from interview_guard.follow_ups.templates import TEMPLATES, propose_follow_ups

__all__ = ["MARKS", "MAX_FOLLOW_UPS", "STATES", "TEMPLATES", "FollowUp", "FollowUpBook", "FollowUpError",
           "FollowUpsClosed", "Quote", "UnknownFollowUp", "answer_span", "propose_follow_ups"]
