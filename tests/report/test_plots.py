"""Measurement charts: one per series that judged something, each on its quantity's fixed scale with its
check's thresholds drawn and labelled; the series that judged nothing on one line with why."""

from __future__ import annotations

import re

from interview_guard.analyzers.core import Series
from interview_guard.report import render_report
from interview_guard.report.plots import series_svg
from tests.report.helpers import WINDOWS, call_summary

_FRAME_BOTTOM = 140 - 18  # the plot area's height


def charts(html: str) -> dict[str, str]:
    return dict(re.findall(r"<svg class=series id='series-([^']+)'(.*?)</svg>", html))


def test_only_judged_series_are_charted_and_none_reads_0_judged() -> None:
    html = render_report(call_summary(), {})
    assert sorted(charts(html)) == ["av_offset_ms", "pulse_snr_db"]
    assert not re.search(r"\b0 judged", html)
    (line,) = re.findall(r"<p id=series-not-judged.*?</p>", html)
    assert "Blinks per minute (none of its 15 windows could be judged)" in line
    assert "answer latency (no window)" in line


def test_without_any_face_the_void_series_say_why() -> None:
    html = render_report(call_summary(frames_with_face=0), {})
    (line,) = re.findall(r"<p id=series-not-judged.*?</p>", html)
    assert "Heart rate from the skin (POS) (no face in any analysed frame)" in line


def test_a_chart_has_its_checks_fixed_scale_and_labelled_threshold() -> None:
    chart = charts(render_report(call_summary(), {}))["pulse_snr_db"]
    assert "data-lower='-15' data-upper='15'" in chart  # dB, not the points' own range (-2..12)
    assert ">15</text>" in chart and ">-15</text>" in chart
    assert "<g class=threshold data-label='no_pulse under 0 dB'>" in chart and ">no_pulse under 0 dB</text>" in chart
    # the highest and lowest points lie inside the frame, not on it
    ys = [float(y) for y in re.findall(r"<circle cx=[\d.]+ cy=([\d.]+)", chart)]
    assert len(ys) == 12 and all(8 < y < _FRAME_BOTTOM - 8 for y in ys), ys


def test_lip_sync_offset_keeps_its_options_range_and_both_thresholds() -> None:
    chart = charts(render_report(call_summary(), {}))["av_offset_ms"]
    assert "data-lower='-1000' data-upper='1000'" in chart
    assert "data-label='av_offset beyond +200 ms'" in chart and "data-label='av_offset beyond -200 ms'" in chart


def test_blink_rate_draws_the_no_blink_threshold_from_the_settings() -> None:
    blinks = Series("blinks_per_minute", "Blinks per minute", "/min", WINDOWS, (12.0,) * len(WINDOWS), 0.0, 60.0)
    svg = series_svg(blinks, 30.0, {"liveness": {"no_blink_s": 30.0}})
    assert "data-label='blink_anomaly: no blink in 30 s'" in svg


def test_a_point_off_the_scale_is_a_triangle_with_its_value() -> None:
    svg = series_svg(Series("face_jitter", "Face jerking", "%", (1.0, 2.0), (0.5, 9.0), lower=0.0, limits=(1.0,)),
                     3.0)
    assert svg.count("class=off-scale") == 1 and "9 % (off the scale)" in svg


def test_labels_and_units_are_escaped() -> None:
    svg = series_svg(Series("x<y", "<script>alert(1)</script>", "<u>", (1.0,), (0.5,)), 2.0)
    assert "<script>" not in svg and "<u>" not in svg and "&lt;script&gt;" in svg
