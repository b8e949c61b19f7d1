"""Attach the liveness pixel measurements to a FaceFrame, in the face stage where the image is."""

from __future__ import annotations

from dataclasses import replace

from interview_guard.faces.core import FaceFrame
from interview_guard.liveness.appearance import face_pixel_box, measure_face, measure_picture
from interview_guard.media.core import VideoFrame


def with_appearance(frame: VideoFrame, faces: FaceFrame) -> FaceFrame:
    """The same FaceFrame with a FramePicture and every face's FaceAppearance."""
    size = (frame.image.shape[1], frame.image.shape[0])
    boxes = [face_pixel_box(f.landmarks, size) for f in faces.faces]
    observed = tuple(replace(f, appearance=measure_face(frame.image, f.landmarks, texture=frame.analysed))
                     for f in faces.faces)
    return replace(faces, faces=observed, picture=measure_picture(frame.image, boxes))
