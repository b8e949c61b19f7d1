"""Settings that outlive one command: where sessions are kept, for how long, and who may see them.

Read from `config.toml` in the data folder (or the file named by IG_CONFIG); every key is optional:

    [store]
    url = "postgresql+psycopg://ig@db/ig"   # default: SQLite file interview-guard.db in the data folder
    retention_days = 90                      # sessions older than this are purged (0 keeps them forever)
    evidence_thumbnails = true               # JPEGs of the frames an indicator cites, beside the database

    [server]
    token = "a long random string"           # required to serve on any address other than this machine

    [candidates]
    template_key = "..."                     # `interview-guard candidates new-key`; encrypts identity
                                             # templates (or IG_TEMPLATE_KEY); needed only with consent

The data folder is --data-dir, else IG_DATA_DIR, else $XDG_DATA_HOME/interview-guard.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from interview_guard.errors import UserError

CONFIG_NAME = "config.toml"
DB_NAME = "interview-guard.db"
_KNOWN = {"store": {"url", "retention_days", "evidence_thumbnails"}, "server": {"token"},
          "candidates": {"template_key"}}


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    retention_days: int = 90
    evidence_thumbnails: bool = True
    token: str = ""
    template_key: str = ""  # Fernet key for identity templates; "" = none kept or read
    source: Path | None = None  # the file it was read from, for error messages

    @property
    def sessions_dir(self) -> Path:
        """Session folders (evidence, summary.json, report.html, journal) beside the database."""
        return self.data_dir / "sessions"


def default_data_dir(override: Path | None = None) -> Path:
    """--data-dir, else IG_DATA_DIR, else $XDG_DATA_HOME/interview-guard (~/.local/share/interview-guard)."""
    if override is not None:
        return override
    if os.environ.get("IG_DATA_DIR"):
        return Path(os.environ["IG_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "interview-guard"


def load_config(data_dir: Path | None = None) -> Config:
    """The settings for this data folder; defaults where config.toml is silent or absent."""
    folder = default_data_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"data folder {folder}: cannot create it ({e.strerror}); pass --data-dir or set "
                        f"IG_DATA_DIR") from e
    path = Path(os.environ["IG_CONFIG"]) if os.environ.get("IG_CONFIG") else folder / CONFIG_NAME
    raw = _read_toml(path) if path.exists() else {}
    store, server, candidates = raw.get("store", {}), raw.get("server", {}), raw.get("candidates", {})
    url = store.get("url") or f"sqlite:///{(folder / DB_NAME).resolve()}"
    config = Config(data_dir=folder, database_url=url,
                    retention_days=store.get("retention_days", 90),
                    evidence_thumbnails=store.get("evidence_thumbnails", True),
                    token=str(server.get("token", "")),
                    template_key=os.environ.get("IG_TEMPLATE_KEY") or str(candidates.get("template_key", "")),
                    source=path if path.exists() else None)
    _validate(config, path)
    return config


def _read_toml(path: Path) -> dict:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot read the settings ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise UserError(f"{path}: not valid TOML ({e}); fix the file or remove it to use the defaults") from e
    for section, values in raw.items():
        if section not in _KNOWN or not isinstance(values, dict):
            raise UserError(f"{path}: unknown section [{section}]; known: {', '.join(sorted(_KNOWN))}")
        unknown = set(values) - _KNOWN[section]
        if unknown:
            raise UserError(f"{path}: [{section}] has unknown key(s) {', '.join(sorted(unknown))}; "
                            f"known: {', '.join(sorted(_KNOWN[section]))}")
    return raw


def _validate(config: Config, path: Path) -> None:
    if not isinstance(config.retention_days, int) or isinstance(config.retention_days, bool) \
            or config.retention_days < 0:
        raise UserError(f"{path}: [store] retention_days must be a whole number of days, 0 or more "
                        f"(got {config.retention_days!r})")
    if not isinstance(config.evidence_thumbnails, bool):
        raise UserError(f"{path}: [store] evidence_thumbnails must be true or false")
    if config.token and len(config.token) < 16:
        raise UserError(f"{path}: [server] token is too short ({len(config.token)} characters); use 16 or more")
