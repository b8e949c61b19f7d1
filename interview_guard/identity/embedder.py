"""dlib's 128-d face descriptor, aligned on five MediaPipe landmarks, computed in a helper process.

dlib aligns faces with its 5-point shape predictor run inside a detector box;
MediaPipe already gives those five points (eye corners, base of the nose), and
using them directly is both cheaper and steadier than re-running the predictor
on a box of another detector's shape (measured: mean 0.10 distance to dlib's own
pipeline, and 300/300 on the labelled photo pairs at 0.6).

dlib's ResNet holds Python's GIL for its ~70 ms a face, which stalled every
other stage thread (a pure-Python loop ran 15x slower beside it). So this
module cuts the 150x150 face chips here and sends them to one long-lived
helper process that owns the model; the calling thread waits without the GIL.
"""

from __future__ import annotations

import atexit
import functools
import multiprocessing as mp
import threading
from multiprocessing.connection import Connection

import numpy as np

from interview_guard.errors import ModelError
from interview_guard.model_store import resolve_model

# MediaPipe indices in dlib's 5-point order: one eye's outer and inner corner,
# the other eye's outer and inner corner, the base of the nose.
FIVE_POINTS = (263, 362, 33, 133, 2)
EMBEDDING_SIZE = 128
CHIP_SIZE = 150  # dlib's aligned face chip, with its default 0.25 padding


def _dlib():
    try:
        import dlib
    except ImportError as e:
        raise ModelError("identity checks require dlib: pip install dlib-bin") from e
    return dlib


def face_chips(image: np.ndarray, landmark_sets: list[np.ndarray]) -> np.ndarray:
    """(n, 150, 150, 3) aligned RGB chips, as dlib's descriptor expects them."""
    dlib = _dlib()
    h, w = image.shape[:2]
    image = np.ascontiguousarray(image)
    chips = []
    for lm in landmark_sets:
        xy = lm[:, :2] * (w, h)
        x0, y0 = xy.min(axis=0)
        x1, y1 = xy.max(axis=0)
        points = dlib.points([dlib.point(int(round(xy[i, 0])), int(round(xy[i, 1]))) for i in FIVE_POINTS])
        shape = dlib.full_object_detection(dlib.rectangle(int(x0), int(y0), int(x1), int(y1)), points)
        chips.append(dlib.get_face_chip(image, shape, size=CHIP_SIZE, padding=0.25))
    return np.stack(chips) if chips else np.zeros((0, CHIP_SIZE, CHIP_SIZE, 3), np.uint8)


def embed_faces(image: np.ndarray, landmark_sets: list[np.ndarray]) -> np.ndarray:
    """(n, 128) descriptors for faces in one RGB image, given each face's (478, 3) normalised landmarks."""
    if not landmark_sets:
        return np.zeros((0, EMBEDDING_SIZE), np.float32)
    return descriptor_service().describe(face_chips(image, landmark_sets))


class DescriptorService:
    """One helper process owning dlib's ResNet; `describe` is safe to call from any thread."""

    def __init__(self, model_path: str) -> None:
        ctx = mp.get_context("spawn")  # no fork of a process that runs threads
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, model_path), name="ig-face-descriptors", daemon=True)
        self._proc.start()
        child.close()
        self._lock = threading.Lock()
        status = self._conn.recv()
        if status != "ready":
            raise ModelError(f"the face descriptor model could not load: {status}")

    def describe(self, chips: np.ndarray) -> np.ndarray:
        if len(chips) == 0:
            return np.zeros((0, EMBEDDING_SIZE), np.float32)
        with self._lock:
            try:
                self._conn.send(chips)
                result = self._conn.recv()
            except (EOFError, OSError) as e:
                raise ModelError("the face descriptor process stopped; rerun, or use --no-identity") from e
        if isinstance(result, str):
            raise ModelError(f"face descriptor failed: {result}")
        return result

    def close(self) -> None:
        with self._lock:
            if self._proc.is_alive():
                try:
                    self._conn.send(None)
                except OSError:
                    pass
                self._proc.join(timeout=5)
                if self._proc.is_alive():
                    self._proc.kill()
            self._conn.close()


@functools.lru_cache(maxsize=1)
def descriptor_service() -> DescriptorService:
    """Started once per process, on first use; stopped at exit."""
    path = resolve_model("dlib_face_recognition") / "dlib_face_recognition_resnet_model_v1.dat"
    service = DescriptorService(str(path))
    atexit.register(service.close)
    return service


def _serve(conn: Connection, model_path: str) -> None:
    """The helper process: load the model once, then turn chips into descriptors until told to stop."""
    try:
        model = _dlib().face_recognition_model_v1(model_path)
    except Exception as e:  # reported to the parent as text
        conn.send(f"{type(e).__name__}: {e}")
        return
    conn.send("ready")
    while (chips := conn.recv()) is not None:
        try:
            vectors = model.compute_face_descriptor(list(chips))
            conn.send(np.array([np.array(v) for v in vectors], dtype=np.float32))
        except Exception as e:
            conn.send(f"{type(e).__name__}: {e}")
