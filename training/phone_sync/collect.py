"""The mouth shape and the aligned phones of a real talking clip, as the analysis sees them.

The mouth: the face stage's landmarker and tracker at the video's own rate, the inner-lip gap over the
mouth width (lipsync.signals.lip_gap) and the mouth width over the eye distance (signals.mouth_width). The phones: the speech stage's Whisper words and pocketsphinx forced
alignment (speech/phones.py). Both on the recording's clock, so the clip's own start time is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_guard.options import FULL_RATE_FPS
from interview_guard.speech.core import Phone
from training.clip_cache import cached_per_clip


@dataclass(frozen=True)
class TalkingClip:
    """One clip's mouth samples (t, lip gap, mouth width; None where not judged) and its phones."""

    name: str
    mouths: tuple[tuple[float, float | None, float | None], ...]
    phones: tuple[Phone, ...]


def collect(path: Path, full_rate_fps: float = FULL_RATE_FPS) -> TalkingClip:
    from interview_guard.faces.landmarker import FaceLandmarkerRunner
    from interview_guard.faces.tracker import FaceTracker
    from interview_guard.lipsync.signals import lip_gap, mouth_width, speaking_face
    from interview_guard.media.core import AudioChunk
    from interview_guard.media.reader import open_recording
    from interview_guard.options import FaceOptions, MediaOptions, SpeechOptions
    from interview_guard.speech.transcriber import SpeechTranscriber

    mouths: list[tuple[float, float | None, float | None]] = []
    audio: list[AudioChunk] = []
    tracker = FaceTracker(FaceOptions().track_max_gap_s)
    with open_recording(path, MediaOptions(), need_audio=True, full_rate_fps=full_rate_fps,
                        use_audio=True) as reader, FaceLandmarkerRunner(FaceOptions()) as runner:
        for item in reader.frames_and_audio():
            if isinstance(item, AudioChunk):
                if item.track == 0:
                    audio.append(item)
                continue
            frame = tracker.update(item, runner.detect(item))
            face = speaking_face(frame)
            if face is None:
                mouths.append((item.t, None, None))
            else:
                mouths.append((item.t, lip_gap(face, frame.frame_size), mouth_width(face, frame.frame_size)))
    if not audio:
        return TalkingClip(path.name, tuple(mouths), ())
    samples = np.concatenate([a.samples for a in audio])
    transcriber = SpeechTranscriber(SpeechOptions(check_language=False, cpu_threads=1))
    segments = transcriber.transcribe(samples, audio[0].t)
    return TalkingClip(path.name, tuple(mouths), tuple(p for s in segments for p in s.phones))


def cached_collect(path: Path, cache_dir: Path) -> TalkingClip:
    """collect(), measured once per clip and kept in `cache_dir` (training/clip_cache.py)."""
    return cached_per_clip(path, cache_dir, "phone_sync 2", "talking", collect)
