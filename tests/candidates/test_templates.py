"""Identity templates: what is kept, how it is encrypted, how two sessions are compared."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from interview_guard.candidates.cipher import TemplateCipher, TemplateKeyError, new_key
from interview_guard.candidates.compare import continuity_report
from interview_guard.candidates.template import IdentityTemplate, TemplateBuilder, TemplateRound
from interview_guard.inputs import SessionInputs
from interview_guard.options import ContinuityOptions
from interview_guard.speech.voices import VoicePiece

RNG = np.random.default_rng(3)


def person(seed: int) -> np.ndarray:
    """A fake 128-d descriptor centre; two seeds are ~1.0 apart, like two people for dlib."""
    v = np.random.default_rng(seed).normal(0, 1, 128)
    return v / np.linalg.norm(v) * 0.7


def samples(centre: np.ndarray, n: int, noise: float = 0.02) -> list[np.ndarray]:
    return [centre + RNG.normal(0, noise, 128) for _ in range(n)]


def template(face: np.ndarray | None, voice: np.ndarray | None = None) -> IdentityTemplate:
    return IdentityTemplate(face_mean=None if face is None else tuple(face), face_spread=0.1, face_samples=10,
                            voice_mean=None if voice is None else tuple(voice / np.linalg.norm(voice)),
                            voice_seconds=20.0 if voice is not None else 0.0)


def round_of(n: int, t: IdentityTemplate) -> TemplateRound:
    return TemplateRound(round=n, session_id=f"s{n}", created=datetime(2026, 11, n, tzinfo=timezone.utc), template=t)


def test_a_template_round_trips_encrypted_and_reveals_nothing_in_clear() -> None:
    cipher = TemplateCipher(new_key())
    t = template(person(1), RNG.normal(0, 1, 256))
    payload = cipher.encrypt(t)
    assert b"face_mean" not in payload and str(t.face_mean[0]).encode() not in payload
    assert cipher.decrypt(payload, cipher.key_id) == t


def test_a_tampered_template_or_another_key_is_refused_with_the_reason() -> None:
    cipher, other = TemplateCipher(new_key()), TemplateCipher(new_key())
    payload = bytearray(cipher.encrypt(template(person(1))))
    payload[40] ^= 1
    with pytest.raises(TemplateKeyError, match="integrity check"):
        cipher.decrypt(bytes(payload), cipher.key_id)
    with pytest.raises(TemplateKeyError, match=f"key {cipher.key_id}"):
        other.decrypt(cipher.encrypt(template(person(1))), cipher.key_id)


@pytest.mark.parametrize("key, message", [("", "no key"), ("short", "not a valid key")])
def test_a_missing_or_malformed_key_is_refused(key: str, message: str) -> None:
    with pytest.raises(TemplateKeyError, match=message):
        TemplateCipher(key)


def test_the_main_person_leaves_a_brief_second_face_and_bad_descriptors_out_of_the_mean() -> None:
    a, b = person(1), person(2)
    builder = TemplateBuilder(threshold=0.6)
    for k, vec in enumerate(samples(a, 20) + samples(b, 4) + [a + RNG.normal(0, 0.3, 128)]):
        builder.add_face(float(k), k, vec)
    t = builder.template()
    assert t.face_samples == 20
    assert np.linalg.norm(np.asarray(t.face_mean) - a) < 0.05
    assert t.face_spread < 0.3


def test_the_face_samples_kept_are_bounded_however_long_the_session() -> None:
    builder = TemplateBuilder(threshold=0.6)
    for k, vec in enumerate(samples(person(1), 3000)):
        builder.add_face(k * 2.0, k, vec)
    assert len(builder.samples) == 1000 and builder.seen == 3000
    assert builder.samples[-1].t > 2000  # the reservoir keeps late samples too, not only the first


def test_the_voice_is_the_one_heard_longest_on_the_call_and_needs_enough_speech() -> None:
    cand, interviewer = RNG.normal(0, 1, 256), RNG.normal(0, 1, 256)
    unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
    builder = TemplateBuilder(threshold=0.6)
    builder.add_voice(VoicePiece(0.0, 2.0, unit(interviewer), -20.0, 0.0, track=1))
    builder.add_voice(VoicePiece(2.0, 3.5, unit(cand), -20.0, 2.0))
    assert builder.template().voice_mean is None  # 1.5 s is too little to keep
    for k in range(4):
        builder.add_voice(VoicePiece(4.0 + 2 * k, 6.0 + 2 * k, unit(cand + RNG.normal(0, 0.05, 256)), -20.0, 4.0))
    t = builder.template()
    assert t.voice_seconds == pytest.approx(9.5) and float(np.asarray(t.voice_mean) @ unit(cand)) > 0.99


def test_same_face_same_voice_is_the_same_person_and_says_so_with_distances() -> None:
    face, voice = person(1), RNG.normal(0, 1, 256)
    inputs = SessionInputs(candidate_id="c", consent=True, rounds=(round_of(1, template(face, voice)),))
    report = continuity_report(template(face + 0.01, voice), ContinuityOptions(), inputs)
    assert report.status == "same_person" and report.keep_as_round == 2
    assert "round 1 (2026-11-01)" in report.reason and "voice similarity 1.00" in report.reason


def test_another_face_is_a_different_person_even_when_one_round_matches() -> None:
    a, b = person(1), person(2)
    inputs = SessionInputs(candidate_id="c", consent=True, rounds=(round_of(1, template(a)), round_of(2, template(b))))
    report = continuity_report(template(a), ContinuityOptions(), inputs)
    assert report.status == "different_person"
    assert [c.verdict for c in report.comparisons] == ["same_person", "different_person"]
    assert "not the person of round 2" in report.reason and "Same person as round 1" in report.reason


def test_the_same_face_with_another_voice_is_flagged_as_a_different_voice() -> None:
    face = person(1)
    voice = RNG.normal(0, 1, 256)
    other = voice - (voice @ voice) / (voice @ voice) * voice + RNG.normal(0, 1, 256)  # far from voice
    inputs = SessionInputs(candidate_id="c", consent=True, rounds=(round_of(1, template(face, voice)),))
    report = continuity_report(template(face, other), ContinuityOptions(), inputs)
    assert report.status == "different_voice" and "the voice does not" in report.reason


def test_without_consent_nothing_is_kept_or_compared_and_the_report_says_so() -> None:
    inputs = SessionInputs(candidate_id="c", consent=False)
    report = continuity_report(template(person(1)), ContinuityOptions(), inputs)
    assert report.status == "no_consent" and report.template is None and report.keep_as_round is None
    assert "consent" in report.reason and report.to_dict()["rounds"] == []


def test_a_face_just_under_the_threshold_is_uncertain_not_the_same_person() -> None:
    a = person(1)
    direction = RNG.normal(0, 1, 128)
    near = a + direction / np.linalg.norm(direction) * 0.55  # between 0.5 and 0.6: a look-alike band
    inputs = SessionInputs(candidate_id="c", consent=True, rounds=(round_of(1, template(a)),))
    report = continuity_report(template(near), ContinuityOptions(), inputs)
    assert report.status == "uncertain" and "Cannot tell" in report.reason and "0.55" in report.reason
