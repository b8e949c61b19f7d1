"""analyze_recording(): one recording through the engine -> SessionSummary; analyze_into_store(): the same,
with the store's recorder subscribed to the run's events (`analyze` and analyze-batch use it)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import closing
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from tqdm import tqdm

from interview_guard.analyzers.core import Indicator
from interview_guard.engine import Engine
from interview_guard.events import Event, Finished, Finishing, FrameJudged, IndicatorFound, SegmentsHeard, Started
from interview_guard.files import file_sha256
from interview_guard.inputs import SessionInputs
from interview_guard.media import open_recording
from interview_guard.media.core import MediaInfo
from interview_guard.options import AnalysisOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.summary import SessionSummary

if TYPE_CHECKING:  # the store loads only for analyze_into_store
    from interview_guard.store import Store
    from interview_guard.store.recorder import SessionRecorder

IndicatorCallback = Callable[[Indicator], None]
SegmentsCallback = Callable[[list[TranscriptSegment]], None]
Subscriber = Callable[[Event], None]


def analyze_recording(path: str | Path, options: AnalysisOptions | None = None, progress: bool = True,
                      on_indicator: IndicatorCallback | None = None, on_segments: SegmentsCallback | None = None,
                      on_start: Callable[[MediaInfo], None] | None = None,
                      inputs: SessionInputs | None = None) -> SessionSummary:
    """Analyse one recording end to end with these settings (options) and the session's inputs (references,
    profile, challenge windows, candidate; none by default). Raises UserError subclasses for bad input.

    on_start runs once the recording has opened (the input is accepted); on_indicator and on_segments
    as findings and words arrive."""

    def callbacks(event: Event) -> None:
        if isinstance(event, Started) and on_start:
            on_start(event.info)
        elif isinstance(event, IndicatorFound) and on_indicator:
            on_indicator(event.indicator)
        elif isinstance(event, SegmentsHeard) and on_segments:
            on_segments(list(event.segments))

    return run_recording(path, options or AnalysisOptions(), progress, callbacks, inputs=inputs)


def recording_events(path: str | Path, options: AnalysisOptions,
                     inputs: SessionInputs | None = None) -> Generator[Event, None, None]:
    """The engine's events for one recording; the file opens (and is checked) before the models load."""
    inputs = inputs if inputs is not None else SessionInputs()
    with open_recording(path, options.media, need_audio=options.needs_audio, full_rate_fps=options.full_rate_fps,
                        use_audio=options.reads_audio_with(inputs)) as reader, Engine(options) as engine:
        yield from engine.run(reader, inputs)


def run_recording(path: str | Path, options: AnalysisOptions, progress: bool, *subscribers: Subscriber,
                  inputs: SessionInputs | None = None) -> SessionSummary:
    """Every event to each subscriber in turn (and to a progress bar on stderr); the summary at the end."""
    summary: SessionSummary | None = None
    # closing(): a subscriber's error stops the threads and closes the file now, not when the traceback goes
    with _ProgressBar(Path(path).name, progress) as bar, closing(recording_events(path, options, inputs)) as events:
        for event in events:
            bar.on_event(event)
            for subscriber in subscribers:
                subscriber(event)
            if isinstance(event, Finished):
                summary = event.summary
    assert summary is not None, "a run ends with Finished"
    return summary


def analyze_into_store(store: Store, path: Path, options: AnalysisOptions, progress: bool = True,
                       content_hash: str = "", full_analysis: bool = True,
                       inputs: SessionInputs | None = None) -> tuple[SessionSummary, SessionRecorder]:
    """analyze_recording, its session written to the store as it goes. A recording that cannot be opened
    leaves nothing behind; one that fails later is kept as failed (interrupted: incomplete).
    full_analysis=False (verify: identity only) keeps no content hash, so analyze-batch still analyses the file."""
    from interview_guard.store.recorder import SessionRecorder

    recorder: SessionRecorder | None = None
    inputs = inputs if inputs is not None else SessionInputs()

    def record(event: Event) -> None:
        nonlocal recorder
        if isinstance(event, Started):
            # Hashed once the file opened as media: analyze-batch skips a recording `analyze` already stored.
            recorder = SessionRecorder.begin(
                store, event.session_id, "recording", path.name, str(path.resolve()), inputs.profile,
                content_hash=content_hash or (file_sha256(path) if full_analysis else ""),
                candidate_id=inputs.candidate_id, consent_by=inputs.consent_by)
        assert recorder is not None
        recorder.on_event(event)

    try:
        summary = run_recording(path, options, progress, record, inputs=inputs)
    except KeyboardInterrupt:
        if recorder:
            recorder.fail("interrupted (Ctrl-C) before the end; what was found until then is kept", interrupted=True)
        raise
    except Exception as e:
        if recorder:
            recorder.fail(str(e) or type(e).__name__)
        raise
    assert recorder is not None
    return summary, recorder


class _ProgressBar:
    """Seconds of the recording analysed, on stderr (tqdm), from the run's events."""

    def __init__(self, name: str, enabled: bool) -> None:
        self.name, self.enabled = name, enabled
        self.bar: tqdm | None = None

    def __enter__(self) -> "_ProgressBar":
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, trace: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.close()

    def on_event(self, event: Event) -> None:
        if isinstance(event, Started):
            self.bar = tqdm(total=round(event.info.duration, 1), unit="s", disable=not self.enabled, leave=False,
                            desc=f"analysing {self.name}",
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s "
                                       "[{elapsed}<{remaining}]")
        elif self.bar is None:
            return
        elif isinstance(event, FrameJudged):
            self.bar.update(max(0.0, round(event.t, 1) - self.bar.n))
        elif isinstance(event, Finishing):
            self.bar.set_description("finishing transcription")
        elif isinstance(event, Finished):
            self.bar.update(max(0.0, self.bar.total - self.bar.n))
