"""A trained model's entry in models/manifest.json (bundled, found by interview_guard.model_store): shared by
every training command, and free of torch so that commands without it can write one."""

from __future__ import annotations

import json
from pathlib import Path

from interview_guard.files import file_sha256


def update_manifest(models_dir: Path, name: str, file: Path, description: str) -> None:
    """Add or replace the model's entry in models/manifest.json (bundled, found by model_store)."""
    manifest = models_dir / "manifest.json"
    data = json.loads(manifest.read_text()) if manifest.is_file() else {"schema_version": 1, "models": []}
    entry = {
        "name": name,
        "description": description,
        "licence": "research-use",  # the training data is research-only: see each model's card
        "layout": "file",
        "env": f"IG_MODEL_{name.upper()}",
        "files": [{"file": file.name, "sha256": file_sha256(file), "size": file.stat().st_size}],
        "sources": [{"type": "bundled", "dir": "."}],
    }
    models = [m for m in data["models"] if m["name"] != name]
    index = next((i for i, m in enumerate(data["models"]) if m["name"] == name), len(models))
    models.insert(index, entry)
    data["models"] = models
    manifest.write_text(json.dumps(data, indent=2) + "\n")
