"""Reading profiles: JSON Resume strictly (field-named errors), text and PDF résumés as best effort."""

from __future__ import annotations

from pathlib import Path

import pytest

from interview_guard.profile.load import ProfileError, load_profile
from interview_guard.profile.model import PartialDate
from tests.profile.resumes import resume, write

TEXT_RESUME = """Jane Q Doe
jane.doe@example.com | +1 (415) 555-0132 | linkedin.com/in/janedoe | https://github.com/jdoe

Experience
Senior Engineer, Acme Corp   Mar 2019 - present
Engineer, Globex  2015 – Feb 2019

Education
BSc Computer Science, University of Nowhere 2011 - 2015
"""


def test_json_resume_is_read_field_by_field(tmp_path: Path) -> None:
    p = load_profile(write(tmp_path, resume()))
    assert (p.name, p.country_code, p.phone) == ("Ana Ruiz", "ES", "+34 612 345 678")
    assert [w.name for w in p.work] == ["Globex", "Initech"] and p.work[0].end is None
    assert p.work[1].start == PartialDate(2017, 9) and p.education[0].study_type == "Bachelor"
    assert [link.network for link in p.links] == ["LinkedIn", "GitHub"] and p.skills == ("Python", "PostgreSQL")


@pytest.mark.parametrize("changes, message", [
    ({"work.1.startDate": "2019-13"}, "work[1].startDate: '2019-13' is not a date"),
    ({"education.0.endDate": "June 2017"}, "education[0].endDate: 'June 2017' is not a date"),
    ({"work.0.startDate": "2019-02-30"}, "work[0].startDate"),
    ({"basics.phone": 34612345678}, "basics.phone: expected text, found int"),
    ({"work": {"name": "Globex"}}, "work: expected a list, found dict"),
    ({"basics.location.countryCode": "Spain"}, "basics.location.countryCode: 'SPAIN' is not a two-letter"),
])
def test_malformed_json_resume_names_the_field(tmp_path: Path, changes: dict, message: str) -> None:
    path = write(tmp_path, resume(**changes))
    with pytest.raises(ProfileError) as e:
        load_profile(path)
    assert str(e.value).startswith(f"{path}: ") and message in str(e.value)


def test_broken_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"basics": {"name": "Ana",}}', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken.json: not valid JSON at line 1, column 27"):
        load_profile(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "cv.docx").write_bytes(b"PK")
    with pytest.raises(ProfileError, match="unsupported profile type '.docx'"):
        load_profile(tmp_path / "cv.docx")
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "missing.json")


def test_text_resume_yields_what_it_states_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_text(TEXT_RESUME, encoding="utf-8")
    p = load_profile(path)
    assert p.found == ("name", "email", "phone", "profiles", "work", "education")
    assert (p.name, p.email, p.phone) == ("Jane Q Doe", "jane.doe@example.com", "+1 (415) 555-0132")
    assert [(w.start, w.end) for w in p.work] == [(PartialDate(2019, 3), None), (PartialDate(2015), PartialDate(2019, 2))]
    assert p.education[0].study_type == "BSc" and p.education[0].end == PartialDate(2015)


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (Helvetica), written by hand: no PDF library needed to make it."""
    text = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        "(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for ln in lines) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 4 0 R >> >> "
               "/Contents 5 0 R >>", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Length {len(text)} >>\nstream\n{text}\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pdf_resume_is_read_through_its_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(minimal_pdf(TEXT_RESUME.replace("–", "-").splitlines()))
    p = load_profile(path)
    assert p.email == "jane.doe@example.com" and len(p.work) == 2 and len(p.education) == 1


def test_a_pdf_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(b"this is not a pdf")
    with pytest.raises(ProfileError, match="cv.pdf: not a readable PDF"):
        load_profile(path)
