"""Speech: faster-whisper transcription with word times, whole windows or incrementally."""

from interview_guard.speech.core import TranscriptSegment, Word
from interview_guard.speech.transcriber import SpeechTranscriber, StreamingTranscription

__all__ = ["TranscriptSegment", "Word", "SpeechTranscriber", "StreamingTranscription"]
