"""Face recall: frames with a face found / frames with a face visible, first look alone and with the second look.

    python bench/eval_faces.py [--media DIR] [--quick] [--only recall,turned,faceless,detectors,cost]

"Visible" comes from bench/face_visible_labels.json (labelled once by eye; its sampling rule is written in it).
Every video clip in the media folder is scored as is and as it would look in a dim 1080p webcam picture: the
clip scaled to half the canvas height on a 1920x1080 canvas and darkened by 40 % (made in memory at run time, at
the size the face stage sees a 1080p frame: 640x360). A subset is also rolled by +-30 degrees and pushed to the
frame's left edge (also with the second look upright only: its turned passes off). Faceless pictures (black,
noise, flat, a room without its person) must get no face. The cost
table runs the face stage on bench_analyze's default mix with the second look off and on, in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench.face_label_sheets import analysed_frames, media_dir, sample_of, sample_times, video_clips  # noqa: E402
from bench.face_variants import (  # noqa: E402
    Transform, at_left_edge, faceless_pictures, rolled, sunglasses, webcam_1080p)
from bench.tables import print_table  # noqa: E402
from interview_guard.faces import FaceLandmarkerRunner, FaceTracker  # noqa: E402
from interview_guard.faces.second_look import Crop, FaceDetector, SecondLook, normalised_grey  # noqa: E402
from interview_guard.media.core import VideoFrame  # noqa: E402
from interview_guard.options import FaceOptions  # noqa: E402

LABELS = Path(__file__).resolve().parent / "face_visible_labels.json"
UNTIL_S = 12.0  # samples end at 11.5 s; nothing later is scored
TURNED_FOLDERS = ("talking_head_real", "manipulated")


# ---------------------------------------------------------------- the face stage, as the pipeline runs it

@dataclass
class Look:
    """One stream's face stage (first look, second look, tracker); counts what it found."""

    second_look: bool = True
    turns: bool = True  # the detector's turned passes for rolled heads (FaceOptions.second_look_turns)
    first_s: float = 0.0
    outcomes: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._stack = ExitStack()
        options = FaceOptions(second_look=self.second_look, **({} if self.turns else {"second_look_turns": ()}))
        self.runner = self._stack.enter_context(FaceLandmarkerRunner(options))
        self.second = self._stack.enter_context(SecondLook(options)) if self.second_look else None
        self.tracker = FaceTracker(options.track_max_gap_s)

    def see(self, vf: VideoFrame) -> tuple[bool, bool]:
        """(the first look found a face, a face was found)."""
        t = time.perf_counter()
        raw, search = self.runner.detect(vf), None
        self.first_s += time.perf_counter() - t
        first = bool(raw)
        if self.second is not None:
            if raw:
                self.second.seen(vf, raw)
            else:
                raw, search = self.second.look(vf)
                self.outcomes[search.outcome] += 1
        return first, self.tracker.update(vf, raw, search).count > 0

    def close(self) -> None:
        self._stack.close()


def labels() -> dict[str, dict]:
    return json.loads(LABELS.read_text())["clips"]


def visible_samples(label: dict, n_samples: int) -> set[int]:
    v = label["face_visible"]
    return set(range(n_samples)) if v == "all" else set(v)


def score_clip(clip: Path, transforms: dict[str, Transform],
               make_look: Callable[[str], Look] = lambda name: Look()) -> dict[str, dict[int, tuple[bool, bool]]]:
    """Per transform, per sample: (the first look found a face, a face was found); one decode feeds them all."""
    times = sample_times()
    looks = {name: make_look(name) for name in transforms}
    hits: dict[str, dict[int, tuple[bool, bool]]] = {name: {} for name in transforms}
    nearest: dict[int, float] = {}  # sample -> distance of the frame scored for it (the nearest, as the sheets)
    try:
        for vf in analysed_frames(clip, UNTIL_S):
            near = sample_of(vf.t, times)
            keep = near is not None and (near[0] not in nearest or near[1] < nearest[near[0]])
            if keep:
                nearest[near[0]] = near[1]
            for name, transform in transforms.items():
                found = looks[name].see(transform(vf))
                if keep:
                    hits[name][near[0]] = found
    finally:
        for look in looks.values():
            look.close()
    return hits


def recall(hits: dict[int, tuple[bool, bool]], label: dict) -> tuple[int, int, int]:
    """(visible samples, found by the first look, found with the second look)."""
    vis = [k for k in hits if label["face_visible"] == "all" or k in label["face_visible"]]
    return len(vis), sum(hits[k][0] for k in vis), sum(hits[k][1] for k in vis)


def _ratio(found: int, n: int) -> str:
    return f"{found}/{n} ({found / n:.0%})" if n else "-"


class Totals:
    def __init__(self) -> None:
        self.n = self.first = self.second = self.clips = self.clips95 = 0

    def add(self, n: int, first: int, second: int) -> None:
        self.n, self.first, self.second = self.n + n, self.first + first, self.second + second
        self.clips += n > 0
        self.clips95 += n > 0 and second >= 0.95 * n


