"""Face consistency: the same person all interview long, and the person on the reference photo.

Checks: `identity_change`, `several_identities`, `reference_mismatch`, `reference_match`,
`face_unusable`. Works on the largest face's dlib descriptors (added by the identity
stage); descriptors stay in memory, the summary keeps distances and times only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator
from interview_guard.analyzers.spans import SpanBuilder, clamp01, span_evidence
from interview_guard.analyzers.usability import UnusableLog
from interview_guard.faces.core import FaceFrame, FaceObservation
from interview_guard.identity.embedder import descriptor_distance as _dist
from interview_guard.identity.reference import ReferenceFace, load_references
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, IdentityOptions


@dataclass
class _Identity:
    """One person seen in the session: running mean descriptor and when they were on camera."""

    label: str
    total: np.ndarray
    count: int
    spans: list[list[float]] = field(default_factory=list)
    frames: list[tuple[float, int]] = field(default_factory=list)
    early: list[np.ndarray] = field(default_factory=list)  # first descriptors, for the spread
    weak: int = 0  # descriptors taken on a small or dark face (IdentityOptions.full_confidence_px, brightness)
    caveat: str = ""  # the first such descriptor's caveat

    @property
    def mean(self) -> np.ndarray:
        return self.total / self.count

    @property
    def spread(self) -> float:
        """Median distance of the first descriptors to the mean: how much this person varies on camera."""
        return float(np.median([_dist(v, self.mean) for v in self.early])) if self.early else 0.0

    def add(self, vec: np.ndarray, t: float, frame_index: int, caveat: str = "") -> None:
        """caveat: why this descriptor is less certain ('' when it is not)."""
        self.total = self.total + vec
        self.count += 1
        if caveat:
            self.weak += 1
            self.caveat = self.caveat or caveat
        if self.spans and t - self.spans[-1][1] <= 5.0:
            self.spans[-1][1] = t
        else:
            self.spans.append([t, t])
        if len(self.frames) < 3:
            self.frames.append((t, frame_index))
        if len(self.early) < 20:
            self.early.append(vec)


@dataclass(frozen=True)
class _Sample:
    t: float
    frame_index: int
    vec: np.ndarray
    trigger: str = ""
    caveat: str = ""  # why the descriptor is less certain: "small (31 px wide)", "dark (...)"

    @property
    def at_discontinuity(self) -> bool:
        """Taken on the first frame after a scene cut or a face jump: a change happened right here."""
        return self.trigger in ("scene cut", "face jump", "face changed", "new track")


class FaceIdentityAnalyzer(Analyzer):
    checks = ("identity_change", "several_identities", "reference_mismatch", "reference_match", "face_unusable")

    @classmethod
    def runs_with(cls, settings: AnalysisOptions, inputs: SessionInputs) -> bool:
        return settings.identity.enabled

    @classmethod
    def from_settings(cls, settings: AnalysisOptions,
                      inputs: SessionInputs = SessionInputs()) -> "FaceIdentityAnalyzer":
        return cls(settings.identity, inputs.references)

    def __init__(self, options: IdentityOptions, references: tuple[str, ...] = ()) -> None:
        """references: the session's photos to compare the candidate with (SessionInputs.references)."""
        self.o = options
        self.references: list[ReferenceFace] = load_references(references)
        self.identities: list[_Identity] = []
        self._current: _Identity | None = None
        self._pending: list[_Sample] = []  # enrolment samples, then the far samples of a possible change
        self._last_match: _Sample | None = None
        self._unusable = SpanBuilder(self.o.unusable_min_s, max_gap_s=1.0)
        self._issues = UnusableLog(self.o)

    @property
    def threshold(self) -> float:
        return self.o.match_threshold

    def on_faces(self, frame: FaceFrame) -> list[Indicator]:
        primary = frame.largest
        out = self._track_unusable(frame, primary)
        if primary is not None and primary.embedding is not None:
            out += self._observe(_Sample(frame.t, frame.frame_index, primary.embedding, primary.embedding_trigger,
                                         primary.embedding_caveat))
        return out

    def finish(self, end_time: float) -> list[Indicator]:
        out = []
        if span := self._unusable.finish(end_time):
            out.append(self._unusable_indicator(span))
        if self._current is None and self._pending:  # too few samples to enrol: use what there is
            self._enrol(self._pending)
        out += self._several_identities()
        out += [ind for ident in self.identities for ind in self._reference_checks(ident)]
        return out

    def status(self, now: float) -> tuple[CheckStatus, ...]:
        ident = self._current
        if ident is None:
            change = CheckStatus("identity_change", "unknown", f"Collecting face descriptors "
                                 f"({len(self._pending)} of {self.o.enrol_samples})", now)
        elif self._pending:
            change = CheckStatus("identity_change", "amber", f"{len(self._pending)} recent face descriptor(s) look "
                                 f"like someone other than person {ident.label}", now)
        else:
            since = "the start" if len(self.identities) == 1 else f"{ident.spans[0][0]:.0f} s"
            change = CheckStatus("identity_change", "green", f"Same person (person {ident.label}) since {since}, "
                                 f"{ident.count} descriptors", now)
        if not self.references or ident is None:
            return (change,)
        best = min(_dist(ident.mean, r.embedding) for r in self.references)
        same = best < self.threshold
        return (change, CheckStatus("reference_mismatch", "green" if same else "red",
                                    f"Person {ident.label} {'matches' if same else 'does not match'} the reference "
                                    f"photo (distance {best:.2f}, same person under {self.threshold:.2f})", now))

    # --- identity tracking -------------------------------------------------

    def _observe(self, s: _Sample) -> list[Indicator]:
        if self._current is None:
            self._pending.append(s)
            if len(self._pending) >= self.o.enrol_samples:
                self._enrol(self._pending)
            return []
        if _dist(s.vec, self._current.mean) < self.threshold:
            self._current.add(s.vec, s.t, s.frame_index, s.caveat)
            self._last_match, self._pending = s, []
            return []
        self._pending.append(s)
        if len(self._pending) < self.o.change_samples:
            return []
        return self._confirm_change()

    def _enrol(self, samples: list[_Sample]) -> None:
        vecs = np.stack([s.vec for s in samples])
        median = np.median(vecs, axis=0)
        keep = [s for s in samples if _dist(s.vec, median) < self.threshold] or samples
        ident = self._new_identity(keep)
        # Far samples after the last kept one may be the start of a change: keep them pending.
        after = [s for s in samples if s.t > keep[-1].t and s not in keep]
        self._current, self._pending, self._last_match = ident, after, keep[-1]

    def _new_identity(self, samples: list[_Sample]) -> _Identity:
        ident = _Identity(label=chr(ord("A") + len(self.identities) % 26), total=np.zeros(128, np.float64), count=0)
        for s in samples:
            ident.add(s.vec.astype(np.float64), s.t, s.frame_index, s.caveat)
        self.identities.append(ident)
        return ident

    def _confirm_change(self) -> list[Indicator]:
        far = self._pending
        centre = np.mean([s.vec for s in far], axis=0)
        if max(_dist(s.vec, centre) for s in far) >= self.threshold:
            self._pending = far[1:]  # the far samples disagree among themselves: noise, not a person
            return []
        previous = self._current
        assert previous is not None
        known = [i for i in self.identities if i is not previous and _dist(centre, i.mean) < self.threshold]
        target = min(known, key=lambda i: _dist(centre, i.mean)) if known else self._new_identity([])
        for s in far:
            target.add(s.vec.astype(np.float64), s.t, s.frame_index, s.caveat)
        distance = _dist(centre, previous.mean)
        indicator = self._change_indicator(previous, target, far, distance, returning=bool(known))
        self._current, self._pending, self._last_match = target, [], far[-1]
        return [indicator]

    def _change_indicator(self, old: _Identity, new: _Identity, far: list[_Sample], distance: float,
                          returning: bool) -> Indicator:
        last = self._last_match
        start = last.t if last else far[0].t
        # After a cut the change time is known to a frame; otherwise it lies between two descriptors.
        change_t = far[0].t if far[0].at_discontinuity else (start + far[0].t) / 2
        when = (f"at {change_t:.1f} s ({far[0].trigger})" if far[0].at_discontinuity
                else f"between {start:.1f} s and {far[0].t:.1f} s")
        who = f"person {new.label}, seen before," if returning else f"a new person ({new.label})"
        frames = ([(last.t, last.frame_index)] if last else []) + [(s.t, s.frame_index) for s in far[:2]]
        factor, note = self._weak_face(next((s.caveat for s in ([last] if last else []) + far if s.caveat), ""))
        return Indicator(
            check="identity_change", start=round(start, 3), end=round(far[0].t, 3),
            score=round(0.7 + 0.3 * clamp01((distance - self.threshold) / 0.3), 3),
            confidence=round(factor * clamp01(0.55 + (distance - self.threshold) / 0.4), 3),
            reason=(f"The face changed to {who} {when}: its identity descriptor is "
                    f"{distance:.2f} from person {old.label}'s (same person under {self.threshold:.2f}) "
                    f"in {len(far)} samples in a row.{note}"),
            evidence=(Evidence(start=round(start, 3), end=round(far[-1].t, 3),
                               frame_times=tuple(round(t, 3) for t, _ in frames),
                               frame_indices=tuple(i for _, i in frames),
                               note=f"last frame of {old.label}, first frames of {new.label}"),),
            measurements={"change_time_s": round(change_t, 2), "change_uncertainty_s": round(
                0.05 if far[0].at_discontinuity else (far[0].t - start) / 2, 2), "distance": round(distance, 3),
                "threshold": self.threshold})

    # --- session-level checks ------------------------------------------------

    def _several_identities(self) -> list[Indicator]:
        people = [i for i in self.identities if i.count >= self.o.change_samples]
        if len(people) < 2:
            return []
        spans = "; ".join(f"{p.label}: " + ", ".join(f"{s:.0f}-{e:.0f} s" for s, e in p.spans) for p in people)
        turns = sum(len(p.spans) for p in people)
        start = min(p.spans[0][0] for p in people)
        end = max(p.spans[-1][1] for p in people)
        frames = [f for p in people for f in p.frames[:2]]
        return [Indicator(
            check="several_identities", start=round(start, 3), end=round(end, 3),
            score=round(0.7 + 0.1 * min(3, turns - 2), 3), confidence=0.8,
            reason=f"{len(people)} different people were on camera during the session ({spans}).",
            evidence=(Evidence(start=round(start, 3), end=round(end, 3),
                               frame_times=tuple(round(t, 3) for t, _ in frames),
                               frame_indices=tuple(i for _, i in frames), note="one frame per person"),),
            measurements={"identities": float(len(people)), "turns": float(turns)})]

    def _reference_checks(self, ident: _Identity) -> list[Indicator]:
        if not self.references or ident.count == 0:
            return []
        best = min(self.references, key=lambda r: _dist(ident.mean, r.embedding))
        d = _dist(ident.mean, best.embedding)
        start, end = ident.spans[0][0], ident.spans[-1][1]
        evidence = (Evidence(start=round(start, 3), end=round(end, 3),
                             frame_times=tuple(round(t, 3) for t, _ in ident.frames),
                             frame_indices=tuple(i for _, i in ident.frames),
                             note=f"reference {best.path.name}: {best.note}"),)
        margin = abs(d - self.threshold)
        factor, note = self._weak_face(ident.caveat if ident.weak * 2 > ident.count else "")
        # Few samples, a distance near the threshold or a small face: say so through the confidence.
        confidence = round(factor * clamp01((0.5 + margin / 0.3) * min(1.0, 0.6 + 0.1 * ident.count)), 3)
        common = dict(start=round(start, 3), end=round(end, 3), evidence=evidence,
                      measurements={"distance": round(d, 3), "threshold": self.threshold,
                                    "samples": float(ident.count), "person_spread": round(ident.spread, 3)})
        if d < self.threshold:
            return [Indicator(check="reference_match", score=0.0, confidence=confidence,
                              reason=(f"Person {ident.label} matches the reference photo {best.path.name} "
                                      f"(distance {d:.2f}, same person under {self.threshold:.2f}).{note}"),
                              **common)]
        return [Indicator(check="reference_mismatch", score=round(0.6 + 0.4 * clamp01(margin / 0.3), 3),
                          confidence=confidence,
                          reason=(f"Person {ident.label} does not match the reference photo {best.path.name} "
                                  f"(distance {d:.2f}; same person under {self.threshold:.2f}).{note}"), **common)]

    # --- weak faces ----------------------------------------------------------------

    def _weak_face(self, caveat: str) -> tuple[float, str]:
        """(confidence factor, what the reason adds) for findings resting on a small or dark face ('': neither)."""
        if not caveat:
            return 1.0, ""
        return self.o.weak_face_confidence, (
            f" The face is {caveat.replace(' px wide', ' px wide as analysed')}, so its descriptors are less "
            "certain.")

    # --- usability -------------------------------------------------------------

    def _track_unusable(self, frame: FaceFrame, primary: FaceObservation | None) -> list[Indicator]:
        issue = primary.quality_issue if primary is not None else ""
        if issue:
            self._issues.add(issue, frame.t, frame.frame_index)
        elif not self._unusable.is_open:
            self._issues.clear()
        span = self._unusable.update(frame.t, bool(issue), frame.frame_index)
        return [self._unusable_indicator(span)] if span else []

    def _unusable_indicator(self, span) -> Indicator:
        what, worst_frames, measured = self._issues.describe(span.start, span.end)
        return Indicator(
            check="face_unusable", start=round(span.start, 3), end=round(span.end, 3),
            score=round(0.2 + 0.3 * clamp01(span.duration / 60.0), 3), confidence=0.9,
            reason=(f"The face could not be used for identity checks from {span.start:.1f} s to {span.end:.1f} s "
                    f"({span.duration:.1f} s): {what}. Identity and other face checks are weaker there."),
            evidence=(span_evidence(span, "frames with a face identity cannot use"), *worst_frames),
            measurements={"duration_s": round(span.duration, 2), **measured})
