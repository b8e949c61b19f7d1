"""bench/manipulations.py: each manipulated recording shows the manipulation it claims, and only it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from bench.manipulations import (
    crude_face_swap,
    looped,
    still_photo_video,
    with_face_jitter,
    with_frozen_stretches,
    with_synthetic_pulse,
)
from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.options import FaceOptions

GRID = "talking_head_real/grid_bbaf2n.mpg"  # 3 s, 25 fps, 360x288, mp2 audio: short and cheap
AOC = "talking_head_real/hdtf_aoc_sadtalker.mp4"
SWALWELL = "talking_head_real/retalking_2_swalwell.mp4"


def _decode(path: Path, size: tuple[int, int] | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """RGB frames (optionally scaled to `size`) and their times in seconds."""
    frames, times = [], []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            kwargs = {"width": size[0], "height": size[1]} if size else {}
            frames.append(frame.to_ndarray(format="rgb24", **kwargs))
            times.append(frame.time)
    return frames, np.array(times)


def _durations(path: Path) -> tuple[float, float | None]:
    """(video seconds, audio seconds or None) from the stream headers."""
    with av.open(str(path)) as container:
        v = container.streams.video[0]
        a = container.streams.audio[0] if container.streams.audio else None
        seconds = lambda s: float(s.duration * s.time_base)  # noqa: E731
        return seconds(v), (seconds(a) if a is not None else None)


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def _face_box(runner: FaceLandmarkerRunner, image: np.ndarray) -> tuple[int, int, int, int] | None:
    """Inner part of the face's landmark box (forehead to upper lip, cheek to cheek): skin mostly."""
    faces = runner.detect_image(image)
    if not faces:
        return None
    pts = faces[0].landmarks[:, :2] * (image.shape[1], image.shape[0])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    w, h = x1 - x0, y1 - y0
    return int(x0 + 0.2 * w), int(y0 + 0.1 * h), int(x1 - 0.2 * w), int(y0 + 0.65 * h)


@pytest.fixture(scope="module")
def runner() -> Iterator[FaceLandmarkerRunner]:
    with FaceLandmarkerRunner(FaceOptions(max_faces=1), still_images=True) as r:
        yield r


# ---------------------------------------------------------------- argument errors (no media needed)

def test_bad_arguments_say_what_was_wrong(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="video clip not found"):
        looped(tmp_path / "missing.mp4", tmp_path)
    with pytest.raises(ValueError, match="times must be >= 1"):
        looped(tmp_path / "missing.mp4", tmp_path, times=0)
    with pytest.raises(ValueError, match="start >= 0 and length > 0"):
        with_frozen_stretches(tmp_path / "missing.mp4", tmp_path, ((1.0, 0.0),))


# ---------------------------------------------------------------- loop

def test_looped_repeats_every_frame_and_the_audio(media_dir: Path, tmp_path: Path) -> None:
    src_frames, _ = _decode(media_dir / GRID)
    out = looped(media_dir / GRID, tmp_path, times=3)
    frames, times = _decode(out)
    n = len(src_frames)
    assert len(frames) == 3 * n
    video_s, audio_s = _durations(out)
    assert video_s == pytest.approx(3 * n / 25, abs=0.05)
    assert audio_s == pytest.approx(video_s, abs=0.05)
    assert np.allclose(np.diff(times), 1 / 25, atol=1e-3)  # no gaps at the seams
    same = [_mad(frames[k], frames[k + n]) for k in range(0, 2 * n, 3)]
    assert max(same) < 2.5, same  # re-encoding noise only
    # GRID speakers barely move, so check alignment too: of frames k-3..k+3, frame k + n looks most like k.
    for k in range(3, 2 * n - 3, 3):
        nearest = np.argmin([_mad(frames[k + n], frames[k + off]) for off in range(-3, 4)]) - 3
        assert nearest == 0, f"frame {k + n} looks most like frame {k + nearest}, not {k}"


# ---------------------------------------------------------------- frozen stretches

