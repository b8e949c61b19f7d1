"""Lip-sync with the mouth read between analysed frames instead of landmarked (issue 26), in one run.

    python bench/lip_sync_replay.py record FEEDS          # once: what eval_lip_sync feeds the checks
    python -m training.mouth_shape --out WEIGHTS.pt       # the mouth-shape model
    python bench/eval_mouth_shape.py FEEDS WEIGHTS.pt     # this table

The recorded feeds are replayed three ways and eval_lip_sync's summary numbers printed for each: the
landmarker's mouth on every frame (as recorded: the baseline), the mouth on the frames between analysed ones
interpolated from the analysed frames around them, and read there by the model (the change from an analysed
frame, from both frames' mouth crops placed by its landmarks): from the one before only (what a live call has
at once), or from both around, weighted by nearness (a recording, or a call read 0.1 s late). The model's crops come from
the real clips through training.mouth_shape.collect, the pipeline's own decoding, so frame indices match the
feeds'. Needs the torch extra.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import eval_lip_sync  # noqa: E402
from bench import lip_sync_replay as replay  # noqa: E402
from bench.tables import print_table  # noqa: E402
from interview_guard.analyzers import lip_sync, viseme_mismatch  # noqa: E402
from interview_guard.faces.core import JAW_OPEN  # noqa: E402
from interview_guard.lipsync import signals  # noqa: E402

MODES = ("landmarks on every frame", "interpolated between analysed frames", "mouth-shape model, from the frame before",
         "mouth-shape model, from both analysed frames around")
_SIGNALS = ("lip_gap", "mouth_width", "mouth_opening")
_READ: dict[float, tuple[float, float, float]] = {}  # frame time -> (lip gap, width, opening) put in


@contextlib.contextmanager
def mouth_read_from_table() -> Iterator[None]:
    """The lip-sync checks read the mouth of a frame listed in _READ from there, others from its landmarks."""
    def reading(k: int, original):
        return lambda face, size: _READ[face.t][k] if face.t in _READ else original(face, size)

    saved = [(m, name, getattr(m, name)) for m in (lip_sync, viseme_mismatch) for name in _SIGNALS
             if hasattr(m, name)]
    for m, name, original in saved:
        setattr(m, name, reading(_SIGNALS.index(name), original))
    try:
        yield
    finally:
        for m, name, original in saved:
            setattr(m, name, original)


def _shape(frame) -> np.ndarray | None:
    """(lip gap, width, jawOpen) of the frame's speaking face from its landmarks, None where not judged."""
    face = frame.largest
    if face is None:
        return None
    gap, width = signals.lip_gap(face, frame.frame_size), signals.mouth_width(face, frame.frame_size)
    if gap is None or width is None:  # mouth_width is None wherever mouth_opening is
        return None
    return np.array([gap, width, float(face.blendshapes[JAW_OPEN]) if face.blendshapes.size else 0.0])


def clip_changes(clip: Path, net, cache: Path) -> dict[tuple[int, int], np.ndarray]:
    """(frame index, frames back) -> the model's change of (lip gap, width, jawOpen) on one clip."""
    import torch

    from training.mouth_shape.collect import cached_collect
    from training.mouth_shape.crops import SCALES

    pairs = cached_collect(clip, cache)
    if not len(pairs.pairs):
        return {}
    with torch.no_grad():
        x = torch.from_numpy(pairs.pairs.astype(np.float32) / 255.0)
        change = np.concatenate([net(x[i:i + 512]).numpy() for i in range(0, len(x), 512)]) * SCALES
    return {(int(f), int(b)): c for f, b, c in zip(pairs.frames, pairs.back, change)}


