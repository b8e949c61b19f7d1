"""What made the face unusable for identity during a `face_unusable` span, in the interviewer's words.

Each frame's quality_issue (identity/quality.py) is filed by kind: how many frames it held, the range of the value
it measured (face width, yaw, brightness...) against the threshold it missed, and the frame where it was worst, so
the finding says "too small: 24-31 px wide, identity needs 40 px" and shows that frame, not just "unusable".
"""

from __future__ import annotations

from dataclasses import dataclass

from interview_guard.analyzers.core import Evidence
from interview_guard.identity.quality import issue_parts
from interview_guard.options import IdentityOptions

_SHOWN_KINDS = 3  # evidence: the worst frame of this many kinds, the most frequent first


@dataclass
class _Kind:
    """One kind of issue within a span: frames, value range, and the frame where it was worst."""

    frames: int = 0
    low: float | None = None
    high: float | None = None
    worst: tuple[float, float, int] | None = None  # (value, t, frame_index)
    first: tuple[float, int] | None = None  # (t, frame_index)
    _worst_key: float = float("inf")

    def add(self, value: float | None, t: float, frame_index: int, worse_is_lower: bool) -> None:
        self.frames += 1
        if self.first is None:
            self.first = (t, frame_index)
        if value is None:
            return
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)
        key = value if worse_is_lower else -abs(value)
        if key < self._worst_key:
            self._worst_key, self.worst = key, (value, t, frame_index)


# kind -> (what the interviewer reads, the value is worse when lower)
_WORDS: dict[str, tuple[str, bool]] = {
    "too small": ("too small", True),
    "turned away": ("turned away from the camera", False),
    "tilted up or down": ("tilted up or down", False),
    "partly out of frame": ("partly out of the picture", False),
    "too dark": ("too dark", True),
    "overexposed": ("overexposed", False),
    "blurred": ("blurred", True),
}


class UnusableLog:
    """The issues of the frames in the open `face_unusable` span, by kind."""

    def __init__(self, options: IdentityOptions) -> None:
        self.o = options
        self._kinds: dict[str, _Kind] = {}

    def add(self, issue: str, t: float, frame_index: int) -> None:
        kind, value = issue_parts(issue)
        self._kinds.setdefault(kind, _Kind()).add(value, t, frame_index, _WORDS.get(kind, (kind, True))[1])

    def clear(self) -> None:
        self._kinds = {}

    def describe(self, start: float, end: float) -> tuple[str, tuple[Evidence, ...], dict[str, float]]:
        """(what happened, a worst frame per main kind, measurements); clears the log."""
        total = sum(k.frames for k in self._kinds.values())
        ranked = sorted(self._kinds.items(), key=lambda kv: -kv[1].frames)
        parts = [f"{self._measured(kind, k)} in {k.frames / total:.0%} of them" for kind, k in ranked]
        what = (f"in {total} analysed frames with a face, it was " + "; ".join(parts)) if total else "unusable"
        evidence = tuple(self._evidence(kind, k, start, end) for kind, k in ranked[:_SHOWN_KINDS])
        measurements: dict[str, float] = {"unusable_frames": float(total)}
        for kind, k in ranked:
            name = kind.replace(" ", "_")
            measurements[f"{name}_share"] = round(k.frames / total, 3)
            if k.worst is not None:
                measurements[f"{name}_worst"] = round(k.worst[0], 1)
        self.clear()
        return what, evidence, measurements

    def _measured(self, kind: str, k: _Kind) -> str:
        """'too small (24 to 31 px wide as analysed; identity needs 28 px: ...)': the kind, the values, the limit."""
        words = _WORDS.get(kind, (kind, True))[0]
        if k.low is None or k.high is None:
            return words
        span = f"{k.low:.0f}" if round(k.low) == round(k.high) else f"{k.low:.0f} to {k.high:.0f}"
        o = self.o
        needs = {
            "too small": f"{span} px wide as analysed; identity needs {o.min_face_px} px: the candidate sits far "
                         "from the camera or the video is small",
            "turned away": f"yaw {span}°; identity allows ±{o.max_yaw:.0f}°",
            "tilted up or down": f"pitch {span}°; identity allows ±{o.max_pitch:.0f}°",
            "too dark": f"mean brightness {span} of 255; identity needs {o.min_dark_brightness:.0f}",
            "overexposed": f"mean brightness {span} of 255; identity needs at most {o.brightness[1]:.0f}",
            "blurred": f"sharpness {span}; identity needs {o.min_sharpness:.0f}",
        }.get(kind, span)
        return f"{words} ({needs})"

    @staticmethod
    def _evidence(kind: str, k: _Kind, start: float, end: float) -> Evidence:
        words = _WORDS.get(kind, (kind, True))[0]
        if k.worst is not None:
            value, t, index = k.worst
            note = f"the face {words}: the worst frame ({_value_words(kind, value)})"
        else:
            assert k.first is not None
            (t, index), note = k.first, f"the face {words}: the first such frame"
        return Evidence(start=round(start, 3), end=round(end, 3), frame_times=(round(t, 3),), frame_indices=(index,),
                        note=note)


def _value_words(kind: str, value: float) -> str:
    unit = {"too small": " px wide", "turned away": "° yaw", "tilted up or down": "° pitch", "too dark": "/255",
            "overexposed": "/255", "blurred": " sharpness"}.get(kind, "")
    return f"{value:.0f}{unit}"
