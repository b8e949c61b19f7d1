"""viseme_mismatch: bilabial phones (P, B, M) the visible mouth did not make.

To say a P, a B or an M the lips must meet. Each such phone of an English transcript segment (timed by
forced alignment, speech/phones.py) is laid on the lip gap (lipsync.signals.lip_gap: inner-lip gap over
mouth width) of the frames around it; the phone is judged only when the face was frontal and fully in
view on every frame of its window (lip_gap gives None otherwise). "Closed" is relative to the speaker's
own open-mouth gap, so a wide talker and a mumbler are held to their own mouths. A closure is a movement:
the lips must also be apart within 0.3 s of the phone, or a mouth resting shut would "make" every bilabial
of a voice that is not its own. A steady offset smaller than av_offset's threshold is the recording's,
not a sign of another voice: when some lag within that threshold lines up the closures of nearly all
bilabials (1 - miss_share / 2 of them), they are judged at that lag; otherwise at no lag, since the best
of many lags also lines up part of an unrelated voice's bilabials by chance (larger offsets are
av_offset's to report).

Over a session the share of bilabials without a closure is accumulated: a voice that is not this mouth's
(a dub, a stand-in speaking off camera) puts its bilabials where the lips happen to be, mostly apart; a
real speaker closes for nearly all of them. A few bilabials prove little, so the confidence grows with
how many were judged. Lip-sync fakes (Wav2Lip and its kin) are trained to close the lips on bilabials:
this check does not catch them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from dataclasses import dataclass

import numpy as np

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator, Series
from interview_guard.faces.core import FaceFrame
from interview_guard.lipsync.events import BILABIALS
from interview_guard.lipsync.signals import lip_gap, speaking_face
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LipSyncOptions
from interview_guard.speech.core import Phone, TranscriptSegment
from interview_guard.speech.language import language_name

_FRAMES_KEPT_S = 120.0  # segments arrive up to a transcription window (28 s) after their frames
_MAX_PENDING = 64
_OPEN_QUANTILE = 90.0  # the speaker's open-mouth gap: this percentile of their lip gap
_CLOSED_RANGE = (0.03, 0.08)  # the closed threshold stays within these gaps (mouth widths)
_MIN_GAP_SAMPLES = 25  # frames with a readable mouth before the open-mouth gap means anything
_MIN_FRAMES = 2  # frames a phone's window must hold to be judged
_MAX_CONFIDENCE = 0.9
_HALF_CONFIDENCE_AT = 10  # bilabials judged at which the confidence reaches half its maximum
_EVIDENCE_KEPT = 6
_LAG_STEP_S = 0.02
_EDGE_S = 0.1  # frames must reach this close to both ends of the span a bilabial is searched in
# A closure is a movement: the lips must also have been apart (OPENED times the closed threshold) within
# _MOVE_S of the phone, as they are on the sounds beside it; a mouth resting shut while a voice speaks
# made no bilabial.
_MOVE_S = 0.3
_OPENED = 1.5


@dataclass(frozen=True)
class Closure:
    """A bilabial at one lag: the smallest lip gap in its window and the frame that showed it."""

    phone: Phone
    min_gap: float
    closed_below: float
    frame_t: float
    frame_index: int
    moved: bool = True  # the lips were apart near the phone

    @property
    def closed(self) -> bool:
        return self.min_gap < self.closed_below and self.moved

    def sentence(self) -> str:
        what = "the lips never closed" if self.moved or self.min_gap >= self.closed_below else \
            "the lips stayed shut and never moved"
        return f"{what} for the {self.phone.label.lower()} in '{self.phone.word}' at {self.phone.start:.1f} s"


@dataclass(frozen=True)
class BilabialCheck:
    """One bilabial judged: the lip gap of every frame from tolerance + max lag before it to as long after
    (all seen), and the threshold it was held to."""

    phone: Phone
    times: np.ndarray
    indices: np.ndarray
    gaps: np.ndarray
    closed_below: float
    tolerance: float
    closed_at: np.ndarray  # per lag of VisemeMismatchAnalyzer.lags: whether the lips closed for it there

    def at(self, lag: float) -> Closure:
        """The closure heard at the phone's time made by the mouth `lag` seconds earlier (positive lag:
        the voice comes after the lips)."""
        a, b = self.phone.start - self.tolerance - lag, self.phone.end + self.tolerance - lag
        inside = np.flatnonzero((self.times >= a - 1e-6) & (self.times <= b + 1e-6))
        if not len(inside):  # cannot happen for lags within the window kept; counted as open
            return Closure(self.phone, np.inf, self.closed_below, float(self.phone.start), -1)
        k = inside[np.argmin(self.gaps[inside])]
        near = (self.times >= self.phone.start - _MOVE_S - lag - 1e-6) & (self.times <= self.phone.end + _MOVE_S - lag + 1e-6)
        moved = bool((self.gaps[near] > _OPENED * self.closed_below).any())
        return Closure(self.phone, float(self.gaps[k]), self.closed_below, float(self.times[k]),
                       int(self.indices[k]), moved)


class VisemeMismatchAnalyzer(Analyzer):
    checks = ("viseme_mismatch",)
    full_rate = True

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.lip_sync.enabled and settings.speech.enabled and settings.speech.align_phones

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "VisemeMismatchAnalyzer":
        return cls(settings.lip_sync)

    def __init__(self, options: LipSyncOptions) -> None:
        self.o = options
        self._frames: deque[tuple[float, int, float | None]] = deque()  # (t, frame index, lip gap or None)
        self._pending: deque[TranscriptSegment] = deque(maxlen=_MAX_PENDING)
        self.judged: list[BilabialCheck] = []
        self._unjudged_bilabials = 0  # face turned, covered or out of view around the phone
        self._unread: dict[str, float] = {}  # language -> seconds of speech without phones
        self._cached: tuple[int, tuple[float, list[Closure]]] = (0, (0.0, []))  # closures() for so many judged
        limit = self.o.offset_threshold_s  # lags searched, smallest first (0, -0.02, +0.02, ...)
        self.lags = np.array(sorted(np.arange(-limit, limit + 1e-9, _LAG_STEP_S), key=abs))

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        face = speaking_face(frame)
        self._frames.append((frame.t, frame.frame_index, lip_gap(face, frame.frame_size) if face else None))
        while self._frames and self._frames[0][0] < frame.t - _FRAMES_KEPT_S:
            self._frames.popleft()
        self._judge_ready(final=False)
        return []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        if segment.phones:
            self._pending.append(segment)
        elif not segment.readable_as("en"):
            key = segment.language if segment.trusted else f"{segment.language} (untrusted words)"
            self._unread[key] = self._unread.get(key, 0.0) + segment.end - segment.start
        self._judge_ready(final=False)
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        self._judge_ready(final=True)
        n = len(self.judged)
        lag, closures = self.closures()
        missed = [c for c in closures if not c.closed]
        if n < self.o.viseme_min_bilabials or len(missed) / n < self.o.viseme_miss_share:
            return []
        return [self._indicator(missed, lag)]

    def closures(self) -> tuple[float, list[Closure]]:
        """The lag the bilabials are judged at, and each bilabial's closure there: the lag within av_offset's
        threshold at which the lips closed for most of them (the smallest such), when that is nearly all;
        no lag otherwise."""
        if not self.judged:
            return 0.0, []
        if self._cached[0] == len(self.judged):
            return self._cached[1]
        closed = np.vstack([c.closed_at for c in self.judged]).sum(axis=0)
        best = int(np.argmax(closed))  # lags are sorted by size: the smallest of the best
        in_step = closed[best] >= (1 - self.o.viseme_miss_share / 2) * len(self.judged)
        lag = float(self.lags[best]) if in_step else 0.0
        self._cached = (len(self.judged), (lag, [c.at(lag) for c in self.judged]))
        return self._cached[1]

    # ------------------------------------------------------------ judging

    def _judge_ready(self, final: bool) -> None:
        seen_to = self._frames[-1][0] if self._frames else -np.inf
        margin = max(self.o.viseme_tolerance_s, _MOVE_S) + self.o.offset_threshold_s + 0.2
        while self._pending and (final or self._pending[0].end + margin <= seen_to):
            segment = self._pending.popleft()
            closed_below = self._closed_below()
            frames = list(self._frames)
            times = [f[0] for f in frames]
            for p in segment.phones:
                if p.label in BILABIALS:
                    check = self._judge(p, closed_below, frames, times) if closed_below is not None else None
                    if check is None:
                        self._unjudged_bilabials += 1
                    else:
                        self.judged.append(check)

    def _closed_below(self) -> float | None:
        """The gap under which this speaker's lips count as closed; None until enough of the mouth was
        seen, or when the lips never read as closed at all (too few pixels, a beard over the lips)."""
        gaps = np.array([g for _, _, g in self._frames if g is not None])
        if len(gaps) < _MIN_GAP_SAMPLES:
            return None
        lo, hi = _CLOSED_RANGE
        threshold = float(np.clip(self.o.viseme_closed_ratio * np.percentile(gaps, _OPEN_QUANTILE), lo, hi))
        return threshold if gaps.min() < threshold else None

    def _judge(self, p: Phone, closed_below: float, frames: list[tuple[float, int, float | None]],
               times: list[float]) -> BilabialCheck | None:
        reach = max(self.o.viseme_tolerance_s, _MOVE_S) + self.o.offset_threshold_s
        near = frames[bisect_left(times, p.start - reach):bisect_right(times, p.end + reach)]
        if len(near) < _MIN_FRAMES or any(g is None for _, _, g in near):
            return None  # a turned, covered or unseen mouth is never counted either way
        if near[0][0] > p.start - reach + _EDGE_S or near[-1][0] < p.end + reach - _EDGE_S:
            return None  # the video starts or ends within the span searched
        times, gaps = np.array([f[0] for f in near]), np.array([f[2] for f in near], dtype=float)
        a = p.start - self.o.viseme_tolerance_s - self.lags[:, None] - 1e-6  # (lags, frames) windows
        b = p.end + self.o.viseme_tolerance_s - self.lags[:, None] + 1e-6
        closed_at = (((times >= a) & (times <= b)) & (gaps < closed_below)).any(axis=1)
        a = p.start - _MOVE_S - self.lags[:, None] - 1e-6
        b = p.end + _MOVE_S - self.lags[:, None] + 1e-6
        closed_at &= (((times >= a) & (times <= b)) & (gaps > _OPENED * closed_below)).any(axis=1)
        return BilabialCheck(p, times, np.array([f[1] for f in near]), gaps, closed_below,
                             self.o.viseme_tolerance_s, closed_at)

    # ------------------------------------------------------------ findings

    def _confidence(self) -> float:
        n = len(self.judged)
        return _MAX_CONFIDENCE * n / (n + _HALF_CONFIDENCE_AT)

    def _indicator(self, missed: list[Closure], lag: float) -> Indicator:
        n, share = len(self.judged), len(missed) / len(self.judged)
        start, end = self.judged[0].phone.start, self.judged[-1].phone.end
        # The clearest misses first: the mouth stayed furthest open.
        shown = sorted(missed, key=lambda c: c.closed_below - c.min_gap)[:_EVIDENCE_KEPT]
        quoted = "; ".join(c.sentence() for c in sorted(shown[:3], key=lambda c: c.phone.start))
        weak = " With this few bilabials it is a weak signal." if n < 3 * _HALF_CONFIDENCE_AT else ""
        reason = (f"The lips did not close for {len(missed)} of {n} bilabial sounds (p, b, m) heard while the "
                  f"face was frontal and in view, from {start:.1f} s to {end:.1f} s ({share:.0%}; no offset "
                  f"within {self.o.offset_threshold_s * 1000:.0f} ms lines up {1 - self.o.viseme_miss_share / 2:.0%} "
                  f"of them, as a speaker's own voice does): {quoted}. The voice may not come from this mouth "
                  f"(dubbed, or another person speaking), or it is delayed against the video (see av_offset)."
                  f"{weak}")
        evidence = tuple(Evidence(start=round(c.phone.start - self.o.viseme_tolerance_s, 3),
                                  end=round(c.phone.end + self.o.viseme_tolerance_s, 3),
                                  frame_times=(round(c.frame_t, 3),), frame_indices=(c.frame_index,),
                                  words=c.phone.word,
                                  note=f"{c.sentence()} (smallest lip gap {c.min_gap:.2f} of the mouth width, "
                                       f"closed under {c.closed_below:.2f})")
                         for c in sorted(shown, key=lambda c: c.phone.start))
        return Indicator(check="viseme_mismatch", start=round(start, 3), end=round(max(start, end), 3),
                         score=round(share, 3), confidence=round(self._confidence(), 3), reason=reason,
                         evidence=evidence,
                         measurements={"bilabials": float(n), "missed": float(len(missed)),
                                       "offset_ms": round(lag * 1000, 1),
                                       "missed_share": round(share, 3),
                                       "unjudged_bilabials": float(self._unjudged_bilabials)},
                         facts={"words": ", ".join(dict.fromkeys(c.phone.word for c in shown))})

    def series(self) -> tuple[Series, ...]:
        """The share of bilabials without a closure so far, at each bilabial judged."""
        if not self.judged:
            return ()
        _, closures = self.closures()
        missed = np.cumsum([not c.closed for c in closures])
        return (Series("bilabials_missed_share", "Bilabials (p, b, m) the lips did not close for, so far", "",
                       tuple(round(c.phone.start, 2) for c in self.judged),
                       tuple(round(float(m) / (k + 1), 3) for k, m in enumerate(missed)),
                       lower=0.0, upper=1.0, limits=(self.o.viseme_miss_share,)),)

    def not_judged(self) -> dict[str, str]:
        if not self._unread:
            return {}
        heard = ", ".join(f"{seconds:.0f} s in {language_name(lang.split(' ')[0])}"
                          for lang, seconds in sorted(self._unread.items(), key=lambda kv: -kv[1]))
        return {"viseme_mismatch": f"cannot judge {heard}: phones are aligned for English speech only"}

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        n = len(self.judged)
        if n == 0:
            why = ("the speech is not in English" if self._unread else
                   "waiting for p, b or m sounds with the face frontal and in view")
            return (CheckStatus("viseme_mismatch", "unknown", f"Lip closures: cannot judge yet, {why}", now),)
        missed = sum(not c.closed for c in self.closures()[1])
        share = missed / n
        if n >= self.o.viseme_min_bilabials and share >= self.o.viseme_miss_share:
            level = "red" if share * self._confidence() >= 0.6 else "amber"
        else:
            level = "green"
        return (CheckStatus("viseme_mismatch", level, f"Lip closures: no closure for {missed} of {n} "
                            f"p/b/m sounds ({share:.0%})", now),)