def test_frozen_stretch_holds_one_frame_and_keeps_duration(media_dir: Path, tmp_path: Path) -> None:
    start, length = 0.8, 1.2
    out = with_frozen_stretches(media_dir / GRID, tmp_path, ((start, length),))
    frames, times = _decode(out)
    assert len(frames) == 75  # GRID clips are 3 s at 25 fps
    video_s, audio_s = _durations(out)
    assert video_s == pytest.approx(3.0, abs=0.05)
    assert audio_s == pytest.approx(3.0, abs=0.05)
    steps = np.array([_mad(a, b) for a, b in zip(frames, frames[1:])])
    inside = (times[1:] > start + 1e-3) & (times[1:] < start + length - 1e-3)
    assert inside.sum() == int(round(length * 25)) - 1
    assert steps[inside].max() < 0.3, steps[inside]  # x264 repeats a still frame almost exactly
    # GRID speakers move little, but every live step still changes more than any frozen one.
    assert steps[~inside].min() > 2 * steps[inside].max(), steps[~inside]


def test_frozen_stretch_after_the_end_is_an_error(media_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="start after the end"):
        with_frozen_stretches(media_dir / GRID, tmp_path, ((10.0, 1.0),))


# ---------------------------------------------------------------- still photo

def test_still_photo_video_pans_and_keeps_the_face(media_dir: Path, tmp_path: Path,
                                                   runner: FaceLandmarkerRunner) -> None:
    out = still_photo_video(media_dir / "portraits" / "fr_obama.jpg", tmp_path, seconds=3.0, fps=25)
    frames, _ = _decode(out)
    assert len(frames) == 75
    assert frames[0].shape == (480, 640, 3)
    assert _durations(out)[1] is None  # no audio track
    steps = [_mad(a, b) for a, b in zip(frames, frames[1:])]
    assert min(steps) > 0.05, steps  # never a repeated frame: the camera keeps moving
    assert _mad(frames[0], frames[-1]) > 2.0
    for k in (0, len(frames) // 2, len(frames) - 1):
        assert _face_box(runner, frames[k]) is not None, f"face lost at frame {k}"


# ---------------------------------------------------------------- face swap

def test_crude_face_swap_changes_the_face_only(media_dir: Path, tmp_path: Path,
                                               runner: FaceLandmarkerRunner) -> None:
    out = crude_face_swap(media_dir / AOC, media_dir / SWALWELL, tmp_path, max_seconds=1.0)
    frames, _ = _decode(out)
    original, _ = _decode(media_dir / AOC)
    assert len(frames) == 25
    assert _durations(out)[1] == pytest.approx(1.0, abs=0.05)
    for k in (0, 12, 24):
        box = _face_box(runner, original[k])
        assert box is not None, f"no face in frame {k} of {AOC}"
        x0, y0, x1, y1 = box
        assert _mad(frames[k][y0:y1, x0:x1], original[k][y0:y1, x0:x1]) > 10.0
        corners = [(slice(0, 48), slice(0, 48)), (slice(0, 48), slice(-48, None)),
                   (slice(-48, None), slice(0, 48)), (slice(-48, None), slice(-48, None))]
        for rows, cols in corners:
            assert _mad(frames[k][rows, cols], original[k][rows, cols]) < 5.0  # re-encoding only


def test_face_jitter_moves_the_face_by_the_asked_amount_and_nothing_else(media_dir: Path, tmp_path: Path,
                                                                         runner: FaceLandmarkerRunner) -> None:
    import cv2

    out = with_face_jitter(media_dir / SWALWELL, tmp_path, eye_fraction=0.03, max_seconds=1.0)
    frames, _ = _decode(out)
    original, _ = _decode(media_dir / SWALWELL, size=(frames[0].shape[1], frames[0].shape[0]))  # as it was scaled
    shifts, eyes = [], []
    for k in range(0, len(frames), 2):
        faces = runner.detect_image(original[k])
        assert faces, f"no face in frame {k} of {SWALWELL}"
        pts = faces[0].landmarks[:, :2] * (original[k].shape[1], original[k].shape[0])
        eyes.append(float(np.linalg.norm(pts[33] - pts[263])))
        x0, y0, x1, y1 = _face_box(runner, original[k])
        a, b = (cv2.cvtColor(f[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32) for f in (original[k], frames[k]))
        (dx, dy), _ = cv2.phaseCorrelate(a, b, cv2.createHanningWindow((a.shape[1], a.shape[0]), cv2.CV_32F))
        shifts += [dx, dy]
        assert _mad(frames[k][:48, :48], original[k][:48, :48]) < 5.0  # the background stays
    # a random shift of 3 % of the eye distance per axis, measured back from the pixels (robust spread)
    spread = 1.4826 * float(np.median(np.abs(np.array(shifts) - np.median(shifts))))
    assert 0.5 < spread / (0.03 * float(np.mean(eyes))) < 1.5, shifts


# ---------------------------------------------------------------- synthetic pulse

FOREHEAD_AND_CHEEKS = [151, 50, 280]  # MediaPipe mesh points on bare skin that barely move when talking


def _spectrum(signal: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.arange(len(signal))
    detrended = signal - np.polyval(np.polyfit(x, signal, 3), x)  # lighting drift and slow head motion
    spectrum = np.abs(np.fft.rfft(detrended * np.hanning(len(signal)), 8192))  # zero-padded: fine peak position
    return np.fft.rfftfreq(8192, 1 / fps), spectrum


def _peak_hz(signal: np.ndarray, fps: float) -> tuple[float, float]:
    """Strongest frequency in the heart-rate band (0.7-4 Hz) and its height over the band's median."""
    freqs, spectrum = _spectrum(signal, fps)
    band = (freqs > 0.7) & (freqs < 4.0)
    return float(freqs[band][spectrum[band].argmax()]), float(spectrum[band].max() / np.median(spectrum[band]))


def _power_at(signal: np.ndarray, fps: float, hz: float) -> float:
    freqs, spectrum = _spectrum(signal, fps)
    return float(spectrum[np.argmin(np.abs(freqs - hz))])


def _mean_green(frames: list[np.ndarray], runner: FaceLandmarkerRunner) -> np.ndarray:
    """Per frame, mean green of square patches on the forehead and both cheeks."""
    greens = []
    for image in frames:
        faces = runner.detect_image(image)
        assert faces, "face lost in the pulse clip"
        pts = faces[0].landmarks[:, :2] * (image.shape[1], image.shape[0])
        r = int(0.08 * np.ptp(pts[:, 0]))
        greens.append(np.mean([image[int(y) - r:int(y) + r, int(x) - r:int(x) + r, 1].mean()
                               for x, y in pts[FOREHEAD_AND_CHEEKS]]))
    return np.array(greens)


def test_synthetic_pulse_puts_the_heart_rate_in_the_skin(media_dir: Path, tmp_path: Path,
                                                         runner: FaceLandmarkerRunner) -> None:
    bpm, seconds = 72.0, 4.0
    out = with_synthetic_pulse(media_dir / SWALWELL, tmp_path, bpm=bpm, max_seconds=seconds)
    frames, _ = _decode(out)
    assert len(frames) == 100
    assert _durations(out)[1] == pytest.approx(seconds, abs=0.05)
    original, _ = _decode(media_dir / SWALWELL, size=(frames[0].shape[1], frames[0].shape[0]))
    pulsed = _mean_green(frames, runner)
    peak, strength = _peak_hz(pulsed, fps=25.0)
    assert peak == pytest.approx(bpm / 60, abs=0.1)
    assert strength > 5.0
    # The peak is the added pulse, not one the recording already had.
    plain = _mean_green(original[:100], runner)
    assert _power_at(pulsed, 25.0, bpm / 60) > 5 * _power_at(plain, 25.0, bpm / 60)
