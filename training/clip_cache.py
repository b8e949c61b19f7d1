"""Per-clip results kept on disk: measuring a clip (landmarks, transcripts) costs seconds, training reads it many times."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cached_per_clip(path: Path, cache_dir: Path, version: str, prefix: str, make: Callable[[Path], T]) -> T:
    """make(path), computed once per clip (its path, size and time, and `version`) and kept in `cache_dir`."""
    st = path.stat()
    key = hashlib.sha256(repr((version, str(path.resolve()), st.st_size, int(st.st_mtime))).encode())
    file = cache_dir / f"{prefix}-{key.hexdigest()[:16]}.pkl"
    if file.is_file():
        with file.open("rb") as f:
            return pickle.load(f)
    value = make(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f)
    tmp.replace(file)
    return value
