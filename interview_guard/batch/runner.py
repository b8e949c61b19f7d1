"""Run a batch on a local process pool or on Ray, retrying each failed file once, with a progress bar.

The two engines share one loop: submit every file, collect results as they finish, resubmit a failure
once when it may pass the second time. A worker process that dies (out of memory, a crash in native code)
fails only the files it held; the local pool is then rebuilt and the batch goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from interview_guard.batch.worker import FileJob, FileResult, analyze_file, limit_memory
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
                bar.write(f"retrying {Path(result.path).name}: {result.error}")
                engine.submit(by_path[result.path])
                return
            results[result.path] = replace(result, error=_with_attempts(result, attempts[result.path]))
            bar.update(1)
            bar.write(_status_line(result))

        for job in jobs:
            engine.submit(job)
        engine.drain(finished)
    return [results[job.path] for job in jobs]


def _with_attempts(result: FileResult, attempts: int) -> str:
    return f"{result.error} (after {attempts} attempts)" if result.status == "failed" and attempts > 1 else result.error


def _status_line(r: FileResult) -> str:
    name = Path(r.path).name
    if r.status == "failed":
        return f"FAILED  {name}: {r.error}"
    verb = "skipped (already analysed)" if r.status == "skipped" else f"done in {r.seconds:.0f} s"
    return f"{r.status.upper():7} {name}: risk {r.risk_level}, {r.indicators} indicator(s); {verb}"


class _LocalEngine:
    def __init__(self, workers: int, memory_limit_gb: float) -> None:
        self.workers, self.memory_limit_gb = workers, memory_limit_gb
        self.pool = self._new_pool()
        self.futures: dict[Future, FileJob] = {}

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        # spawn: a fresh interpreter per worker (fork would copy the parent's threads and model handles)
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=limit_memory, initargs=(self.memory_limit_gb,))

    def submit(self, job: FileJob) -> None:
        try:
            self.futures[self.pool.submit(analyze_file, job)] = job
        except BrokenProcessPool:
            self.pool = self._new_pool()
            self.futures[self.pool.submit(analyze_file, job)] = job

    def drain(self, finished: Callable[[FileResult], None]) -> None:
        while self.futures:
            done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
            for future in done:
                job = self.futures.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    result = FileResult(job.path, "failed", retryable=True,
                                        error="the worker process died while on this file (out of memory, or a "
                                              "crash in native code)")
                finished(result)

    def __enter__(self) -> "_LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


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
