"""What the forgery stage attaches to a face: the model's score and where on the face it looked.

Light on purpose (numpy only): analyzers, the report and the summary read it without onnxruntime.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Where on the aligned crop (rows of the model's 4 x 4 activation map, eyes level) each face region lies:
# row 0 forehead and hair, row 1 eyes, row 2 nose and cheeks, row 3 mouth and jaw.
CAM_ROWS = ("the forehead and hairline", "the eyes", "the nose and cheeks", "the mouth and jaw")


@dataclass(frozen=True)
class ForgeryScore:
    """The face-forgery model's reading of one face in one frame.

    probability: the model's probability that the face is blended in (0..1); uncalibrated across
        cameras: the analyzer pools it over windows and says how far it can be trusted.
    cam: (4, 4) float32 class-activation map over the aligned crop (rows top to bottom, eyes level);
        its mean plus the model's bias is the logit, so its hot cells are where the score came from.
    face_px: the face oval's width in analysis-frame pixels (small faces are judged less surely).
    box: the crop's square (x0, y0, x1, y1) in source pixels, over which the cam lies (eyes level: for a
        rolled head the square is turned; this box bounds it).
    """

    probability: float
    cam: np.ndarray
    face_px: float
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"forgery probability must be in [0, 1], got {self.probability}")
        if self.cam.ndim != 2:
            raise ValueError(f"forgery cam must be 2-D, got {self.cam.shape}")

    @property
    def hottest_region(self) -> str:
        """The face region whose row of the activation map pushed the score up the most."""
        rows = np.asarray(self.cam, np.float64).mean(axis=1)
        return CAM_ROWS[int(np.argmax(rows)) * len(CAM_ROWS) // max(1, len(rows))]

    @property
    def heat(self) -> tuple[float, ...]:
        """The activation map scaled to 0..1 (only what raised the score: negative cells are 0), row by row."""
        cam = np.clip(np.asarray(self.cam, np.float64), 0.0, None)
        top = float(cam.max())
        return tuple(round(float(v), 3) for v in (cam / top if top > 0 else cam).ravel())
