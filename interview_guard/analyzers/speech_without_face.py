"""`speech_without_face`: words heard while no face is on camera (someone off-screen answering)."""

from __future__ import annotations

import bisect
from dataclasses import replace

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator
from interview_guard.analyzers.spans import clamp01
from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, CheckOptions
from interview_guard.speech.core import TranscriptSegment, Word

# Words closer than this join one stretch of faceless speech.
_JOIN_GAP_S = 1.5


class SpeechWithoutFaceAnalyzer(Analyzer):
    checks = ("speech_without_face",)

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.speech.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "SpeechWithoutFaceAnalyzer":
        return cls(settings.checks)

    def __init__(self, options: CheckOptions) -> None:
        self.o = options
        self._times: list[float] = []  # analysed frame times, increasing
        self._faces: list[bool] = []  # whether each had a face
        self._indices: list[int] = []
        self._pending: list[Word] = []  # words not yet judged (no frames past them yet)
        self._run: list[Word] = []  # current stretch of faceless words
        self._seen_face = False

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        self._times.append(frame.t)
        self._faces.append(frame.count > 0)
        self._seen_face |= frame.count > 0
        self._indices.append(frame.frame_index)
        return self._judge(up_to=frame.t)

    def on_speech(self, segment: TranscriptSegment) -> list[Indicator]:
        # Invented words (an English-only model on other speech) still time the speech; they are never quoted.
        self._pending.extend(segment.words if segment.trusted else (replace(w, text="…") for w in segment.words))
        return self._judge(up_to=self._times[-1] if self._times else -1.0)

    def finish(self, end_time: float) -> list[Indicator]:
        out = self._judge(up_to=float("inf"))
        return out + self._close_run()

    def _judge(self, up_to: float) -> list[Indicator]:
        self._forget_old_frames()
        out: list[Indicator] = []
        while self._pending and self._pending[0].end <= up_to:
            word = self._pending.pop(0)
            if self._faceless(word):
                if self._run and word.start - self._run[-1].end > _JOIN_GAP_S:
                    out += self._close_run()
                self._run.append(word)
            elif self._run:
                out += self._close_run()
        return out

    def _forget_old_frames(self) -> None:
        """Keep memory bounded in long sessions: frames before every word still to judge can go."""
        if len(self._times) < 2000:
            return
        oldest = min([w.start for w in self._pending[:1] + self._run[:1]] + [self._times[-1]]) - 2.0
        cut = bisect.bisect_left(self._times, oldest)
        del self._times[:cut], self._faces[:cut], self._indices[:cut]

    def _faceless(self, word: Word) -> bool:
        """True when every analysed frame during the word (or the nearest one) shows no face."""
        if not self._times:
            return False
        lo = bisect.bisect_left(self._times, word.start)
        hi = bisect.bisect_right(self._times, word.end)
        idx = range(lo, hi) if hi > lo else [min(lo, len(self._times) - 1)]
        return not any(self._faces[i] for i in idx)

    def _close_run(self) -> list[Indicator]:
        run, self._run = self._run, []
        if not run:
            return []
        spoken = sum(w.end - w.start for w in run)
        if spoken < self.o.speech_without_face_min_s:
            return []
        start, end = run[0].start, run[-1].end
        text = " ".join(w.text for w in run)
        quote = text if len(text) <= 160 else text[:157] + "..."
        mean_p = sum(w.probability for w in run) / len(run)
        # With no face found in the whole recording the detector may simply be failing (see no_face).
        detector_doubt = 1.0 if self._seen_face else 0.5
        frames = [(t, i) for t, i in zip(self._times, self._indices) if start <= t <= end][:: max(1, len(run) // 3)][:3]
        return [Indicator(
            check="speech_without_face", start=round(start, 3), end=round(end, 3),
            score=round(0.4 + 0.6 * clamp01(spoken / 10.0), 3),
            # Whisper's own word confidence bounds how sure we are that speech was there.
            confidence=round(0.9 * clamp01(mean_p + 0.2) * detector_doubt, 3),
            reason=(f"Someone spoke for {spoken:.1f} s between {start:.1f} s and {end:.1f} s while no face "
                    f"was on camera: \"{quote}\""),
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(t, 3) for t, _ in frames),
                               frame_indices=tuple(i for _, i in frames), words=text,
                               note="speech heard, no face in these frames"),),
            measurements={"speech_s": round(spoken, 2), "words": float(len(run))})]
