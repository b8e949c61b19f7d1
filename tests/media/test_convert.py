"""PictureMaker makes the same pictures as PyAV's own to_ndarray (the reader's path before it), frame by frame."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from interview_guard.media import VideoFrame, open_recording
from interview_guard.media.convert import PictureMaker, analysis_size
from interview_guard.options import MediaOptions
from tests.media_factory import write_synthetic_video


def _noise_frame(width: int, height: int, seed: int) -> av.VideoFrame:
    """A yuv420p frame of noise, as a decoder hands it over: every pixel differs, so any change of scaler shows."""
    rgb = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


def _reference(frame: av.VideoFrame, max_side: int) -> np.ndarray:
    w, h = analysis_size(frame.width, frame.height, max_side)
    return frame.to_ndarray(format="rgb24", width=w, height=h)


@pytest.mark.parametrize("size, max_side", [((1280, 720), 640), ((250, 142), 100), ((160, 120), 640),
                                            ((360, 640), 320)])
def test_pictures_are_the_pixels_to_ndarray_gives(size: tuple[int, int], max_side: int) -> None:
    pictures = PictureMaker(max_side)
    for seed in range(3):
        frame = _noise_frame(*size, seed)
        image, source = pictures.picture(frame)
        assert np.array_equal(image, _reference(frame, max_side))
        assert source == size and image.flags.c_contiguous


def test_a_stream_that_changes_size_is_rescaled_for_each_size() -> None:
    """Live calls change resolution mid-stream: the reused scaler must follow each frame's size."""
    pictures = PictureMaker(320)
    for i, size in enumerate([(640, 360), (320, 180), (640, 360), (480, 270), (640, 480)]):
        frame = _noise_frame(*size, i)
        image, source = pictures.picture(frame)
        assert np.array_equal(image, _reference(frame, 320)), size
        assert source == size


def test_the_reused_scaler_follows_each_frames_format_colours_and_range() -> None:
    """Frames that differ only in their colour tags give different pictures; each must get its own."""
    rgb = np.random.default_rng(7).integers(0, 256, (360, 640, 3), dtype=np.uint8)
    stream = []
    for fmt, colorspace, color_range in [("yuv420p", None, None), ("yuv420p", 1, None), ("yuv420p", None, 2),
                                         ("yuvj420p", None, None), ("yuv444p", None, None),
                                         ("yuv420p10le", None, None), ("nv12", None, None), ("rgb24", None, None),
                                         ("yuv420p", None, None)]:
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format=fmt)
        if colorspace is not None:
            frame.colorspace = colorspace  # BT.709
        if color_range is not None:
            frame.color_range = color_range  # full range
        stream.append(frame)
    references = [_reference(f, 320) for f in stream]
    assert not np.array_equal(references[0], references[1]) and not np.array_equal(references[0], references[2])
    pictures = PictureMaker(320)
    for frame, reference in zip(stream, references):
        assert np.array_equal(pictures.picture(frame)[0], reference), (frame.format.name, frame.colorspace)


def test_reader_frames_match_a_plain_decode(tmp_path: Path) -> None:
    """Every frame the reader yields (analysis and full-rate ones) is the source frame of that index, with its
    time and the pixels of frame.to_ndarray at the analysis size."""
    clip = write_synthetic_video(tmp_path / "clip.mp4", seconds=2.0, fps=25, size=(320, 240), tone_hz=None)
    with av.open(str(clip)) as c:
        stream = c.streams.video[0]
        start = float(stream.start_time * stream.time_base)
        plain = [(f.time - start, _reference(f, 200)) for f in c.decode(stream)]
    with open_recording(clip, MediaOptions(max_side=200, analysis_fps=10), need_audio=False,
                        full_rate_fps=25.0) as reader:
        frames = [x for x in reader.frames_and_audio() if isinstance(x, VideoFrame)]
    assert [f.index for f in frames] == list(range(len(plain))) and len(plain) == 50
    assert sum(f.analysed for f in frames) == 20
    for f in frames:
        t, image = plain[f.index]
        assert f.t == pytest.approx(t, abs=1e-9)
        assert np.array_equal(f.image, image) and f.source_size == (320, 240)
