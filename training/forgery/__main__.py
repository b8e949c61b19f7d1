"""Train the face-forgery detector from real faces only and write models/<name>.onnx, its sha256 in
models/manifest.json and a model card models/<name>.md.

    nice -n 10 python -m training.forgery --out models/ --minutes 45

Data: photos and videos of real faces (default ../shared/training: faces/, faces_video/, talking/), never the
evaluation media. Landmarks are computed once and cached (--cache, outside the repository).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
from pathlib import Path

import numpy as np

from interview_guard.files import file_sha256
from training.forgery.card import write_card
from training.forgery.data import cached_faceset, split_by_group
from training.forgery.export import export_onnx
from training.forgery.scene import SceneAugment
from training.forgery.train import TrainConfig, train, validation_sets
from training.manifest import update_manifest

logger = logging.getLogger("training.forgery")
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "training"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.forgery", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("models"), help="models folder to write into")
    p.add_argument("--name", default="face_forgery", help="model name (file, manifest entry, card)")
    p.add_argument("--data", type=Path, nargs="+", default=[DEFAULT_DATA / d for d in
                                                           ("faces", "faces_video", "talking")])
    p.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "interview-guard-training")
    p.add_argument("--minutes", type=float, default=45.0, help="training time budget")
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (0: the minutes decide)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=4e-4)
    p.add_argument("--freeze-blocks", type=int, default=2)
    p.add_argument("--val-fraction", type=float, default=0.06)
    p.add_argument("--val-every", type=float, default=240.0, help="seconds between validations")
    p.add_argument("--threads", type=int, default=2, help="torch threads (at most 2 on a shared machine)")
    p.add_argument("--no-pretrained", action="store_true", help="random init (the smoke test)")
    p.add_argument("--cross-swap-share", type=float, default=0.0,
                   help="share of the fakes that are another person's face pasted on (default 0: self-blends only)")
    p.add_argument("--occluders", type=float, default=0.35,
                   help="share of crops, real and fake alike, with a headset, microphone, hair or hand drawn over")
    p.add_argument("--light", type=float, default=0.25, help="share of crops with coloured light across the face")
    p.add_argument("--h264", type=float, default=0.35,
                   help="share of the compressed crops that go through libx264 instead of JPEG")
    p.add_argument("--snapshots", type=Path, default=None,
                   help="also export the model at each validation into this folder (step_N.onnx)")
    p.add_argument("--no-manifest", action="store_true", help="write the ONNX and card only")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    import cv2
    import torch

    torch.set_num_threads(max(1, args.threads))
    cv2.setNumThreads(1)
    faces = cached_faceset(args.data, args.cache)
    train_set, val_set = split_by_group(faces, args.val_fraction, args.seed)
    logger.info("%d training faces (%d video frames), %d held back", len(train_set.patches),
                int((train_set.kinds == 1).sum()), len(val_set.patches))
    cfg = TrainConfig(seed=args.seed, minutes=args.minutes, max_steps=args.steps, batch=args.batch, lr=args.lr,
                      freeze_blocks=args.freeze_blocks, val_every_s=args.val_every,
                      pretrained=not args.no_pretrained, cross_swap_share=args.cross_swap_share,
                      scene=SceneAugment(args.occluders, args.light, args.h264))
    check = validation_sets(val_set.subset(np.arange(min(8, len(val_set.patches)))), args.seed)["sbi"]
    snapshot = None
    if args.snapshots is not None:
        args.snapshots.mkdir(parents=True, exist_ok=True)

        def snapshot(model, step: int) -> None:
            export_onnx(model, args.snapshots / f"step_{step}.onnx", check)

    result = train(train_set, val_set, cfg, snapshot)
    args.out.mkdir(parents=True, exist_ok=True)
    onnx_path = args.out / f"{args.name}.onnx"
    diff = export_onnx(result.model, onnx_path, check)
    if not args.no_manifest:
        update_manifest(args.out, args.name, onnx_path, "Face-forgery detector (EfficientNet-Lite0, 128 px aligned "
                        "crops) trained in this project on self-blended pseudo-fakes of real faces; see "
                        f"{args.name}.md")
    run = {"seed": args.seed, "minutes": args.minutes, "steps": result.steps, "seconds": round(result.seconds),
           "best_step": result.best_step, "batch": args.batch, "lr": args.lr, "freeze_blocks": args.freeze_blocks,
           "threads": args.threads, "cross_swap_share": args.cross_swap_share,
           "occluders": args.occluders, "light": args.light, "h264": args.h264, "torch_onnx_max_diff": diff, "sha256": file_sha256(onnx_path),
           "finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "train_faces": len(train_set.patches), "train_video_frames": int((train_set.kinds == 1).sum()),
           "val_faces": len(val_set.patches), "data": [os.path.relpath(d, Path.cwd()) for d in args.data]}
    write_card(args.out / f"{args.name}.md", args.name, run, result.history)
    logger.info("wrote %s (sha256 %s) after %d steps", onnx_path, run["sha256"], result.steps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
