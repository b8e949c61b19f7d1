"""candidate_continuity on real clips: is a later "round" of the same person matched, another person flagged?

Rounds are made at run time from ../shared/media in a temp folder:
  - same person: the first half of a real recording is round 1, the second half round 2; and the second half
    again as if from another webcam on another day (smaller, darker, less saturated, noisier);
  - different people: round 1 of one person against every other person's clip (GRID: seven speakers);
  - manipulated: a real recording against its lip-synced fake (same face, another person's voice) and the
    FaceForensics++ pair.
Each part is analysed like `verify` (faces, descriptors, voice pieces; no transcription), then templates
are compared with the options' thresholds.

    python bench/eval_continuity.py [--media ../shared/media]     (about 4 minutes on 2 cores)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.tables import print_table  # noqa: E402
from interview_guard.candidates.compare import compare_round  # noqa: E402
from interview_guard.candidates.template import IdentityTemplate, TemplateRound  # noqa: E402
from interview_guard.inputs import SessionInputs  # noqa: E402
from interview_guard.options import (AnalysisOptions, ContinuityOptions, ConversationOptions,  # noqa: E402
                                     LipSyncOptions, LivenessOptions, MediaOptions, SpeechOptions)
from interview_guard.pipeline import analyze_recording  # noqa: E402

# One recording per person (labels from MANIFEST.md); the LivePortrait driving clips are left out of the
# different-person pairs: nothing says whether d3 and d9 show two people.
PEOPLE = {
    "obama": "manipulated/hyperlips_v2_obama_SOURCE_real.mp4",
    "teacher": "manipulated/hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4",
    "anchor": "manipulated/ffpp_pair_real.mp4",
    "aoc": "talking_head_real/hdtf_aoc_sadtalker.mp4",
    "suit": "talking_head_real/retalking_1_man_suit_interview.mp4",
    "swalwell": "talking_head_real/retalking_2_swalwell.mp4",
    **{f"grid_{g}": f"talking_head_real/grid_{g}.mpg"
       for g in ("bbaf2n", "brbk7n", "lbax4n", "lbbc2a", "lrwp9a", "lwbsza", "pwij3p")},
}
SPLIT = [*[k for k in PEOPLE if not k.startswith("grid_")], "d3", "d9"]
EXTRA = {"d3": "face_motion/liveportrait_driving_d3.mp4", "d9": "face_motion/liveportrait_driving_d9.mp4"}
MANIPULATED = [("obama", "manipulated/hyperlips_v2_obama_LIPSYNC_fake.mp4", "lip-synced to another voice"),
               ("teacher", "manipulated/hyperlips_v1_woman_accent_teacher_LIPSYNC_fake.mp4",
                "lip-synced to another voice"),
               ("anchor", "manipulated/ffpp_pair_fake.mp4", "FaceForensics++ manipulation")]
WEBCAM = "scale=trunc(iw/4)*2:-2,eq=brightness=-0.06:contrast=0.85:saturation=0.7,noise=alls=8:allf=t"


def options() -> AnalysisOptions:
    return AnalysisOptions(media=MediaOptions(analysis_fps=5.0), speech=SpeechOptions(enabled=False),
                           lip_sync=LipSyncOptions(enabled=False), liveness=LivenessOptions(enabled=False),
                           conversation=ConversationOptions(enabled=False))


INPUTS = SessionInputs(candidate_id="eval", consent=True, consent_by="eval")


def template_of(path: Path) -> IdentityTemplate:
    report = analyze_recording(path, options(), progress=False, inputs=INPUTS).candidate_continuity
    assert report is not None and report.template is not None
    return report.template


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True)


def duration(path: Path) -> float:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                          str(path)], capture_output=True, text=True, check=True)
    return float(out.stdout)


def make_parts(media: Path, tmp: Path) -> dict[str, Path]:
    """name -> clip: <person>_1 and <person>_2 (halves), <person>_2cam (second half, another webcam),
    <person> (whole clip, for people not split)."""
    parts = {}
    for name, rel in {**PEOPLE, **EXTRA}.items():
        src = media / rel
        if name not in SPLIT:
            parts[name] = src
            continue
        half = duration(src) / 2
        enc = ["-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac"]
        ffmpeg("-i", str(src), "-t", f"{half:.3f}", *enc, str(tmp / f"{name}_1.mp4"))
        ffmpeg("-ss", f"{half:.3f}", "-i", str(src), *enc, str(tmp / f"{name}_2.mp4"))
        ffmpeg("-ss", f"{half:.3f}", "-i", str(src), "-vf", WEBCAM, *enc, str(tmp / f"{name}_2cam.mp4"))
        parts.update({f"{name}_1": tmp / f"{name}_1.mp4", f"{name}_2": tmp / f"{name}_2.mp4",
                      f"{name}_2cam": tmp / f"{name}_2cam.mp4"})
    return parts


def compare(a: IdentityTemplate, b: IdentityTemplate, o: ContinuityOptions):
    earlier = TemplateRound(round=1, session_id="round1", created=datetime.now(timezone.utc), template=a)
    return compare_round(b, earlier, o)


def fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--media", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "media")
    args = ap.parse_args()
    o = replace(options().continuity)
    with tempfile.TemporaryDirectory() as tmp:
        parts = make_parts(args.media, Path(tmp))
        print(f"analysing {len(parts) + len(MANIPULATED)} clips ...", file=sys.stderr)
        t = {name: template_of(path) for name, path in parts.items()}
        fakes = {rel: template_of(args.media / rel) for _, rel, _ in MANIPULATED}

    first = {p: (f"{p}_1" if p in SPLIT else p) for p in [*PEOPLE, *EXTRA]}
    rows, same_ok, same_n = [], 0, 0
    for p in SPLIT:
        for later, label in ((f"{p}_2", "second half"), (f"{p}_2cam", "second half, other webcam")):
            c = compare(t[f"{p}_1"], t[later], o)
            same_n += 1
            same_ok += c.verdict == "same_person"
            rows.append([p, label, t[f"{p}_1"].face_samples, t[later].face_samples, fmt(c.face_distance),
                         fmt(c.voice_similarity), c.verdict])
    print("Same person, later round (expected: same_person)\n")
    print_table(["person", "round 2", "descriptors r1", "descriptors r2", "face distance", "voice similarity",
                 "verdict"], rows)

    diff = [(a, b) for a, b in combinations(PEOPLE, 2)] + [(d, p) for d in EXTRA for p in PEOPLE]
    results = [compare(t[first[a]], t[first[b]], o) for a, b in diff]
    flagged = sum(r.verdict == "different_person" for r in results)
    faces = sorted(r.face_distance for r in results if r.face_distance is not None)
    print("Different people (expected: different_person)\n")
    missed = [f"{a} vs {b} ({r.face_distance:.2f})" for r, (a, b) in zip(results, diff) if r.verdict != "different_person"]
    called_same = sum(r.verdict == "same_person" for r in results)
    print_table(["pairs", "flagged different_person", "uncertain", "called same_person",
                 "face distance min / median", "not flagged"],
                [[len(diff), flagged, sum(r.verdict == "uncertain" for r in results), called_same,
                  f"{faces[0]:.2f} / {faces[len(faces) // 2]:.2f}", "; ".join(missed) or "-"]])

    rows = []
    for person, rel, what in MANIPULATED:
        c = compare(t[first[person]], fakes[rel], o)
        rows.append([f"{person} round 1", Path(rel).name, what, fmt(c.face_distance), fmt(c.voice_similarity),
                     c.verdict])
    print("Manipulated later rounds (no expectation asserted: what the check says)\n")
    print_table(["round 1", "round 2", "manipulation", "face distance", "voice similarity", "verdict"], rows)
    print(f"candidate_continuity: same person matched {same_ok}/{same_n}; different people flagged "
          f"{flagged}/{len(diff)}, called the same person {called_same}/{len(diff)} "
          f"(uncertain from {o.face_uncertain_from:.2f}, different from {o.face_threshold:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
