"""A candidate's application, in the JSON Resume schema's terms (jsonresume.org): what flows to the checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date as résumés give them: a year, a month, sometimes a day."""

    year: int
    month: int = 0  # 0: not given
    day: int = 0

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """'2019', '2019-03' or '2019-03-15'; ValueError with the reason otherwise."""
        m = _DATE.match(text.strip())
        if not m:
            raise ValueError(f"{text[:40]!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if not 1900 <= year <= 2200 or not 0 <= month <= 12:
            raise ValueError(f"{text[:40]!r} is not a date (year 1900-2200, month 1-12)")
        if day:
            dt.date(year, month or 1, day)  # raises ValueError for 2019-02-30
        return cls(year, month, day)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        """The latest day this date can mean (2019 -> 2019-12-31)."""
        if self.day:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        following = dt.date(self.year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}" + (f"-{self.month:02d}" if self.month else "") + (f"-{self.day:02d}" if self.day else "")


@dataclass(frozen=True)
class WorkEntry:
    name: str  # employer
    position: str = ""
    start: PartialDate | None = None
    end: PartialDate | None = None  # None: current
    location: str = ""
    summary: str = ""
    full_time: bool = True  # JSON Resume has no such field; "part-time", "intern" and the like in the text clear it
    index: int = 0  # position in the source list, for field names like work[2].startDate


@dataclass(frozen=True)
class EducationEntry:
    institution: str
    area: str = ""
    study_type: str = ""  # "Bachelor", "Master", "PhD", ...
    start: PartialDate | None = None
    end: PartialDate | None = None
    index: int = 0


@dataclass(frozen=True)
class ProfileLink:
    network: str
    url: str = ""
    username: str = ""
    index: int = 0


@dataclass(frozen=True)
class CandidateProfile:
    """One candidate's claims. `source` is the file read; `found` lists which fields a plain-text or
    PDF résumé yielded (a JSON Resume yields what it has)."""

    source: str
    name: str = ""
    email: str = ""
    phone: str = ""
    city: str = ""
    region: str = ""
    country_code: str = ""  # ISO 3166-1 alpha-2, as JSON Resume's location.countryCode
    links: tuple[ProfileLink, ...] = ()
    work: tuple[WorkEntry, ...] = ()
    education: tuple[EducationEntry, ...] = ()
    skills: tuple[str, ...] = ()
    found: tuple[str, ...] = ()
