"""Liveness rows of bench/evaluate.py (or alone: python bench/eval_liveness.py [--media DIR] [--quick]).

1. Every labelled clip in ../shared/media through the liveness checks, with what each signal measured.
2. Manipulations made at run time in a temp folder (bench/manipulations.py), never stored:
   each real clip looped three times, the same with two frozen stretches, still photos turned into
   20 s videos with pans and zooms, and crude OpenCV face swaps (landmark warp + seamlessClone)
   of one real speaker onto another, and each real clip with its face re-placed 1 % of the eye
   distance off every frame (a live swap's alignment noise). Caught / missed per case, and
   false alarms on the real clips.
3. The challenge on the face_motion clips (window = the whole clip) and on a frontal clip.
Analysis runs faces and liveness only (no speech, identity or lip-sync), at the full frame rate
(--liveness-full-rate, what lip-sync gives the default run), as any user can.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table  # noqa: E402
from bench.manipulations import (crude_face_swap, looped, still_photo_video, with_face_jitter,  # noqa: E402
                                 with_frozen_stretches)
from interview_guard.analyzers.registry import ANALYZERS  # noqa: E402
from interview_guard.inputs import SessionInputs  # noqa: E402
from interview_guard.options import (AnalysisOptions, IdentityOptions, LipSyncOptions,  # noqa: E402
                                     LivenessOptions, SpeechOptions)
from interview_guard.pipeline import analyze_recording  # noqa: E402

LIVENESS = tuple(c for cls in ANALYZERS if cls.__name__ in ("PulseAnalyzer", "BlinkAnalyzer", "ReplayAnalyzer",
                                                            "FaceSwapAnalyzer") for c in cls.checks)
Table = Callable[[list[str], list[list[Any]]], None]


def options() -> AnalysisOptions:
    return AnalysisOptions(speech=SpeechOptions(enabled=False), identity=IdentityOptions(enabled=False),
                           lip_sync=LipSyncOptions(enabled=False), liveness=LivenessOptions(full_rate=True))


def analyze(path: Path, challenges: tuple[tuple[float, float], ...] = ()) -> dict[str, Any]:
    return analyze_recording(path, options(), progress=False, inputs=SessionInputs(challenges=challenges)).to_dict()


def raised(summary: dict[str, Any]) -> set[str]:
    return {i["check"] for i in summary["indicators"] if i["check"] in LIVENESS}


def series_median(summary: dict[str, Any], name: str) -> str:
    s = next((s for s in summary["series"] if s["name"] == name), None)
    values = [v for v in (s["values"] if s else []) if v is not None]
    return f"{median(values):.2f}" if values else "-"


def labelled(media: Path) -> list[tuple[Path, str]]:
    out = [(p, "real") for p in sorted((media / "talking_head_real").glob("*")) + sorted(
        (media / "face_motion").glob("*.mp4"))]
    for p in sorted((media / "manipulated").glob("*.mp4")):
        out.append((p, "real" if "_real" in p.stem else "fake"))
    return out


def labelled_table(media: Path, table: Table) -> dict[str, int]:
    rows, false_alarms = [], {c: 0 for c in LIVENESS}
    reals = 0
    for path, label in labelled(media):
        s = analyze(path)
        found = raised(s)
        if label == "real":
            reals += 1
            for c in found:
                false_alarms[c] += 1
        rows.append([path.name, label, series_median(s, "heart_rate_bpm"), series_median(s, "pulse_snr_db"),
                     series_median(s, "blinks_per_minute"), series_median(s, "face_detail_ratio"),
                     series_median(s, "face_flicker"), series_median(s, "face_jitter"), ", ".join(sorted(found)) or "-"])
    table(["clip", "label", "pulse bpm", "pulse SNR dB", "blinks/min", "detail ratio", "flicker", "jitter %",
           "liveness checks raised"], rows)
    print(f"real clips: {reals}; false alarms per check: "
          + ", ".join(f"{c} {n}" for c, n in false_alarms.items()) + "\n")
    return {"reals": reals, **{f"fa_{c}": n for c, n in false_alarms.items()}}


def manipulation_cases(media: Path, tmp: Path, quick: bool) -> list[tuple[str, str, Callable[[], Path]]]:
    """(kind, name, make) for each manipulated case; `kind` is the check that should catch it."""
    real = [media / "talking_head_real" / n for n in ("hdtf_aoc_sadtalker.mp4", "retalking_1_man_suit_interview.mp4",
                                                      "retalking_2_swalwell.mp4")]
    real += [media / "manipulated" / n for n in ("hyperlips_v2_obama_SOURCE_real.mp4",
                                                 "hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4",
                                                 "ffpp_pair_real.mp4")]
    photos = [media / "portraits" / n for n in ("fr_obama.jpg", "fr_biden.jpg", "fr_obama2.jpg")]
    photos += sorted((media / "portraits" / "deepface_pairs").glob("*.jpg"))[:3]
    real, photos = (real[:2], photos[:2]) if quick else (real, photos)
    cases: list[tuple[str, str, Callable[[], Path]]] = []
    for clip in real:
        cases.append(("replay_loop", f"{clip.stem} x3", lambda c=clip: looped(c, tmp, times=3)))
        cases.append(("frozen_video", f"{clip.stem} frozen 1-2.5 s, 3-4.5 s",
                      lambda c=clip: with_frozen_stretches(c, tmp, ((1.0, 1.5), (3.0, 1.5)))))
    for photo in photos:
        cases.append(("still_image", f"{photo.name} as 20 s video", lambda p=photo: still_photo_video(p, tmp)))
    for i, target in enumerate(real):
        source = real[(i + 1) % len(real)]
        cases.append(("face_swap_seam", f"{source.stem} onto {target.stem}",
                      lambda t=target, s=source: crude_face_swap(t, s, tmp)))
    for clip in real:
        cases.append(("face_flicker", f"{clip.stem} face re-placed 1 % off each frame",
                      lambda c=clip: with_face_jitter(c, tmp, eye_fraction=0.01)))
    return cases


def manipulation_table(media: Path, tmp: Path, table: Table, quick: bool) -> dict[str, tuple[int, int]]:
    rows, rates = [], {}
    for kind, name, make in manipulation_cases(media, tmp, quick):
        s = analyze(make())
        found = raised(s)
        hit = kind in found
        caught, total = rates.get(kind, (0, 0))
        rates[kind] = (caught + hit, total + 1)
        rows.append([kind, name, "CAUGHT" if hit else "missed", series_median(s, "face_detail_ratio"),
                     series_median(s, "face_jitter"), ", ".join(sorted(found)) or "-"])
    table(["made to trigger", "case", "result", "detail ratio", "jitter %", "liveness checks raised"], rows)
    print("caught: " + ", ".join(f"{k} {c}/{n}" for k, (c, n) in rates.items()) + "\n")
    return rates


def challenge_table(media: Path, table: Table) -> None:
    clips = sorted((media / "face_motion").glob("*.mp4")) + [media / "talking_head_real" / "grid_bbaf2n.mpg"]
    rows = []
    for clip in clips:
        s = analyze(clip, challenges=((0.0, 600.0),))
        ind = next((i for i in s["indicators"] if i["check"] == "challenge"), None)
        if ind is None:
            rows.append([clip.name, "-", "-", "-", "no verdict"])
            continue
        m = ind["measurements"]
        verdict = "pass" if m["passed"] else "not performed" if not m["performed"] else "fail"
        rows.append([clip.name, f"{m['yaw_left']:.0f}", f"{m['yaw_right']:.0f}", f"{ind['confidence']:.2f}", verdict])
    table(["clip (challenge over the whole clip)", "yaw left", "yaw right", "confidence", "verdict"], rows)


def liveness_tables(media: Path, tmp: Path, table: Table, quick: bool = False) -> None:
    print("### Liveness: every labelled clip\n")
    labelled_table(media, table)
    print("### Liveness: manipulations made at run time\n")
    manipulation_table(media, tmp, table, quick)
    print("### Liveness: the challenge\n")
    challenge_table(media, table)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", default=str(Path(__file__).resolve().parents[2] / "shared" / "media"))
    parser.add_argument("--quick", action="store_true", help="two clips and two photos per manipulation")
    args = parser.parse_args()
    media_path = Path(args.media)
    if not media_path.is_dir():
        sys.exit(f"media folder not found: {media_path} (pass --media DIR)")
    with tempfile.TemporaryDirectory(prefix="ig-liveness-") as tmp_dir:
        liveness_tables(media_path, Path(tmp_dir), print_table, args.quick)
