"""Faces: MediaPipe Face Landmarker per analysed frame, tracked across frames."""

from interview_guard.faces.core import FaceFrame, FaceObservation, HeadPose
from interview_guard.faces.landmarker import FaceLandmarkerRunner
from interview_guard.faces.tracker import FaceTracker

__all__ = ["FaceFrame", "FaceObservation", "HeadPose", "FaceLandmarkerRunner", "FaceTracker"]
