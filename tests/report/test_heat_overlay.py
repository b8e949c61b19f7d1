"""A learned check's heat map is drawn over its evidence frame, where on the face the model looked."""

from __future__ import annotations

import re

from interview_guard.report.html import _indicator_table
from interview_guard.results import Evidence, Indicator

JPEG = b"\xff\xd8\xff\xd9"


def _finding(heat: tuple[float, ...]) -> Indicator:
    e = Evidence(1.0, 4.0, frame_times=(2.0, 3.0), frame_indices=(50, 75), note="n",
                 heat=heat, heat_box=(160.0, 120.0, 480.0, 360.0) if heat else ())
    return Indicator("face_forgery", 1.0, 4.0, 0.95, 0.3, "blended", evidence=(e,))


def test_heat_cells_lie_over_the_box_on_the_first_frame_only():
    heat = (0.0,) * 12 + (1.0, 0.5, 0.5, 1.0)
    html = _indicator_table((_finding(heat),), {2.0: JPEG, 3.0: JPEG}, (640, 480))
    assert html.count("class=heatwrap") == 1 and html.count("<img") == 2
    assert "left:25.0%;top:25.0%;width:50.0%;height:50.0%" in html
    alphas = [float(a) for a in re.findall(r"rgba\(217,48,37,([0-9.]+)\)", html)]
    assert len(alphas) == 16 and alphas[12] == 0.6 and alphas[13] == 0.3 and max(alphas[:12]) == 0.0


def test_no_heat_no_overlay():
    html = _indicator_table((_finding(()),), {2.0: JPEG, 3.0: JPEG}, (640, 480))
    assert "heatwrap" not in html and html.count("<img") == 2
