"""Run a batch on a local process pool or on Ray, retrying each failed file once, with a progress bar.

The two engines share one loop: submit every file, collect results as they finish, resubmit a failure
once when it may pass the second time. Locally, a worker that dies or passes its file's time or memory
limit is killed and replaced, and only that file fails. On Ray, the cluster's own memory monitor stops
a task that takes too much; the per-file time limit applies to the local pool only.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from multiprocessing import connection
from pathlib import Path

from tqdm import tqdm

from interview_guard.batch.worker import FileJob, FileResult, analyze_file
from interview_guard.errors import UserError

ATTEMPTS = 2  # a failed file is tried once more


def run_batch(jobs: list[FileJob], workers: int, ray_address: str | None = None, memory_limit_gb: float = 0.0,
              progress: bool = True) -> list[FileResult]:
    """Results in the order of `jobs`."""
    engine = _RayEngine(ray_address, workers) if ray_address else _LocalEngine(workers, memory_limit_gb)
    results: dict[str, FileResult] = {}
    with engine, tqdm(total=len(jobs), unit="file", disable=not progress, desc="batch") as bar:
        attempts = {job.path: 1 for job in jobs}
        by_path = {job.path: job for job in jobs}

        def finished(result: FileResult) -> None:
            if result.status == "failed" and result.retryable and attempts[result.path] < ATTEMPTS:
                attempts[result.path] += 1
                bar.write(f"retrying {Path(result.path).name}: {result.error}", file=sys.stderr)
                engine.submit(by_path[result.path])
                return
            results[result.path] = replace(result, error=_with_attempts(result, attempts[result.path]))
            bar.update(1)
            bar.write(_status_line(result), file=sys.stderr)

        for job in jobs:
            engine.submit(job)
        engine.drain(finished)
    return [results[job.path] for job in jobs]


def _with_attempts(result: FileResult, attempts: int) -> str:
    return f"{result.error} (after {attempts} attempts)" if result.status == "failed" and attempts > 1 else result.error


def failure_line(r: FileResult) -> str:
    """'FAILED  name: why', naming the file once: most errors already start with its path."""
    name = Path(r.path).name
    head, sep, rest = r.error.partition(": ")
    error = rest if sep and Path(head).name == name else r.error
    return f"FAILED  {name}: {error}"


def _status_line(r: FileResult) -> str:
    name = Path(r.path).name
    if r.status == "failed":
        return failure_line(r)
    verb = "skipped (already analysed)" if r.status == "skipped" else f"done in {r.seconds:.0f} s"
    return f"{r.status.upper():7} {name}: risk {r.risk_level}, {r.indicators} indicator(s); {verb}"


class _LocalEngine:
    """Worker processes that each take one file at a time through a pipe. The parent watches every busy
    worker: past its file's time limit, over its memory cap, or dead, the worker is killed and replaced
    and only that file fails."""

    def __init__(self, workers: int, memory_limit_gb: float) -> None:
        import multiprocessing

        # spawn: a fresh interpreter per worker (fork would copy the parent's threads and model handles)
        self.ctx = multiprocessing.get_context("spawn")
        self.memory_limit_gb = memory_limit_gb
        self.workers = [_Worker(self.ctx) for _ in range(workers)]
        self.waiting: deque[FileJob] = deque()

    def submit(self, job: FileJob) -> None:
        self.waiting.append(job)

    def drain(self, finished: Callable[[FileResult], None]) -> None:
        while self.waiting or any(w.job for w in self.workers):
            for w in self.workers:
                if w.job is None and self.waiting:
                    w.start(self.waiting.popleft())
            busy = [w for w in self.workers if w.job is not None]
            ready = connection.wait([w.conn for w in busy], timeout=0.5)
            for w in busy:
                if w.conn in ready:
                    result = w.receive()
                else:
                    result = w.check(self.memory_limit_gb)
                if result is not None:
                    finished(result)

    def __enter__(self) -> "_LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        for w in self.workers:
            w.stop()


class _Worker:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.job: FileJob | None = None
        self.started = 0.0
        self._spawn()

    def _spawn(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=_serve_jobs, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def start(self, job: FileJob) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def receive(self) -> FileResult | None:
        try:
            result = self.conn.recv()
        except (EOFError, OSError):  # it died while sending
            return self._replace("the worker process died while on this file (a crash in native code?)")
        self.job = None
        return result

    def check(self, memory_limit_gb: float) -> FileResult | None:
        """A result when the worker had to be stopped; None while it is fine."""
        assert self.job is not None
        if not self.process.is_alive():
            return self._replace(f"the worker process died while on this file (exit code {self.process.exitcode}; "
                                 f"out of memory, or a crash in native code)")
        if self.job.time_limit_s and time.monotonic() - self.started > self.job.time_limit_s:
            return self._replace(f"took longer than the {self.job.time_limit_s:g} s limit per file (--time-limit)")
        rss = _resident_gb(self.process.pid)
        if memory_limit_gb and rss > memory_limit_gb:
            return self._replace(f"the worker used {rss:.1f} GB, over the {memory_limit_gb:g} GB cap (--max-memory-gb)")
        return None

    def _replace(self, reason: str) -> FileResult:
        assert self.job is not None
        result = FileResult(self.job.path, "failed", seconds=round(time.monotonic() - self.started, 2),
                            error=reason, retryable=True)
        self.process.kill()
        self.process.join()
        self.conn.close()
        self.job = None
        self._spawn()
        return result

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()


def _serve_jobs(conn) -> None:
    """A worker's life: files in, results out, until told to stop."""
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(analyze_file(job))


def _resident_gb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


class _RayEngine:
    """The same jobs as Ray tasks. address: a cluster (`auto`, `ray://host:10001`) or `local` for a Ray
    started in this process with `workers` CPUs."""

    def __init__(self, address: str, workers: int) -> None:
        try:
            import ray
        except ImportError:
            raise UserError("--ray needs Ray: pip install 'interview-guard[ray]'") from None
        self.ray = ray
        self.started_here = not ray.is_initialized()
        if self.started_here:
            kwargs = {"num_cpus": workers, "include_dashboard": False} if address == "local" else {"address": address}
            try:
                # Workers import interview_guard from this environment; carry the repo path for a source checkout.
                ray.init(runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(sys.path)}},
                         logging_level="ERROR", log_to_driver=False, **kwargs)
            except ConnectionError as e:
                raise UserError(f"--ray {address}: cannot reach the Ray cluster ({e})") from e
        self.task = ray.remote(num_cpus=1, max_retries=0)(analyze_file)
        self.refs: dict = {}

    def submit(self, job: FileJob) -> None:
        self.refs[self.task.remote(job)] = job

    def drain(self, finished: Callable[[FileResult], None]) -> None:
        while self.refs:
            (ready,), _ = self.ray.wait(list(self.refs), num_returns=1)
            job = self.refs.pop(ready)
            try:
                result = self.ray.get(ready)
            except self.ray.exceptions.RayError as e:  # the worker died, or the task could not run
                result = FileResult(job.path, "failed", retryable=True, error=f"Ray task failed: {e}"[:500])
            finished(result)

    def __enter__(self) -> "_RayEngine":
        return self

    def __exit__(self, *exc) -> None:
        if self.started_here:
            self.ray.shutdown()