def recall_rows(media: Path, clips: list[Path], transforms: dict[str, Transform],
                make_look: Callable[[str], Look] = lambda name: Look()) -> tuple[list[list], dict]:
    lab = labels()
    rows, totals = [], {name: Totals() for name in transforms}
    for clip in clips:
        rel = str(clip.relative_to(media))
        if rel not in lab:
            rows.append([rel, "not labelled"] + [""] * (2 * len(transforms)))
            continue
        hits = score_clip(clip, transforms, make_look)
        cells: list = []
        for name in transforms:
            n, a, b = recall(hits[name], lab[rel])
            totals[name].add(n, a, b)
            cells += [_ratio(a, n), _ratio(b, n)]
        rows.append([rel, n, *cells])
        print(f"  {rel}: {cells}", file=sys.stderr, flush=True)
    rows.append(["ALL visible samples", next(iter(totals.values())).n,
                 *[c for t in totals.values() for c in (_ratio(t.first, t.n), _ratio(t.second, t.n))]])
    rows.append(["clips at >= 95 % (+ second)", "", *[c for t in totals.values() for c in ("", f"{t.clips95}/{t.clips}")]])
    return rows, totals


def recall_table(media: Path, quick: bool) -> None:
    clips = video_clips(media)
    if quick:
        clips = [c for c in clips if "dfdc" in c.name or "hamilton" in c.name or "grid_bbaf2n" in c.name]
    transforms = {"as is": lambda vf: vf, "1080p dim": webcam_1080p}
    rows, _ = recall_rows(media, clips, transforms)
    print("### Face recall per clip (frames with a face found / frames with a face visible)\n")
    print("Visible: bench/face_visible_labels.json (a sample a second, up to 12 a clip, labelled by eye). "
          "'first': the landmarker alone; '+ second': with the second look (faces/second_look.py). '1080p dim': "
          "the clip at half the height of a 1920x1080 canvas, 40 % darker.\n")
    print_table(["clip", "visible", "as is: first", "as is: + second", "1080p dim: first", "1080p dim: + second"],
                rows)


def turned_table(media: Path, quick: bool) -> None:
    clips = [c for c in video_clips(media) if c.parent.name in TURNED_FOLDERS]
    if quick:
        clips = [c for c in clips if "dfdc" in c.name or "grid_bbaf2n" in c.name]
    with FaceLandmarkerRunner(FaceOptions(), still_images=True) as clean:
        transforms = {"rolled +30": rolled(30), "rolled -30": rolled(-30), "at the left edge": at_left_edge,
                      "sunglasses": sunglasses(clean),
                      "rolled +30, upright only": rolled(30), "rolled -30, upright only": rolled(-30)}
        rows, _ = recall_rows(media, clips, transforms, lambda name: Look(turns="upright only" not in name))
    print("### Rolled heads and faces at the frame's edge (same labels; the picture rolled by 30 degrees, or "
          "moved left by 40 % of its width so a centred face is cut by the edge, or dark lenses drawn over the "
          "eyes where the landmarker finds them on the clean frame). 'upright only': the second look "
          "without its turned passes (FaceOptions.second_look_turns=()), same run\n")
    print_table(["clip", "visible", *[f"{n}: {k}" for n in transforms for k in ("first", "+ second")]], rows)


def faceless_table(media: Path) -> None:
    rows = []
    for name, make in faceless_pictures(media).items():
        pictures = [make() for _ in range(30)]
        upright, looks = _run_faceless(pictures, turns=False), _run_faceless(pictures, turns=True)
        look, first, found = looks
        sl, su = look.second, upright[0].second
        rows.append([name, 30, first, found, ", ".join(f"{k} {v}" for k, v in sorted(look.outcomes.items())),
                     sl.detector_runs, f"{su.busy_s / 30 * 1000:.1f}", f"{sl.busy_s / 30 * 1000:.1f}",
                     f"{sl.busy_s / su.busy_s:.2f}" if su.busy_s else "-"])
    print("### Faceless pictures: false faces (30 frames each, 10 fps)\n")
    print("'upright only': the second look without its turned detector passes (FaceOptions.second_look_turns=()), "
          "same pictures, same run.\n")
    print_table(["picture", "frames", "faces: first look", "faces: + second look", "second-look outcomes",
                 "detector runs", "second look ms a frame: upright only", "second look ms a frame", "ratio"], rows)


def _run_faceless(pictures: list[np.ndarray], turns: bool) -> tuple[Look, int, int]:
    look, first, found = Look(turns=turns), 0, 0
    try:
        for i, image in enumerate(pictures):
            a, b = look.see(VideoFrame(index=i, t=i / 10, image=image, source_size=(1920, 1080)))
            first, found = first + a, found + b
    finally:
        look.close()
    return look, first, found


