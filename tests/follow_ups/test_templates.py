"""Follow-up questions from findings: each covered check asks a neutral question that quotes its evidence;
checks that a question cannot settle ask nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from interview_guard.analyzers.challenge import _verdict_indicator
from interview_guard.analyzers.claims import ClaimsAnalyzer
from interview_guard.analyzers.core import Indicator
from interview_guard.analyzers.profile import ProfileAnalyzer
from interview_guard.follow_ups import FollowUp, propose_follow_ups
from interview_guard.profile.checks import check_profile
from tests.analyzers.helpers import segment
from tests.follow_ups.helpers import finding, window
from tests.profile.resumes import resume, write

TODAY = dt.date(2026, 11, 23)  # the profile tests' fixed today

ACCUSING = re.compile(r"\b(lie|lied|lying|liar|fraud\w*|fake\w*|cheat\w*|dishonest\w*|suspicious|caught|deepfake"
                      r"|scam\w*|impostor|pretend\w*|untrue|false\w*)\b", re.I)


def assert_neutral(f: FollowUp) -> None:
    assert f.question.endswith("?"), f.question
    assert not ACCUSING.search(f.question) and not ACCUSING.search(f.reason), (f.question, f.reason)
    assert 0 < len(f.question) <= 200 and f.state == "proposed" and f.asked_at is None


def claim(tmp_path: Path, text: str) -> Indicator:
    """The claims check's indicator for one sentence said at 10 s, against the test résumé."""
    analyzer = ClaimsAnalyzer(str(write(tmp_path, resume())))
    words = [(10.0 + 0.4 * i, 10.35 + 0.4 * i, w) for i, w in enumerate(text.split())]
    (found,) = analyzer.on_speech(segment(words))
    return found


@pytest.mark.parametrize("text, heard, listed, asked", [
    ("I joined Globex in 2019 as a backend engineer.", "joined Globex in 2019", "Globex from 2021-03",
     "joining Globex in 2019; your profile says March 2021 — which is right?"),
    ("I left Initech in 2019 for a bigger team.", "left Initech in 2019", "to 2021-02",
     "leaving Initech in 2019; your profile says February 2021"),
    ("I was at Initech in 2014.", "at Initech in 2014", "Initech from 2017-09 to 2021-02",
     "being at Initech in 2014; your profile has you there from September 2017 to February 2021"),
    ("I graduated from the Politecnica de Madrid in 2016.", "graduated from the Politecnica de Madrid in 2016",
     "until 2017-06", "finishing at Universidad Politécnica de Madrid in 2016; your profile says June 2017"),
    ("I have fifteen years of experience in backend work.", "fifteen years of experience", "work since 2017",
     "15 years of experience; your profile lists work since 2017"),
    ("I live in Lisbon with my family.", "live in Lisbon", "lives in Madrid",
     "living in Lisbon; your profile says Madrid"),
])
def test_a_contradiction_asks_which_is_right_quoting_both_sides(tmp_path: Path, text: str, heard: str,
                                                                listed: str, asked: str) -> None:
    ind = claim(tmp_path, text)
    (f,) = propose_follow_ups(ind)
    assert_neutral(f)
    assert asked in f.question
    spoken, profile = f.quotes
    assert spoken.source == "heard" and heard in spoken.text and spoken.t == ind.start
    assert profile.source == "profile" and listed in profile.text and ind.facts["field"] in profile.text
    assert (f.check, f.start, f.end) == ("claim_contradiction", ind.start, ind.end)


def profile_indicators(tmp_path: Path, **changes) -> list[Indicator]:
    analyzer = ProfileAnalyzer(str(write(tmp_path, resume(**changes))))
    analyzer.findings = check_profile(analyzer.profile, TODAY)
    return analyzer.finish(0.0)


@pytest.mark.parametrize("changes, asked", [
    ({"work.1.endDate": "2016-01"}, "Initech ending in January 2016, before it starts in September 2017"),
    ({"education.0.startDate": "2016-09", "education.0.endDate": "2017-02"},
     "Bachelor at Universidad Politécnica de Madrid is listed from September 2016 to February 2017"),
    ({"work.1.endDate": "2022-12"}, "lists Globex and Initech as full-time at the same time"),
    ({"work.0.startDate": "2027-01"}, "gives Globex a date of January 2027, which is still to come"),
    ({"work.1": {"name": "Initech", "position": "Lead Engineer", "startDate": "2012-01", "endDate": "2013-01"}},
     "You started as Lead Engineer in January 2012, before finishing your degree in June 2017"),
    ({"work.0.startDate": "2023-01", "work.1.endDate": "2021-02"},
     "What were you doing between February 2021 and January 2023?"),
    ({"basics.phone": "+1 415 555 2671"}, "Where are you based at the moment?"),
    ({"basics.phone": "+34 612 34"}, "Could you confirm the best phone number"),
])
def test_profile_findings_ask_about_the_entries(tmp_path: Path, changes: dict, asked: str) -> None:
    asks = [(i, f) for i in profile_indicators(tmp_path, **changes) for f in propose_follow_ups(i)]
    matching = [(i, f) for i, f in asks if asked in f.question]
    assert matching, [f.question for _, f in asks]
    ind, f = matching[0]
    assert_neutral(f)
    assert [q.source for q in f.quotes] == ["profile"] and ind.facts["field"] in f.quotes[0].text


