"""The lip-sync analyzer's phone side: which phone windows speak for a span's offset, and low_sync from the
phone model (consecutive transcript segments whose phones the mouth did not follow, lipsync/openness.py), as
one finding that quotes the words."""

from __future__ import annotations

from collections.abc import Iterable

from interview_guard.analyzers.core import Evidence, Indicator
from interview_guard.analyzers.spans import clamp01
from interview_guard.lipsync.phone_sync import EventWindow
from interview_guard.speech.core import Word, words_between

# The phone strength separated other voices from own voices on training clips (models/phone_openness.md)
# and on ../shared/media (README), yet a few real clips read low: it never claims much alone.
_PHONE_LOW_SYNC_MAX_CONFIDENCE = 0.6
# A segment's phone offset speaks for it from this confidence (2 of 2 bilabials closed, 3 of 4, ...): the
# rhythm's offset can lock onto a syllable echo, lip closures on P, B and M rarely do (README, Lip-sync).
PHONE_CONFIRM = 0.4
_PHONE_REACH_S = 20.0  # a call's offset holds for minutes: confident windows this close speak for a span
_PHONE_NEAREST = 3
_SAME_LAG_S = 0.15  # offsets this close (under a syllable) read the same lag


def confident_phones(windows: list[EventWindow], start: float, end: float) -> list[EventWindow]:
    """The confident phone windows that speak for [start, end]: of those within _PHONE_REACH_S, the ones
    that read the lag most lip closures pin (a segment with two closures can line them up at an echo by
    chance; one with six rarely does), over the span where some are, else the nearest few."""
    near = [w for w in windows if w.judged and w.event_share > 0 and w.confidence >= PHONE_CONFIRM
            and w.start - end <= _PHONE_REACH_S and start - w.end <= _PHONE_REACH_S]
    if not near:
        return []

    def pinned(w: EventWindow) -> int:
        return sum(v.agreeing for v in near if abs(v.estimate.offset_s - w.estimate.offset_s) <= _SAME_LAG_S)

    def over(w: EventWindow) -> bool:
        return w.start < end and w.end > start

    best = max(near, key=lambda w: (pinned(w), over(w), w.confidence))
    agree = [w for w in near if abs(w.estimate.offset_s - best.estimate.offset_s) <= _SAME_LAG_S]
    inside = [w for w in agree if over(w)]
    return inside or sorted(agree, key=lambda w: max(w.start - end, start - w.end))[:_PHONE_NEAREST]


def phone_low_sync(run: list[EventWindow], low_below: float, words: Iterable[Word]) -> Indicator:
    """low_sync from consecutive transcript segments whose phones the mouth did not follow (openness.py)."""
    start, end = run[0].start, run[-1].end
    phones = sum(w.strength.phones for w in run)
    strength = sum(w.strength.strength * w.strength.phones for w in run) / phones
    quoted = words_between(words, start, end)
    heard = quoted.split()
    said = " ".join(heard[:12]) + (" ..." if len(heard) > 12 else "")
    reason = (f"From {start:.1f} s to {end:.1f} s the mouth does not open and close as the {phones} phones "
              f"heard need (phone sync strength {strength:.2f}, under {low_below:.2f}; the voice of this "
              f"mouth reads 0.5-0.8): the voice may not come from this person"
              + (f" (\"{said}\")" if said else "") + ", or it comes far later or earlier than the lips "
              "(see av_offset). Check by ear and eye.")
    depth = clamp01((low_below - strength) / max(low_below, 0.05))
    confidence = min(_PHONE_LOW_SYNC_MAX_CONFIDENCE, (0.4 + 0.5 * depth) * phones / (phones + 30))
    evidence = tuple(Evidence(start=round(w.start, 3), end=round(w.end, 3), words=words_between(words, w.start, w.end),
                              note=f"phone sync strength {w.strength.strength:.2f} over {w.strength.phones} phones, "
                                   f"best lag {w.strength.lag_s * 1000:+.0f} ms; lips closed for {w.agreeing} of "
                                   f"{w.bilabials} P/B/M") for w in run[:8])
    return Indicator(check="low_sync", start=round(start, 3), end=round(end, 3),
                     score=round(clamp01(0.5 + 0.5 * depth), 3), confidence=round(confidence, 3), reason=reason,
                     evidence=evidence, measurements={"phone_sync_strength": round(strength, 3),
                                                      "phones": float(phones), "segments": float(len(run))})
