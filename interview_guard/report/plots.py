"""Line plots of measurements over time (Series) as inline SVG, one per series that judged something.

Each chart has its quantity's fixed scale and its check's thresholds drawn and labelled (scales.py); a
gap is a window the check could not judge; a point beyond the scale is drawn on the frame as a triangle
with its value in its tooltip. Series that judged nothing are listed on one line with the reason.
"""

from __future__ import annotations

from html import escape
from typing import Any

from interview_guard.report.checks import NOTHING_FLAGGED, not_judged_reason
from interview_guard.report.scales import NO_THRESHOLD, check_of, thresholds, y_range
from interview_guard.results import Series
from interview_guard.summary import SessionSummary

_W, _H, _LEFT, _BOTTOM, _PAD = 900, 140, 48, 18, 6


def measurements_html(summary: SessionSummary) -> str:
    """The section: a chart per series with judged points, then one line for the others."""
    if not summary.series:
        return ""
    judged = [s for s in summary.series if any(v is not None for v in s.values)]
    plots = "".join(f"<div>{series_svg(s, summary.source.duration, summary.settings)}</div>" for s in judged)
    intro = ("<p class=muted>One point per sliding window; gaps are windows that could not be judged (silence, "
             "face turned away or covered). Dashed: the check's thresholds.</p>" if judged else "")
    return f"<h2>Measurements over time</h2>{intro}{plots}{_not_plotted(summary, judged)}"


def _not_plotted(summary: SessionSummary, judged: list[Series]) -> str:
    rest = [s for s in summary.series if s not in judged]
    if not rest:
        return ""
    items = "; ".join(f"<span data-series='{escape(s.name)}'>{escape(s.label)} ({escape(_why(s, summary))})</span>"
                      for s in rest)
    return f"<p id=series-not-judged class=muted>Not plotted, nothing judged: {items}.</p>"


def _why(series: Series, summary: SessionSummary) -> str:
    check = check_of(series)
    reason = not_judged_reason(check, summary) if check else ""
    windows = f"none of its {len(series.values)} windows could be judged" if series.values else "no window"
    generic = not reason or reason == NOTHING_FLAGGED or reason.startswith("none of") or reason == "it took no measurement"
    return windows if generic else reason


def series_svg(series: Series, duration: float, settings: dict[str, Any] | None = None) -> str:
    """One chart: the values as dots joined within runs of judged points, on the quantity's fixed scale,
    the thresholds dashed and labelled."""
    lower, upper = y_range(series)
    span = max(duration, max(series.times, default=0.0), 1e-6)

    def x(t: float) -> float:
        return _LEFT + (_W - _LEFT - 4) * t / span

    def y(v: float) -> float:
        v = min(max(v, lower), upper)
        return _PAD + (_H - _BOTTOM - 2 * _PAD) * (upper - v) / (upper - lower)

    runs: list[list[tuple[float, float]]] = [[]]
    for t, v in zip(series.times, series.values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((t, v))
    unit = f" {escape(series.unit)}" if series.unit else ""
    paths = "".join(f"<polyline fill=none stroke=#1a73e8 stroke-width=1.5 points='"
                    f"{' '.join(f'{x(t):.1f},{y(v):.1f}' for t, v in r)}' />" for r in runs if len(r) > 1)
    dots = "".join(_dot(x(t), y(v), v, lower, upper, f"{t:.1f} s: {v:g}{unit}") for r in runs for t, v in r)
    lines = "".join(_threshold(y(v), label) for v, label in thresholds(series, settings or {}) if lower <= v <= upper)
    known = sum(v is not None for v in series.values)
    note = f" · {escape(NO_THRESHOLD[series.name])}" if series.name in NO_THRESHOLD else ""
    axis = (f"<text class=y-upper x=2 y={_PAD + 4}>{upper:g}</text>"
            f"<text class=y-lower x=2 y={_H - _BOTTOM - _PAD + 4}>{lower:g}</text>"
            f"<text x={_LEFT} y={_H - 3}>{escape(series.label)}{f' ({unit.strip()})' if unit else ''}"
            f" · {known} judged, {len(series.values) - known} could not be judged (gaps){note}</text>")
    return (f"<svg class=series id='series-{escape(series.name)}' data-lower='{lower:g}' data-upper='{upper:g}' "
            f"width={_W} height={_H} role=img aria-label='{escape(series.label)}'><rect x={_LEFT} "
            f"width={_W - _LEFT - 4} height={_H - _BOTTOM} fill=#f8f9fa />{lines}{paths}{dots}{axis}</svg>")


def _dot(px: float, py: float, v: float, lower: float, upper: float, title: str) -> str:
    if lower <= v <= upper:
        return f"<circle cx={px:.1f} cy={py:.1f} r=2.5 fill=#1a73e8><title>{escape(title)}</title></circle>"
    tip = py - 5 if v > upper else py + 5  # a triangle pointing off the scale
    return (f"<polygon class=off-scale points='{px - 4:.1f},{py:.1f} {px + 4:.1f},{py:.1f} {px:.1f},{tip:.1f}' "
            f"fill=#1a73e8><title>{escape(title)} (off the scale)</title></polygon>")


def _threshold(py: float, label: str) -> str:
    return (f"<g class=threshold data-label='{escape(label)}'><line x1={_LEFT} x2={_W - 4} y1={py:.1f} y2={py:.1f} "
            f"stroke=#d93025 stroke-dasharray='4 3' /><text x={_W - 8} y={py - 3:.1f} text-anchor=end "
            f"fill=#d93025>{escape(label)}</text></g>")
