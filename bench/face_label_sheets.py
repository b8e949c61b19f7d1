"""Contact sheets of the frames bench/face_visible_labels.json labels, for labelling them by eye.

    python bench/face_label_sheets.py OUT_DIR [--media DIR] [--clips-per-sheet N]

One row per clip: the sampled frames (the sampling rule is SAMPLE_RULE below, the same one
bench/eval_faces.py scores), each captioned with its sample number. Look at each sheet and write, per
clip, which samples show a face a person can see. Media is read from the shared folder, never copied.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from interview_guard.media import open_recording  # noqa: E402
from interview_guard.media.core import VideoFrame  # noqa: E402
from interview_guard.options import MediaOptions  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
VIDEO_SUFFIXES = {".mp4", ".mpg", ".mov", ".mkv", ".webm", ".avi"}
SAMPLES, FIRST_S, STEP_S = 12, 0.5, 1.0
SAMPLE_RULE = (f"sample k (k = 0..{SAMPLES - 1}) is the analysed frame (default 10 fps, 640 px) nearest to "
               f"t = {FIRST_S} + {STEP_S} * k s, for the samples that fall inside the clip")
THUMB_H = 150


def media_dir(arg: str | None) -> Path:
    d = Path(arg or os.environ.get("IG_MEDIA_DIR") or REPO.parent / "shared" / "media")
    if not d.is_dir():
        sys.exit(f"media folder not found: {d} (pass --media DIR or set IG_MEDIA_DIR)")
    return d


def video_clips(media: Path) -> list[Path]:
    """Every video clip in the media folder, in a fixed order (relative path)."""
    return sorted((p for p in media.rglob("*") if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file()),
                  key=lambda p: str(p.relative_to(media)))


def sample_times() -> list[float]:
    return [round(FIRST_S + STEP_S * k, 3) for k in range(SAMPLES)]


def analysed_frames(path: Path, until_s: float) -> Iterator[VideoFrame]:
    with open_recording(path, MediaOptions(), need_audio=False) as reader:
        for item in reader.frames_and_audio():
            if isinstance(item, VideoFrame) and item.analysed:
                if item.t > until_s:
                    return
                yield item


def sample_of(t: float, times: list[float]) -> tuple[int, float] | None:
    """The sample whose time is nearest to t, and how far it is (None outside the samples)."""
    k = int(round((t - FIRST_S) / STEP_S))
    return (k, abs(t - times[k])) if 0 <= k < len(times) else None


def sampled(path: Path) -> dict[int, np.ndarray]:
    times = sample_times()
    found: dict[int, tuple[float, np.ndarray]] = {}
    for frame in analysed_frames(path, times[-1] + 0.1):
        near = sample_of(frame.t, times)
        if near and (near[0] not in found or near[1] < found[near[0]][0]):
            found[near[0]] = (near[1], frame.image)
    return {k: im for k, (_, im) in sorted(found.items())}


def row(name: str, frames: dict[int, np.ndarray], width: int) -> np.ndarray:
    """The clip's name over its samples, wrapped onto as many lines as the width needs."""
    lines, line, x = [], [], 0
    for k, im in frames.items():
        w = min(width, int(im.shape[1] * THUMB_H / im.shape[0]))
        thumb = cv2.resize(im, (w, THUMB_H), interpolation=cv2.INTER_AREA)
        cv2.putText(thumb, str(k), (3, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 0), 2)
        if x + w > width:
            lines.append(line)
            line, x = [], 0
        line.append(thumb)
        x += w + 2
    lines.append(line)
    out = [np.full((22, width, 3), 255, np.uint8)]
    cv2.putText(out[0], name, (4, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
    for thumbs in lines:
        strip = np.full((THUMB_H + 2, width, 3), 255, np.uint8)
        x = 0
        for t in thumbs:
            strip[:THUMB_H, x:x + t.shape[1]] = t
            x += t.shape[1] + 2
        out.append(strip)
    return np.vstack(out)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", type=Path)
    p.add_argument("--media")
    p.add_argument("--clips-per-sheet", type=int, default=5)
    p.add_argument("--width", type=int, default=1900)
    args = p.parse_args(argv)
    media = media_dir(args.media)
    args.out.mkdir(parents=True, exist_ok=True)
    clips = video_clips(media)
    for start in range(0, len(clips), args.clips_per_sheet):
        rows = []
        for i, clip in enumerate(clips[start:start + args.clips_per_sheet], start):
            rows.append(row(f"{i}: {clip.relative_to(media)}", sampled(clip), args.width))
        sheet = args.out / f"sheet_{start // args.clips_per_sheet:02d}.png"
        cv2.imwrite(str(sheet), cv2.cvtColor(np.vstack(rows), cv2.COLOR_RGB2BGR))
        print(sheet, file=sys.stderr)


if __name__ == "__main__":
    main()
