"""The face-descriptor helper process: `python -m interview_guard.identity.descriptor_worker MODEL`.

Reads frames of [uint32 n][n x 150x150x3 uint8 chips] on stdin, writes n x 128
float32 descriptors on stdout; n = 0 ends it. Prints "ready" once the model loads.
"""

from __future__ import annotations

import struct
import sys

import numpy as np

from interview_guard.identity.embedder import CHIP_SIZE, EMBEDDING_SIZE

_CHIP_BYTES = CHIP_SIZE * CHIP_SIZE * 3


def main(model_path: str) -> int:
    import dlib

    model = dlib.face_recognition_model_v1(model_path)
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(b"ready\n")
    out.flush()
    while len(header := inp.read(4)) == 4:
        (n,) = struct.unpack("<I", header)
        if n == 0:
            break
        raw = inp.read(n * _CHIP_BYTES)
        if len(raw) != n * _CHIP_BYTES:
            return 1
        chips = np.frombuffer(raw, np.uint8).reshape(n, CHIP_SIZE, CHIP_SIZE, 3)
        vectors = model.compute_face_descriptor([np.ascontiguousarray(c) for c in chips])
        result = np.array([np.array(v) for v in vectors], dtype=np.float32).reshape(n, EMBEDDING_SIZE)
        out.write(result.tobytes())
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
