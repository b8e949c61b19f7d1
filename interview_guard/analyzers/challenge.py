"""`challenge`: the interviewer asked for head turns, a look up and a hand across the face.

Real-time face swaps are trained mostly on frontal faces: in profile, under a hand, or
looking up they warp, flicker or turn into someone else. During each challenge window
this check records which movements really happened (yaw reached each way, pitch up, a
hand or object hiding the face for a moment) and what the face did meanwhile:
- identity: a descriptor taken while turned against the frontal ones (when identity runs);
- the swap outline's edge strength against the frontal baseline;
- the face lost while the head was still in view (a swap that gives up at an angle).
Verdict: "pass" (movements done, face held), "fail" (a face signal broke while turning),
or "not performed" (no turn at all). A mild turn is still a pass, with lower confidence,
because a swap that survives 15 degrees has not been tested at 45.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Analyzer, Evidence, Indicator
from interview_guard.faces.core import FaceFrame
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, LivenessOptions

# Degrees each way from facing the camera that count as a turn at all: a frontal talker stays
# within a few degrees; a requested turn, even a reluctant one, goes past this.
MIN_TURN = 8.0
_TURNED = 20.0  # degrees from frontal beyond which a frame counts as turned for the face signals
_EDGE_JUMP = 0.35  # log edge ratio above the frontal median that counts as a seam appearing
_OCCLUSION_MAD = 25.0  # grey levels: the face crop changed this much from one frame to the next
_MAX_OCCLUSION_GAP_S = 3.0


@dataclass
class _Window:
    start: float
    end: float
    yaws: list[float] = field(default_factory=list)
    pitches: list[float] = field(default_factory=list)
    frames: list[tuple[float, int, float]] = field(default_factory=list)  # t, index, yaw
    frontal_edges: list[float] = field(default_factory=list)
    turned_edges: list[tuple[float, int, float]] = field(default_factory=list)
    frontal_embeddings: list[np.ndarray] = field(default_factory=list)
    turned_embeddings: list[tuple[float, int, np.ndarray]] = field(default_factory=list)
    occlusions: list[tuple[float, int]] = field(default_factory=list)
    lost_since: float | None = None
    last_thumb: np.ndarray | None = None


class ChallengeAnalyzer(Analyzer):
    checks = ("challenge",)

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        lv = settings.liveness
        return lv.enabled and (bool(inputs.challenges) or lv.challenge_on_request)

    @classmethod
    def from_settings(cls, settings: AnalysisOptions, inputs: SessionInputs = SessionInputs()) -> "ChallengeAnalyzer":
        return cls(settings.liveness, settings.identity.match_threshold, inputs.challenges)

    def __init__(self, options: LivenessOptions, match_threshold: float,
                 challenges: tuple[tuple[float, float], ...] = ()) -> None:
        """match_threshold: the face distance under which two faces are one person (IdentityOptions), which a
        turned face must keep; challenges: the session's windows known in advance (live mode adds more)."""
        self.o, self.match_threshold = options, match_threshold
        self._pending = sorted(challenges)
        self._open: _Window | None = None

    def schedule(self, start: float, end: float) -> None:
        """A challenge started now (live mode's button): judged like one given in advance."""
        self._pending = sorted([*self._pending, (start, end)])

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        out: list[Indicator] = []
        if self._open is not None and frame.t > self._open.end:
            out += self._close()
        if self._open is None and self._pending and frame.t >= self._pending[0][0]:
            start, end = self._pending.pop(0)
            self._open = _Window(start, end)
        if self._open is not None:
            self._observe(self._open, frame)
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = self._close() if self._open is not None else []
        for start, end in self._pending:  # windows the recording never reached
            out.append(_verdict_indicator(_Window(start, end), "not performed",
                                          "the recording ended before this challenge window", 0.0, 0.0))
        self._pending = []
        return out

    def _observe(self, w: _Window, frame: FaceFrame) -> None:
        face = frame.largest
        if face is None:
            if w.lost_since is None:
                w.lost_since = frame.t
            return
        if w.lost_since is not None and frame.t - w.lost_since <= _MAX_OCCLUSION_GAP_S and w.yaws:
            w.occlusions.append((w.lost_since, frame.frame_index))  # gone a moment, back again
        w.lost_since = None
        w.yaws.append(face.pose.yaw)
        w.pitches.append(face.pose.pitch)
        w.frames.append((frame.t, frame.frame_index, face.pose.yaw))
        turned = abs(face.pose.yaw) >= _TURNED or abs(face.pose.pitch) >= _TURNED
        if face.appearance is not None:
            thumb = face.appearance.thumb
            if w.last_thumb is not None and float(np.abs(thumb - w.last_thumb).mean()) > _OCCLUSION_MAD:
                w.occlusions.append((frame.t, frame.frame_index))
            w.last_thumb = thumb
            if np.isfinite(face.appearance.edge_ratio):
                if turned:
                    w.turned_edges.append((frame.t, frame.frame_index, face.appearance.edge_ratio))
                elif abs(face.pose.yaw) < 10:
                    w.frontal_edges.append(face.appearance.edge_ratio)
        if face.embedding is not None:
            if abs(face.pose.yaw) >= 15:
                w.turned_embeddings.append((frame.t, frame.frame_index, face.embedding))
            elif abs(face.pose.yaw) < 10:
                w.frontal_embeddings.append(face.embedding)

    def _close(self) -> list[Indicator]:
        w, self._open = self._open, None
        assert w is not None
        if len(w.yaws) < 3:
            return [_verdict_indicator(w, "not performed", "no face was seen during the challenge", 0.0, 0.0)]
        # Angles from facing the camera (yaw 0), so a candidate who sits at an angle and turns one
        # way only has not turned both ways.
        left, right, up = max(0.0, max(w.yaws)), max(0.0, -min(w.yaws)), max(0.0, max(w.pitches))
        if left < MIN_TURN or right < MIN_TURN:
            return [_verdict_indicator(w, "not performed", f"the head did not turn both ways (at most "
                                       f"{left:.0f} degrees one way and {right:.0f} the other; a turn is "
                                       f"{MIN_TURN:.0f} or more)", left, right)]
        broken = self._broken(w)
        lv = self.o
        done = [f"turned {left:.0f} degrees one way and {right:.0f} the other", f"looked up {up:.0f} degrees",
                f"the face was covered {len(w.occlusions)} time(s)" if w.occlusions else "no hand pass seen"]
        full = left >= lv.challenge_yaw and right >= lv.challenge_yaw and up >= lv.challenge_pitch
        if broken:
            return [_verdict_indicator(w, "fail", "; ".join(done) + ". But " + broken[0], left, right, broken[1])]
        mild = "" if full else (f" The movement stayed short of a full turn ({lv.challenge_yaw:.0f} degrees each way, "
                                f"{lv.challenge_pitch:.0f} up), so the test was mild.")
        return [_verdict_indicator(w, "pass", "; ".join(done) + ", and the face held." + mild, left, right,
                                   confidence=0.7 if full else 0.4)]

    def _broken(self, w: _Window) -> tuple[str, tuple[float, int]] | None:
        """The first face signal that broke while the head was turned, with where."""
        threshold = self.match_threshold
        if w.frontal_embeddings and w.turned_embeddings:
            frontal = np.mean(w.frontal_embeddings, axis=0)
            t, index, emb = max(w.turned_embeddings, key=lambda e: float(np.linalg.norm(e[2] - frontal)))
            distance = float(np.linalg.norm(emb - frontal))
            if distance > threshold:
                return (f"the turned face at {t:.1f} s is not the frontal person (identity distance "
                        f"{distance:.2f} > {threshold:.2f})", (t, index))
        if len(w.frontal_edges) >= 5 and w.turned_edges:
            base = float(np.median(w.frontal_edges))
            jumps = [e for e in w.turned_edges if e[2] - base > _EDGE_JUMP]
            if len(jumps) >= 3:
                t, index, edge = max(jumps, key=lambda e: e[2])
                return (f"an edge appeared around the face while it was turned ({len(jumps)} frames, "
                        f"strongest at {t:.1f} s), as where a pasted face meets the head", (t, index))
        return None


