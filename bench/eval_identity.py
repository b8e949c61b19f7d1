"""Face-consistency rows of bench/evaluate.py: photo-pair ROC/EER, splices of two people, same-person edits.

Every splice and edit is made at run time from ../shared/media in a temp folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from interview_guard.identity.reference import labelled_pair_distances
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, IdentityOptions

DEFAULT_THRESHOLD = IdentityOptions().match_threshold
NORMALISE = "scale=512:512:force_original_aspect_ratio=decrease,pad=512:512:(ow-iw)/2:(oh-ih)/2,fps=25,setsar=1"
_GRID = ["bbaf2n", "brbk7n", "lbax4n", "lbbc2a", "lrwp9a", "lwbsza", "pwij3p"]
# (first, second): different people, joined at the end of the first.
CROSS = [
    ("talking_head_real/retalking_1_man_suit_interview.mp4", "talking_head_real/hdtf_aoc_sadtalker.mp4"),
    ("talking_head_real/hdtf_aoc_sadtalker.mp4", "talking_head_real/retalking_2_swalwell.mp4"),
    ("manipulated/hyperlips_v2_obama_SOURCE_real.mp4", "manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4"),
    # Every GRID speaker to the next and back: same blue background, similar framing.
    *[(f"talking_head_real/grid_{a}.mpg", f"talking_head_real/grid_{b}.mpg")
      for a, b in zip(_GRID, _GRID[1:] + _GRID[:1])],
    *[(f"talking_head_real/grid_{b}.mpg", f"talking_head_real/grid_{a}.mpg")
      for a, b in zip(_GRID, _GRID[1:] + _GRID[:1])],
    ("talking_head_real/retalking_2_swalwell.mp4", "manipulated/hyperlips_v2_obama_SOURCE_real.mp4"),
]
# Same person: the clip cut and re-joined (a jump), and re-encoded small at a low bitrate.
SAME = [
    "manipulated/hyperlips_v2_obama_SOURCE_real.mp4",
    "manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4",
    "talking_head_real/hdtf_aoc_sadtalker.mp4",
    "face_motion/liveportrait_driving_d9.mp4",
]

Analyze = Callable[[Path], dict[str, Any]]
Table = Callable[[list[str], list[list[Any]]], None]
FFmpeg = Callable[..., None]


def photo_pairs(media: Path, table: Table) -> bool:
    """ROC summary of descriptor distances on the labelled photo pairs; True when all are right at the default."""
    d, same = labelled_pair_distances(media / "portraits" / "deepface_pairs")
    out = []
    for thr in (0.5, 0.55, DEFAULT_THRESHOLD, 0.65, 0.7):
        far = float(np.mean(d[~same] < thr))  # different people called the same
        frr = float(np.mean(d[same] >= thr))  # same person called different
        acc = float(np.mean((d < thr) == same))
        out.append([f"{thr:.2f}" + (" (default)" if thr == DEFAULT_THRESHOLD else ""), f"{acc:.1%}",
                    f"{far:.2%}", f"{frr:.2%}"])
    eer, eer_thr = _eer(d, same)
    print(f"### identity: labelled photo pairs ({len(d)} pairs, {int(same.sum())} same-person)\n")
    table(["threshold", "accuracy", "false match rate", "false non-match rate"], out)
    print(f"EER {eer:.2%} at {eer_thr:.3f}; same-person distance max {d[same].max():.3f}, "
          f"different-person min {d[~same].min():.3f}\n")
    return bool(np.all((d < DEFAULT_THRESHOLD) == same))


def _eer(d: np.ndarray, same: np.ndarray) -> tuple[float, float]:
    best = (1.0, 0.0)
    for thr in np.unique(d):
        far, frr = np.mean(d[~same] < thr), np.mean(d[same] >= thr)
        if abs(far - frr) < best[0]:
            best = (abs(far - frr), float(thr))
    thr = best[1]
    return float((np.mean(d[~same] < thr) + np.mean(d[same] >= thr)) / 2), thr


def join(ffmpeg: FFmpeg, first: Path, second: Path, out: Path, second_start: float = 0.0) -> Path:
    graph = (f"[0:v]{NORMALISE}[v0];[1:v]trim=start={second_start},setpts=PTS-STARTPTS,{NORMALISE}[v1];"
             "[0:a]aresample=44100,aformat=channel_layouts=mono[a0];"
             f"[1:a]atrim=start={second_start},asetpts=PTS-STARTPTS,aresample=44100,aformat=channel_layouts=mono[a1];"
             "[v0][a0][v1][a1]concat=n=2:v=1:a=1[v][a]")
    ffmpeg("-i", str(first), "-i", str(second), "-filter_complex", graph, "-map", "[v]", "-map", "[a]",
           "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out))
    return out


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as c:
        return float(c.duration) / av.time_base


def splices(media: Path, tmp: Path, analyze: Analyze, ffmpeg: FFmpeg, table: Table) -> tuple[int, int]:
    rows, caught = [], 0
    for a, b in CROSS:
        clip = join(ffmpeg, media / a, media / b, tmp / f"splice_{Path(a).stem}__{Path(b).stem}.mp4")
        true_t = _duration(media / a)
        s = analyze(clip)
        changes = [i for i in s["indicators"] if i["check"] == "identity_change"]
        hit = next((i for i in changes if abs(i["measurements"]["change_time_s"] - true_t) <= 1.0), None)
        ok = hit is not None and hit["end"] - true_t <= 2.0 and len(changes) == 1
        caught += ok
        rows.append([f"{Path(a).stem} → {Path(b).stem}", f"{true_t:.2f}",
                     f"{hit['measurements']['change_time_s']:.2f}" if hit else "-",
                     f"{hit['end'] - true_t:+.2f}" if hit else "-",
                     f"{hit['measurements']['distance']:.2f}" if hit else "-", len(changes),
                     "PASS" if ok else "FAIL"])
    print("### identity: splices of two different people (made at run time)\n")
    table(["splice", "true change s", "found at s", "raised after s", "distance", "changes found", "result"], rows)
    print(f"caught within 2 s: {caught}/{len(CROSS)}\n")
    return caught, len(CROSS) - caught


def same_person(media: Path, tmp: Path, analyze: Analyze, ffmpeg: FFmpeg, table: Table) -> tuple[int, int]:
    rows, clean = [], 0
    for name in SAME:
        src = media / name
        cut = _duration(src) / 2
        rejoined = join(ffmpeg, src, src, tmp / f"rejoin_{src.stem}.mp4", second_start=cut)
        lowrate = tmp / f"lowrate_{src.stem}.mp4"
        ffmpeg("-i", str(src), "-vf", "scale=320:-2", "-c:v", "libx264", "-b:v", "150k", "-c:a", "aac", str(lowrate))
        for label, clip in (("cut and re-joined", rejoined), ("320 px, 150 kb/s", lowrate)):
            s = analyze(clip)
            false = [i for i in s["indicators"] if i["check"] in ("identity_change", "several_identities")]
            clean += not false
            rows.append([src.stem, label, s["timings"]["identity_descriptors"], len(false),
                         "PASS" if not false else "FAIL"])
    print("### identity: same person, edited (false changes)\n")
    table(["clip", "edit", "descriptors", "false identity indicators", "result"], rows)
    print(f"no false change: {clean}/{len(rows)}\n")
    return clean, len(rows) - clean


def reference_rows(media: Path, analyze_with: Callable[[Path, AnalysisOptions, SessionInputs], dict[str, Any]],
                   table: Table) -> tuple[int, int]:
    photo = media / "portraits" / "fr_obama.jpg"
    cases = [("manipulated/hyperlips_v2_obama_SOURCE_real.mp4", "reference_match"),
             ("manipulated/hyperlips_v2_obama_LIPSYNC_fake.mp4", "reference_match"),
             ("talking_head_real/retalking_1_man_suit_interview.mp4", "reference_mismatch"),
             ("talking_head_real/hdtf_aoc_sadtalker.mp4", "reference_mismatch")]
    rows, passed = [], 0
    inputs = SessionInputs(references=(str(photo),))
    for clip, expected in cases:
        s = analyze_with(media / clip, AnalysisOptions(), inputs)
        found = [i for i in s["indicators"] if i["check"].startswith("reference_")]
        ok = [i["check"] for i in found] == [expected]
        passed += ok
        rows.append([Path(clip).name, expected, ", ".join(f"{i['check']} d={i['measurements']['distance']:.2f}"
                                                          for i in found) or "-", "PASS" if ok else "FAIL"])
    print(f"### identity: reference photo {photo.name}\n")
    table(["clip", "expected", "found", "result"], rows)
    return passed, len(cases) - passed
