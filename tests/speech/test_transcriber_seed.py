"""Whisper's sampling fallback is seeded, so that re-checking a recording gives the same words."""

from __future__ import annotations

import sys
import types

import ctranslate2

from interview_guard.speech import transcriber


def test_loading_whisper_seeds_ctranslate2_before_the_model_exists(monkeypatch):
    calls: list[tuple[str, object]] = []
    monkeypatch.setattr(ctranslate2, "set_random_seed", lambda seed: calls.append(("seed", seed)))
    fake = types.ModuleType("faster_whisper")
    fake.WhisperModel = lambda *a, **k: calls.append(("model", a[0])) or "model"
    monkeypatch.setitem(sys.modules, "faster_whisper", fake)
    monkeypatch.setattr(transcriber, "resolve_model", lambda name: f"/models/{name}")
    assert transcriber.load_whisper.__wrapped__("whisper-tiny.en", "cpu", "int8", 1) == "model"
    assert calls == [("seed", transcriber._WHISPER_SEED), ("model", "/models/whisper-tiny.en")]
