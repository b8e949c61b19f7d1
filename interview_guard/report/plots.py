"""Line plots of measurements over time (Series) as inline SVG; a gap where the check could not judge."""

from __future__ import annotations

from html import escape

from interview_guard.analyzers.core import Series

_W, _H, _LEFT, _BOTTOM = 900, 140, 48, 18


def series_svg(series: Series, duration: float) -> str:
    """One plot: the values as dots joined within runs of judged points, thresholds dashed."""
    known = [v for v in series.values if v is not None]
    lower = series.lower if series.lower is not None else min(known + list(series.limits), default=0.0)
    upper = series.upper if series.upper is not None else max(known + list(series.limits), default=1.0)
    if upper <= lower:
        upper = lower + 1.0
    span = max(duration, max(series.times, default=0.0), 1e-6)

    def x(t: float) -> float:
        return _LEFT + (_W - _LEFT - 4) * t / span

    def y(v: float) -> float:
        v = min(max(v, lower), upper)
        return 4 + (_H - _BOTTOM - 8) * (upper - v) / (upper - lower)

    lines, run = [], []
    for t, v in zip(series.times, series.values):
        if v is None:
            lines.append(run)
            run = []
        else:
            run.append((x(t), y(v), t, v))
    lines.append(run)
    paths = "".join(f"<polyline fill=none stroke=#1a73e8 stroke-width=1.5 points='"
                    f"{' '.join(f'{px:.1f},{py:.1f}' for px, py, _, _ in r)}' />" for r in lines if len(r) > 1)
    dots = "".join(f"<circle cx={px:.1f} cy={py:.1f} r=2.5 fill=#1a73e8><title>{t:.1f} s: {v:g} "
                   f"{escape(series.unit)}</title></circle>" for r in lines for px, py, t, v in r)
    limits = "".join(f"<line x1={_LEFT} x2={_W - 4} y1={y(v):.1f} y2={y(v):.1f} stroke=#d93025 "
                     f"stroke-dasharray='4 3' />" for v in series.limits)
    unjudged = sum(v is None for v in series.values)
    axis = (f"<text x=2 y=12>{upper:g}</text><text x=2 y={_H - _BOTTOM}>{lower:g}</text>"
            f"<text x={_LEFT} y={_H - 3}>{escape(series.label)}{' (' + escape(series.unit) + ')' if series.unit else ''}"
            f" · {len(known)} judged, {unjudged} could not be judged (gaps)</text>")
    return (f"<svg class=series id='series-{escape(series.name)}' width={_W} height={_H} role=img "
            f"aria-label='{escape(series.label)}'><rect x={_LEFT} width={_W - _LEFT - 4} height={_H - _BOTTOM} "
            f"fill=#f8f9fa />{limits}{paths}{dots}{axis}</svg>")
