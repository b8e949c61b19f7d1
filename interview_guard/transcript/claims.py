"""What the candidate says about their history, against what their profile claims.

Claims are read sentence by sentence from the transcript's words: an employer or school of the
profile named (fuzzy: "Globex" matches "Globex Corporation"), with years said next to a start,
end or graduation cue ("I joined Globex in 2019", "I left in 2021", "I graduated from UPM in 2015"),
the years of experience stated, and the city the candidate says they live in. A claim contradicts
the profile when its year differs from the profile's date for the same place (or falls outside the
span, for "I was at Globex in 2016").
Speech recognition mishears years and names, so each contradiction is quoted with its time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from interview_guard.profile.model import CandidateProfile, PartialDate
from interview_guard.speech.core import TranscriptSegment, Word

CLAIMS_LANGUAGE = "en"  # the cue words below are English: other speech is not read for claims
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_START = re.compile(r"\b(join\w*|start\w*|began|begin\w*|hired|since|from|moved to)\b", re.I)
_END = re.compile(r"\b(left|leav\w*|quit|until|till|ended|finish\w*|through|to)\b", re.I)
_GRADUATED = re.compile(r"\b(graduat\w*|finish\w*|complet\w*|earned|got my|degree)\b", re.I)
_EXPERIENCE = re.compile(r"\b(\w+)(?:\s+plus)?\s+years?\s+(?:of\s+)?(?:professional\s+|industry\s+|work\s+)?"
                         r"experience\b", re.I)
_LIVE = re.compile(r"\b(?i:i live in|i'm based in|i am based in|based out of|living in)\s+([A-Z][\w-]+"
                   r"(?:\s+[A-Z][\w-]+)?)")
_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
                                        .split())}
_GENERIC = {"inc", "corp", "corporation", "ltd", "llc", "gmbh", "sa", "co", "company", "the", "of", "de", "group",
            "university", "universidad", "college", "school", "institute", "technologies", "labs", "at", "in",
            "for", "and", "a", "an"}
NAME_MATCH = 0.75  # similarity of a spoken word run to an employer's distinctive name ("initek" ~ "initech")


@dataclass(frozen=True)
class Sentence:
    text: str
    words: tuple[Word, ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end


@dataclass(frozen=True)
class Contradiction:
    """facts name the two sides for a follow-up question: kind (start, end, during, graduated, experience,
    city), place (employer or school), said (the year, number or city heard), profile (what the profile has)."""

    sentence: Sentence
    said: str  # what the candidate said, short
    profile_says: str
    field: str  # the profile field contradicted
    facts: dict[str, str] = field(default_factory=dict)


def sentences(segments: list[TranscriptSegment]) -> list[Sentence]:
    """Word runs ending in . ? or ! (a segment's end also ends a sentence)."""
    out: list[Sentence] = []
    for seg in segments:
        run: list[Word] = []
        for w in seg.words:
            run.append(w)
            if w.text.rstrip().endswith((".", "?", "!")):
                out.append(Sentence(" ".join(x.text.strip() for x in run), tuple(run)))
                run = []
        if run:
            out.append(Sentence(" ".join(x.text.strip() for x in run), tuple(run)))
    return out


def _tokens(text: str) -> list[str]:
    """Lower-case words without accents or generic words ('Universidad Politécnica' -> ['politecnica'])."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [t for t in re.findall(r"[a-z0-9]+", plain) if t not in _GENERIC]


def mentions(text: str, name: str) -> bool:
    """Whether the text names the organisation, allowing for a misheard letter or two."""
    key = " ".join(_tokens(name))
    if not key:
        return False
    spoken = _tokens(text)
    n = len(key.split())
    return any(SequenceMatcher(None, " ".join(spoken[i:i + n]), key).ratio() >= NAME_MATCH
               for i in range(max(0, len(spoken) - n + 1)))


def cued_years(text: str) -> list[tuple[int, str]]:
    """Each year said, with its cue: 'graduated' after a graduation word anywhere before it, else the
    nearest cue word in the four words before it ('start', 'end'), or 'during' when there is none
    ('I was at Globex in 2016')."""
    out = []
    for m in _YEAR.finditer(text):
        kind = "during"
        window = [w.strip(",.").lower() for w in text[:m.start()].split()[-4:]]
        if _GRADUATED.search(text[:m.start()]):  # "graduated from the UPM in 2016": not a start
            out.append((int(m.group(1)), "graduated"))
            continue
        for word in reversed(window):
            if _START.fullmatch(word):
                kind = "start"
            elif _END.fullmatch(word):
                kind = "end"
            else:
                continue
            break
        out.append((int(m.group(1)), kind))
    return out


def find_contradictions(profile: CandidateProfile, segments: list[TranscriptSegment],
                        today_year: int) -> list[Contradiction]:
    out: list[Contradiction] = []
    for s in sentences(segments):
        for w in profile.work:
            if w.name and mentions(s.text, w.name):
                out += _dates(s, w.name, f"work[{w.index}]", w.start, w.end, current_year=today_year)
        for e in profile.education:
            if e.institution and mentions(s.text, e.institution) and e.end:
                for year, kind in cued_years(s.text):
                    if kind in ("graduated", "end") and year != e.end.year:
                        out.append(Contradiction(s, f"finished at {e.institution} in {year}",
                                                 f"{e.institution} until {e.end}", f"education[{e.index}].endDate",
                                                 _facts("graduated", e.institution, year, e.end)))
        out += _experience(s, profile, today_year) + _city(s, profile)
    return out


def _dates(s: Sentence, name: str, field: str, start: PartialDate | None, end: PartialDate | None,
           current_year: int) -> list[Contradiction]:
    out = []
    span = f"{name} from {start or '?'} to {end or 'now'}"
    last = end.year if end else current_year
    for year, kind in cued_years(s.text):
        if kind == "start" and start and year != start.year:
            out.append(Contradiction(s, f"started at {name} in {year}", span, f"{field}.startDate",
                                     _facts("start", name, year, start)))
        elif kind == "end" and year != last:
            out.append(Contradiction(s, f"left {name} in {year}", span, f"{field}.endDate",
                                     _facts("end", name, year, end or "you are still there")))
        elif kind == "during" and start and not start.year <= year <= last:
            out.append(Contradiction(s, f"was at {name} in {year}", span, field,
                                     _facts("during", name, year, f"{start} to {end or 'now'}")))
    return out


def _facts(kind: str, place: str, said: object, profile: object) -> dict[str, str]:
    return {"kind": kind, "place": place, "said": str(said), "profile": str(profile)}


def _experience(s: Sentence, profile: CandidateProfile, today_year: int) -> list[Contradiction]:
    m = _EXPERIENCE.search(s.text)
    starts = [w.start.year for w in profile.work if w.start]
    if not m or not starts:
        return []
    word = m.group(1).lower()
    said = int(word) if word.isdigit() else _NUMBERS.get(word)
    if said is None:
        return []
    listed = today_year - min(starts)
    if abs(said - listed) >= max(3, 0.3 * listed):
        return [Contradiction(s, f"{said} years of experience", f"work since {min(starts)} (about {listed} years)",
                              "work", _facts("experience", "", said, min(starts)))]
    return []


def _city(s: Sentence, profile: CandidateProfile) -> list[Contradiction]:
    m = _LIVE.search(s.text)
    if not m or not profile.city:
        return []
    said = m.group(1)
    if SequenceMatcher(None, said.lower(), profile.city.lower()).ratio() >= NAME_MATCH:
        return []
    return [Contradiction(s, f"lives in {said}", f"lives in {profile.city}", "basics.location.city",
                          _facts("city", "", said, profile.city))]
