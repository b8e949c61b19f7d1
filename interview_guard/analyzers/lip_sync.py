"""Lip-sync: do the lips on screen make the voice we hear, and at what offset.

Four checks from the sliding windows of lipsync.timeline:
- av_offset: the voice follows (or leads) the lips by more than the threshold, window after
  window: audio relayed or re-timed apart from the video.
- low_sync: the candidate speaks, the mouth moves, yet no lag links the two: the voice may
  not come from this mouth (dubbing, a stand-in's voice, a re-animated face).
- speech_mouth_still: a voice is heard while the visible mouth stays still.
- mouth_moving_silent: the mouth moves as in speech while nothing is heard.
Windows that cannot be judged (silence, face turned away or covered) break a run; they are
never counted as in sync or out of sync.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator, Series
from interview_guard.analyzers.lip_sync_phones import confident_phones, phone_low_sync
from interview_guard.analyzers.spans import clamp01
from interview_guard.faces.core import FaceFrame
from interview_guard.lipsync.openness import load_phone_openness
from interview_guard.lipsync.phone_sync import EventWindow, PhoneSync
from interview_guard.lipsync.signals import lip_gap, mouth_opening, mouth_width, speaking_face
from interview_guard.lipsync.timeline import JUDGED, SILENT, STILL, SyncTimeline, SyncWindow
from interview_guard.media.core import AudioChunk
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LipSyncOptions
from interview_guard.speech.core import TranscriptSegment, Word, words_between

# Mixed call recordings carry the interviewer's voice too, and a muted microphone or a
# smile moves lips without sound: these two checks are weak on their own.
_STILL_CONFIDENCE = 0.5
_SILENT_CONFIDENCE = 0.45
# Correlating envelopes finds some lag in unrelated speech too (on 3-10 s clips the best
# unrelated peaks reach 0.4-0.6), so low_sync never claims much.
_LOW_SYNC_MAX_CONFIDENCE = 0.5
_WORDS_KEPT_S = 120.0
_PHONE_RUN_GAP_S = 3.0  # segments further apart than this are separate findings
# A real voice reads one segment under the cut about one time in twenty (the cut passes 95 % of real
# segments): one low segment alone is a finding only when it is all the session has to judge.
_PHONE_RUN_MIN = 2
_PHONE_WAIT_S = 60.0  # an offset finding waits this long past its end for its phones, then stands on the rhythm
# A voice from this mouth keeps its lag from one window to the next (one hop, 1 s, apart); an
# unrelated voice's best lag jumps by a syllable or more.
_LAG_JUMP_S = 0.15


class LipSyncAnalyzer(Analyzer):
    checks = ("av_offset", "low_sync", "speech_mouth_still", "mouth_moving_silent")
    full_rate = True

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.lip_sync.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "LipSyncAnalyzer":
        return cls(settings.lip_sync)

    def __init__(self, options: LipSyncOptions) -> None:
        self.o = options
        self.timeline = SyncTimeline(self.o)
        self.windows: list[SyncWindow] = []  # every verdict, for the report's plot (one per hop)
        self._runs: dict[str, list[SyncWindow]] = {check: [] for check in self.checks}
        self._words: deque[Word] = deque()
        self._last_offset: float | None = None  # smoothed offset of the previous window, if judged
        # The offset from phone events (lip closures against P/B/M, F/V, vowels), one per transcript segment
        self.openness = load_phone_openness() if self.o.phone_strength else None
        self.phone_sync = PhoneSync(self.o.max_lag_s, self.openness)
        self.event_windows: list[EventWindow] = []
        self._low_run: list[EventWindow] = []  # consecutive segments the mouth did not follow
        self._phone_judged = 0  # segments with phones enough to judge, all session
        self._pending: list[tuple[str, list[SyncWindow]]] = []  # av_offset / low_sync runs awaiting their phones

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        face = speaking_face(frame)
        opening = mouth_opening(face, frame.frame_size) if face is not None else None
        self.timeline.add_mouth(frame.t, opening, frame.frame_index)
        if face is None:
            self.phone_sync.add_mouth(frame.t, None)
        else:
            self.phone_sync.add_mouth(frame.t, lip_gap(face, frame.frame_size), mouth_width(face, frame.frame_size))
        found = self._take(self.timeline.windows())
        found += self._take_events(self.phone_sync.windows(self.timeline.curves))
        return found + self._settle_offsets(frame.t)

    def on_audio(self, chunk: AudioChunk) -> list[Indicator]:
        if chunk.track == 0:  # the call's audio; the interviewer's own microphone has no face on screen
            self.timeline.add_audio(chunk.t, chunk.samples)
        return []

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        self._words.extend(segment.words)
        self.phone_sync.add_segment(segment)
        while self._words and self._words[0].end < segment.end - _WORDS_KEPT_S:
            self._words.popleft()
        return []

    def finish(self, end_time: float) -> list[Indicator]:
        found = self._take(self.timeline.windows(final_end=end_time))
        found += self._take_events(self.phone_sync.windows(self.timeline.curves, final=True), final=True)
        for check in self.checks:
            found += self._close(check, at_end=True)
        return found + self._settle_offsets(None)

    def _take_events(self, windows, final: bool = False) -> list[Indicator]:
        """Phone windows: kept for the report; a run of segments whose mouth does not follow its phones is one
        low_sync, raised when the run ends (a segment the mouth follows, a pause, or the end), if it is two
        segments or more, or every segment the session had to judge."""
        found: list[Indicator] = []
        for w in windows:
            self.event_windows.append(w)
            st = w.strength
            if not self.openness or st is None or st.phones < self.openness.min_phones:
                continue
            if self._low_run and w.start - self._low_run[-1].end > _PHONE_RUN_GAP_S:
                found += self._close_low_run()
            self._phone_judged += 1
            if st.strength < self.openness.low_below:
                self._low_run.append(w)
            else:
                found += self._close_low_run()
        return found + (self._close_low_run(final=True) if final else [])

    def _close_low_run(self, final: bool = False) -> list[Indicator]:
        run, self._low_run = self._low_run, []
        whole_session = final and len(run) == self._phone_judged
        if not run or (len(run) < _PHONE_RUN_MIN and not whole_session):
            return []
        return [phone_low_sync(run, self.openness.low_below, self._words)]

    def _take(self, windows) -> list[Indicator]:
        found: list[Indicator] = []
        for w in windows:
            self.windows.append(w)
            kind = self._kind(w)
            for check in self.checks:
                if check != kind:
                    found += self._close(check, at_end=False)
            if kind:
                self._runs[kind].append(w)
        return found

    def _kind(self, w: SyncWindow) -> str:
        o = self.o
        last, self._last_offset = self._last_offset, None
        if w.judged and w.smoothed is not None and w.support is not None:
            self._last_offset = w.smoothed.offset_s
            jumped = last is not None and abs(w.smoothed.offset_s - last) > _LAG_JUMP_S
            if w.support < o.low_sync_peak or jumped:
                return "low_sync"
            return "av_offset" if abs(w.smoothed.offset_s) >= o.offset_threshold_s else ""
        if w.verdict == STILL:
            return "speech_mouth_still"
        if (w.verdict == SILENT and w.speech_share < 0.05 and w.mouth_share >= o.min_mouth_share
                and w.mouth_motion >= o.moving_mouth_motion):
            return "mouth_moving_silent"
        return ""

    def _close(self, check: str, at_end: bool) -> list[Indicator]:
        run, self._runs[check] = self._runs[check], []
        if not run:
            return []
        # A recording too short for sustain_windows windows is judged on all it has.
        short_recording = at_end and len(self.windows) < self.o.sustain_windows and len(run) == len(self.windows)
        if len(run) < self.o.sustain_windows and not short_recording:
            return []
        if check == "av_offset" and _agreement(run) < 2 / 3:
            check = "low_sync"  # the smoothed lag held, but the windows alone peak elsewhere: no real link
        if check == "av_offset" or (check == "low_sync" and self.openness is not None):
            self._pending.append((check, run))  # the phones over it decide, once transcribed
            return []
        return [_BUILDERS[check](self, run)]

    def _settle_offsets(self, now: float | None) -> list[Indicator]:
        """The envelope's av_offset and low_sync runs whose phone windows have arrived (all of them at the end,
        `now` None, or once _PHONE_WAIT_S has passed without): raised, or dropped where the phones, the surer
        measure, say otherwise: confident phone windows read the lips in step (av_offset), or every segment
        the phone model judged over the run has the mouth following its phones (low_sync)."""
        phones_to = self.event_windows[-1].end if self.event_windows else float("-inf")
        found, waiting = [], []
        for check, run in self._pending:
            if now is not None and phones_to < run[-1].end and now - run[-1].end < _PHONE_WAIT_S:
                waiting.append((check, run))
            elif check == "low_sync":
                found += [] if self._phones_follow(run[0].start, run[-1].end) else [self._low_sync(run)]
            else:
                phones = confident_phones(self.event_windows, run[0].start, run[-1].end)
                offsets = sorted(w.estimate.offset_s for w in phones)
                if not offsets or abs(offsets[len(offsets) // 2]) >= self.o.offset_threshold_s:
                    found.append(self._offset(run, phones))
        self._pending = waiting
        return found

    def _phones_follow(self, start: float, end: float) -> bool:
        """Segments with phones enough to judge overlap the span, and in each the mouth follows its phones."""
        judged = [w.strength.strength for w in self.event_windows if w.strength is not None
                  and w.strength.phones >= self.openness.min_phones and w.start < end and w.end > start]
        return bool(judged) and min(judged) >= self.openness.low_below

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        """One tile for lip-sync, named av_offset: the latest window's verdict and the run it extends."""
        last = self.windows[-1] if self.windows else None
        if last is None or now - last.end > self.o.window_s + 2 * self.o.hop_s:
            why = "waiting for speech with the mouth in view" if last is None else "no recent window to judge"
            return (CheckStatus("av_offset", "unknown", f"Lip-sync: {why}", now),)
        for check in ("av_offset", "low_sync"):
            run = self._runs[check]
            if run:
                level = "red" if len(run) >= self.o.sustain_windows else "amber"
                if check == "av_offset":
                    offset = run[-1].smoothed.offset_s * 1000 if run[-1].smoothed else 0.0
                    why = f"the voice comes {abs(offset):.0f} ms {'after' if offset > 0 else 'before'} the lips"
                else:
                    why = "the mouth motion does not follow the voice at any offset (weak signal)"
                return (CheckStatus("av_offset", level, f"Lip-sync: {why}, {len(run)} window(s) in a row", now),)
        if last.judged and last.smoothed is not None:
            return (CheckStatus("av_offset", "green", f"Lip-sync: voice and lips in step "
                                f"({last.smoothed.offset_s * 1000:+.0f} ms, strength {last.support or 0.0:.2f})",
                                now),)
        return (CheckStatus("av_offset", "unknown", f"Lip-sync: cannot judge the last window ({last.verdict})",
                            now),)

    # ------------------------------------------------------------ indicators

    def _offset(self, run: list[SyncWindow], phones: list[EventWindow] = ()) -> Indicator:
        """av_offset from an envelope run; where confident phone windows cover it, their offset is the one
        reported (lip closures cannot lock onto a syllable echo)."""
        offsets = sorted(w.smoothed.offset_s for w in run if w.smoothed)
        median = offsets[len(offsets) // 2]
        peak = sum(w.support or 0.0 for w in run) / len(run)
        measured = {"offset_ms": round(median * 1000, 1), "sync_strength": round(peak, 3),
                    "spread_ms": round((offsets[-1] - offsets[0]) * 1000, 1)}
        by_phones = ""
        if phones:
            ph = sorted(w.estimate.offset_s for w in phones)
            median = ph[len(ph) // 2]
            closed, bilabials = sum(w.agreeing for w in phones), sum(w.bilabials for w in phones)
            by_phones = (f"; the lips close for {closed} of {bilabials} P, B and M at that offset over {len(phones)} "
                         f"transcript segment(s) (the rhythm alone read {measured['offset_ms']:+.0f} ms)")
            measured = {**measured, "offset_ms": round(median * 1000, 1),
                        "rhythm_offset_ms": measured["offset_ms"], "phone_segments": float(len(phones))}
        way = "after" if median > 0 else "before"
        reason = (f"The voice comes {abs(median) * 1000:.0f} ms {way} the lips move, in {len(run)} windows from "
                  f"{run[0].start:.1f} s to {run[-1].end:.1f} s (sync strength {peak:.2f}{by_phones}): audio "
                  f"and video were delayed apart, as when the voice is relayed or re-timed separately.")
        confidence = clamp01(0.3 + 0.7 * clamp01((peak - self.o.low_sync_peak) / 0.4)) * _length_factor(run)
        if phones:
            confidence = max(confidence, min(0.9, confidence + 0.2))
        return self._indicator("av_offset", run, min(1.0, abs(median) / 0.5), confidence, reason, measured)

    def _low_sync(self, run: list[SyncWindow]) -> Indicator:
        peak = sum(w.support or 0.0 for w in run) / len(run)
        reason = (f"While someone spoke from {run[0].start:.1f} s to {run[-1].end:.1f} s the mouth moved, but its "
                  f"motion does not follow the voice at any offset (sync strength {peak:.2f}, under "
                  f"{self.o.low_sync_peak:.2f}): the voice may not come from this person. A weak signal: "
                  f"check by ear and eye.")
        confidence = _LOW_SYNC_MAX_CONFIDENCE * _length_factor(run)
        score = clamp01(0.5 + 0.5 * (self.o.low_sync_peak - peak) / max(self.o.low_sync_peak, 0.05))
        return self._indicator("low_sync", run, score, confidence, reason, {"sync_strength": round(peak, 3)})

    def _still(self, run: list[SyncWindow]) -> Indicator:
        start, end = run[0].start, run[-1].end
        reason = (f"A voice was heard from {start:.1f} s to {end:.1f} s while the visible mouth stayed still: "
                  f"someone off camera may be speaking (in a recording of the whole call this may be the "
                  f"interviewer).")
        motion = max(w.mouth_motion for w in run)
        return self._indicator("speech_mouth_still", run, min(1.0, (end - start) / 10.0), _STILL_CONFIDENCE,
                               reason, {"mouth_motion": round(motion, 4)})

    def _moving_silent(self, run: list[SyncWindow]) -> Indicator:
        start, end = run[0].start, run[-1].end
        reason = (f"The mouth moved as in speech from {start:.1f} s to {end:.1f} s but no voice was heard: "
                  f"a muted microphone, or a voice that is not this person's.")
        motion = sum(w.mouth_motion for w in run) / len(run)
        return self._indicator("mouth_moving_silent", run, min(1.0, (end - start) / 10.0), _SILENT_CONFIDENCE,
                               reason, {"mouth_motion": round(motion, 4)})

    def _indicator(self, check: str, run: list[SyncWindow], score: float, confidence: float, reason: str,
                   measurements: dict[str, float]) -> Indicator:
        start, end = run[0].start, run[-1].end
        frames = [w.frame for w in (run[0], run[len(run) // 2], run[-1]) if w.frame is not None]
        frames = list(dict.fromkeys(frames))
        words = words_between(self._words, start, end)
        measurements = {**measurements, "windows": float(len(run))}
        evidence = Evidence(start=round(start, 3), end=round(end, 3), frame_times=tuple(t for t, _ in frames),
                            frame_indices=tuple(i for _, i in frames), words=words,
                            note=_windows_note(run))
        return Indicator(check=check, start=round(start, 3), end=round(end, 3), score=round(score, 3),
                         confidence=round(confidence, 3), reason=reason, evidence=(evidence,),
                         measurements=measurements)

    # ------------------------------------------------------------ report

    def series(self) -> tuple[Series, ...]:
        times = tuple(round((w.start + w.end) / 2, 2) for w in self.windows)
        judged = [w if w.verdict == JUDGED and w.smoothed is not None else None for w in self.windows]
        lag = self.o.max_lag_s * 1000
        limit = self.o.offset_threshold_s * 1000
        return (
            Series("av_offset_ms", "Audio-video offset (voice after lips)", "ms", times,
                   tuple(None if w is None else round(w.smoothed.offset_s * 1000, 1) for w in judged),
                   lower=-lag, upper=lag, limits=(-limit, limit)),
            Series("sync_strength", "Lip-sync strength (correlation at the session's offset)", "", times,
                   tuple(None if w is None else round(max(0.0, w.support or 0.0), 3) for w in judged),
                   lower=0.0, upper=1.0, limits=(self.o.low_sync_peak,)),
            Series("av_offset_combined_ms", "Audio-video offset: phone events where confident, else rhythm", "ms",
                   times, tuple(_ms(self._combined_offset(w)) if w else None for w in judged),
                   lower=-lag, upper=lag, limits=(-limit, limit)),
            *self._phone_series(),
        )

    def _combined_offset(self, w: SyncWindow) -> float | None:
        """The offset the av_offset finding would report for this window: the confident phone windows' over
        its middle (or the nearest), else the rhythm's; None where phone events over the window, though unsure,
        read it a syllable or more away from the rhythm (neither is then trusted: the rhythm's echoes lie
        about that far off)."""
        mid = (w.start + w.end) / 2
        ph = sorted(p.estimate.offset_s for p in confident_phones(self.event_windows, mid - 0.5, mid + 0.5))
        if ph:
            return ph[len(ph) // 2]
        unsure = sorted(p.estimate.offset_s for p in self.event_windows
                        if p.judged and p.event_share > 0 and p.start < w.end and p.end > w.start)
        if unsure and abs(unsure[len(unsure) // 2] - w.smoothed.offset_s) > _LAG_JUMP_S:
            return None
        return w.smoothed.offset_s

    def _phone_series(self) -> tuple[Series, ...]:
        """The offset from phone events and its confidence, one value per transcript segment (None where
        not judged)."""
        ws = self.event_windows
        lag = self.o.max_lag_s * 1000
        times = tuple(round((w.start + w.end) / 2, 2) for w in ws)
        return (Series("av_offset_phones_ms", "Audio-video offset from lip closures and phones (voice after lips)",
                       "ms", times,
                       tuple(round(w.estimate.offset_s * 1000, 1) if w.judged and w.estimate else None for w in ws),
                       lower=-lag, upper=lag, limits=(-self.o.offset_threshold_s * 1000, self.o.offset_threshold_s * 1000)),
                Series("phone_sync_confidence", "Confidence of the phone offset (bilabials the lips closed for)", "",
                       times, tuple(w.confidence if w.judged else None for w in ws), lower=0.0, upper=1.0),
                Series("phone_sync_strength", "How well the mouth follows the phones heard (correlation)", "",
                       times, tuple(w.strength.strength if w.strength else None for w in ws), lower=-0.2, upper=1.0,
                       limits=(self.openness.low_below,) if self.openness else ()))


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _agreement(run: list[SyncWindow]) -> float:
    """Share of windows whose own best lag (before smoothing) lies within _LAG_JUMP_S of the run's."""
    offsets = sorted(w.smoothed.offset_s for w in run if w.smoothed)
    median = offsets[len(offsets) // 2]
    own = [w.estimate.offset_s for w in run if w.estimate]
    return sum(abs(o - median) <= _LAG_JUMP_S for o in own) / max(1, len(own))


def _length_factor(run: list[SyncWindow]) -> float:
    """More windows, more trust: 0.6 for one window, 1.0 from six on."""
    return 0.6 + 0.4 * min(1.0, (len(run) - 1) / 5)


def _windows_note(run: list[SyncWindow]) -> str:
    parts = []
    for w in run[:6]:
        if w.smoothed is not None:
            parts.append(f"{w.start:.0f}-{w.end:.0f} s: {w.smoothed.offset_s * 1000:+.0f} ms, "
                         f"strength {w.support or 0.0:.2f}")
        else:
            parts.append(f"{w.start:.0f}-{w.end:.0f} s: {w.verdict}, speech {w.speech_share:.0%}, "
                         f"mouth motion {w.mouth_motion:.3f}")
    more = f"; {len(run) - 6} more windows" if len(run) > 6 else ""
    return "; ".join(parts) + more


_BUILDERS: dict[str, Callable[[LipSyncAnalyzer, list[SyncWindow]], Indicator]] = {
    "av_offset": LipSyncAnalyzer._offset,
    "low_sync": LipSyncAnalyzer._low_sync,
    "speech_mouth_still": LipSyncAnalyzer._still,
    "mouth_moving_silent": LipSyncAnalyzer._moving_silent,
}
