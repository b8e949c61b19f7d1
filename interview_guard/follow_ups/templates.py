"""Neutral follow-up questions filled from an indicator's evidence, one small template per check.

A question is proposed only where asking can settle the finding: a date said against a date listed, a
gap in the history, a wait, another voice, a head turn the camera did not see. Checks that a question
cannot settle (a replayed loop, a missing pulse, lip-sync) propose nothing. Every question asks; none
suggests what the answer means. At most two per indicator.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from interview_guard.follow_ups.core import FollowUp, Quote, follow_up_id
from interview_guard.results import Indicator

MAX_PER_INDICATOR = 2
_HEARD_CHARS = 200  # a long answer is quoted by its start
SHORT_SPAN_S = 5.0  # a finding shorter than this is placed by its ends to the tenth of a second
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})(?:-\d{2})?\b")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

Template = Callable[[Indicator], list[FollowUp]]


def propose_follow_ups(ind: Indicator) -> list[FollowUp]:
    """The questions this indicator raises (none for a check a question cannot settle)."""
    template = TEMPLATES.get(ind.check)
    return template(ind)[:MAX_PER_INDICATOR] if template else []


def _ask(ind: Indicator, key: str, question: str, quotes: list[Quote], reason: str) -> FollowUp:
    return FollowUp(id=follow_up_id(ind.check, ind.start, ind.end, key, question), check=ind.check,
                    start=ind.start, end=ind.end, question=question, quotes=tuple(quotes), reason=reason)


def clock(t: float) -> str:
    return f"{int(t // 60)}:{int(t % 60):02d}"


def exact_clock(t: float) -> str:
    """m:ss.s, to the tenth of a second (0:00.3)."""
    t = round(t, 1)
    return f"{int(t // 60)}:{t % 60:04.1f}"


def near(start: float, end: float) -> str:
    """Where a span is, for a question: 'around 1:15', or a short span by its ends ('at 0:00.3–0:02.2'),
    where the whole seconds would say nothing ('around 0:00' for a voice heard from 0.3 to 2.2 s)."""
    if end - start < SHORT_SPAN_S:
        return f"at {exact_clock(start)}–{exact_clock(end)}"
    return f"around {clock(start)}"


def _heard(ind: Indicator) -> list[Quote]:
    """The first words the evidence quotes, with their time."""
    for e in ind.evidence:
        if e.words.strip():
            words = e.words.strip()
            cut = words if len(words) <= _HEARD_CHARS else words[:_HEARD_CHARS].rsplit(" ", 1)[0] + " …"
            return [Quote("heard", f"“{cut}”", round(e.start, 3))]
    return []


def _spoken(facts: dict[str, str]) -> dict[str, str]:
    """Dates as a person says them in a question ("2021-03" -> "March 2021"); the quotes keep them as written."""
    def month(m: re.Match) -> str:
        number = int(m.group(2))
        return f"{_MONTHS[number - 1]} {m.group(1)}" if 1 <= number <= 12 else m.group(0)

    return {k: _ISO_DATE.sub(month, v) for k, v in facts.items()}


def _first_sentence(text: str) -> str:
    head = text.split(". ", 1)[0]
    return head if head.endswith(".") else head + "."


# ---------------------------------------------------------------- what the candidate said vs the profile

_CLAIM_QUESTIONS = {
    "start": "You mentioned joining {place} in {said}; your profile says {profile} — which is right?",
    "end": "You mentioned leaving {place} in {said}; your profile says {profile} — which is right?",
    "during": "You mentioned being at {place} in {said}; your profile has you there from {profile} — could you "
              "walk me through those dates?",
    "graduated": "You mentioned finishing at {place} in {said}; your profile says {profile} — which is right?",
    "experience": "You mentioned {said} years of experience; your profile lists work since {profile} — how do you "
                  "count those years?",
    "city": "You mentioned living in {said}; your profile says {profile} — where are you based at the moment?",
}


def _claim(ind: Indicator) -> list[FollowUp]:
    f = ind.facts
    template = _CLAIM_QUESTIONS.get(f.get("kind", ""))
    if template is None or "said" not in f or "profile" not in f:
        return []
    listed = Quote("profile", f"{f.get('profile_says', f['profile'])} ({f.get('field', 'profile')})")
    return [_ask(ind, "claim", template.format_map(_spoken(f)), _heard(ind) + [listed],
                 "what was said differs from the profile; speech recognition can mishear, so ask")]


# ---------------------------------------------------------------- the profile's own timeline and contacts

_PROFILE_QUESTIONS = {  # kind: (question, why it is worth asking)
    "order": ("Your profile shows {subject} ending in {end}, before it starts in {start} — could you confirm those "
              "dates?", "dates in the wrong order, often a typo"),
    "future": ("Your profile gives {subject} a date of {date}, which is still to come — could you confirm it?",
               "a date still to come"),
    "degree_length": ("Your {subject} is listed from {start} to {end} — how was the programme organised?",
                      "a degree shorter than full-time study takes"),
    "overlap": ("Your profile lists {first} and {second} as full-time at the same time — how did the two roles fit "
                "together?", "two full-time jobs at once; a notice period or a side contract can explain it"),
    "senior_before_degree": ("You started as {position} in {start}, before finishing your degree in {degree_end} — "
                             "could you tell me how that came about?", "a senior role before the first degree"),
    "gap": ("What were you doing between {since} and {until}?", "a gap in the history; gaps are common"),
    "gap_to_today": ("What have you been doing since {since}?", "nothing listed recently; gaps are common"),
    "phone_region": ("Where are you based at the moment?", "the phone's country differs from the location"),
    "phone_invalid": ("Could you confirm the best phone number to reach you on?",
                      "the phone number does not work as written"),
    "phone_unreadable": ("Could you confirm the best phone number to reach you on?",
                         "the phone number cannot be read as written"),
}


def _profile(ind: Indicator) -> list[FollowUp]:
    f = ind.facts
    kind = f.get("kind", "")
    if kind == "gap" and "until" not in f:
        kind = "gap_to_today"
    if kind not in _PROFILE_QUESTIONS:
        return []
    template, reason = _PROFILE_QUESTIONS[kind]
    try:
        question = template.format_map(_spoken(f))
    except KeyError:  # a finding without the names this template needs: no question rather than a broken one
        return []
    listed = Quote("profile", _first_sentence(ind.reason.removeprefix("Profile ")))
    return [_ask(ind, kind, question, [listed], reason)]


# ---------------------------------------------------------------- turn-taking and delivery

def _latency(ind: Indicator) -> list[FollowUp]:
    m = ind.measurements
    waited = Quote("measured", f"{m.get('latency_s', ind.end - ind.start):.1f} s of silence before the answer; "
                               f"quick answers started within {m.get('usual_latency_s', 0.0):.1f} s")
    return [_ask(ind, "latency", f"Let's go back to the question at {clock(ind.start)} — could you talk me "
                                 f"through your answer again, thinking aloud as you go?",
                 _heard(ind) + [waited], "a long wait before this answer")]


def _second_voice(ind: Indicator) -> list[FollowUp]:
    seconds = Quote("measured", f"another voice for {ind.measurements.get('seconds', 0.0):.1f} s")
    return [_ask(ind, "voice", f"I think I heard another voice {near(ind.start, ind.end)} — is anyone with you, or "
                               f"is something playing nearby?",
                 _heard(ind) + [seconds], "a voice other than the candidate's and the interviewer's")]


def _own_words(ind: Indicator) -> list[FollowUp]:
    if ind.check == "read_aloud":
        quotes, reason = _heard(ind), "an answer delivered evenly, unlike the candidate's others"
    else:
        m = ind.measurements
        quotes = [Quote("measured", f"the eyes swept back {m.get('sweeps', 0):.0f} times, about every "
                                    f"{m.get('period_s', 0):.1f} s")]
        reason = "eye movements like reading lines of text"
    return [_ask(ind, "own_words", f"Could you go over your answer at {clock(ind.start)} again in your own words, "
                                   f"as you would explain it to a colleague?", quotes, reason)]


def _language(ind: Indicator) -> list[FollowUp]:
    return [_ask(ind, "language", f"I heard a few words in another language {near(ind.start, ind.end)} — were you "
                                  f"speaking with someone?", _heard(ind), "speech in another language")]


# ---------------------------------------------------------------- the face on camera

TURN = "Could you turn your head slowly all the way to the left, and then to the right?"
HAND = "Could you pass one hand slowly across your face?"


def _challenge(ind: Indicator) -> list[FollowUp]:
    m = ind.measurements
    if m.get("passed", 0.0) >= 1.0:
        return []
    verdict = "was not performed" if m.get("performed", 1.0) < 1.0 else "failed"
    detail = Quote("measured", ind.reason.split(": ", 1)[-1])
    return [_ask(ind, "turn", TURN, [detail], f"the challenge {verdict}"),
            _ask(ind, "hand", HAND, [detail], f"the challenge {verdict}")]


def _face_swap(ind: Indicator) -> list[FollowUp]:
    return [_ask(ind, "turn", TURN, [Quote("measured", _first_sentence(ind.reason))],
                 "a weak face-swap signal; swaps often break when the head turns")]


def _reference(ind: Indicator) -> list[FollowUp]:
    m = ind.measurements
    measured = Quote("measured", f"face {m.get('distance', 0.0):.2f} from the reference photo (same person under "
                                 f"{m.get('threshold', 0.0):.2f})")
    return [_ask(ind, "id", "Could you hold your photo ID next to your face for a moment?", [measured],
                 "the face does not match the reference photo")]


def _continuity(ind: Indicator) -> list[FollowUp]:
    """Another person (or voice) than in an earlier round: the ID, and a head turn that swaps often fail."""
    if ind.score <= 0.0:  # the same person as before: nothing to ask
        return []
    rounds = ", ".join(f"{v:.2f} from round {k.rsplit('_', 1)[-1]}" for k, v in ind.measurements.items()
                       if k.startswith("face_distance_round_"))
    measured = Quote("measured", f"face {rounds or 'not comparable'} (same person under "
                                 f"{ind.measurements.get('face_threshold', 0.6):.2f})")
    return [_ask(ind, "id", "Could you hold your photo ID next to your face for a moment?", [measured],
                 "the face or voice differs from the candidate's earlier round"),
            _ask(ind, "turn", TURN, [measured], "a stand-in or a face swap; swaps often break when the head turns")]


def _several_faces(ind: Indicator) -> list[FollowUp]:
    seen = Quote("measured", f"{ind.measurements.get('faces', 2):.0f} faces in view "
                             f"{clock(ind.start)}–{clock(ind.end)}", ind.start)
    return [_ask(ind, "room", "Is anyone else in the room with you at the moment?", [seen],
                 "more than one face in view")]


TEMPLATES: dict[str, Template] = {
    "claim_contradiction": _claim,
    "profile_timeline": _profile, "profile_phone": _profile,
    "answer_latency": _latency, "second_voice": _second_voice, "read_aloud": _own_words, "reading_gaze": _own_words,
    "language_switch": _language,
    "challenge": _challenge, "face_swap_seam": _face_swap, "face_flicker": _face_swap,
    "face_forgery": _face_swap,
    "reference_mismatch": _reference, "several_faces": _several_faces, "candidate_continuity": _continuity,
}