def test_profile_findings_a_question_cannot_settle_ask_nothing(tmp_path: Path) -> None:
    found = profile_indicators(tmp_path, **{"basics.email": "ana@mailinator.com",
                                           "basics.profiles.0.url": "https://linkedin.example.net/in/anaruiz"})
    assert {i.check for i in found} == {"profile_email", "profile_links"}
    assert [f for i in found for f in propose_follow_ups(i)] == []


@pytest.mark.parametrize("verdict, words", [("fail", "identity distance 0.71"), ("not performed", "did not turn")])
def test_a_failed_or_skipped_challenge_asks_for_the_turn_and_the_hand(verdict: str, words: str) -> None:
    ind = _verdict_indicator(window(), verdict, f"the head {words}", 3.0, 2.0)
    asks = propose_follow_ups(ind)
    assert [f.question for f in asks] == ["Could you turn your head slowly all the way to the left, and then to "
                                         "the right?", "Could you pass one hand slowly across your face?"]
    for f in asks:
        assert_neutral(f)
        assert words in f.quotes[0].text and verdict.split()[-1] in f.reason


def test_a_passed_challenge_asks_nothing() -> None:
    assert propose_follow_ups(_verdict_indicator(window(), "pass", "turned 40 degrees", 40.0, 38.0)) == []


@pytest.mark.parametrize("ind, asked, quoted", [
    (finding("answer_latency", words="which database did you use", latency_s=6.5, usual_latency_s=0.8),
     "Let's go back to the question at 1:15", "6.5 s of silence before the answer; quick answers started within 0.8"),
    (finding("second_voice", words="say Postgres with a read replica", seconds=3.2),
     "I think I heard another voice around 1:15", "say Postgres with a read replica"),
    (finding("read_aloud", words="We moved one service at a time and compared the results"),
     "Could you go over your answer at 1:15 again in your own words", "We moved one service at a time"),
    (finding("reading_gaze", sweeps=6, period_s=2.1), "again in your own words", "swept back 6 times, about every 2.1"),
    (finding("language_switch", words="ya te digo"), "another language around 1:15", "ya te digo"),
    (finding("reference_mismatch", distance=0.74, threshold=0.6), "hold your photo ID next to your face",
     "0.74 from the reference photo"),
    (finding("several_faces", faces=2), "anyone else in the room", "2 faces in view 1:15–1:21"),
    (finding("face_swap_seam"), "turn your head slowly", "face_swap_seam found."),
])
def test_conversation_and_camera_findings_ask_and_quote(ind: Indicator, asked: str, quoted: str) -> None:
    (f,) = propose_follow_ups(ind)
    assert_neutral(f)
    assert asked in f.question and any(quoted in q.text for q in f.quotes), (f.question, f.quotes)


@pytest.mark.parametrize("check", ["replay_loop", "frozen_video", "still_image", "av_offset", "low_sync", "no_pulse",
                                   "blink_anomaly", "no_face", "reference_match", "made_up_check"])
def test_checks_a_question_cannot_settle_ask_nothing(check: str) -> None:
    assert propose_follow_ups(finding(check, words="anything at all")) == []


def test_ids_are_stable_per_finding_and_template(tmp_path: Path) -> None:
    ind = finding("second_voice", words="psst", seconds=2.0)
    assert [f.id for f in propose_follow_ups(ind)] == [f.id for f in propose_follow_ups(ind)]
    later = finding("second_voice", start=90.0, end=92.0, words="psst", seconds=2.0)
    assert propose_follow_ups(later)[0].id != propose_follow_ups(ind)[0].id
    turn, hand = propose_follow_ups(_verdict_indicator(window(), "fail", "broke", 30.0, 30.0))
    assert turn.id != hand.id


def test_a_finding_without_its_facts_asks_nothing_rather_than_a_broken_question() -> None:
    bare = Indicator(check="claim_contradiction", start=1.0, end=2.0, score=0.7, confidence=0.9, reason="r")
    gap = Indicator(check="profile_timeline", start=0.0, end=0.0, score=0.2, confidence=0.9, reason="r",
                    facts={"kind": "overlap", "first": "Globex"})  # "second" missing
    assert propose_follow_ups(bare) == [] and propose_follow_ups(gap) == []


def test_another_person_than_an_earlier_round_asks_for_the_id_and_a_turn_the_same_person_nothing() -> None:
    different = finding("candidate_continuity", face_distance_round_1=0.88, face_threshold=0.6)
    asked = propose_follow_ups(different)
    assert [f.question.split(" ")[0:3] for f in asked][0] == ["Could", "you", "hold"] and len(asked) == 2
    for f in asked:
        assert_neutral(f)
        assert any("0.88 from round 1" in q.text for q in f.quotes)
    same = Indicator(check="candidate_continuity", start=0.0, end=5.0, score=0.0, confidence=0.9,
                     reason="Same person as round 1.", measurements={"face_distance_round_1": 0.2})
    assert propose_follow_ups(same) == []
