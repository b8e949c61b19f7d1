"""The report's timeline: faces and speech, then one lane per check that found or judged something
(findings coloured by level over the spans its measurements judged); every other check on one line
below, with why it has nothing to show."""

from __future__ import annotations

from html import escape

from interview_guard.report.checks import NOTHING_FLAGGED, CheckResult, check_results
from interview_guard.summary import SessionSummary

LEVEL_COLOUR = {"red": "#d93025", "amber": "#f29900", "green": "#1e8e3e"}
_LEFT, _WIDTH, _ROW = 150, 900, 22
_JUDGED = "#ceead6"


def timeline_html(summary: SessionSummary) -> str:
    results = check_results(summary)
    return _svg(summary, [r for r in results if r.has_content]) + _collapsed([r for r in results if not r.has_content])


def _x(t: float, duration: float) -> float:
    return _LEFT + _WIDTH * (t / duration if duration > 0 else 0)


def _bar(t0: float, t1: float, duration: float, y: float, fill: str, title: str, attrs: str = "",
         least: float = 1.0) -> str:
    x0, x1 = _x(t0, duration), _x(min(t1, duration), duration)
    return (f"<rect{attrs} x={x0:.1f} y={y} width={max(least, x1 - x0):.1f} height={_ROW - 6} fill={fill}>"
            f"<title>{escape(title)}</title></rect>")


def _svg(summary: SessionSummary, lanes: list[CheckResult]) -> str:
    duration = max(summary.source.duration, 0.1)
    names = ["faces in view", "speech"] + [r.check for r in lanes]
    height = _ROW * len(names) + 30
    out = [f"<svg id=timeline width={_LEFT + _WIDTH + 20} height={height} role=img aria-label='indicator timeline'>"]
    for r, name in enumerate(names):
        out.append(f"<g class=lane data-lane='{escape(name)}'><text x=4 y={r * _ROW + 18}>{escape(name)}</text>"
                   f"<rect x={_LEFT} y={r * _ROW + 4} width={_WIDTH} height={_ROW - 6} fill=#f1f3f4 /></g>")
    for sec, count in enumerate(summary.faces_per_second):
        if count and sec < duration:
            out.append(_bar(sec, sec + 1.0, duration, 4, "#1e8e3e" if count == 1 else "#d93025",
                            f"{sec}-{sec + 1} s: {count} face(s)", " opacity=.7"))
    for seg in summary.transcript.segments:
        out.append(_bar(seg.start, seg.end, duration, _ROW + 4, "#1a73e8", f"{seg.start:.1f}-{seg.end:.1f} s: "
                        f"{seg.text}", " opacity=.6"))
    for row, lane in enumerate(lanes, start=2):
        y = row * _ROW + 4
        out += [_bar(a, b, duration, y, _JUDGED, f"judged {a:.1f}-{b:.1f} s", " class=judged") for a, b in lane.judged]
        out += [_bar(i.start, i.end, duration, y, LEVEL_COLOUR[i.level], i.reason,
                     f" class=ind data-check='{escape(i.check)}'", least=2.0) for i in lane.indicators]
    for k in range(0, int(duration) + 1, max(1, int(duration / 10) or 1)):
        out.append(f"<text x={_x(k, duration):.1f} y={height - 6} text-anchor=middle>{k}s</text>")
    out.append("</svg>")
    return "".join(out)


def _collapsed(rest: list[CheckResult]) -> str:
    """The checks without a lane, on one line: those that judged and found nothing, then those that could
    not judge, each with its reason."""
    if not rest:
        return ""
    quiet = [r.check for r in rest if r.reason == NOTHING_FLAGGED]
    void = [r for r in rest if r.reason != NOTHING_FLAGGED]
    parts = []
    if quiet:
        parts.append(f"<b>judged, nothing to flag</b>: {escape(', '.join(quiet))}")
    if void:
        parts.append("<b>could not judge</b>: " + "; ".join(
            f"<span class=void data-check='{escape(r.check)}'>{escape(r.check)} ({escape(r.reason)})</span>"
            for r in void))
    return (f"<p id=timeline-rest class=muted data-checks='{escape(' '.join(r.check for r in rest))}'>"
            f"No lane for {len(rest)} check(s): {'. '.join(parts)}.</p>")
