"""The engine: any Source runs through it, its events arrive in the documented order with the summary last
and once, a failing source surfaces as its own UserError with every thread and model closed, and the store's
recorder, fed the events, holds the indicators the summary holds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from interview_guard.config import load_config
from interview_guard.engine import Engine, Source
from interview_guard.errors import MediaError, UserError
from interview_guard.events import (Finished, Finishing, FrameJudged, IndicatorFound, LanguageChanged,
                                    SegmentsHeard, Started)
from interview_guard.live.source import LiveSource
from interview_guard.media import open_recording
from interview_guard.media.core import AUDIO_RATE, AudioChunk, MediaInfo, VideoFrame
from interview_guard.options import AnalysisOptions, LipSyncOptions, MediaOptions, SpeechOptions
from interview_guard.pipeline import analyze_into_store, recording_events
from interview_guard.store import open_store
from tests.media_factory import _gradient, write_synthetic_video

FPS = 10.0
QUIET = AnalysisOptions(media=MediaOptions(analysis_fps=FPS), speech=SpeechOptions(enabled=False),
                        lip_sync=LipSyncOptions(enabled=False))
STAGE_THREADS = {"decode", "faces", "identity", "speech"}


class GeneratedSource:
    """A Source made here: gradient frames (no face) at the analysis rate and quiet 100 ms audio chunks,
    or an error after `fail_after` frames, or no end at all (seconds=None)."""

    realtime = False

    def __init__(self, seconds: float | None, fail_after: int | None = None) -> None:
        self.seconds, self.fail_after = seconds, fail_after
        self.frames_analysed = self.packets_skipped = 0
        self.last_time = 0.0
        self.closed = False  # the engine stopped reading it (its iterator was closed or ran out)

    @property
    def info(self) -> MediaInfo:
        return MediaInfo(path=Path("generated.mp4"), format="generated", duration=self.seconds or 0.0, origin=0.0,
                         has_video=True, has_audio=True, width=160, height=120, fps=FPS)

    def frames_and_audio(self) -> Iterator[VideoFrame | AudioChunk]:
        i = 0
        try:
            while self.seconds is None or i < self.seconds * FPS:
                if i == self.fail_after:
                    raise MediaError(f"generated.mp4: cannot be decoded past {self.last_time:.1f} s (made up)")
                t = i / FPS
                self.frames_analysed, self.last_time = self.frames_analysed + 1, t
                yield VideoFrame(index=i, t=t, image=_gradient((160, 120), i), source_size=(160, 120))
                yield AudioChunk(t=t, samples=np.zeros(AUDIO_RATE // 10, dtype=np.float32))
                i += 1
        finally:
            self.closed = True

    def problems(self) -> list[str]:
        return ["made-up source problem"]


def _stage_threads_alive() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name in STAGE_THREADS and t.is_alive()}


def test_a_source_made_here_runs_through_and_the_events_keep_their_order() -> None:
    source = GeneratedSource(seconds=3.0)
    assert isinstance(source, Source)
    with Engine(QUIET) as engine:
        events = list(engine.run(source, session_id="s-generated"))
    kinds = [type(e) for e in events]
    assert kinds[0] is Started and kinds[-1] is Finished and kinds.count(Finished) == 1
    assert kinds.count(Finishing) == 1 and Finishing not in kinds[:kinds.index(FrameJudged)]
    assert all(k is not FrameJudged for k in kinds[kinds.index(Finishing):]), "no frame after the media ended"
    frames = [e for e in events if isinstance(e, FrameJudged)]
    assert [f.frame_index for f in frames] == list(range(30)) and frames[-1].frames_analysed == 30
    summary = events[-1].summary
    found = [e.indicator for e in events if isinstance(e, IndicatorFound)]
    assert summary.session_id == "s-generated" and summary.frames_analysed == 30
    assert "no_face" in {i.check for i in summary.indicators} and found
    assert {(i.check, i.start, i.end) for i in found} == {(i.check, i.start, i.end) for i in summary.indicators}
    assert summary.warnings[-1] == "made-up source problem"  # the source's own say comes last
    assert summary.timings["decode"] >= 0 and summary.source.path.name == "generated.mp4"


def test_an_error_in_the_source_surfaces_as_its_user_error_and_everything_closes() -> None:
    with pytest.raises(MediaError, match="generated.mp4: cannot be decoded past") as caught:
        with Engine(QUIET) as engine:
            events = []
            for event in engine.run(GeneratedSource(seconds=None, fail_after=12)):
                events.append(event)
    assert isinstance(caught.value, UserError)
    assert not any(isinstance(e, (Finishing, Finished)) for e in events), "a failed run has no summary"
    assert engine.closed and not _stage_threads_alive()
    with pytest.raises(RuntimeError, match="not open"):
        engine.run(GeneratedSource(seconds=1.0))


def test_a_run_abandoned_half_way_stops_its_threads_when_the_engine_closes() -> None:
    source = GeneratedSource(seconds=None)  # endless: only closing ends it
    with Engine(QUIET) as engine:
        for event in engine.run(source):
            if isinstance(event, FrameJudged) and event.frames_analysed == 5:
                break
        assert _stage_threads_alive() >= {"decode", "faces", "identity"} and not source.closed
    # Joined, not left to notice later: the source is let go before the engine's exit returns.
    assert engine.closed and source.closed and not _stage_threads_alive()


def test_an_engine_runs_one_source() -> None:
    with Engine(QUIET) as engine:
        list(engine.run(GeneratedSource(seconds=0.5)))
        with pytest.raises(RuntimeError, match="one source"):
            engine.run(GeneratedSource(seconds=0.5))


def test_a_recording_and_a_live_call_are_both_sources(tmp_path: Path) -> None:
    clip = write_synthetic_video(tmp_path / "clip.mp4", 1.0)
    with open_recording(clip, need_audio=False) as reader:
        assert isinstance(reader, Source) and reader.realtime is False
    live = LiveSource(QUIET, "s1", "webrtc")
    assert isinstance(live, Source) and live.realtime is True and live.info.format == "webrtc"


def test_the_recorder_fed_the_events_holds_the_indicators_the_summary_holds(tmp_path: Path, data_dir: Path) -> None:
    clip = write_synthetic_video(tmp_path / "call.mp4", 3.0)
    with open_store(load_config(data_dir)) as store:
        summary, recorder = analyze_into_store(store, clip, QUIET, progress=False)
        detail = store.session_detail(summary.session_id)  # the rows written while it ran, before complete()
    assert recorder.session_id == summary.session_id and summary.indicators
    stored = sorted((r["check"], r["start"], r["end"]) for r in detail["indicators"])
    assert stored == sorted((i.check, i.start, i.end) for i in summary.indicators)


@pytest.mark.slow
def test_words_and_findings_arrive_before_the_summary_on_a_real_clip(media_dir: Path) -> None:
    clip = media_dir / "talking_head_real" / "retalking_1_man_suit_interview.mp4"
    options = AnalysisOptions(speech=SpeechOptions(device="cpu"), lip_sync=LipSyncOptions(enabled=False))
    events = list(recording_events(clip, options))
    kinds = [type(e) for e in events]
    assert kinds[0] is Started and kinds[-1] is Finished and kinds.count(Finished) == 1
    assert SegmentsHeard in kinds
    language = kinds.index(LanguageChanged)
    assert language < kinds.index(SegmentsHeard), "the language state comes before the words it judged"
    heard = [s for e in events if isinstance(e, SegmentsHeard) for s in e.segments]
    summary = events[-1].summary
    assert tuple(heard) == summary.transcript.segments and "weakness" in summary.transcript.text.lower()
    times = [e.t for e in events if isinstance(e, FrameJudged)]
    assert times == sorted(times)