def _verdict_indicator(w: _Window, verdict: str, detail: str, left: float, right: float,
                       where: tuple[float, int] | None = None, confidence: float = 0.6) -> Indicator:
    score = {"pass": 0.0, "not performed": 0.3, "fail": 0.8}[verdict]
    frames = sorted(w.frames, key=lambda f: f[2])
    picks = [(f[0], f[1]) for f in (frames[0], frames[-1])] if frames else []
    if where is not None:
        picks.append(where)
    return Indicator(
        check="challenge", start=round(w.start, 3), end=round(w.end, 3), score=score,
        confidence=confidence if verdict != "not performed" else 0.6,
        reason=f"Challenge {w.start:.0f}-{w.end:.0f} s: {verdict}. The candidate {detail}"
               if verdict != "not performed" else f"Challenge {w.start:.0f}-{w.end:.0f} s: not performed: {detail}.",
        evidence=(Evidence(start=round(w.start, 3), end=round(w.end, 3),
                           frame_times=tuple(round(t, 3) for t, _ in picks),
                           frame_indices=tuple(i for _, i in picks),
                           note=f"verdict: {verdict}; most turned frames each way"),),
        measurements={"yaw_left": round(left, 1), "yaw_right": round(right, 1),
                      "occlusions": float(len(w.occlusions)), "passed": float(verdict == "pass"),
                      "performed": float(verdict != "not performed")})
