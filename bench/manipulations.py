"""Manipulated recordings built at run time, for the evaluation script and the liveness/deepfake tests.

Each function writes one small mp4 (longer side <= 640 px, libx264, yuv420p, AAC audio when the
source has audio) into a caller-given (temporary) folder and returns its path:

    looped                 the clip played N times back to back (a replayed recording)
    with_frozen_stretches  the video holds one frame for a while (a stalled virtual camera)
    still_photo_video      a photo with slow Ken Burns pans and zooms (a photo held to the camera)
    crude_face_swap        FaceForensics++-style "FaceSwap": another face warped in and Poisson-blended
    with_synthetic_pulse   a known heart rate added to the skin colour (rPPG ground truth)
    with_face_jitter       the face re-placed each frame a little off (a live swap's alignment noise)
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.liveness.motion import eye_distance
from interview_guard.options import FaceOptions

MAX_SIDE = 640
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
# Blood-volume pulse signature of skin in RGB (de Haan & Jeanne 2013, "pbv").
PBV_RGB = np.array([0.33, 0.77, 0.53], np.float32)
# MediaPipe face-mesh rings (the legacy mediapipe.solutions constants are gone from new wheels).
FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
             152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109]
LEFT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
RIGHT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]
MESH_POINTS = 468  # the 10 iris points after these would only add sliver triangles to the warp


# ---------------------------------------------------------------- shared plumbing

@dataclass(frozen=True)
class _VideoInfo:
    size: tuple[int, int]  # output (width, height): even, longer side <= MAX_SIDE
    fps: Fraction
    video_start: float  # first frame's time after the file's start: where the output's audio begins
    sample_rate: int  # 0 when there is no audio


def _require_file(path: Path, what: str) -> None:
    if not Path(path).is_file():
        raise FileNotFoundError(f"{what} not found: {path}")


def _fit(width: int, height: int, max_side: int = MAX_SIDE) -> tuple[int, int]:
    scale = min(1.0, max_side / max(width, height))  # and even sides, which yuv420p needs
    return max(2, int(round(width * scale / 2)) * 2), max(2, int(round(height * scale / 2)) * 2)


def _probe(clip: Path) -> _VideoInfo:
    _require_file(clip, "video clip")
    with av.open(str(clip)) as container:
        if not container.streams.video:
            raise ValueError(f"{clip} has no video stream")
        v = container.streams.video[0]
        fps = v.average_rate or v.guessed_rate or Fraction(25)
        first = next(container.decode(video=0), None)
        if first is None:
            raise ValueError(f"{clip} has a video stream without decodable frames")
        start = (first.time or 0.0) - (container.start_time or 0) / av.time_base
        rate = container.streams.audio[0].sample_rate if container.streams.audio else 0
        return _VideoInfo(_fit(v.width, v.height), Fraction(fps), max(0.0, start), rate or 0)


def _frames(clip: Path, size: tuple[int, int], max_seconds: float | None = None) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds since the first frame, RGB image scaled to `size`) for each decoded frame."""
    with av.open(str(clip)) as container:
        rate = float(container.streams.video[0].average_rate or 25)
        t0: float | None = None
        for i, frame in enumerate(container.decode(video=0)):
            t = frame.time if frame.time is not None else i / rate
            t0 = t if t0 is None else t0
            if max_seconds is not None and t - t0 >= max_seconds:
                return
            yield t - t0, frame.to_ndarray(format="rgb24", width=size[0], height=size[1], interpolation="AREA")


class _H264Writer:
    """libx264/yuv420p video-only mp4; frames keep their source times on a 1/fps grid."""

    def __init__(self, path: Path, size: tuple[int, int], fps: Fraction, crf: int) -> None:
        self._container = av.open(str(path), "w")
        self._stream = self._container.add_stream("libx264", rate=fps, options={"crf": str(crf), "preset": "veryfast"})
        self._stream.width, self._stream.height = size
        self._stream.pix_fmt = "yuv420p"
        self._fps = fps
        self._last_pts = -1

    def write(self, rgb: np.ndarray, t: float) -> None:
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        # Strictly increasing pts: a jittery source time must not collide with the previous frame.
        frame.pts = max(self._last_pts + 1, int(round(t * self._fps)))
        frame.time_base = 1 / self._fps
        self._last_pts = frame.pts
        self._container.mux(self._stream.encode(frame))

    @property
    def duration(self) -> float:
        return (self._last_pts + 1) / float(self._fps)

    def __enter__(self) -> "_H264Writer":
        return self

    def __exit__(self, *exc: object) -> None:
        self._container.mux(self._stream.encode(None))
        self._container.close()


