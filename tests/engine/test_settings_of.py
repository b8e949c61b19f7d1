"""The settings a summary records are generated from the settings type, with the session's inputs where
summary.json has always carried them; a run takes the inputs apart from the settings."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime, timezone

from interview_guard.candidates.template import IdentityTemplate, TemplateRound
from interview_guard.engine import Engine
from interview_guard.engine.run import settings_of
from interview_guard.events import Finished
from interview_guard.inputs import SessionInputs
from interview_guard.options import AnalysisOptions, IdentityOptions
from tests.engine.test_engine import QUIET, GeneratedSource

TEMPLATE = IdentityTemplate(face_mean=(0.1,) * 128, face_spread=0.1, face_samples=5, voice_mean=None,
                            voice_seconds=0.0)


def test_every_settings_field_is_recorded_identity_included() -> None:
    settings = AnalysisOptions(identity=IdentityOptions(match_threshold=0.55))
    recorded = settings_of(settings)
    for f in fields(AnalysisOptions):
        group = asdict(getattr(settings, f.name))
        assert set(group) <= set(recorded[f.name]), f.name
        assert all(recorded[f.name][k] == v for k, v in group.items()), f.name
    assert recorded["identity"]["match_threshold"] == 0.55 and recorded["identity"]["references"] == []


def test_the_inputs_are_recorded_where_readers_look_for_them_and_no_more() -> None:
    rounds = (TemplateRound(round=3, session_id="s3", created=datetime(2026, 11, 1, tzinfo=timezone.utc),
                            template=TEMPLATE),)
    inputs = SessionInputs(references=("/home/dana/ids/alex passport.jpg",), profile="cv.json",
                           challenges=((90.0, 110.0),), candidate_id="c1", consent=True, consent_by="Dana",
                           rounds=rounds)
    recorded = settings_of(AnalysisOptions(), inputs)
    assert recorded["identity"]["references"] == ["alex passport.jpg"]  # the name, never the folders
    assert recorded["liveness"]["challenges"] == [[90.0, 110.0]] and recorded["profile"] == "cv.json"
    continuity = recorded["continuity"]
    assert (continuity["candidate_id"], continuity["consent"], continuity["rounds"]) == ("c1", True, [3])
    assert continuity["face_threshold"] == 0.6 and "Dana" not in str(recorded) and "face_mean" not in str(recorded)


def test_a_run_takes_the_sessions_inputs_apart_from_the_settings() -> None:
    with Engine(QUIET) as engine:
        events = list(engine.run(GeneratedSource(seconds=1.0), SessionInputs(challenges=((0.0, 0.5),))))
    summary = events[-1].summary
    assert isinstance(events[-1], Finished) and "challenge" in summary.checks_run
    assert summary.settings["liveness"]["challenges"] == [[0.0, 0.5]]
    with Engine(QUIET) as engine:
        plain = list(engine.run(GeneratedSource(seconds=1.0)))[-1].summary
    assert "challenge" not in plain.checks_run and plain.settings["liveness"]["challenges"] == []
