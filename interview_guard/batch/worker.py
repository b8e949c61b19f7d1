"""One recording in a worker process (local pool or Ray task): hash it, skip it when the store already has
it, else analyse it into the store. Models stay loaded in the process between files; time and memory
limits are enforced from outside (runner.py kills a worker that exceeds them), never by signals inside,
which could interrupt an import half way."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from interview_guard.config import load_config
from interview_guard.errors import UserError
from interview_guard.files import file_sha256
from interview_guard.options import AnalysisOptions
from interview_guard.outputs import evidence_frames
from interview_guard.store import open_store


@dataclass(frozen=True)
class FileJob:
    path: str
    options: AnalysisOptions
    data_dir: str  # the store's folder (and its config.toml: a team points it at PostgreSQL)
    time_limit_s: float = 0.0  # 0: none


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # done | skipped (already in the store) | failed
    session_id: str = ""
    risk_level: str = ""
    indicators: int = 0
    duration_s: float = 0.0  # of the recording
    seconds: float = 0.0  # wall time spent on it
    error: str = ""
    retryable: bool = False  # bad input fails the same way twice; anything else is tried once more
    device: str = ""  # where speech ran, and with which model
    model: str = ""
    worker: str = ""  # host:pid


def analyze_file(job: FileJob) -> FileResult:
    from interview_guard.pipeline import analyze_into_store  # the engine loads in the worker, not the parent

    started, path = time.monotonic(), Path(job.path)
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def failed(error: str, retryable: bool) -> FileResult:
        return FileResult(job.path, "failed", seconds=round(time.monotonic() - started, 2), error=error,
                          retryable=retryable, worker=worker)

    try:
        with open_store(load_config(Path(job.data_dir))) as store:
            digest = file_sha256(path)
            done = store.analysed(digest)
            if done:
                record = store.get_session(done)
                return FileResult(job.path, "skipped", done, record.risk_level, record.indicator_count,
                                  record.duration_s, round(time.monotonic() - started, 2), worker=worker)
            summary, recorder = analyze_into_store(store, path, job.options, progress=False, content_hash=digest)
            summary = recorder.complete(summary, evidence_frames(summary))
    except MemoryError:
        return failed("ran out of the memory allowed per worker (--max-memory-gb)", True)
    except UserError as e:
        return failed(str(e), False)
    except Exception as e:  # a bug or a transient problem: reported with its type, tried once more
        return failed(f"{type(e).__name__}: {e}", True)
    return FileResult(job.path, "done", summary.session_id, summary.risk.level, len(summary.indicators),
                      round(summary.source.duration, 2), round(time.monotonic() - started, 2),
                      device=summary.transcript.device, model=summary.transcript.model, worker=worker)
