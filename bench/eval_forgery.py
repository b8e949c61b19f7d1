"""The face-forgery detector on everything in ../shared/media (python bench/eval_forgery.py [--quick]).

Every clip is cut into aligned face crops (4 analysis frames a second, the largest face; cached by
bench/forgery_crops.py) and scored by the model; per-clip decisions use the analyzer's own pooling
(analyzers/face_forgery.py: mean probability per window, a window over RAISE_AT is a finding).

Tables: frame-level AUC real against fake for each real/fake pairing; per clip, the model's median and
top window and the decision; the real clips re-encoded at 300 kb/s and scaled to 360p (made at run time);
crude swaps and jittered faces made by bench/manipulations.py. Baseline in the same run: the same
backbone's ImageNet features are not a detector, so the baseline is chance (AUC 0.5) and the classical
`face_swap_seam` numbers in bench/eval_liveness.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.forgery_crops import ClipCrops, clip_crops, cut_crops  # noqa: E402
from bench.tables import print_table  # noqa: E402
from interview_guard.analyzers.face_forgery import MIN_CROPS, RAISE_AT, pool, window_raises  # noqa: E402
from interview_guard.forgery.model import ForgeryModel  # noqa: E402

VIDEO = (".mp4", ".mov", ".webm", ".avi", ".mpg")
GENERATED = ("dreamtalk", "edtalk", "emo_", "musev", "sadtalker_Linly", "sonic", "synctalk", "vasa-1")


@dataclass(frozen=True)
class Clip:
    path: Path
    label: str  # "real" or "fake"
    kind: str  # what made it: "real", "face swap", "lip-sync", "generated", "crude swap", ...


@dataclass(frozen=True)
class Scored:
    clip: Clip
    probs: np.ndarray
    crops: ClipCrops

    @property
    def windows(self) -> list[tuple[float, float, float, int]]:
        return pool(self.crops.times, self.probs)

    @property
    def raised(self) -> bool:
        return any(window_raises(s, n) for _, _, s, n in self.windows)

    @property
    def top(self) -> float:
        judged = [s for _, _, s, n in self.windows if n >= 2]
        return max(judged) if judged else float("nan")


def _kind(name: str) -> str:
    n = name.lower()
    if any(g.lower() in n for g in GENERATED):
        return "generated"
    if any(k in n for k in ("wav2lip", "retalking", "lipsync", "dinet", "sadtalker-video", "lipforensics")):
        return "lip-sync"
    return "face swap"


def media_clips(media: Path) -> list[Clip]:
    out: list[Clip] = []
    for folder in ("talking_head_real", "talking_head_real_more", "faces_real_more", "face_motion", "manipulated",
                   "lipsync_family", "fakes_more", "faceswap_live"):
        for p in sorted((media / folder).glob("*")):
            if p.suffix.lower() not in VIDEO:
                continue
            fake = "fake" in p.stem.lower()
            kind = "real" if not fake else "live swap" if folder == "faceswap_live" else _kind(p.stem)
            out.append(Clip(p, "fake" if fake else "real", kind))
    return out


def auc(neg: np.ndarray, pos: np.ndarray) -> float:
    if not len(neg) or not len(pos):
        return float("nan")
    both = np.concatenate([neg, pos])
    ranks = both.argsort().argsort().astype(float) + 1
    return float((ranks[len(neg):].sum() - len(pos) * (len(pos) + 1) / 2) / (len(neg) * len(pos)))


def pairings(by_name: dict[str, Scored]) -> list[tuple[str, list[str], list[str]]]:
    """(what, real clips, fake clips) judged by frame-level AUC."""
    live = sorted(n for n in by_name if n.startswith("dfl_") and "_SWAP_" in n)
    family = sorted(n for n in by_name if n.startswith("fake_") and "SadTalker-Video-Lip-Sync" in n)
    pairs = [
        ("DeepFaceLive swaps / their webcam panels", [n.replace("_SWAP_fake", "_WEBCAM_real") for n in live], live),
        ("FaceForensics++ pair", ["ffpp_pair_real"], ["ffpp_pair_fake"]),
        ("FF++ NeuralTextures 004 / its source", ["real_icpr2020dfdc_004"], ["fake_faceforensics++_icpr2020dfdc_004_982"]),
        ("HyperLips v1 / source", ["hyperlips_v1_woman_accent_teacher_SOURCE_real"],
         ["hyperlips_v1_woman_accent_teacher_LIPSYNC_fake"]),
        ("HyperLips v2 / source", ["hyperlips_v2_obama_SOURCE_real"], ["hyperlips_v2_obama_LIPSYNC_fake"]),
        ("lip-sync family (7 fakes) / source", ["real_SadTalker-Video-Lip-Sync_driven_video_1"], family),
    ]
    return [(w, [r for r in real if r in by_name], [f for f in fake if f in by_name]) for w, real, fake in pairs]


def pair_table(by_name: dict[str, Scored]) -> None:
    rows = []
    for what, real, fake in pairings(by_name):
        if not real or not fake:
            continue
        neg = np.concatenate([by_name[n].probs for n in real])
        pos = np.concatenate([by_name[n].probs for n in fake])
        row = [what, len(neg), len(pos), f"{auc(neg, pos):.2f}"]
        if len(real) == len(fake) > 1:  # matched panels: how often the fake scored above its own real panel
            above = sum(np.median(by_name[f].probs) > np.median(by_name[r].probs) for r, f in zip(real, fake)
                        if len(by_name[f].probs) and len(by_name[r].probs))
            row.append(f"{above}/{len(fake)}")
        else:
            row.append("-")
        rows.append(row)
    print_table(["real / fake", "real frames", "fake frames", "frame AUC", "fake above its real (median)"], rows)


def clip_table(scored: list[Scored], title: str) -> dict[str, tuple[int, int]]:
    rows, tally = [], {}
    for s in scored:
        med = f"{np.median(s.probs):.2f}" if len(s.probs) else "-"
        top = "-" if np.isnan(s.top) else f"{s.top:.2f}"
        rows.append([s.clip.path.name, s.clip.kind, len(s.probs), med, top, "RAISED" if s.raised else "-"])
        hit, n = tally.get(s.clip.kind, (0, 0))
        tally[s.clip.kind] = (hit + s.raised, n + 1)
    print(f"**{title}** (raise at window mean {RAISE_AT:.2f})\n")
    print_table(["clip", "kind", "crops", "median", "top window", "face_forgery"], rows)
    print("raised: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(tally.items())) + "\n")
    return tally


def levels_table(scored: list[Scored], levels: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9, 0.95)) -> None:
    """Per-clip decisions if the raise level were elsewhere (a clip raises when a judged window's mean
    reaches it): the operating curve, so the chosen level's trade-off is visible."""
    kinds = sorted({s.clip.kind for s in scored})
    rows = []
    for level in levels:
        row = [f"{level:.2f}" + (" (chosen)" if abs(level - RAISE_AT) < 1e-9 else "")]
        for kind in kinds:
            clips = [s for s in scored if s.clip.kind == kind]
            hit = sum(any(n >= MIN_CROPS and m >= level for _, _, m, n in s.windows) for s in clips)
            row.append(f"{hit}/{len(clips)}")
        rows.append(row)
    print("**Clips raised at each raise level** (real: false alarms)\n")
    print_table(["raise level", *kinds], rows)


