"""Each plotted measurement's fixed y-scale, the check it feeds and its thresholds, labelled.

A chart drawn on the range of its own points puts the highest and lowest points on the frame and makes
any wobble look large; a fixed scale per quantity (a correlation 0..1, an offset in ms, a percentage)
keeps charts comparable between sessions. The thresholds come from the series (the analyzer's options
at the time of the run) or, where the series carries none, from the run's settings in the summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interview_guard.results import Series

Threshold = tuple[float, str]  # the value and what crossing it means, as drawn beside the line


@dataclass(frozen=True)
class Scale:
    """check: the check the series feeds; lower/upper: the y-range, unless the series sets its own;
    thresholds: (series, the summary's settings) -> the lines to draw."""

    check: str
    lower: float
    upper: float
    thresholds: Callable[[Series, dict[str, Any]], tuple[Threshold, ...]]

    def __post_init__(self) -> None:
        if self.upper <= self.lower:
            raise ValueError(f"scale for {self.check}: upper {self.upper} must be above lower {self.lower}")


def _limits(text: str) -> Callable[[Series, dict[str, Any]], tuple[Threshold, ...]]:
    """The series' own limits, each labelled `text` with {v} the value."""
    return lambda series, settings: tuple((v, text.format(v=v)) for v in series.limits)


def _setting(section: str, name: str, text: str, transform: Callable[[float], float] = lambda v: v,
             ) -> Callable[[Series, dict[str, Any]], tuple[Threshold, ...]]:
    """A threshold from the run's settings (settings[section][name]); none when the run did not record it."""
    def thresholds(series: Series, settings: dict[str, Any]) -> tuple[Threshold, ...]:
        value = (settings.get(section) or {}).get(name)
        if not isinstance(value, (int, float)) or value <= 0:
            return ()
        return ((transform(float(value)), text.format(v=transform(float(value)), raw=value)),)
    return thresholds


def _none(series: Series, settings: dict[str, Any]) -> tuple[Threshold, ...]:
    return ()


SCALES: dict[str, Scale] = {
    "av_offset_ms": Scale("av_offset", -1000.0, 1000.0, _limits("av_offset beyond {v:+g} ms")),
    "sync_strength": Scale("low_sync", 0.0, 1.0, _limits("low_sync under {v:g}")),
    "blinks_per_minute": Scale("blink_anomaly", 0.0, 60.0, _setting(
        "liveness", "no_blink_s", "blink_anomaly: no blink in {raw:g} s", lambda s: round(60.0 / s, 2))),
    "heart_rate_bpm": Scale("no_pulse", 40.0, 180.0, _none),
    "pulse_snr_db": Scale("no_pulse", -15.0, 15.0, _limits("no_pulse under {v:g} dB")),
    "pulse_region_gap_bpm": Scale("pulse_mismatch", 0.0, 60.0, _limits("pulse_mismatch over {v:g} bpm")),
    "bilabials_missed_share": Scale("viseme_mismatch", 0.0, 1.0, _limits("viseme_mismatch from {v:.0%}")),
    "face_detail_ratio": Scale("face_swap_seam", -1.5, 2.5, _limits("face_swap_seam beyond {v:+g}")),
    "face_flicker": Scale("face_flicker", 0.0, 8.0, _limits("face_flicker over {v:g}")),
    "face_forgery_score": Scale("face_forgery", 0.0, 1.0, _limits("face_forgery from {v:g}")),
    "face_jitter": Scale("face_flicker", 0.0, 4.0, _limits("face_flicker over {v:g} %")),
    "answer_latency": Scale("answer_latency", 0.0, 15.0, _limits("answer_latency from {v:g} s")),
    "disfluency_rate": Scale("read_aloud", 0.0, 20.0, _setting(
        "conversation", "spontaneous_disfluency", "read_aloud: spontaneous speech from {v:g}")),
}

NO_THRESHOLD = {"heart_rate_bpm": "no threshold: no_pulse is judged on the pulse's signal-to-noise ratio"}


def scale_of(series: Series) -> Scale | None:
    return SCALES.get(series.name)


def y_range(series: Series) -> tuple[float, float]:
    """The chart's fixed range: the series' own (set by its analyzer from its options), else the table's,
    else (a series this table does not know) its points and limits."""
    scale = scale_of(series)
    if scale is not None:
        lower = series.lower if series.lower is not None else scale.lower
        upper = series.upper if series.upper is not None else scale.upper
    else:
        known = [v for v in series.values if v is not None] + list(series.limits)
        lower = series.lower if series.lower is not None else min(known, default=0.0)
        upper = series.upper if series.upper is not None else max(known, default=1.0)
    return (lower, upper) if upper > lower else (lower, lower + 1.0)


def thresholds(series: Series, settings: dict[str, Any]) -> tuple[Threshold, ...]:
    scale = scale_of(series)
    if scale is None:
        return tuple((v, f"threshold {v:g}") for v in series.limits)
    return scale.thresholds(series, settings)


def check_of(series: Series) -> str:
    """The check a series feeds ('' for one this table does not know)."""
    scale = scale_of(series)
    return scale.check if scale is not None else ""
