"""Learn the per-phone lip opening and mouth width from real talking video and write models/phone_openness.json, its
sha256 in models/manifest.json and a model card models/phone_openness.md.

    nice -n 10 python -m training.phone_sync --out models/

Data: real talking clips (default ../shared/training/talking), never the evaluation media. Deterministic: no
random choice anywhere (the dubs pair each clip with the clip three on).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
from pathlib import Path

from interview_guard.files import file_sha256
from training.manifest import update_manifest
from training.phone_sync.card import write_card
from training.phone_sync.collect import cached_collect
from training.phone_sync.fit import as_model, calibrate, fit_shapes

logger = logging.getLogger("training.phone_sync")
DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "training" / "talking"
NAME = "phone_openness"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m training.phone_sync", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("models"), help="models folder to write into")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of real talking clips")
    p.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "interview-guard-training",
                   help="where each clip's lip gap and phones are kept once measured (outside the repository)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N clips (the smoke test)")
    p.add_argument("--no-manifest", action="store_true", help="write the model and card only")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    paths = sorted(p for p in args.data.glob("*") if p.suffix.lower() in {".mp4", ".mov", ".mkv", ".webm"})
    if args.limit:
        paths = paths[: args.limit]
    if not paths:
        raise SystemExit(f"error: no talking clips in {args.data}; point --data at a folder of real talking video")
    clips = []
    for i, path in enumerate(paths, 1):
        clips.append(cached_collect(path, args.cache))
        logger.info("%d/%d %s: %d phones", i, len(paths), path.name, len(clips[-1].phones))
    shapes = fit_shapes(clips)
    try:
        calibration = calibrate(as_model(shapes), clips)
    except ValueError as e:  # too few usable clips (e.g. --limit): say so in one line
        raise SystemExit(f"error: {e}; use more clips (--data, --limit)") from None
    model = as_model(shapes, calibration.low_below)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{NAME}.json"
    path.write_text(json.dumps({"opening": model.opening, "smooth_s": model.smooth_s, "search_s": model.search_s,
                                "low_below": model.low_below, "min_phones": model.min_phones,
                                "width": model.width, "phones_seen": {k: s.seen for k, s in shapes.items()}}, indent=1) + "\n")
    if not args.no_manifest:
        update_manifest(args.out, NAME, path, "Lip opening and mouth width per phone, learned in this project "
                        "from real talking video, for the phone sync strength (low_sync); see phone_openness.md")
    run = {"clips": len(clips), "data": str(args.data), "sha256": file_sha256(path),
           "finished": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    write_card(args.out / f"{NAME}.md", model, shapes, calibration, run)
    logger.info("wrote %s (sha256 %s): %d phones, low below %.3f", path, run["sha256"], len(model.opening),
                model.low_below)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
