"""The two signals lip-sync compares: how open the mouth is, and how loud the voice is.

Mouth: the inner-lip gap (landmarks 13/14) over the distance between the outer eye
corners, plus half of MediaPipe's jawOpen blendshape (the jaw drops on open vowels
even when the lips stay close). The eye distance makes it independent of face size
and zoom. A face turned away, cut by the frame edge or unseen gives no value.

Voice: energy of the 1-3 kHz band per 10 ms (25 ms Hann frames), in dB. That band
carries the formants that mouth opening shapes most (Chandrasekaran et al. 2009);
below it, room hum and the interviewer's low voice add energy the mouth did not make.
"""

from __future__ import annotations

import numpy as np

from interview_guard.faces.core import JAW_OPEN, FaceFrame, FaceObservation
from interview_guard.liveness.motion import eye_distance
from interview_guard.media.core import AUDIO_RATE

ENVELOPE_RATE = 100  # envelope values per second
_HOP = AUDIO_RATE // ENVELOPE_RATE
_FRAME = 400  # 25 ms
_FFT = 512
_BAND_HZ = (1000.0, 3000.0)
_MAX_YAW, _MAX_PITCH, _MIN_IN_FRAME = 40.0, 30.0, 0.95


def mouth_opening(face: FaceObservation, frame_size: tuple[int, int]) -> float | None:
    """Mouth opening for one face, or None when the mouth cannot be judged (turned away, cut off)."""
    if abs(face.pose.yaw) > _MAX_YAW or abs(face.pose.pitch) > _MAX_PITCH or face.in_frame < _MIN_IN_FRAME:
        return None
    xy = face.landmarks[:, :2] * np.asarray(frame_size, dtype=np.float32)
    eyes = eye_distance(xy)
    if eyes < 8.0:  # a face this small has no readable lips
        return None
    gap = float(np.linalg.norm(xy[13] - xy[14])) / eyes
    jaw = float(face.blendshapes[JAW_OPEN]) if face.blendshapes.size else 0.0
    return gap + 0.5 * jaw


def lip_gap(face: FaceObservation, frame_size: tuple[int, int]) -> float | None:
    """Inner-lip gap (landmarks 13/14) over the mouth width (corners 61/291): under about 0.05 the lips
    touch. None when the mouth cannot be judged (turned away, cut off, too small)."""
    if abs(face.pose.yaw) > _MAX_YAW or abs(face.pose.pitch) > _MAX_PITCH or face.in_frame < _MIN_IN_FRAME:
        return None
    xy = face.landmarks[:, :2] * np.asarray(frame_size, dtype=np.float32)
    width = float(np.linalg.norm(xy[61] - xy[291]))
    if width < 6.0:  # a mouth this small has no readable lips
        return None
    return float(np.linalg.norm(xy[13] - xy[14])) / width


def mouth_width(face: FaceObservation, frame_size: tuple[int, int]) -> float | None:
    """Mouth width (corners 61/291) over the distance between the outer eye corners: narrow for rounded
    phones (W, UW, OW), wide for spread ones (IY, AE). None when the mouth cannot be judged, as lip_gap."""
    if lip_gap(face, frame_size) is None:
        return None
    xy = face.landmarks[:, :2] * np.asarray(frame_size, dtype=np.float32)
    eyes = eye_distance(xy)
    return float(np.linalg.norm(xy[61] - xy[291])) / eyes if eyes >= 8.0 else None


def speaking_face(frame: FaceFrame) -> FaceObservation | None:
    """The face whose lips are compared with the voice: the largest one (the candidate at the camera)."""
    return frame.largest


class VoiceEnvelope:
    """Turns 16 kHz samples, fed in any chunk sizes, into 1-3 kHz band energy at 100 values per second.

    Value k covers samples [k*160, k*160 + 400), so its time is k/100 + 0.0125 s on
    the clock of the first sample fed.
    """

    def __init__(self) -> None:
        self._window = np.hanning(_FRAME).astype(np.float32)
        freqs = np.fft.rfftfreq(_FFT, 1.0 / AUDIO_RATE)
        self._band = (freqs >= _BAND_HZ[0]) & (freqs <= _BAND_HZ[1])
        self._tail = np.zeros(0, np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """dB values for every complete 25 ms frame the new samples finish."""
        data = np.concatenate([self._tail, samples.astype(np.float32, copy=False)])
        n = 0 if len(data) < _FRAME else (len(data) - _FRAME) // _HOP + 1
        if n == 0:
            self._tail = data
            return np.zeros(0, np.float32)
        frames = np.lib.stride_tricks.sliding_window_view(data, _FRAME)[::_HOP][:n] * self._window
        power = np.abs(np.fft.rfft(frames, _FFT, axis=1)[:, self._band]) ** 2
        self._tail = data[n * _HOP:]
        return (10.0 * np.log10(power.mean(axis=1) + 1e-10)).astype(np.float32)

    @staticmethod
    def time_offset() -> float:
        return _FRAME / 2 / AUDIO_RATE
