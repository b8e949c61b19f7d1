"""Media input: recordings read with PyAV into timestamped frames and audio chunks."""

from interview_guard.media.core import AUDIO_RATE, AudioChunk, MediaInfo, VideoFrame
from interview_guard.media.reader import RecordingReader, open_recording

__all__ = ["AUDIO_RATE", "AudioChunk", "MediaInfo", "VideoFrame", "RecordingReader", "open_recording"]
