"""What every check emits and the report, store and fusion read: findings with their evidence, live
statuses and measured series. The ground floor: numpy-free and import-free, so anything may import it
without loading a model library (analyzers/core.py re-exports these for the analyzers)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Where to look: a time span, the source frames that show it, the words heard.

    frame_indices are positions among all decoded frames of the source video;
    frame_times are their times on the session clock.
    heat / heat_box: where a learned check looked on the first frame: a square grid of weights 0..1, row by
    row (heat[r * n + c] for an n x n grid), laid over heat_box (x0, y0, x1, y1, source pixels).
    """

    start: float
    end: float
    frame_times: tuple[float, ...] = ()
    frame_indices: tuple[int, ...] = ()
    words: str = ""
    note: str = ""
    heat: tuple[float, ...] = ()
    heat_box: tuple[float, float, float, float] | tuple[()] = ()

    def __post_init__(self) -> None:
        n = round(len(self.heat) ** 0.5)
        if self.heat and (n * n != len(self.heat) or len(self.heat_box) != 4 or not self.frame_times):
            raise ValueError("evidence heat must be a square grid with a heat_box, over a frame")


@dataclass(frozen=True)
class Indicator:
    """One finding. score: how strongly it points at a problem (0..1); confidence:
    how far the measurement can be trusted (0..1); reason: plain language for the interviewer;
    facts: the words the reason quotes, by name (what was said, what the profile says), so that a
    follow-up question can quote them exactly instead of parsing the reason."""

    check: str
    start: float
    end: float
    score: float
    confidence: float
    reason: str
    evidence: tuple[Evidence, ...] = ()
    track_id: int | None = None
    measurements: dict[str, float] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (0.0 <= self.score <= 1.0 and 0.0 <= self.confidence <= 1.0):
            raise ValueError(f"{self.check}: score and confidence must be in [0, 1] "
                             f"(got {self.score}, {self.confidence})")
        if self.end < self.start:
            raise ValueError(f"{self.check}: indicator ends before it starts ({self.start} > {self.end})")
        if not self.reason:
            raise ValueError(f"{self.check}: an indicator needs a reason")

    @property
    def level(self) -> str:
        """'red', 'amber' or 'green' for tiles and the report."""
        strength = self.score * self.confidence
        return "red" if strength >= 0.6 else "amber" if strength >= 0.25 else "green"


LEVELS = ("green", "amber", "red", "unknown")


@dataclass(frozen=True)
class CheckStatus:
    """A check's state right now, for a live tile: 'green' (judged, nothing wrong), 'amber' or
    'red' (a problem is building or holding, not yet a final indicator), 'unknown' (cannot judge
    now: no face, no speech). Never stored as a finding: indicators are the findings."""

    check: str
    level: str
    reason: str
    t: float

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"{self.check}: status level must be one of {LEVELS} (got {self.level!r})")


@dataclass(frozen=True)
class Series:
    """A measurement over time that the report plots (lip-sync offset, say). values[i] is None where
    the check could not judge at times[i]; a plot shows that as a gap, never as zero."""

    name: str
    label: str
    unit: str
    times: tuple[float, ...]
    values: tuple[float | None, ...]
    lower: float | None = None  # fixed axis range, when the quantity has one
    upper: float | None = None
    limits: tuple[float, ...] = ()  # thresholds drawn as dashed lines

    def __post_init__(self) -> None:
        if len(self.times) != len(self.values):
            raise ValueError(f"series {self.name}: {len(self.times)} times for {len(self.values)} values")
