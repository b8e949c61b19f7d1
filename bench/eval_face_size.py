"""Identity on small faces: does dlib's descriptor still tell people apart when the face is 20-40 px wide?

    python bench/eval_face_size.py [--media DIR] [--frames N]

One real clip per person (the seven GRID speakers and the other distinct people of the media folder, see its
MANIFEST). For each, a few analysed frames: the face's descriptor at the size the clip gives (the baseline, same
run), then the same frame scaled down so the face is W px wide (as the face stage would see a person far from a
1080p camera), the landmarks found again on the small picture by the second look's tracked crop (as in the
pipeline), and the descriptor computed on the small picture. Reported per width: the distance to the mean of the same
person's other frames at full size (same person: under 0.6) and to every other person's mean (different: 0.6 or
more).
IdentityOptions.min_face_px is the width under which identity refuses a face.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.face_label_sheets import analysed_frames, media_dir  # noqa: E402
from bench.tables import print_table  # noqa: E402
from interview_guard.faces import FaceLandmarkerRunner  # noqa: E402
from interview_guard.faces.landmarker import RawFace  # noqa: E402
from interview_guard.faces.second_look import SecondLook, landmark_box  # noqa: E402
from interview_guard.identity.embedder import descriptor_distance, embed_faces  # noqa: E402
from interview_guard.identity.quality import lifted  # noqa: E402
from interview_guard.media.core import VideoFrame  # noqa: E402
from interview_guard.options import FaceOptions, IdentityOptions  # noqa: E402

PEOPLE = (  # one clip per distinct person (MANIFEST: seven GRID speakers; the others are distinct people)
    "talking_head_real/grid_bbaf2n.mpg", "talking_head_real/grid_brbk7n.mpg", "talking_head_real/grid_lbax4n.mpg",
    "talking_head_real/grid_lbbc2a.mpg", "talking_head_real/grid_lrwp9a.mpg", "talking_head_real/grid_lwbsza.mpg",
    "talking_head_real/grid_pwij3p.mpg", "talking_head_real/hdtf_aoc_sadtalker.mp4",
    "talking_head_real/retalking_1_man_suit_interview.mp4", "talking_head_real/retalking_2_swalwell.mp4",
    "manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4", "manipulated/hyperlips_v2_obama_SOURCE_real.mp4",
)
WIDTHS = (60, 48, 40, 34, 28, 22)  # face width in analysed pixels
DARK_MEANS, DARK_WIDTH = (12.0, 7.0, 4.0), 34  # a dark room: the inner face's mean grey, alone and at this width
THRESHOLD = IdentityOptions().match_threshold
SEEN_DARK: dict[str, int] = {}  # dark condition -> frames where the second look still found the face


def person_frames(clip: Path, n: int) -> list[VideoFrame]:
    """n analysed frames spread over the clip's first 6 s."""
    frames = [vf for vf in analysed_frames(clip, 6.0) if vf.index % 5 == 0]
    step = max(1, len(frames) // n)
    return frames[::step][:n]


def shrunk(vf: VideoFrame, factor: float) -> VideoFrame:
    h, w = vf.image.shape[:2]
    small = cv2.resize(vf.image, (max(8, round(w * factor)), max(8, round(h * factor))), interpolation=cv2.INTER_AREA)
    return VideoFrame(index=vf.index, t=vf.t, image=small, source_size=vf.source_size)


def darkened(vf: VideoFrame, face: RawFace, target: float) -> tuple[VideoFrame, float]:
    """The frame darkened so the inner face's mean grey is about `target` (a dark room), and that mean."""
    mean = face_brightness(vf, face)
    image = np.round(vf.image.astype(np.float32) * (target / max(mean, 1.0))).astype(np.uint8)
    dark = VideoFrame(index=vf.index, t=vf.t, image=image, source_size=vf.source_size)
    return dark, face_brightness(dark, face)


def face_brightness(vf: VideoFrame, face: RawFace) -> float:
    h, w = vf.image.shape[:2]
    x0, y0, x1, y1 = landmark_box(face, w, h)
    mx, my = 0.2 * (x1 - x0), 0.2 * (y1 - y0)
    grey = cv2.cvtColor(vf.image, cv2.COLOR_RGB2GRAY)
    return float(grey[int(y0 + my):int(y1 - my), int(x0 + mx):int(x1 - mx)].mean())


def relandmarked(vf: VideoFrame, faces: list[RawFace]) -> list[RawFace]:
    """A face found just before, now smaller or darker: the second look's tracked crop finds it, as in the pipeline."""
    with SecondLook(FaceOptions()) as second:
        second.seen(vf, faces)
        return second.look(vf)[0]


def conditions(vf: VideoFrame, faces: list[RawFace]) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(condition, picture, landmarks found on it) for every condition this frame can give."""
    h, w = vf.image.shape[:2]
    x0, _, x1, _ = landmark_box(faces[0], w, h)
    for width in WIDTHS:
        if width / (x1 - x0) < 1.0:
            small = shrunk(vf, width / (x1 - x0))
            yield from _found(f"{width} px", small, relandmarked(small, faces))
    for width, target in [(w_, t_) for w_ in (None, DARK_WIDTH) for t_ in DARK_MEANS]:
        if width is not None and width / (x1 - x0) >= 1.0:
            continue
        base = vf if width is None else shrunk(vf, width / (x1 - x0))
        dark, mean = darkened(base, faces[0], target)
        # The descriptor on the geometry the lit picture gives (the same pixels' places): what darkness does to
        # the descriptor alone. Whether the second look still finds the face is counted apart.
        found = relandmarked(base, faces)
        name = ("" if width is None else f"{width} px, ") + f"dark (face {target:.0f}/255)"
        SEEN_DARK[name] = SEEN_DARK.get(name, 0) + bool(relandmarked(dark, faces))
        yield from _found(name, dark, found)
        yield from _found(name + ", lifted", VideoFrame(dark.index, dark.t, lifted(dark.image, mean),
                                                        dark.source_size), found)


def _found(name: str, vf: VideoFrame, faces: list[RawFace]) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    if faces:
        yield name, vf.image, faces[0].landmarks
    else:
        yield name, vf.image, np.zeros((0, 3), np.float32)


def describe(frames: list[VideoFrame]) -> tuple[dict[str, list[tuple[int, np.ndarray]]], dict[str, int]]:
    """(frame number, descriptor) per condition ("full": as the clip is); a frame whose face gets no landmarks in
    a condition is counted but left out of its distances."""
    out: dict[str, list[tuple[int, np.ndarray]]] = {"full": []}
    tried: dict[str, int] = {}
    with FaceLandmarkerRunner(FaceOptions(), still_images=True) as first:
        for vf in frames:
            faces = first.detect_image(vf.image)
            if not faces:
                continue
            k = len(out["full"])
            out["full"].append((k, embed_faces(vf.image, [faces[0].landmarks])[0]))
            for name, image, landmarks in conditions(vf, faces):
                tried[name] = tried.get(name, 0) + 1
                if len(landmarks):
                    out.setdefault(name, []).append((k, embed_faces(image, [landmarks])[0]))
    tried["full"] = len(out["full"])
    return out, tried


def distances(people: dict[str, dict[str, list[tuple[int, np.ndarray]]]], condition: str) -> tuple[list, list]:
    """Same-person distances (to the mean of that person's other full-size frames: this frame left out, it would
    flatter) and different-person distances (to every other person's full-size mean)."""
    means = {name: np.mean([v for _, v in d["full"]], axis=0) for name, d in people.items() if d["full"]}
    same, other = [], []
    for name, d in people.items():
        for k, v in d.get(condition, []):
            rest = [u for j, u in d["full"] if j != k]
            if rest:
                same.append(descriptor_distance(v, np.mean(rest, axis=0)))
            other += [descriptor_distance(v, m) for n, m in means.items() if n != name]
    return same, other


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--media")
    p.add_argument("--frames", type=int, default=4, help="frames per person")
    args = p.parse_args(argv)
    cv2.setNumThreads(1)
    media = media_dir(args.media)
    described = {name: describe(person_frames(media / name, args.frames))
                 for name in PEOPLE if (media / name).is_file()}
    people = {name: d for name, (d, _) in described.items()}
    names = list(dict.fromkeys(c for _, tried in described.values() for c in tried))
    rows = []
    for condition in ["full", *[c for c in names if c != "full"]]:
        tried = sum(t.get(condition, 0) for _, t in described.values())
        landmarked = sum(len(d.get(condition, [])) for d in people.values())
        same, other = distances(people, condition)
        if not same:
            rows.append([condition, f"{landmarked}/{tried}", "-", "-", "-", "-", "-"])
            continue
        s, o = np.array(same), np.array(other)
        seen = SEEN_DARK.get(condition.removesuffix(", lifted"))
        rows.append([condition, f"{landmarked}/{tried}" + ("" if seen is None else f" (dark: {seen})"),
                     f"{np.median(s):.2f}", f"{np.percentile(s, 95):.2f}",
                     f"{(s < THRESHOLD).sum()}/{len(s)}", f"{o.min():.2f}", f"{(o < THRESHOLD).sum()}/{len(o)}"])
    o = IdentityOptions()
    print(f"### Identity descriptors on small and dark faces ({len(people)} people, up to {args.frames} frames each)\n")
    print(f"'full': the face as the clip gives it (the baseline, same run). 'N px': the frame scaled down so the face "
          f"is N px wide; 'dark': darkened so the inner face's mean grey is about N/255; 'lifted': the dark "
          f"picture brightened before the descriptor (identity/quality.py lifted); dark rows take the landmarks "
          f"found on the lit picture (the descriptor alone), '(dark: n)' counts the frames where the second look "
          f"still finds the face in the dark picture. Same person: distance to the mean "
          f"of that person's other full-size frames; different: to every other person's. Same under {THRESHOLD}. "
          f"Identity refuses faces under {o.min_face_px} px and full confidence needs {o.full_confidence_px} px.\n")
    print_table(["condition", "landmarked", "same: median", "same: 95th pct", f"same under {THRESHOLD}",
                 "different: nearest", f"different under {THRESHOLD} (false match)"], rows)


if __name__ == "__main__":
    main()
