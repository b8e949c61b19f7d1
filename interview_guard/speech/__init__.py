"""Speech: faster-whisper transcription with word times, whole windows or incrementally."""

from interview_guard.speech.core import TranscriptSegment, Word

__all__ = ["TranscriptSegment", "Word", "SpeechTranscriber", "StreamingTranscription"]


def __getattr__(name: str):
    """The transcriber loads NumPy and PyAV: only on first use, so the speech types stay light to import."""
    if name in ("SpeechTranscriber", "StreamingTranscription"):
        from interview_guard.speech import transcriber

        return getattr(transcriber, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
