"""Best-effort reading of a plain-text résumé (or a PDF's text) into a CandidateProfile.

Only what the text plainly states is taken: an e-mail, a phone number, profile links, and every
line with a date range ("Mar 2019 - Jun 2021", "2015 – present") as a job or, when the line names a
degree or a school, as education. `found` says which of these were found, so nobody mistakes a
field the parser missed for a field the candidate left out.
"""

from __future__ import annotations

import re

from interview_guard.profile.model import CandidateProfile, EducationEntry, PartialDate, ProfileLink, WorkEntry

_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                            "nov", "dec"))}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"


def _point_pattern(p: str) -> str:
    """A month name or number (optional) and a year, in groups <p>m, <p>n, <p>y."""
    return rf"(?:(?P<{p}m>{_MONTH})\s+|(?P<{p}n>\d{{1,2}})[/.])?(?P<{p}y>(?:19|20)\d{{2}})"


_RANGE = re.compile(_point_pattern("a") + r"\s*(?:-|–|—|to|until)\s*(?:(?P<now>present|current|now|today)|"
                    + _point_pattern("b") + ")", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\b00)?\d[\d\s().-]{6,}\d")
_URL = re.compile(r"(?:https?://)?(?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com|[\w-]+\.[\w.-]+)/[\w/@.~%-]+",
                  re.I)
_SCHOOL = re.compile(r"\b(universit\w*|college|school|institute|academy|polytechnic|bachelor|master|ph\.?d|"
                     r"b\.?sc|m\.?sc|b\.?a\.?|m\.?a\.?|mba|degree|diploma)\b", re.I)
_DEGREE = re.compile(r"\b(bachelor|master|ph\.?d|doctor\w*|b\.?sc|m\.?sc|mba|associate|diploma)\b", re.I)
_NETWORKS = {"linkedin.com": "LinkedIn", "github.com": "GitHub", "gitlab.com": "GitLab"}


def profile_from_text(text: str, source: str) -> CandidateProfile:
    lines = [ln.strip() for ln in text.splitlines()]
    email = next((m.group(0) for ln in lines if (m := _EMAIL.search(ln))), "")
    phone = _first_phone(lines)
    links = _links(text)
    work, education = _dated_entries(lines)
    name = next((ln for ln in lines if _looks_like_name(ln)), "")
    found = [k for k, v in (("name", name), ("email", email), ("phone", phone), ("profiles", links),
                            ("work", work), ("education", education)) if v]
    return CandidateProfile(source=source, name=name, email=email, phone=phone, links=links, work=tuple(work),
                            education=tuple(education), found=tuple(found))


def _first_phone(lines: list[str]) -> str:
    for ln in lines:
        for m in _PHONE.finditer(ln):
            candidate = m.group(0).strip()
            digits = re.sub(r"\D", "", candidate)
            if 7 <= len(digits) <= 15 and not _RANGE.search(candidate):
                return candidate
    return ""


def _links(text: str) -> tuple[ProfileLink, ...]:
    out = []
    for i, m in enumerate(_URL.finditer(text)):
        url = m.group(0)
        if "@" in url.split("/")[0]:
            continue  # an e-mail address, not a link
        host = re.sub(r"^(https?://)?(www\.)?", "", url, flags=re.I).split("/")[0].lower()
        out.append(ProfileLink(network=_NETWORKS.get(host, host), url=url, index=i))
    return tuple(out)


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (2 <= len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").replace("'", "").isalpha()
                                         for w in words) and not _SCHOOL.search(line))


def _point(m: re.Match, p: str) -> PartialDate | None:
    if m.group(f"{p}y") is None:
        return None
    month = 0
    if m.group(f"{p}m"):
        month = _MONTHS[m.group(f"{p}m")[:3].lower()]
    elif m.group(f"{p}n"):
        month = int(m.group(f"{p}n"))
    return PartialDate(int(m.group(f"{p}y")), month if 1 <= month <= 12 else 0)


def _dated_entries(lines: list[str]) -> tuple[list[WorkEntry], list[EducationEntry]]:
    work: list[WorkEntry] = []
    education: list[EducationEntry] = []
    for i, line in enumerate(lines):
        m = _RANGE.search(line)
        if not m:
            continue
        label = (line[:m.start()] + line[m.end():]).strip(" ,|-–—:()")
        if len(label) < 3 and i > 0:  # the dates on a line of their own: the entry is the line above
            label = lines[i - 1]
        start, end = _point(m, "a"), None if m.group("now") else _point(m, "b")
        if _SCHOOL.search(label):
            degree = _DEGREE.search(label)
            education.append(EducationEntry(institution=label, study_type=degree.group(0) if degree else "",
                                            start=start, end=end, index=len(education)))
        else:
            work.append(WorkEntry(name=label, start=start, end=end, index=len(work),
                                  full_time=not re.search(r"part[- ]time|intern|freelance", label, re.I)))
    return work, education
