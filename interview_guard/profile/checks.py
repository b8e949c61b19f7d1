"""Application red flags, before any interview: the phone, the dates, the e-mail, the links.

Each finding names the field, the values and a plain reason. None of them proves fraud: people
move countries, take breaks and hold two jobs; they are questions to ask, weighted as such.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from interview_guard.profile.model import CandidateProfile, EducationEntry, PartialDate, WorkEntry

PROFILE_CHECKS = ("profile_phone", "profile_timeline", "profile_email", "profile_links")
OVERLAP_DAYS = 92  # full-time jobs overlapping longer than a notice period
GAP_DAYS = 365
_NAMED_IN_SET = 5  # jobs a set-of-overlaps finding names; it counts the rest
# Shortest plausible full-time durations (days) by degree; part-time degrees take longer, not shorter.
MIN_DEGREE_DAYS = {"bachelor": 730, "master": 270, "phd": 730, "doctor": 730}
_SENIOR = re.compile(r"\b(senior|sr\.?|lead|principal|staff|head|director|manager|architect|vp|chief)\b", re.I)
_RISKY_TYPES = {PhoneNumberType.VOIP: "a VoIP number (internet telephony, anyone can rent one anywhere)",
                PhoneNumberType.PREMIUM_RATE: "a premium-rate number", PhoneNumberType.TOLL_FREE: "a toll-free number",
                PhoneNumberType.SHARED_COST: "a shared-cost number", PhoneNumberType.PAGER: "a pager number",
                PhoneNumberType.PERSONAL_NUMBER: "a personal forwarding number",
                PhoneNumberType.UAN: "a company switchboard (UAN) number"}
_DISPOSABLE = {"mailinator.com", "10minutemail.com", "guerrillamail.com", "yopmail.com", "tempmail.com",
               "temp-mail.org", "trashmail.com", "getnada.com", "sharklasers.com", "dispostable.com",
               "maildrop.cc", "throwawaymail.com", "fakeinbox.com", "mintemail.com"}
_NETWORK_HOSTS = {"linkedin": "linkedin.com", "github": "github.com", "gitlab": "gitlab.com",
                  "twitter": "twitter.com", "x": "x.com", "stackoverflow": "stackoverflow.com"}
_EMAIL = re.compile(r"^[\w.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class ProfileFinding:
    """facts: the values by name, with the finding's kind (gap, overlap, degree_length, ...), for
    follow-up questions; see each check below for the names."""

    check: str
    field: str
    values: tuple[str, ...]
    reason: str
    score: float
    confidence: float = 0.9  # the fact is read off the profile; what it means is in the score
    facts: dict[str, str] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "field": self.field, "values": list(self.values), "reason": self.reason,
                "score": self.score, "confidence": self.confidence}


def check_profile(profile: CandidateProfile, today: dt.date | None = None) -> list[ProfileFinding]:
    today = today or dt.date.today()
    return [*_phone(profile), *_email(profile), *_links(profile), *_timeline(profile, today)]


def _phone(p: CandidateProfile) -> list[ProfileFinding]:
    if not p.phone:
        return []
    region = p.country_code or None
    try:
        number = phonenumbers.parse(p.phone, region)
    except phonenumbers.NumberParseException as e:
        why = "it has no +country code and the profile gives no country" if region is None else str(e)
        return [ProfileFinding("profile_phone", "basics.phone", (p.phone,), f"the number cannot be read: {why}.", 0.4,
                               facts={"kind": "phone_unreadable", "phone": p.phone})]
    if not phonenumbers.is_valid_number(number):
        return [ProfileFinding("profile_phone", "basics.phone", (p.phone,),
                               f"{p.phone} is not a valid phone number (wrong length or an unused prefix for "
                               f"+{number.country_code}): a made-up or mistyped number.", 0.6,
                               facts={"kind": "phone_invalid", "phone": p.phone})]
    out = []
    number_region = phonenumbers.region_code_for_number(number) or ""
    if p.country_code and number_region and number_region != p.country_code:
        out.append(ProfileFinding("profile_phone", "basics.phone", (p.phone, number_region, p.country_code),
                                  f"the number is from {number_region} but the candidate says they live in "
                                  f"{p.country_code}.", 0.5,
                                  facts={"kind": "phone_region", "phone": p.phone, "number_region": number_region,
                                         "country": p.country_code}))
    kind = phonenumbers.number_type(number)
    if kind in _RISKY_TYPES:
        out.append(ProfileFinding("profile_phone", "basics.phone", (p.phone,),
                                  f"{p.phone} is {_RISKY_TYPES[kind]}, not a mobile or landline tied to a place.",
                                  0.6 if kind == PhoneNumberType.VOIP else 0.4))
    return out


def _email(p: CandidateProfile) -> list[ProfileFinding]:
    if not p.email:
        return []
    if not _EMAIL.match(p.email):
        return [ProfileFinding("profile_email", "basics.email", (p.email,),
                               f"{p.email!r} is not a well-formed e-mail address.", 0.5)]
    domain = p.email.rsplit("@", 1)[1].lower()
    if domain in _DISPOSABLE:
        return [ProfileFinding("profile_email", "basics.email", (p.email,),
                               f"{domain} is a disposable e-mail service: the address may stop working after the "
                               f"application.", 0.6)]
    return []


def _links(p: CandidateProfile) -> list[ProfileFinding]:
    out = []
    for link in p.links:
        field = f"basics.profiles[{link.index}]"
        host = re.sub(r"^(https?://)?(www\.)?", "", link.url.strip(), flags=re.I).split("/")[0].lower()
        if link.url and (" " in link.url.strip() or "." not in host):
            out.append(ProfileFinding("profile_links", f"{field}.url", (link.url,),
                                      f"{link.url!r} is not a web address.", 0.4))
            continue
        expected = _NETWORK_HOSTS.get(link.network.strip().lower())
        if expected and link.url and not (host == expected or host.endswith("." + expected)):
            out.append(ProfileFinding("profile_links", f"{field}.url", (link.network, link.url),
                                      f"the {link.network} profile points to {host}, not {expected}.", 0.5))
        elif link.username and link.url and link.username.lower() not in link.url.lower():
            out.append(ProfileFinding("profile_links", f"{field}.username", (link.username, link.url),
                                      f"the username {link.username!r} does not appear in the link {link.url}.", 0.3))
    return out


def _span(start: PartialDate | None, end: PartialDate | None, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """First and last day an entry can cover; an entry with no end runs to today."""
    if start is None:
        return None
    return start.first_day, end.last_day if end else today


def _timeline(p: CandidateProfile, today: dt.date) -> list[ProfileFinding]:
    entries: list[tuple[str, str, PartialDate | None, PartialDate | None]] = (
        [(f"work[{w.index}]", w.name or w.position, w.start, w.end) for w in p.work]
        + [(f"education[{e.index}]", e.institution, e.start, e.end) for e in p.education])
    out = [*_dates_in_order(entries, today), *_degree_speed(p.education), *_overlaps(p.work, today)]
    out += [*_seniority_before_graduation(p), *_gaps(entries, today)]
    return out


def _dates_in_order(entries, today: dt.date) -> list[ProfileFinding]:
    out = []
    for field, what, start, end in entries:
        if start and end and end < start:
            out.append(ProfileFinding("profile_timeline", f"{field}.endDate", (str(start), str(end)),
                                      f"{what} ends ({end}) before it starts ({start}).", 0.6,
                                      facts={"kind": "order", "subject": what, "start": str(start),
                                             "end": str(end)}))
        for key, date in (("startDate", start), ("endDate", end)):
            if date and date.first_day > today:
                out.append(ProfileFinding("profile_timeline", f"{field}.{key}", (str(date),),
                                          f"{what} has a {key[:-4]} date in the future ({date}).", 0.5,
                                          facts={"kind": "future", "subject": what, "date": str(date)}))
    return out


def _degree_speed(education: tuple[EducationEntry, ...]) -> list[ProfileFinding]:
    out = []
    for e in education:
        kind = next((k for k in MIN_DEGREE_DAYS if k in e.study_type.lower().replace(".", "")
                     or (k == "bachelor" and re.search(r"\bb\.?(sc|a|eng|s)\b", e.study_type, re.I))
                     or (k == "master" and re.search(r"\bm\.?(sc|a|eng|s|ba)\b", e.study_type, re.I))), None)
        if kind is None or e.start is None or e.end is None or e.end < e.start:
            continue
        longest = (e.end.last_day - e.start.first_day).days  # the most time these dates can mean
        if longest < MIN_DEGREE_DAYS[kind]:
            out.append(ProfileFinding("profile_timeline", f"education[{e.index}]", (str(e.start), str(e.end)),
                                      f"a {e.study_type} at {e.institution} from {e.start} to {e.end} took at most "
                                      f"{longest // 30} months; full-time it takes at least "
                                      f"{MIN_DEGREE_DAYS[kind] // 30}.", 0.5,
                                      facts={"kind": "degree_length", "subject": f"{e.study_type} at {e.institution}",
                                             "start": str(e.start), "end": str(e.end)}))
    return out


def _overlaps(work: tuple[WorkEntry, ...], today: dt.date) -> list[ProfileFinding]:
    """One finding per set of full-time jobs that overlap one another (a chain counts as one set), so a
    profile of many parallel jobs gives one finding naming them, not one per pair."""
    jobs = [w for w in work if w.full_time and w.start]
    longest: dict[int, tuple[int, WorkEntry, WorkEntry]] = {}
    group = list(range(len(jobs)))  # union-find over the jobs

    def root(k: int) -> int:
        while group[k] != k:
            group[k] = group[group[k]]
            k = group[k]
        return k

    for (ia, a), (ib, b) in itertools.combinations(enumerate(jobs), 2):
        days = _overlap_days(a, b, today)
        if days > OVERLAP_DAYS:
            ra, rb = root(ia), root(ib)
            group[rb] = ra
            best = max([longest.pop(ra, (0, a, b)), longest.pop(rb, (0, a, b)), (days, a, b)], key=lambda x: x[0])
            longest[ra] = best
    sets: dict[int, list[WorkEntry]] = {}
    for k, job in enumerate(jobs):
        if root(k) in longest:
            sets.setdefault(root(k), []).append(job)
    return [_overlap_finding(members, *longest[r]) for r, members in sets.items()]


def _overlap_days(a: WorkEntry, b: WorkEntry, today: dt.date) -> int:
    # The least the dates can mean: "2019" starts on 2019-12-31 at the latest and ends on 2019-01-01 at
    # the earliest, so a year-only date never makes an overlap longer than it surely was.
    a0, a1 = a.start.last_day, a.end.first_day if a.end else today
    b0, b1 = b.start.last_day, b.end.first_day if b.end else today
    return (min(a1, b1) - max(a0, b0)).days


def _overlap_finding(members: list[WorkEntry], days: int, a: WorkEntry, b: WorkEntry) -> ProfileFinding:
    facts = {"kind": "overlap", "first": a.name, "second": b.name, "months": str(days // 30)}
    why = ("Laptop-farm schemes hold several remote jobs at once; a notice period or a side contract can explain "
           "a short overlap.")
    if len(members) == 2:
        return ProfileFinding("profile_timeline", f"work[{a.index}], work[{b.index}]", (a.name, b.name),
                              f"two full-time jobs, {a.name} and {b.name}, overlap for at least {days // 30} "
                              f"months. {why}", 0.5, facts=facts)
    shown = [m.name for m in members[:_NAMED_IN_SET]]
    more = f" and {len(members) - _NAMED_IN_SET} more" if len(members) > _NAMED_IN_SET else ""
    fields = ", ".join(f"work[{m.index}]" for m in members[:_NAMED_IN_SET]) + (", ..." if more else "")
    return ProfileFinding("profile_timeline", fields, tuple(shown),
                          f"{len(members)} full-time jobs overlap one another ({', '.join(shown)}{more}); the "
                          f"longest overlap, {a.name} and {b.name}, lasts at least {days // 30} months. {why}",
                          0.6, facts={**facts, "jobs": str(len(members))})


def _seniority_before_graduation(p: CandidateProfile) -> list[ProfileFinding]:
    ends = [e.end for e in p.education if e.end]
    if not ends:
        return []
    first_degree = min(ends)
    out = []
    for w in p.work:
        if w.start and _SENIOR.search(w.position or w.name) and w.start.year < first_degree.year:
            out.append(ProfileFinding("profile_timeline", f"work[{w.index}].startDate",
                                      (w.position or w.name, str(w.start), str(first_degree)),
                                      f"a senior role ({w.position or w.name}) starts in {w.start}, before the "
                                      f"first degree was finished ({first_degree}).", 0.4,
                                      facts={"kind": "senior_before_degree", "position": w.position or w.name,
                                             "start": str(w.start), "degree_end": str(first_degree)}))
    return out


def _gaps(entries, today: dt.date) -> list[ProfileFinding]:
    spans = sorted(s for _, _, start, end in entries if (s := _span(start, end, today)) and s[0] <= s[1])
    out = []
    reach = None
    for start, end in spans:
        if reach and (start - reach).days > GAP_DAYS:
            out.append(ProfileFinding("profile_timeline", "work, education", (str(reach), str(start)),
                                      f"nothing is listed from {reach} to {start} ({(start - reach).days // 30} "
                                      f"months): worth asking about; gaps are common and usually innocent.", 0.2,
                                      facts={"kind": "gap", "since": str(reach), "until": str(start)}))
        reach = max(reach, end) if reach else end
    if reach and (today - reach).days > GAP_DAYS:
        out.append(ProfileFinding("profile_timeline", "work, education", (str(reach),),
                                  f"nothing is listed from {reach} to today ({(today - reach).days // 30} months).",
                                  0.2, facts={"kind": "gap", "since": str(reach)}))
    return out
