"""Read a candidate profile: JSON Resume natively; plain-text and PDF résumés as best effort.

A malformed JSON Resume is refused with the field and the problem ("work[2].startDate: '2019-13'
is not a date"); nothing is guessed. A text or PDF résumé is parsed for what it plainly states
(e-mail, phone, links, date ranges with the line they sit on) and says which fields it found.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from interview_guard.errors import UserError
from interview_guard.profile.model import CandidateProfile, EducationEntry, PartialDate, ProfileLink, WorkEntry
from interview_guard.profile.text_resume import profile_from_text


class ProfileError(UserError):
    """A candidate profile that cannot be read, naming the file, the field and the problem."""


# What a real résumé stays far below; anything beyond is refused, not judged (a profile is hostile input:
# 2,000 jobs made two million overlap findings before these limits). README, "The candidate's application".
MAX_PROFILE_BYTES = 2_000_000
MAX_ENTRIES = {"work": 100, "education": 50, "profiles": 30, "skills": 300}
MAX_TEXT_CHARS = 10_000  # one field (a job's summary is the longest)
_QUOTE_CHARS = 60  # what an error message quotes of a bad value


def load_profile(path: str | Path) -> CandidateProfile:
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: no such file (pass a JSON Resume .json, a .txt or a .pdf résumé)")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise ProfileError(f"{path}: {size / 1e6:.1f} MB is larger than any résumé ({MAX_PROFILE_BYTES / 1e6:.0f} MB "
                           f"at most); pass the candidate's own profile")
    suffix = path.suffix.lower()
    if suffix == ".json":
        profile = _from_json_resume(path)
    elif suffix in (".txt", ".md", ".text"):
        profile = profile_from_text(_read_text(path), str(path))
    elif suffix == ".pdf":
        profile = profile_from_text(_pdf_text(path), str(path))
    else:
        raise ProfileError(f"{path}: unsupported profile type {quote(suffix) if suffix else '(none)'}; use a "
                           f"JSON Resume .json, a .txt or a .pdf résumé")
    _check_counts(path, profile)
    return profile


def quote(value: Any, limit: int = _QUOTE_CHARS) -> str:
    """repr() of a value, cut to `limit` characters: an error never echoes a whole hostile input."""
    text = repr(value) if not isinstance(value, (dict, list)) else f"a {type(value).__name__} of {len(value)}"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _check_counts(path: Path, profile: CandidateProfile) -> None:
    """A text résumé's dated lines become entries: the same limits as a JSON Resume's lists."""
    for field, count in (("work", len(profile.work)), ("education", len(profile.education)),
                         ("profiles", len(profile.links)), ("skills", len(profile.skills))):
        if count > MAX_ENTRIES[field]:
            raise ProfileError(f"{path}: {field}: {count} entries; a résumé has at most {MAX_ENTRIES[field]} "
                               f"(refused, not judged)")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="latin-1")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    except (PdfReadError, ValueError, OSError) as e:
        raise ProfileError(f"{path}: not a readable PDF ({e})") from None
    if not text.strip():
        raise ProfileError(f"{path}: the PDF has no text layer (a scan?); export the résumé as text or JSON Resume")
    return text


def _from_json_resume(path: Path) -> CandidateProfile:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text; save the JSON Resume as UTF-8") from None
    except json.JSONDecodeError as e:
        raise ProfileError(f"{path}: not valid JSON at line {e.lineno}, column {e.colno} ({e.msg})") from None
    except RecursionError:
        raise ProfileError(f"{path}: the JSON is nested far deeper than a JSON Resume (a few levels)") from None
    except ValueError as e:  # e.g. an integer of more digits than Python converts (4,300)
        raise ProfileError(f"{path}: not a JSON Resume: {quote(str(e), 120)}") from None
    reader = _Fields(path)
    root = reader.obj(data, "(top level)")
    basics = reader.obj(root.get("basics", {}), "basics")
    location = reader.obj(basics.get("location", {}), "basics.location")
    country = reader.text(location, "countryCode", "basics.location").upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        reader.fail("basics.location.countryCode", f"{country!r} is not a two-letter ISO country code (e.g. US, DE)")
    links = tuple(ProfileLink(network=reader.text(p, "network", f"basics.profiles[{i}]"),
                              url=reader.text(p, "url", f"basics.profiles[{i}]"),
                              username=reader.text(p, "username", f"basics.profiles[{i}]"), index=i)
                  for i, p in enumerate(reader.objects(basics, "profiles", "basics")))
    work = tuple(_work(reader, w, i) for i, w in enumerate(reader.objects(root, "work", "")))
    education = tuple(_education(reader, e, i) for i, e in enumerate(reader.objects(root, "education", "")))
    skills = tuple(reader.text(s, "name", f"skills[{i}]") for i, s in enumerate(reader.objects(root, "skills", "")))
    return CandidateProfile(
        source=str(path), name=reader.text(basics, "name", "basics"), email=reader.text(basics, "email", "basics"),
        phone=reader.text(basics, "phone", "basics"), city=reader.text(location, "city", "basics.location"),
        region=reader.text(location, "region", "basics.location"), country_code=country, links=links,
        work=work, education=education, skills=skills,
        found=tuple(k for k in ("basics", "work", "education", "skills") if k in root))


_PART_TIME = re.compile(r"\b(part[- ]time|intern(ship)?|freelance|contract(or)?|volunteer|working student)\b", re.I)


def _work(reader: "_Fields", w: dict[str, Any], i: int) -> WorkEntry:
    where = f"work[{i}]"
    name = reader.text(w, "name", where) or reader.text(w, "company", where)  # "company": older schema
    start, end = reader.date(w, "startDate", where), reader.date(w, "endDate", where)
    text = " ".join([reader.text(w, "position", where), reader.text(w, "summary", where)])
    return WorkEntry(name=name, position=reader.text(w, "position", where), start=start, end=end,
                     location=reader.text(w, "location", where),
                     summary=reader.text(w, "summary", where), full_time=not _PART_TIME.search(text), index=i)


def _education(reader: "_Fields", e: dict[str, Any], i: int) -> EducationEntry:
    where = f"education[{i}]"
    return EducationEntry(institution=reader.text(e, "institution", where), area=reader.text(e, "area", where),
                          study_type=reader.text(e, "studyType", where), start=reader.date(e, "startDate", where),
                          end=reader.date(e, "endDate", where), index=i)


class _Fields:
    """Typed access to a JSON Resume that names the field in every error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> None:
        raise ProfileError(f"{self.path}: {field}: {problem}")

    def obj(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(field, f"expected an object, found {type(value).__name__}")
        return value

    def objects(self, parent: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        field = f"{where}.{key}" if where else key
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fail(field, f"expected a list, found {type(value).__name__}")
        if len(value) > MAX_ENTRIES.get(key, 100):
            self.fail(field, f"{len(value)} entries; a résumé has at most {MAX_ENTRIES.get(key, 100)} "
                             f"(refused, not judged)")
        return [self.obj(v, f"{field}[{i}]") for i, v in enumerate(value)]

    def text(self, parent: dict[str, Any], key: str, where: str) -> str:
        value = parent.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"expected text, found {type(value).__name__} {quote(value)}")
        if len(value) > MAX_TEXT_CHARS:
            self.fail(f"{where}.{key}", f"{len(value)} characters; one field holds at most {MAX_TEXT_CHARS}")
        return value.strip()

    def date(self, parent: dict[str, Any], key: str, where: str) -> PartialDate | None:
        value = self.text(parent, key, where)
        if not value or value.lower() in ("present", "current", "now"):
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as e:
            self.fail(f"{where}.{key}", str(e))
        return None
