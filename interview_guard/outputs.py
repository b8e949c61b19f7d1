"""Write a session's files: summary.json and report.html, each replaced atomically."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tqdm import tqdm

from interview_guard.errors import UserError
from interview_guard.media.frame_grab import grab_frames, jpeg_bytes
from interview_guard.report import render_report
from interview_guard.summary import SessionSummary, write_json_atomic

MAX_EVIDENCE_FRAMES = 24


def write_outputs(summary: SessionSummary, out_dir: Path, report: bool = True, progress: bool = False,
                  frames: dict[float, bytes] | None = None) -> list[Path]:
    """frames: evidence JPEGs already grabbed (else grabbed here when a report is written)."""
    _make_out_dir(out_dir)
    summary_path = out_dir / "summary.json"
    write_json_atomic(summary.to_dict(), summary_path)
    written = [summary_path]
    if report:
        frames = evidence_frames(summary, progress) if frames is None else frames
        report_path = out_dir / "report.html"
        tmp = report_path.with_name(f".report.html.{os.getpid()}.tmp")
        tmp.write_text(render_report(summary, frames), encoding="utf-8")
        os.replace(tmp, report_path)
        written.append(report_path)
    return written


def copy_outputs(folder: Path, out_dir: Path, report: bool = True) -> list[Path]:
    """A stored session's summary.json (and report.html) copied to --out: the report is rendered once."""
    _make_out_dir(out_dir)
    written = []
    for name in ("summary.json", "report.html")[: 2 if report else 1]:
        tmp = out_dir / f".{name}.{os.getpid()}.tmp"
        shutil.copyfile(folder / name, tmp)
        os.replace(tmp, out_dir / name)
        written.append(out_dir / name)
    return written


def _make_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"--out {out_dir}: cannot create the folder ({e.strerror})") from e


def evidence_frames(summary: SessionSummary, progress: bool = False) -> dict[float, bytes]:
    """JPEGs of the frames that the strongest indicators cite."""
    times: list[float] = []
    for ind in sorted(summary.indicators, key=lambda i: i.score * i.confidence, reverse=True):
        for e in ind.evidence:
            times.extend(t for t in e.frame_times if t not in times)
        if len(times) >= MAX_EVIDENCE_FRAMES:
            break
    times = times[:MAX_EVIDENCE_FRAMES]
    if not times:
        return {}
    with tqdm(total=1, desc="evidence frames", disable=not progress or len(times) < 8, leave=False) as bar:
        frames = grab_frames(summary.source.path, times, summary.source.origin)
        bar.update(1)
    return {t: jpeg_bytes(img) for t, img in frames.items()}
