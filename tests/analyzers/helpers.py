"""Build FaceFrames and transcript segments by hand, to drive analyzers with known truth."""

from __future__ import annotations

import numpy as np

from interview_guard.faces.core import FaceFrame, FaceObservation, HeadPose
from interview_guard.speech.core import TranscriptSegment, Word


def face(t: float, track_id: int = 1, x: float = 0.5, size: float = 0.3, in_frame: float = 1.0) -> FaceObservation:
    lm = np.zeros((478, 3), np.float32)
    lm[:, 0] = np.linspace(x - size / 2, x + size / 2, 478)
    lm[:, 1] = np.linspace(0.5 - size / 2, 0.5 + size / 2, 478)
    box = ((x - size / 2) * 640, (0.5 - size / 2) * 480, (x + size / 2) * 640, (0.5 + size / 2) * 480)
    return FaceObservation(t=t, frame_index=int(t * 25), track_id=track_id, box=box, landmarks=lm,
                           blendshapes=np.zeros(52, np.float32), pose=HeadPose(0, 0, 0), in_frame=in_frame)


def frames(duration: float, faces_at, fps: float = 10.0, detail_at=lambda t: 50.0,
           picture_at=lambda t: None) -> list[FaceFrame]:
    """faces_at(t) -> list of FaceObservation for that time; detail_at(t) -> the picture's grey-level spread;
    picture_at(t) -> the frame's reduced picture (a FramePicture, or None as with liveness off)."""
    out = []
    for k in range(int(round(duration * fps))):
        t = round(k / fps, 3)
        out.append(FaceFrame(t=t, frame_index=int(t * 25), frame_size=(640, 480), faces=tuple(faces_at(t)),
                             picture_detail=detail_at(t), picture=picture_at(t)))
    return out


def segment(words: list[tuple[float, float, str]]) -> TranscriptSegment:
    ws = tuple(Word(s, e, w, 0.9) for s, e, w in words)
    return TranscriptSegment(start=ws[0].start, end=ws[-1].end, text=" ".join(w.text for w in ws), words=ws,
                             language="en", language_probability=1.0, avg_logprob=-0.2, no_speech_prob=0.01)


def run(analyzer, face_frames, segments=(), end: float | None = None):
    found = []
    for f in face_frames:
        found += analyzer.on_faces(f)
    for s in segments:
        found += analyzer.on_speech(s)
    found += analyzer.finish(end if end is not None else face_frames[-1].t + 0.1)
    return found
