"""The engine's threads: decode -> faces -> identity and forgery, linked by bounded queues of typed items.

The decode stage drains the source (a recording or a live call) and hands the call's audio to the speech
worker; audio also travels down the frame queues, in source order, to the checks that read it. The
caller's thread takes `Stages.output` and runs the analyzers.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from interview_guard.faces import FaceLandmarkerRunner, FaceTracker
from interview_guard.faces.core import FaceFrame
from interview_guard.faces.second_look import SecondLook
from interview_guard.forgery.stage import ForgeryStage
from interview_guard.identity import IdentityStage
from interview_guard.liveness.measure import with_appearance
from interview_guard.media.core import AudioChunk, VideoFrame
from interview_guard.options import AnalysisOptions
from interview_guard.speech.worker import SpeechWorker
from interview_guard.stages import StageThread

QUEUE_FRAMES = 8  # analysed frames in flight between two stages


@dataclass(frozen=True)
class FacesSeen:
    """A frame and the faces tracked on it, on their way to the identity and forgery stage."""

    frame: VideoFrame
    faces: FaceFrame


Decoded = VideoFrame | AudioChunk  # decode -> faces
Tracked = FacesSeen | AudioChunk  # faces -> identity
Judged = FaceFrame | AudioChunk  # identity -> the analyzers


@dataclass
class Stages:
    threads: list[StageThread]
    output: "queue.Queue[Judged | object]"  # Judged items, then stages.END
    stop: threading.Event
    identity: IdentityStage | None
    second_look: SecondLook | None = None
    forgery: ForgeryStage | None = None

    def stop_and_join(self) -> None:
        """A no-op wait after a clean end; stops the others after an error or an abandoned run."""
        self.stop.set()
        for s in self.threads:
            s.join()

    def raise_first_error(self) -> None:
        for s in self.threads:
            if s.error is not None:
                raise s.error

    def busy(self) -> dict[str, float]:
        """Seconds each stage thread spent working (not waiting on its inbox)."""
        return {s.name: round(s.busy_s, 3) for s in self.threads}

    def parts(self) -> dict[str, float]:
        """What the second look, identity and forgery did inside the faces and identity stages."""
        second = self.second_look
        return {"identity_descriptors": self.identity.descriptors if self.identity else 0,
                "faces_second_look": round(second.busy_s, 3) if second else 0.0,  # inside "faces"
                "second_look_detector_runs": second.detector_runs if second else 0,
                "forgery": round(self.forgery.seconds, 3) if self.forgery else 0.0,  # inside "identity"
                "forgery_crops": self.forgery.crops_scored if self.forgery else 0}


def start_stages(source: Iterable[Decoded], runner: FaceLandmarkerRunner, speech: SpeechWorker | None,
                 options: AnalysisOptions, second: SecondLook | None, analyzers_read_audio: bool) -> Stages:
    """decode -> faces -> identity, each on its own thread; the caller runs the analyzers.
    second: the second look for frames where the landmarker finds no face (None: none); analyzers_read_audio:
    the audio goes on to the analyzers too (AnalysisOptions.analyzers_read_audio_with the session's inputs)."""
    stop = threading.Event()
    frames: queue.Queue[Decoded] = queue.Queue(maxsize=QUEUE_FRAMES)
    faces: queue.Queue[Tracked] = queue.Queue(maxsize=QUEUE_FRAMES)
    described: queue.Queue[Judged] = queue.Queue(maxsize=QUEUE_FRAMES)
    tracker = FaceTracker(options.faces.track_max_gap_s)
    identity = IdentityStage(options.identity) if options.identity.enabled else None
    forgery = ForgeryStage(options.forgery) if options.liveness.enabled and options.forgery.enabled else None

    def route(item: Decoded) -> Decoded | None:
        if isinstance(item, VideoFrame):
            return item
        if speech and item.track == 0:
            speech.put(item)  # blocks when transcription falls behind
        return item if analyzers_read_audio else None

    def faces_of(item: Decoded) -> Tracked:
        if isinstance(item, AudioChunk):
            return item
        raw, search = runner.detect(item), None
        if second is not None:
            if raw:
                second.seen(item, raw)
            else:
                raw, search = second.look(item)
        found = tracker.update(item, raw, search)
        return FacesSeen(item, with_appearance(item, found) if options.liveness.enabled else found)

    def describe(item: Tracked) -> Judged:
        if isinstance(item, AudioChunk):
            return item
        found = identity.process(item.frame, item.faces) if identity else item.faces
        return forgery.process(item.frame, found) if forgery else found

    threads = [
        StageThread("decode", route, stop, source=source, outbox=frames),
        StageThread("faces", faces_of, stop, inbox=frames, outbox=faces),
        StageThread("identity", describe, stop, inbox=faces, outbox=described),
    ]
    for t in threads:
        t.start()
    return Stages(threads, described, stop, identity, second, forgery)
