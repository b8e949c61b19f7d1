"""Which recordings a batch covers: folders, globs and list files, resolved to distinct files."""

from __future__ import annotations

import glob
from pathlib import Path

from interview_guard.errors import UserError

MEDIA_SUFFIXES = {".mp4", ".webm", ".mkv", ".mov", ".mpg", ".mpeg", ".m4v", ".avi"}
LIST_SUFFIXES = {".txt", ".lst", ".list"}


def collect_recordings(specs: list[str]) -> list[Path]:
    """Folders (searched recursively for media files), glob patterns, list files (one path per line, # for
    comments, relative to the list's folder) and plain files; in the order given, each file once."""
    found: list[Path] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
        elif path.is_file() and path.suffix.lower() in LIST_SUFFIXES:
            found += _from_list(path)
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(spec):
            matches = sorted(Path(p) for p in glob.glob(spec, recursive=True) if Path(p).is_file())
            if not matches:
                raise UserError(f"{spec}: the pattern matches no file")
            found += matches
        else:
            raise UserError(f"{spec}: no such file or folder")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise UserError(f"no recordings found in {' '.join(specs)} (looked for {', '.join(sorted(MEDIA_SUFFIXES))})")
    return unique


def _from_list(path: Path) -> list[Path]:
    files = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        item = Path(line) if Path(line).is_absolute() else path.parent / line
        if not item.is_file():
            raise UserError(f"{path}:{number}: {line}: no such file")
        files.append(item)
    return files