def detector_table(media: Path, quick: bool) -> None:
    """Each candidate detector on the frames the first look misses in the 1080p dim variant, and on faceless ones."""
    frames = _missed_frames(media, per_clip=1 if quick else 2, clips=8 if quick else 24)
    blanks = [make() for make in faceless_pictures(media).values()]
    rows = []
    with FaceLandmarkerRunner(FaceOptions(), still_images=True) as lm:
        for name, detect in _detectors().items():
            t, hits, boxed = time.perf_counter(), 0, 0
            for im in frames:
                boxes = detect(im)
                boxed += bool(boxes)
                hits += any(lm.detect_image(Crop.around(b).cut(im)) for b in boxes[:3])
            ms = (time.perf_counter() - t) / max(1, len(frames)) * 1000
            false = sum(bool(detect(im)) for im in blanks)
            rows.append([name, len(frames), _ratio(boxed, len(frames)), _ratio(hits, len(frames)), f"{ms:.0f}",
                         f"{false}/{len(blanks)}"])
    print("### Candidate full-frame detectors (frames the first look misses in '1080p dim', 640x360)\n")
    print_table(["detector", "frames", "a box", "landmarks on a box's crop", "ms a frame (incl. crops)",
                 "faceless pictures with a box"], rows)


def _missed_frames(media: Path, per_clip: int, clips: int) -> list[np.ndarray]:
    out = []
    candidates = [c for c in video_clips(media) if labels().get(str(c.relative_to(media)), {}).get("face_visible")
                  == "all"]
    step = max(1, len(candidates) // clips)
    for clip in candidates[::step][:clips]:
        with FaceLandmarkerRunner(FaceOptions(), still_images=True) as first:
            got = 0
            for vf in analysed_frames(clip, UNTIL_S):
                if vf.index % 25:
                    continue
                im = webcam_1080p(vf).image
                if not first.detect_image(im):
                    out.append(im)
                    got += 1
                if got >= per_clip:
                    break
    return out


def _detectors() -> dict[str, Callable[[np.ndarray], list]]:
    import dlib

    from interview_guard.model_store import resolve_model
    haar, hog = FaceDetector("haar"), FaceDetector("hog")
    raw = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    lbp_path = Path(cv2.data.haarcascades).parent / "lbpcascades" / "lbpcascade_frontalface_improved.xml"
    lbp = cv2.CascadeClassifier(str(lbp_path)) if lbp_path.is_file() else None
    mmod = dlib.cnn_face_detection_model_v1(str(resolve_model("dlib_mmod_face_detector")
                                                / "mmod_human_face_detector.dat"))

    def cascade(c):
        def detect(im):
            g = cv2.cvtColor(im, cv2.COLOR_RGB2GRAY)
            return [(x, y, x + w, y + h) for x, y, w, h in c.detectMultiScale(g, 1.1, 5, minSize=(16, 16))]
        return detect

    def mmod_detect(im):
        g = normalised_grey(im)  # the same CLAHE as the others
        return [(d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom())
                for d in mmod(cv2.cvtColor(g, cv2.COLOR_GRAY2RGB), 0)]

    out = {"haar, CLAHE grey (chosen)": haar.detect, "haar, plain grey": cascade(raw),
           "dlib HOG, CLAHE grey, 2x upsampled": hog.detect}
    if lbp is not None:
        out["LBP cascade, plain grey"] = cascade(lbp)
    out["dlib MMOD CNN, CLAHE grey"] = mmod_detect
    return out


def cost_table() -> None:
    """The face stage on bench_analyze's default mix, second look off and on (same run, same frames)."""
    import bench_analyze
    with tempfile.TemporaryDirectory(prefix="ig-faces-") as tmp:
        mix = bench_analyze.mixed_clip(Path(tmp))
        frames = list(analysed_frames(mix, 1e9))
    rows, walls = [], {}
    for second in (False, True):
        look = Look(second_look=second)
        t = time.perf_counter()
        try:
            found = sum(look.see(vf)[1] for vf in frames)
        finally:
            look.close()
        walls[second] = time.perf_counter() - t
        sl = look.second
        rows.append(["on" if second else "off", len(frames), found, f"{walls[second]:.2f}",
                     f"{sl.busy_s:.2f}" if sl else "-", sl.detector_runs if sl else "-",
                     f"{walls[second] / walls[False]:.2f}"])
    print("### Cost on the default mix (bench_analyze's ~60 s 720p interview mix; face stage only, decoded once)\n")
    print_table(["second look", "frames", "with a face", "face stage s", "second look s", "detector runs",
                 "vs off"], rows)


TABLES = ("recall", "turned", "faceless", "detectors", "cost")


def face_recall_tables(media: Path, quick: bool = False, only: tuple[str, ...] = TABLES) -> None:
    cv2.setNumThreads(1)
    if "recall" in only:
        recall_table(media, quick)
    if "turned" in only:
        turned_table(media, quick)
    if "faceless" in only:
        faceless_table(media)
    if "detectors" in only:
        detector_table(media, quick)
    if "cost" in only:
        cost_table()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--media")
    p.add_argument("--quick", action="store_true", help="a few clips only")
    p.add_argument("--only", default=",".join(TABLES), help=f"comma-separated tables among {','.join(TABLES)}")
    args = p.parse_args(argv)
    only = tuple(x.strip() for x in args.only.split(","))
    if unknown := [x for x in only if x not in TABLES]:
        sys.exit(f"unknown table(s) {unknown}: choose among {list(TABLES)}")
    face_recall_tables(media_dir(args.media), args.quick, only)


if __name__ == "__main__":
    main()
