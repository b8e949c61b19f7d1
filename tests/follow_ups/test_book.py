"""The session's follow-up book: proposals without repeats, marks in order, the answer linked to the
transcript, a bound on how many are kept."""

from __future__ import annotations

import threading

import pytest

from interview_guard.analyzers.challenge import _verdict_indicator
from interview_guard.follow_ups import (FollowUpBook, FollowUpError, FollowUpsClosed, UnknownFollowUp,
                                        answer_span)
from tests.analyzers.helpers import segment
from tests.follow_ups.helpers import finding, window


def said(start: float, text: str):
    return segment([(start + 0.5 * i, start + 0.5 * i + 0.4, w) for i, w in enumerate(text.split())])


TRANSCRIPT = [said(10.0, "Which database did you use?"), said(14.0, "We used Postgres with a replica."),
              said(30.0, "And the team?"), said(33.0, "Six engineers and a designer.")]


def test_a_finding_seen_twice_is_proposed_once() -> None:
    book = FollowUpBook()
    ind = finding("second_voice", words="psst", seconds=2.0)
    (first,) = book.add(ind)
    assert book.add(ind) == [] and book.items() == [first]


def test_the_same_question_waiting_to_be_asked_is_not_proposed_again() -> None:
    book = FollowUpBook()
    turn, hand = book.add(_verdict_indicator(window(30, 42), "fail", "broke", 30.0, 30.0))
    assert book.add(_verdict_indicator(window(60, 72), "not performed", "no turn", 1.0, 1.0)) == []
    book.mark(turn.id, "asked", 50.0)  # asked once already: a later failure may ask it again
    (again,) = book.add(_verdict_indicator(window(80, 92), "fail", "broke", 30.0, 30.0))
    assert again.question == turn.question and again.id != turn.id
    assert [f.id for f in book.items()] == [turn.id, hand.id, again.id]


def test_marks_record_their_times_and_go_forward_only() -> None:
    book = FollowUpBook()
    (f,) = book.add(finding("several_faces", faces=2))
    asked = book.mark(f.id, "asked", 12.5)
    assert (asked.state, asked.asked_at, asked.answered_at) == ("asked", 12.5, None)
    assert book.mark(f.id, "asked", 20.0) == asked  # a second click changes nothing
    answered = book.mark(f.id, "answered", 19.0)
    assert (answered.state, answered.asked_at, answered.answered_at) == ("answered", 12.5, 19.0)
    with pytest.raises(FollowUpError, match="already marked answered at 0:19"):
        book.mark(f.id, "asked", 25.0)
    assert book.items() == [answered]


@pytest.mark.parametrize("state", ["proposed", "done", "", "ASKED"])
def test_a_mark_must_be_asked_or_answered(state: str) -> None:
    book = FollowUpBook()
    (f,) = book.add(finding("several_faces", faces=2))
    with pytest.raises(FollowUpError, match=r"'state' must be one of \['asked', 'answered'\]"):
        book.mark(f.id, state, 1.0)


def test_an_unknown_id_and_a_closed_book_are_refused() -> None:
    book = FollowUpBook()
    (f,) = book.add(finding("several_faces", faces=2))
    with pytest.raises(UnknownFollowUp, match="no follow-up question 'nope'"):
        book.mark("nope", "asked", 1.0)
    book.resolved([])
    with pytest.raises(FollowUpsClosed, match="session has ended"):
        book.mark(f.id, "asked", 1.0)


def test_the_answer_is_the_speech_between_the_two_marks() -> None:
    book = FollowUpBook()
    (f,) = book.add(finding("answer_latency", start=12.0, end=14.0, words="database", latency_s=2.0,
                            usual_latency_s=0.5))
    book.mark(f.id, "asked", 13.5)
    book.mark(f.id, "answered", 17.5)
    (linked,) = book.resolved(TRANSCRIPT)
    assert (linked.answer_start, linked.answer_end) == (14.0, 16.9)  # "We used Postgres with a replica."


def test_with_no_words_between_the_marks_the_answer_is_the_next_speech() -> None:
    assert answer_span(TRANSCRIPT, 20.0, 21.0) == (30.0, 31.4)
    assert answer_span(TRANSCRIPT, 40.0, 41.0) is None  # nothing said after


def test_answered_without_asked_links_the_speech_just_before() -> None:
    assert answer_span(TRANSCRIPT, None, 36.0) == (33.0, 35.4)
    assert answer_span(TRANSCRIPT, None, 5.0) is None


def test_proposals_not_marked_answered_have_no_answer_span() -> None:
    book = FollowUpBook()
    (f,) = book.add(finding("several_faces", faces=2))
    book.mark(f.id, "asked", 13.0)
    (kept,) = book.resolved(TRANSCRIPT)
    assert kept.state == "asked" and kept.answer_start is None and kept.answer_end is None


def test_the_book_is_bounded_and_counts_what_it_dropped() -> None:
    book = FollowUpBook(limit=3)
    for k in range(5):
        book.add(finding("answer_latency", start=10.0 * k, end=10.0 * k + 5, latency_s=5.0))
    assert len(book.items()) == 3 and book.dropped == 2


def test_marks_from_another_thread_while_proposals_arrive() -> None:
    book = FollowUpBook(limit=1000)
    (first,) = book.add(finding("several_faces", faces=2))

    def propose() -> None:
        for k in range(300):
            book.add(finding("answer_latency", start=100.0 + k, end=105.0 + k, latency_s=5.0))

    worker = threading.Thread(target=propose)
    worker.start()
    book.mark(first.id, "asked", 1.0)
    book.mark(first.id, "answered", 2.0)
    worker.join()
    assert len(book.items()) == 301 and book.items()[0].state == "answered"
