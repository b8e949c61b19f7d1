"""A self-contained report.html: risk, timeline, indicators with evidence frames, transcript, faces."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from interview_guard.results import Evidence, Indicator
from interview_guard.follow_ups import FollowUp
from interview_guard.fusion import strength
from interview_guard.report.plots import measurements_html
from interview_guard.report.timeline import LEVEL_COLOUR, timeline_html
from interview_guard.summary import SessionSummary

_RISK_COLOUR = {"high": "#d93025", "review": "#f29900", "clear": "#1e8e3e"}
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#202124;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.risk{display:inline-block;padding:4px 12px;border-radius:12px;color:#fff;font-weight:600}
.muted{color:#5f6368} table{border-collapse:collapse;width:100%} td,th{padding:6px 8px;
border-bottom:1px solid #eee;text-align:left;vertical-align:top} .lvl{display:inline-block;width:10px;
height:10px;border-radius:50%;margin-right:6px} .thumbs img{height:96px;margin:2px;border:1px solid #ccc}
.seg{margin:2px 0} .seg .t{color:#5f6368;font-variant-numeric:tabular-nums;margin-right:8px}
mark{background:#fde293} .warn{background:#fef7e0;padding:8px;border-left:4px solid #f29900}
svg text{font:11px system-ui,sans-serif;fill:#3c4043}
.heatwrap{position:relative;display:inline-block} .heat{position:absolute;display:grid;pointer-events:none}
.q{font-weight:600} .quotes{margin:2px 0 0;padding-left:18px} .state{display:inline-block;padding:1px 8px;
border-radius:10px;background:#e8eaed} .state.answered{background:#ceead6} .state.asked{background:#fde293}
"""


def render_report(summary: SessionSummary, frames_jpeg: dict[float, bytes]) -> str:
    """The whole page as one string; pictures are inlined as data URIs."""
    d = summary.to_dict()
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>interview-guard report: {escape(d['source']['name'])}</title><style>{_CSS}</style></head><body>",
        _header(summary, d),
        _warnings(d["warnings"]),
        _continuity(d["candidate_continuity"]),
        "<h2>Timeline</h2>", timeline_html(summary),
        "<h2>Indicators</h2>", _indicator_table(summary.indicators, frames_jpeg,
                                                (summary.source.width, summary.source.height)),
        _follow_ups(summary),
        measurements_html(summary),
        "<h2>Transcript</h2>", _transcript(summary),
        "<h2>Faces</h2>", _faces_svg(summary), _track_table(d["faces"]),
        "<h2>Run</h2>", _run_details(d),
        "</body></html>",
    ]
    return "\n".join(parts)


def _header(summary: SessionSummary, d: dict[str, Any]) -> str:
    risk = summary.risk
    src = d["source"]
    reasons = "".join(f"<li><b>{escape(i.check)}</b> ({i.start:.1f}–{i.end:.1f} s): {escape(i.reason)}</li>"
                      for i in risk.top_reasons) or "<li>No indicator reached the review threshold.</li>"
    return (f"<h1>{escape(src['name'])}</h1><div class=muted>{src['duration']:.1f} s · "
            f"{src['width']}×{src['height']} · analysed {escape(d['created'])} · session {d['session_id'][:8]}</div>"
            f"<p><span class=risk id=risk-level style='background:{_RISK_COLOUR[risk.level]}'>"
            f"{risk.level.upper()}</span> <span class=muted>risk score {risk.score:.2f} "
            f"(fusion rule: docs/how-it-works.md)</span></p><ul id=top-reasons>{reasons}</ul>")


def _continuity(c: dict[str, Any]) -> str:
    """Same person as the candidate's earlier rounds: the verdict per round with its distances."""
    if c["status"] == "off":
        return ""
    rows = "".join(f"<tr><td>{r['round']}</td><td>{escape(r['date'])}</td><td>{_num(r['face_distance'])}</td>"
                   f"<td>{_num(r['voice_similarity'])}</td><td>{escape(r['verdict'].replace('_', ' '))}</td></tr>"
                   for r in c["rounds"])
    table = (f"<table><tr><th>round</th><th>date</th><th>face distance</th><th>voice similarity</th>"
             f"<th>verdict</th></tr>{rows}</table>") if rows else ""
    return (f"<h2>Same person across rounds</h2><p id=continuity><b>{escape(c['status'].replace('_', ' '))}</b>: "
            f"{escape(c['reason'])}</p>{table}")