def reencoded(clip: Path, tmp: Path) -> Path:
    """The clip at 300 kb/s H.264, scaled to 360 px high: what a poor call does to a real face."""
    out = tmp / f"{clip.stem}_300k_360p.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(clip), "-vf", "scale=-2:360",
                    "-c:v", "libx264", "-b:v", "300k", "-maxrate", "300k", "-bufsize", "600k", "-an", str(out)],
                   check=True)
    return out


def made_cases(media: Path, tmp: Path, quick: bool) -> list[tuple[Clip, Callable[[], Path]]]:
    from bench.manipulations import crude_face_swap, with_face_jitter

    real = [media / "talking_head_real" / n for n in ("hdtf_aoc_sadtalker.mp4", "retalking_1_man_suit_interview.mp4",
                                                      "retalking_2_swalwell.mp4")]
    real += [media / "manipulated" / n for n in ("hyperlips_v2_obama_SOURCE_real.mp4",
                                                 "hyperlips_v1_woman_accent_teacher_SOURCE_real.mp4",
                                                 "ffpp_pair_real.mp4")]
    real = real[:2] if quick else real
    cases = []
    for i, target in enumerate(real):
        source = real[(i + 1) % len(real)]
        cases.append((Clip(tmp / f"{target.stem}_swap_{source.stem}.mp4", "fake", "crude swap"),
                      lambda t=target, s=source: crude_face_swap(t, s, tmp)))
    for clip in real:
        cases.append((Clip(tmp / f"{clip.stem}_jitter.mp4", "fake", "jittered face"),
                      lambda c=clip: with_face_jitter(c, tmp, eye_fraction=0.01)))
    return cases


def score(model: ForgeryModel, clip: Clip, path: Path | None = None) -> Scored:
    crops = cut_crops(path) if path is not None else clip_crops(clip.path)  # made files: never cached
    probs = model.score(list(crops.crops))[0] if len(crops.crops) else np.zeros(0, np.float32)
    return Scored(clip, probs, crops)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--media", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "media")
    p.add_argument("--model", type=Path, default=None, help="an ONNX file (default: the bundled face_forgery)")
    p.add_argument("--quick", action="store_true", help="skip the re-encoded copies and most made cases")
    p.add_argument("--only", default="media,reencoded,made", help="comma-separated: media, reencoded, made")
    args = p.parse_args(argv)
    if not args.media.is_dir():
        raise SystemExit(f"no media folder at {args.media}: pass --media DIR")
    if args.model is None:
        from interview_guard.forgery.model import load_forgery_model
        model = load_forgery_model(use_gpu=False)
    else:
        model = ForgeryModel(str(args.model))
    only = set(args.only.split(","))
    scored = [score(model, c) for c in media_clips(args.media)]
    by_name = {s.clip.path.stem: s for s in scored}
    if "media" in only:
        pair_table(by_name)
        clip_table(scored, "Every clip in ../shared/media")
        levels_table(scored)
    with tempfile.TemporaryDirectory(prefix="ig-forgery-") as tmp_dir:
        tmp = Path(tmp_dir)
        if "reencoded" in only and not args.quick:
            reals = [s.clip for s in scored if s.clip.label == "real"]
            clip_table([score(model, Clip(c.path, "real", "real 300 kb/s 360p"), reencoded(c.path, tmp))
                        for c in reals], "Real clips re-encoded at 300 kb/s, 360p")
        if "made" in only:
            clip_table([score(model, clip, make()) for clip, make in made_cases(args.media, tmp, args.quick)],
                       "Crude swaps and jittered faces (bench/manipulations.py)")


if __name__ == "__main__":
    main()
