"""Train the mouth-shape model (issue 26) on real talking video and measure it on held-out training clips.

    nice -n 10 python -m training.mouth_shape --out /tmp/mouth_shape.pt [--steps 3000]

Data: real face video (default ../shared/training: talking/ and faces_video/), never the evaluation media;
every fifth clip is held out for the printed measure. Crops are cached (--cache, outside the repository).
The weights are not shipped yet: the lip-sync evaluation with them in place is in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from training.mouth_shape.collect import cached_collect
from training.mouth_shape.train import TrainConfig, held_out, train

logger = logging.getLogger("training.mouth_shape")
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "training"
_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.mouth_shape", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, required=True, help="where to write the torch weights (a .pt file)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with talking/ and faces_video/")
    p.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "interview-guard-training",
                   help="where each clip's crops are kept once made (outside the repository)")
    p.add_argument("--steps", type=int, default=TrainConfig.steps)
    p.add_argument("--seed", type=int, default=TrainConfig.seed)
    p.add_argument("--limit", type=int, default=0, help="use only the first N clips (the smoke test)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import torch

    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    paths = sorted(p for d in ("talking", "faces_video") for p in (args.data / d).glob("*")
                   if p.suffix.lower() in _SUFFIXES)
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        raise SystemExit(f"error: no video in {args.data}/talking or {args.data}/faces_video; point --data at them")
    sets = []
    for i, path in enumerate(paths, 1):
        sets.append(cached_collect(path, args.cache))
        logger.info("%d/%d %s: %d crop pairs", i, len(paths), path.name, len(sets[-1].pairs))
    held = [s for i, s in enumerate(sets) if i % 5 == 4 and len(s.pairs)]
    fit = [s for i, s in enumerate(sets) if i % 5 != 4 or not held]
    try:
        net = train(fit, TrainConfig(steps=args.steps, seed=args.seed))
    except ValueError as e:  # no face in any clip: say so in one line
        raise SystemExit(f"error: {e}; point --data at real face video") from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), args.out)
    if held:
        m = held_out(net, held)
        print(f"held-out clips {len(held)}, {m.pairs} crop pairs: lip-gap error median / p90 "
              f"model {m.model_median:.4f} / {m.model_p90:.4f} (closed agrees {m.model_closed_agree:.1%}), "
              f"last landmarks held {m.hold_median:.4f} / {m.hold_p90:.4f} ({m.hold_closed_agree:.1%})")
    print(f"weights: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