def _num(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _warnings(warnings: list[str]) -> str:
    return "".join(f"<p class=warn>{escape(w)}</p>" for w in warnings)


def _img(jpeg: bytes, title: str) -> str:
    return (f"<img alt='{escape(title)}' title='{escape(title)}' "
            f"src='data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}'>")


def _heat(e: Evidence, size: tuple[int, int]) -> str:
    """The evidence's heat grid as translucent cells over its box, in percent of the frame (so it scales
    with the thumbnail)."""
    w, h = size
    if not e.heat or w <= 0 or h <= 0:
        return ""
    n = round(len(e.heat) ** 0.5)
    x0, y0, x1, y1 = e.heat_box
    cells = "".join(f"<i style='background:rgba(217,48,37,{0.6 * v:.2f})'></i>" for v in e.heat)
    return (f"<span class=heat style='left:{100 * x0 / w:.1f}%;top:{100 * y0 / h:.1f}%;"
            f"width:{100 * (x1 - x0) / w:.1f}%;height:{100 * (y1 - y0) / h:.1f}%;"
            f"grid-template-columns:repeat({n},1fr)'>{cells}</span>")


def _thumbs(e: Evidence, frames: dict[float, bytes], size: tuple[int, int]) -> str:
    out = []
    for k, (t, i) in enumerate(zip(e.frame_times, e.frame_indices)):
        if t not in frames:
            continue
        img = _img(frames[t], f"frame {i} at {t:.2f} s" + (": where the model looked" if k == 0 and e.heat else ""))
        out.append(f"<span class=heatwrap>{img}{_heat(e, size)}</span>" if k == 0 and e.heat else img)
    return "".join(out)


def _indicator_table(indicators: tuple[Indicator, ...], frames: dict[float, bytes],
                     size: tuple[int, int] = (0, 0)) -> str:
    """size: the source's (width, height), where evidence boxes lie."""
    if not indicators:
        return "<p id=no-indicators>No indicators: every check that ran found nothing to flag.</p>"
    rows = []
    for ind in sorted(indicators, key=strength, reverse=True):
        thumbs = "".join(_thumbs(e, frames, size) for e in ind.evidence)
        notes = "; ".join(escape(e.note) for e in ind.evidence if e.note)
        rows.append(f"<tr class=indicator><td><span class=lvl style='background:{LEVEL_COLOUR[ind.level]}'>"
                    f"</span>{escape(ind.check)}</td><td>{ind.start:.1f}–{ind.end:.1f} s</td>"
                    f"<td>{ind.score:.2f} / {ind.confidence:.2f}</td><td>{escape(ind.reason)}"
                    f"<div class=muted>{notes}</div><div class=thumbs>{thumbs}</div></td></tr>")
    return ("<table id=indicators><tr><th>check</th><th>when</th><th>score / confidence</th>"
            f"<th>reason and evidence</th></tr>{''.join(rows)}</table>")


def _follow_ups(summary: SessionSummary) -> str:
    if not summary.follow_ups:
        return ""
    rows = "".join(_follow_up_row(f, summary) for f in summary.follow_ups)
    return ("<h2>Follow-up questions</h2><p class=muted>Neutral questions proposed from the findings, with what "
            "they quote, and whether the interviewer asked them; an answer links to its place in the transcript."
            f"</p><table id=follow-ups><tr><th>question</th><th>from</th><th>state</th><th>answer</th></tr>{rows}"
            "</table>")


def _follow_up_row(f: FollowUp, summary: SessionSummary) -> str:
    quotes = "".join(f"<li>{escape(q.source)}{f' at {_clock(q.t)}' if q.t is not None else ''}: "
                     f"{escape(q.text)}</li>" for q in f.quotes)
    marks = "".join(f" {label} {_clock(t)}" for label, t in (("asked", f.asked_at), ("answered", f.answered_at))
                    if t is not None)
    answer = "–"
    if f.answer_start is not None and f.answer_end is not None:
        seg = next((n for n, s in enumerate(summary.transcript.segments) if s.end > f.answer_start), None)
        span = f"{_clock(f.answer_start)}–{_clock(f.answer_end)}"
        answer = f"<a href='#seg-{seg}'>{span}</a>" if seg is not None else span
    return (f"<tr class=follow-up data-state={f.state}><td><div class=q>{escape(f.question)}</div>"
            f"<ul class=quotes>{quotes}</ul><div class=muted>{escape(f.reason)}</div></td>"
            f"<td>{escape(f.check)}<br>{_when(f)}</td>"
            f"<td><span class='state {f.state}'>{f.state}</span><div class=muted>{marks}</div></td>"
            f"<td>{answer}</td></tr>")


def _when(f: FollowUp) -> str:
    return "before the call" if f.check.startswith("profile_") else f"{f.start:.1f}–{f.end:.1f} s"


def _transcript(summary: SessionSummary) -> str:
    t = summary.transcript
    if not t.model:
        return "<p>Speech was not analysed (--no-speech).</p>"
    if not t.segments:
        return "<p id=transcript>No speech was recognised.</p>"
    # Only indicators that cite words mark the transcript; session-long ones would mark everything.
    spans = [(e.start, e.end) for i in summary.indicators for e in i.evidence if e.words]
    lines = []
    for n, seg in enumerate(t.segments):
        words = " ".join(f"<mark>{escape(w.text)}</mark>" if any(s <= w.start < e for s, e in spans)
                         else escape(w.text) for w in seg.words) or escape(seg.text)
        lines.append(f"<div class=seg id=seg-{n}><span class=t>{_clock(seg.start)}</span>{_segment_language(seg)}"
                     f"{f'<s>{words}</s>' if not seg.trusted else words}</div>")
    lang = t.language_check
    model = f"{t.model}, then {lang.model}" if lang.model and lang.model != t.model else t.model
    warning = f"<p class=warn id=transcript-language>{escape(lang.reason)}</p>" if lang.other_language else ""
    return (f"{warning}<div class=muted>{escape(model)} on {escape(t.device)}, language {escape(t.language)}; "
            f"highlighted words are quoted by an indicator</div><div id=transcript>{''.join(lines)}</div>")


def _segment_language(seg) -> str:
    """The language beside a segment not in English; words an English-only model invented are marked so."""
    if not seg.trusted:
        return (f"<span class=muted>[{escape(seg.language)}: not what was said, the English-only model's words; "
                f"struck out]</span> ")
    return f"<span class=muted>[{escape(seg.language)}]</span> " if seg.language != "en" else ""


def _clock(t: float) -> str:
    return f"{int(t // 60):02d}:{t % 60:04.1f}"


def _faces_svg(summary: SessionSummary) -> str:
    counts = summary.faces_per_second
    if not counts:
        return ""
    width, height = 900, 60
    top = max(2, max(counts))
    bar = width / len(counts)
    rects = "".join(f"<rect x={i * bar:.1f} y={height - 14 - (height - 20) * c / top:.1f} width={max(1.0, bar):.1f}"
                    f" height={(height - 20) * c / top:.1f} fill=#1a73e8><title>{i} s: {c}</title></rect>"
                    for i, c in enumerate(counts) if c)
    return (f"<svg id=face-presence width={width} height={height} role=img aria-label='faces per second'>"
            f"<rect width={width} height={height - 14} fill=#f8f9fa />{rects}"
            f"<text x=0 y={height - 2}>faces in view per second (max {max(counts)})</text></svg>")


def _track_table(faces: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td>{t['track_id']}</td><td>{t['first_seen']:.1f}–{t['last_seen']:.1f} s</td>"
                   f"<td>{t['frames']}</td><td>{100 * t['coverage']:.0f}%</td></tr>" for t in faces["tracks"])
    return (f"<p class=muted>{faces['frames_with_face']} of {faces['frames_analysed']} analysed frames show a "
            f"face.</p><table id=tracks><tr><th>track</th><th>seen</th><th>frames</th><th>coverage</th></tr>"
            f"{rows}</table>")


def _run_details(d: dict[str, Any]) -> str:
    timings = ", ".join(_timing(k, v) for k, v in d["timings"].items())
    return (f"<p>Checks run: {escape(', '.join(d['checks_run']))}.</p><p class=muted>interview-guard "
            f"{escape(d['tool_version'])}; analysis fps {d['settings']['media']['analysis_fps']}; "
            f"timings: {escape(timings)}.</p>")


_COUNT_NAMES = ("descriptors", "frames", "windows", "segments", "count", "dropped")


def _timing(name: str, value: float) -> str:
    """A stage's busy seconds; a count (identity descriptors, frames: a whole number) without a unit."""
    if (isinstance(value, int) and not isinstance(value, bool)) or name.endswith(_COUNT_NAMES):
        return f"{name.replace('_', ' ')} {value:g}"
    return f"{name} {value:.2f} s"