def _ffmpeg(*args: str) -> None:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise RuntimeError("the ffmpeg binary is not on PATH (apt-get install ffmpeg); it muxes the audio")
    proc = subprocess.run([exe, "-v", "error", "-y", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed (exit {proc.returncode}) on {' '.join(args)}: {proc.stderr.strip()[-800:]}")


def _finish(video_only: Path, source: Path, out: Path, info: _VideoInfo, seconds: float, loops: int = 1) -> Path:
    """Add the source's audio under the video's first `seconds`, `loops` times over, as AAC.

    The audio is cut from where the video's first frame sits (so a clip whose video starts late
    stays in sync) and padded or trimmed to exactly `seconds` per pass, so loops cannot drift.
    """
    if not info.sample_rate:
        return video_only.replace(out)
    chain = (f"atrim=start={info.video_start:.6f}:duration={seconds:.6f},asetpts=PTS-STARTPTS,"
             f"apad=whole_dur={seconds:.6f}")
    if loops > 1:
        chain += f",aloop=loop={loops - 1}:size={int(round(seconds * info.sample_rate))}"
    _ffmpeg("-i", str(video_only), "-i", str(source), "-filter_complex", f"[1:a:0]{chain}[a]",
            "-map", "0:v:0", "-map", "[a]", "-c:v", "copy", "-c:a", "aac", str(out))
    video_only.unlink()
    return out


def _out(out_dir: Path, name: str) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / f"{name}.mp4", out_dir / f"{name}.video-only.mp4"


def _pixels(landmarks: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Normalised landmarks -> (N, 2) float32 pixel coordinates in an image of `size` (w, h)."""
    return (landmarks[:, :2] * np.array(size, np.float32)).astype(np.float32)


def _landmarker() -> FaceLandmarkerRunner:
    return FaceLandmarkerRunner(FaceOptions(max_faces=1), still_images=True)


# ---------------------------------------------------------------- 1. loop

def looped(clip: Path, out_dir: Path, times: int = 3) -> Path:
    """`clip` played `times` times back to back, video and audio alike (a replayed recording)."""
    if times < 1:
        raise ValueError(f"times must be >= 1, got {times}")
    info = _probe(clip)
    out, tmp = _out(out_dir, f"{Path(clip).stem}_loop{times}")
    # Decoding once per pass, not ffmpeg -stream_loop: that drops the first GOP's frames at each
    # seam of MPEG-1 clips (GRID) and lets the audio drift when it outlasts the video.
    with _H264Writer(tmp, info.size, info.fps, crf=18) as writer:
        pass_s = 0.0
        for k in range(times):
            for t, image in _frames(clip, info.size):
                writer.write(image, k * pass_s + t)
            pass_s = pass_s or writer.duration
    return _finish(tmp, Path(clip), out, info, pass_s, loops=times)


# ---------------------------------------------------------------- 2. frozen stretches

def with_frozen_stretches(clip: Path, out_dir: Path,
                          stretches: tuple[tuple[float, float], ...] = ((2.0, 4.0),)) -> Path:
    """The video holds still for each (start, length) stretch; the clip keeps its duration.

    Frozen time ranges, in seconds from the first frame: [start, start + length) for each
    stretch, cut at the clip's end. Every frame in a range is replaced by the first frame at
    or after `start`, so the output shows that frame for `length` seconds and then jumps back
    to live video. The audio is untouched.
    """
    for start, length in stretches:
        if start < 0 or length <= 0:
            raise ValueError(f"a stretch needs start >= 0 and length > 0, got ({start}, {length})")
    info = _probe(clip)
    out, tmp = _out(out_dir, f"{Path(clip).stem}_frozen")
    used: set[tuple[float, float]] = set()
    held: tuple[tuple[float, float], np.ndarray] | None = None
    with _H264Writer(tmp, info.size, info.fps, crf=18) as writer:
        for t, image in _frames(clip, info.size):
            stretch = next((s for s in stretches if s[0] <= t < s[0] + s[1]), None)
            if stretch is not None and (held is None or held[0] != stretch):
                held = (stretch, image)  # the frame at `start` of this stretch
                used.add(stretch)
            writer.write(held[1] if stretch is not None and held is not None else image, t)
    # (checked after the pass: the clip's true length is only known once it is decoded)
    if unused := [s for s in stretches if s not in used]:
        tmp.unlink()
        raise ValueError(f"stretches {unused} start after the end of {clip} ({writer.duration:.2f} s)")
    return _finish(tmp, Path(clip), out, info, writer.duration)


# ---------------------------------------------------------------- 3. still photo

def still_photo_video(photo: Path, out_dir: Path, seconds: float = 20.0, fps: int = 25) -> Path:
    """A 640x480 video of one photo with slow sinusoidal pans (~4 %) and zooms (~8 %), no audio.

    The crop window is centred on the face MediaPipe finds (the image centre if none) and is
    kept around it, so the face stays in view all the time.
    """
    _require_file(photo, "photo")
    image = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read {photo} as an image")
    rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    with _landmarker() as runner:
        faces = runner.detect_image(rgb)
    face = _face_box(faces[0].landmarks, rgb.shape) if faces else None
    out, _ = _out(out_dir, f"{Path(photo).stem}_still{seconds:g}s")
    size = (640, 480)
    with _H264Writer(out, size, Fraction(fps), crf=18) as writer:
        for i in range(int(round(seconds * fps))):
            t = i / fps
            x0, y0, w = _ken_burns_window(rgb.shape, face, t, size[0] / size[1])
            scale = size[0] / w
            matrix = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], np.float32)
            writer.write(cv2.warpAffine(rgb, matrix, size, flags=cv2.INTER_LINEAR,
                                        borderMode=cv2.BORDER_REPLICATE), t)
    return out


def _face_box(landmarks: np.ndarray, shape: tuple[int, ...]) -> tuple[float, float, float, float]:
    pts = _pixels(landmarks, (shape[1], shape[0]))
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def _ken_burns_window(shape: tuple[int, ...], face: tuple[float, float, float, float] | None,
                      t: float, aspect: float) -> tuple[float, float, float]:
    """Top-left corner and width of the crop window at time t (sub-pixel, so motion is smooth)."""
    h, w = shape[:2]
    max_w = min(w, h * aspect)
    if face is None:
        cx, cy, base_w = w / 2, h / 2, 0.9 * max_w
    else:
        fx0, fy0, fx1, fy1 = face
        # A webcam-like framing: the face about a third of the width, room left to pan.
        # (raised a little: the landmarks stop at the hairline, the head does not)
        cx, cy, base_w = (fx0 + fx1) / 2, (fy0 + fy1) / 2 - 0.12 * (fy1 - fy0), min(0.9 * max_w, 3.0 * (fx1 - fx0))
    # Incommensurate periods, so the motion never looks like a loop.
    win_w = base_w * (1 - 0.08 * (0.5 - 0.5 * np.cos(2 * np.pi * t / 7.0)))
    cx += 0.04 * base_w * np.sin(2 * np.pi * t / 9.0)
    cy += 0.04 * base_w * np.sin(2 * np.pi * t / 11.0 + 1.0)
    win_h = win_w / aspect
    x0, y0 = cx - win_w / 2, cy - win_h / 2
    if face is not None:  # keep the whole face inside the window ...
        x0 = min(max(x0, face[2] - win_w), face[0])
        y0 = min(max(y0, face[3] - win_h), face[1])
    # ... and the window inside the photo (wins over the face for faces cut by the border).
    x0 = min(max(x0, 0.0), w - win_w)
    y0 = min(max(y0, 0.0), h - win_h)
    return float(x0), float(y0), float(win_w)


# ---------------------------------------------------------------- 4. face swap

def crude_face_swap(target_clip: Path, source_face: Path, out_dir: Path, max_seconds: float = 8.0) -> Path:
    """The first `max_seconds` of `target_clip` with the face of `source_face` pasted over the target's.

    FaceForensics++ "FaceSwap", done crudely: one frame of `source_face` (an image, or the
    first video frame with a face) is warped piecewise-affinely over a Delaunay triangulation
    of its 468 mesh landmarks onto the target's landmarks in every frame, then Poisson-blended
    (cv2.seamlessClone, NORMAL_CLONE) inside the target's eroded face hull. Frames without a
    face pass through unchanged; the target's audio is kept.
    """
    info = _probe(target_clip)
    _require_file(source_face, "source face")
    out, tmp = _out(out_dir, f"{Path(target_clip).stem}_swap_{Path(source_face).stem}")
    with _landmarker() as runner:
        src_image, src_pts = _source_face(Path(source_face), runner)
        triangles = _delaunay(src_pts)
        with _H264Writer(tmp, info.size, info.fps, crf=18) as writer:
            for t, frame in _frames(target_clip, info.size, max_seconds):
                faces = runner.detect_image(frame)
                if faces:
                    dst_pts = _pixels(faces[0].landmarks, info.size)[:MESH_POINTS]
                    frame = _swap_into(frame, dst_pts, src_image, src_pts, triangles)
                writer.write(frame, t)
    return _finish(tmp, Path(target_clip), out, info, writer.duration)


def _source_face(source: Path, runner: FaceLandmarkerRunner) -> tuple[np.ndarray, np.ndarray]:
    """(RGB image, (468, 2) pixel landmarks) of the source's face: the photo, or a video's first face."""
    if source.suffix.lower() in IMAGE_SUFFIXES:
        bgr = cv2.imread(str(source), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ValueError(f"cannot read {source} as an image")
        candidates: Iterator[tuple[float, np.ndarray]] = iter([(0.0, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))])
    else:
        candidates = _frames(source, _probe(source).size, max_seconds=10.0)
    for _, image in candidates:
        faces = runner.detect_image(image)
        if faces:
            return image, _pixels(faces[0].landmarks, (image.shape[1], image.shape[0]))[:MESH_POINTS]
    raise ValueError(f"no face found in {source} (looked at its first 10 s)")


def _delaunay(points: np.ndarray) -> np.ndarray:
    """(T, 3) landmark indices of a Delaunay triangulation of `points`."""
    lo = np.floor(points.min(axis=0)) - 2
    hi = np.ceil(points.max(axis=0)) + 2
    subdiv = cv2.Subdiv2D((int(lo[0]), int(lo[1]), int(hi[0] - lo[0]), int(hi[1] - lo[1])))
    subdiv.insert([(float(x), float(y)) for x, y in points])
    corners = subdiv.getTriangleList().reshape(-1, 3, 2)
    # Drop triangles that use Subdiv2D's virtual outer vertices.
    inside = np.all((corners >= lo) & (corners <= hi), axis=(1, 2))
    corners = corners[inside]
    dist = np.linalg.norm(corners[:, :, None, :] - points[None, None, :, :], axis=3)
    tris = dist.argmin(axis=2)
    distinct = (tris[:, 0] != tris[:, 1]) & (tris[:, 1] != tris[:, 2]) & (tris[:, 0] != tris[:, 2])
    return tris[distinct]


def _triangle_affines(dst: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-triangle 2x3 affines taking dst-triangle pixels to src-triangle pixels, and which are valid."""
    m = np.concatenate([dst.transpose(0, 2, 1), np.ones((len(dst), 1, 3), np.float64)], axis=1)
    valid = np.abs(np.linalg.det(m)) > 1e-3  # folded-flat triangles (head turned away) have no inverse
    m[~valid] = np.eye(3)
    return src.transpose(0, 2, 1) @ np.linalg.inv(m), valid


def _swap_into(frame: np.ndarray, dst_pts: np.ndarray, src_image: np.ndarray, src_pts: np.ndarray,
               triangles: np.ndarray) -> np.ndarray:
    h, w = frame.shape[:2]
    affines, valid = _triangle_affines(dst_pts[triangles].astype(np.float64), src_pts[triangles].astype(np.float64))
    # Which triangle covers each target pixel; then one vectorised remap instead of a warp per triangle.
    tri_id = np.full((h, w), -1, np.int32)
    for k in np.flatnonzero(valid):
        cv2.fillConvexPoly(tri_id, np.round(dst_pts[triangles[k]]).astype(np.int32), int(k))
    ys, xs = np.nonzero(tri_id >= 0)
    if len(ys) == 0:
        return frame
    a = affines[tri_id[ys, xs]]
    map_x = np.full((h, w), -1, np.float32)
    map_y = np.full((h, w), -1, np.float32)
    map_x[ys, xs] = a[:, 0, 0] * xs + a[:, 0, 1] * ys + a[:, 0, 2]
    map_y[ys, xs] = a[:, 1, 0] * xs + a[:, 1, 1] * ys + a[:, 1, 2]
    warped = cv2.remap(src_image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    warped = np.where((tri_id >= 0)[:, :, None], warped, frame)
    mask = _hull_mask(dst_pts, (h, w), erode_frac=0.03) & (tri_id >= 0)
    mask[:3, :] = mask[-3:, :] = False  # seamlessClone needs the mask clear of the image border
    mask[:, :3] = mask[:, -3:] = False
    if mask.sum() < 100:
        return frame
    x, y, bw, bh = cv2.boundingRect(mask.astype(np.uint8))
    # seamlessClone places the mask's bounding box at centre - size // 2: this keeps it in place.
    center = (x + bw // 2, y + bh // 2)
    return cv2.seamlessClone(warped, frame, mask.astype(np.uint8) * 255, center, cv2.NORMAL_CLONE)


def _hull_mask(points: np.ndarray, shape: tuple[int, int], erode_frac: float) -> np.ndarray:
    """Filled convex hull of `points`, eroded by `erode_frac` of the hull's width."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(points).astype(np.int32)), 255)
    k = max(1, int(round(erode_frac * np.ptp(points[:, 0]))))
    mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1)))
    return mask > 0


# ---------------------------------------------------------------- 5. synthetic pulse

def with_synthetic_pulse(clip: Path, out_dir: Path, bpm: float = 72.0, amplitude: float = 2.0,
                         max_seconds: float = 15.0) -> Path:
    """The first `max_seconds` of `clip` with a known pulse added to the facial skin.

    Per frame, skin (the face-oval hull, eroded, minus eyes and mouth) gets
    `amplitude * sin(2*pi*bpm/60*t) * (0.33, 0.77, 0.53)` added to R, G, B, with t the frame's
    time in seconds since the first frame (= its presentation time in the output). Encoded at
    crf 14 so a 1-2 grey-level signal survives. Frames without a face are unchanged; audio kept.
    """
    if bpm <= 0 or amplitude <= 0:
        raise ValueError(f"bpm and amplitude must be positive, got bpm={bpm}, amplitude={amplitude}")
    info = _probe(clip)
    out, tmp = _out(out_dir, f"{Path(clip).stem}_pulse{bpm:g}")
    with _landmarker() as runner, _H264Writer(tmp, info.size, info.fps, crf=14) as writer:
        for t, frame in _frames(clip, info.size, max_seconds):
            faces = runner.detect_image(frame)
            if faces:
                skin = _skin_mask(_pixels(faces[0].landmarks, info.size), frame.shape[:2])
                delta = amplitude * np.sin(2 * np.pi * bpm / 60.0 * t) * PBV_RGB
                lifted = frame[skin].astype(np.float32) + delta
                frame[skin] = np.clip(np.round(lifted), 0, 255).astype(np.uint8)
            writer.write(frame, t)
    return _finish(tmp, Path(clip), out, info, writer.duration)


def with_face_jitter(clip: Path, out_dir: Path, eye_fraction: float = 0.02, max_seconds: float = 10.0,
                     seed: int = 0) -> Path:
    """The first `max_seconds` of `clip` with its face re-placed every frame a little off where it is.

    A live face swap renders the new face where a landmark detector put the old one, frame by
    frame, so detector noise moves the face against the head around it. Here each frame's face
    (the face-oval hull, feathered) is moved by a random shift of `eye_fraction` of the eye
    distance (standard deviation per axis) and blended back over the unmoved frame; hair,
    ears and background stay. Frames without a face pass unchanged; audio kept.
    """
    if eye_fraction <= 0:
        raise ValueError(f"eye_fraction must be positive, got {eye_fraction}")
    info = _probe(clip)
    rng = np.random.default_rng(seed)
    out, tmp = _out(out_dir, f"{Path(clip).stem}_jitter{eye_fraction:g}")
    with _landmarker() as runner, _H264Writer(tmp, info.size, info.fps, crf=18) as writer:
        for t, frame in _frames(clip, info.size, max_seconds):
            faces = runner.detect_image(frame)
            if faces:
                pts = _pixels(faces[0].landmarks, info.size)
                eye = eye_distance(pts)
                dx, dy = rng.normal(0.0, eye_fraction * eye, 2)
                moved = cv2.warpAffine(frame, np.float32([[1, 0, dx], [0, 1, dy]]), info.size,
                                       flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                mask = _hull_mask(pts[FACE_OVAL], frame.shape[:2], erode_frac=0.04).astype(np.float32)
                k = max(3, int(round(0.04 * np.ptp(pts[FACE_OVAL, 0]))) | 1)
                alpha = cv2.GaussianBlur(mask, (k, k), 0)[:, :, None]
                frame = np.clip(alpha * moved + (1 - alpha) * frame + 0.5, 0, 255).astype(np.uint8)
            writer.write(frame, t)
    return _finish(tmp, Path(clip), out, info, writer.duration)


def _skin_mask(pts: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Face-oval hull eroded away from hair and background, minus (dilated) eyes and mouth."""
    skin = _hull_mask(pts[FACE_OVAL], shape, erode_frac=0.05)
    holes = np.zeros(shape, np.uint8)
    for ring in (LEFT_EYE, RIGHT_EYE, LIPS_OUTER):
        cv2.fillConvexPoly(holes, cv2.convexHull(np.round(pts[ring]).astype(np.int32)), 255)
    k = max(1, int(round(0.03 * np.ptp(pts[FACE_OVAL, 0]))))
    holes = cv2.dilate(holes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1)))
    return skin & (holes == 0)