def put_in(feed: list[tuple[str, Any]], mode: str, changes: dict[tuple[int, int], np.ndarray]) -> int:
    """Fill _READ for the frames between analysed ones; the number of frames given a value."""
    _READ.clear()
    if mode == MODES[0]:
        return 0
    frames = [arg for name, arg in feed if name == "on_faces"]
    analysed = [j for j, f in enumerate(frames) if f.analysed]
    for j, f in enumerate(frames):
        p, q = bisect.bisect_left(analysed, j) - 1, bisect.bisect_right(analysed, j)
        if f.analysed or f.largest is None or p < 0 or q >= len(analysed):
            continue
        before, after = frames[analysed[p]], frames[analysed[q]]
        a, b = _shape(before), _shape(after)
        if a is None or b is None:
            continue
        if mode == MODES[1]:
            w = (after.frame_index - f.frame_index) / max(1, after.frame_index - before.frame_index)
            value = w * a + (1 - w) * b
        else:
            w = (after.frame_index - f.frame_index) / max(1, after.frame_index - before.frame_index)
            ahead = changes.get((f.frame_index, f.frame_index - before.frame_index))
            behind = changes.get((f.frame_index, f.frame_index - after.frame_index))
            if ahead is None or (mode == MODES[3] and behind is None):
                continue  # no crop (no face found there on the clip's own decode): leave the landmarks
            # from both: each landmarked frame's reading weighs by how near it is, as interpolation does
            value = a + ahead if mode == MODES[2] else w * (a + ahead) + (1 - w) * (b + behind)
        gap, width, jaw = max(0.0, float(value[0])), float(value[1]), max(0.0, float(value[2]))
        # signals.mouth_opening: the gap over the eye distance (lip gap x mouth width) plus half of jawOpen
        _READ[f.t] = (gap, width, gap * width + 0.5 * jaw)
    return len(_READ)


def source_stem(copy: Path) -> str:
    return re.sub(r"_voice_.*$", "", re.sub(r"_shift[+-]\d+$", "", copy.stem))


def run_mode(mode: str, feeds: Path, media: Path, changes: dict[str, dict]) -> dict[str, float]:
    eval_lip_sync._SUMMARIES.clear()
    given = [0]

    def replayed(path: Path) -> dict[str, Any]:
        if path not in eval_lip_sync._SUMMARIES:
            feed = replay.load_feed(feeds, path)
            given[0] += put_in(feed, mode, changes.get(source_stem(path), {}))
            eval_lip_sync._SUMMARIES[path] = replay.judged(feed)
        return eval_lip_sync._SUMMARIES[path]

    eval_lip_sync.analyze = replayed
    with tempfile.TemporaryDirectory(prefix="ig-mouth-") as tmp:
        result = eval_lip_sync.lip_sync_tables(media, Path(tmp), lambda header, rows: None)
    result["frames_given"] = float(given[0])
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("feeds", type=Path, help="folder of feeds kept by bench/lip_sync_replay.py record")
    p.add_argument("weights", type=Path, help="torch weights from python -m training.mouth_shape")
    p.add_argument("--media", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "media")
    p.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "interview-guard-training")
    args = p.parse_args()
    try:
        import torch

        from training.mouth_shape.model import MouthNet
    except ImportError:
        sys.exit("the mouth-shape model needs the torch extra: pip install -e '.[torch]'")
    if not args.weights.is_file():
        sys.exit(f"weights not found: {args.weights} (python -m training.mouth_shape --out {args.weights})")
    net = MouthNet()
    net.load_state_dict(torch.load(args.weights))
    net.eval()
    changes = {clip.stem: clip_changes(clip, net, args.cache) for clip in eval_lip_sync.real_clips(args.media)}
    rows = []
    with mouth_read_from_table():
        for mode in MODES:
            r = run_mode(mode, args.feeds, args.media, changes)
            rows.append([mode, f"{r['av_offset_combined_ms_within_40']:.0%}", int(r["av_offset_combined_ms_sign_flips"]),
                         f"{r['replaced_flagged']:.0%}", f"{r['real_flagged']:.0%}", int(r["frames_given"])])
    print_table(["mouth between analysed frames", "reported offset within 40 ms", "sign flips", "dubs flagged",
                 "real clips flagged", "frames read so"], rows)


if __name__ == "__main__":
    main()
