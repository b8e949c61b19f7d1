"""Transcription on its own thread, fed through a bounded queue, so faces and speech share the cores."""

from __future__ import annotations

import queue
import threading
import time

from interview_guard.media.core import AudioChunk
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.transcriber import SpeechTranscriber, StreamingTranscription

_STOP = None


class SpeechWorker:
    """put() audio chunks (blocks when the queue is full: back-pressure, not growth);
    take_segments() returns what is ready; finish() flushes, joins and returns the rest."""

    def __init__(self, transcriber: SpeechTranscriber, max_queue: int = 300) -> None:
        self._stream = StreamingTranscription(transcriber)
        self._in: queue.Queue[AudioChunk | None] = queue.Queue(maxsize=max_queue)
        self._out: queue.Queue[TranscriptSegment] = queue.Queue()
        self._error: BaseException | None = None
        self.busy_s = 0.0
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def __enter__(self) -> "SpeechWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def put(self, chunk: AudioChunk) -> None:
        self._raise_if_failed()
        self._in.put(chunk)

    def take_segments(self) -> list[TranscriptSegment]:
        self._raise_if_failed()
        out = []
        while True:
            try:
                out.append(self._out.get_nowait())
            except queue.Empty:
                return out

    def finish(self) -> list[TranscriptSegment]:
        self.close()
        self._raise_if_failed()
        return self.take_segments()

    def close(self) -> None:
        if self._thread.is_alive():
            self._in.put(_STOP)
            self._thread.join()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while (chunk := self._in.get()) is not _STOP:
                self._handle(self._stream.feed, chunk)
            self._handle(lambda _: self._stream.flush(), None)
        except BaseException as e:  # surfaced on the caller's thread
            self._error = e
            while self._in.get() is not _STOP:  # drain so a blocked put() returns
                pass

    def _handle(self, fn, arg) -> None:
        start = time.perf_counter()
        for seg in fn(arg):
            self._out.put(seg)
        self.busy_s += time.perf_counter() - start
