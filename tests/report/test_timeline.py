"""The report's timeline: a lane only for a check with findings or judged spans, every other check on one
line with why it has nothing to show."""

from __future__ import annotations

import re

from interview_guard.report import render_report
from tests.report.helpers import call_summary


def lanes(html: str) -> list[str]:
    return re.findall(r"<g class=lane data-lane='([^']*)'>", html)


def rest_line(html: str) -> str:
    (line,) = re.findall(r"<p id=timeline-rest.*?</p>", html)
    return line


def test_lanes_only_for_checks_with_findings_or_judged_spans_and_the_rest_on_one_line() -> None:
    summary = call_summary()
    html = render_report(summary, {})
    assert lanes(html) == ["faces in view", "speech", "av_offset", "no_pulse", "second_voice"]
    line = rest_line(html)
    listed = re.search(r"data-checks='([^']*)'", line).group(1).split()
    assert sorted(listed + ["av_offset", "no_pulse", "second_voice"]) == sorted(summary.checks_run)
    assert "reference_mismatch (no reference photo given)" in line
    assert "low_sync (none of its 15 windows could be judged)" in line
    assert re.search(r"judged, nothing to flag</b>: no_face, face_partly_out", line)
    # The lip-sync lane shows the spans judged; the voice lane its finding
    assert html.count("class=judged") == 2 and html.count("class=ind data-check='second_voice'") == 1


def test_a_recording_without_a_face_says_so_for_each_face_check() -> None:
    html = render_report(call_summary(frames_with_face=0, series=(), faces_per_second=(0,) * 30), {})
    assert lanes(html) == ["faces in view", "speech", "second_voice"]
    line = rest_line(html)
    for check in ("several_faces", "identity_change", "blink_anomaly", "face_swap_seam"):
        assert f"{check} (no face in any analysed frame)" in line, line


def test_without_speech_the_speech_checks_say_speech_was_off() -> None:
    from interview_guard.summary import TranscriptInfo

    html = render_report(call_summary(transcript=TranscriptInfo("", "", "", ()), indicators=(), follow_ups=()), {})
    line = rest_line(html)
    assert "answer_latency (speech was not analysed)" in line and "second_voice (speech was not analysed)" in line


def test_hostile_text_in_reasons_is_escaped_in_the_lanes() -> None:
    html = render_report(call_summary(), {})
    timeline = html[html.index("<svg id=timeline"):html.index("</svg>", html.index("<svg id=timeline"))]
    assert "<b>third</b>" not in timeline and "&lt;b&gt;third&lt;/b&gt;" in timeline
