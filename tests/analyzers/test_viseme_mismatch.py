"""viseme_mismatch on talking made by hand: lips that close for their own P/B/M, a voice from elsewhere."""

from dataclasses import replace

import numpy as np
import pytest

from interview_guard.analyzers.registry import build_analyzers
from interview_guard.analyzers.viseme_mismatch import VisemeMismatchAnalyzer
from interview_guard.faces.core import FaceFrame
from interview_guard.options import AnalysisOptions, SpeechOptions
from interview_guard.speech.core import Phone
from tests.analyzers.helpers import face, segment

FPS = 25
WORDS = ("problem", "maybe", "about", "number", "people", "remember", "happy", "simple")
OPEN, CLOSED = 0.35, 0.01  # inner-lip gap over mouth width


def speech(duration: float, seed: int) -> list[tuple[str, float, float]]:
    """(word, start, end) every 0.9-1.5 s, each with one bilabial phone in its middle."""
    rng = np.random.default_rng(seed)
    out, t = [], 0.5
    while t < duration - 1.0:
        length = rng.uniform(0.4, 0.6)
        out.append((WORDS[len(out) % len(WORDS)], t, t + length))
        t += length + rng.uniform(0.5, 0.9)
    return out


def bilabial(word: str, start: float, end: float) -> Phone:
    middle = (start + end) / 2
    return Phone("B", round(middle - 0.04, 2), round(middle + 0.04, 2), word)


def segments(words: list[tuple[str, float, float]], language: str = "en", per: int = 5):
    """Transcript segments of `per` words; English ones carry a vowel and a bilabial per word."""
    out = []
    for k in range(0, len(words), per):
        chunk = words[k:k + per]
        seg = replace(segment([(s, e, w) for w, s, e in chunk]), language=language)
        if language == "en":
            phones = []
            for w, s, e in chunk:
                phones += [Phone("AH", round(s, 2), round((s + e) / 2 - 0.04, 2), w), bilabial(w, s, e)]
            seg = replace(seg, phones=tuple(phones))
        out.append(seg)
    return out


def mouth(said: list[tuple[str, float, float]]):
    """The lip gap of a mouth that says `said`: open while talking, shut for each bilabial."""
    shut = [bilabial(*w) for w in said]
    return lambda t: CLOSED if any(p.start - 0.02 <= t <= p.end + 0.02 for p in shut) else OPEN


def talking_face(t: float, gap: float, yaw: float = 0.0):
    f = face(t)
    lm = f.landmarks.copy()
    lm[61], lm[291] = (0.45, 0.6, 0), (0.55, 0.6, 0)  # mouth corners 64 px apart in 640x480
    lm[13], lm[14] = (0.5, 0.6, 0), (0.5, 0.6 + gap * 64 / 480, 0)
    return replace(f, landmarks=lm, pose=replace(f.pose, yaw=yaw), frame_index=int(round(t * FPS)))


def run(duration: float, gap_at, segs, yaw_at=lambda t: 0.0, options: AnalysisOptions | None = None):
    analyzer = VisemeMismatchAnalyzer.from_settings(options or AnalysisOptions())
    found, pending = [], list(segs)
    for k in range(int(duration * FPS)):
        t = k / FPS
        f = FaceFrame(t, k, (640, 480), (talking_face(t, gap_at(t), yaw_at(t)),), analysed=k % 3 == 0)
        found += analyzer.on_faces(f)
        while pending and pending[0].end + 2.0 <= t:  # words come from the speech stage a little later
            found += analyzer.on_speech(pending.pop(0))
    for s in pending:
        found += analyzer.on_speech(s)
    return analyzer, found + analyzer.finish(duration)


def test_a_dubbed_voice_is_flagged_with_its_words_times_and_mouth_frames():
    seen, heard = speech(40.0, seed=1), speech(40.0, seed=2)
    analyzer, found = run(40.0, mouth(seen), segments(heard))
    assert [i.check for i in found] == ["viseme_mismatch"]
    ind = found[0]
    assert ind.measurements["bilabials"] == len(heard)
    assert ind.score >= 0.6 and ind.measurements["missed_share"] == ind.score
    assert "the lips never closed for the b in '" in ind.reason
    ev = ind.evidence[0]
    assert ev.note.startswith("the lips never closed for the b in ") and f"at {ev.start + 0.08:.1f} s" in ev.note
    assert ev.words in WORDS and ev.words in ev.note
    assert ev.frame_indices and ev.start <= ev.frame_indices[0] / FPS <= ev.end
    assert analyzer.status(40.0)[0].level in ("amber", "red")
    (share,) = analyzer.series()
    assert len(share.times) == len(heard) and share.values[-1] == ind.score


def test_a_speaker_who_closes_the_lips_for_their_own_bilabials_is_not_flagged():
    said = speech(40.0, seed=3)
    analyzer, found = run(40.0, mouth(said), segments(said))
    assert found == []
    assert len(analyzer.judged) == len(said) and all(c.closed for c in analyzer.closures()[1])
    assert set(analyzer.series()[0].values) == {0.0}
    status = analyzer.status(40.0)[0]
    assert status.level == "green" and f"0 of {len(said)}" in status.reason


def test_the_same_voice_shifted_half_a_second_misses_the_closures():
    said = speech(40.0, seed=4)
    late = [(w, s + 0.5, e + 0.5) for w, s, e in said]
    _, found = run(41.0, mouth(said), segments(late))
    assert [i.check for i in found] == ["viseme_mismatch"]


def test_a_voice_over_a_mouth_resting_shut_is_a_mismatch():
    # Shut lips are not a bilabial unless they moved: a voice goes on while the mouth rests closed.
    said = speech(20.0, seed=9)
    heard = said + [(w, s + 20.0, e + 20.0) for w, s, e in speech(20.0, seed=10)]
    analyzer, found = run(40.0, lambda t: mouth(said)(t) if t < 20.0 else CLOSED, segments(heard))
    assert [i.check for i in found] == ["viseme_mismatch"]
    assert all(e.start >= 19.5 for e in found[0].evidence)
    assert "the lips stayed shut and never moved for the b in" in found[0].evidence[0].note
    assert all(c.closed for c in analyzer.closures()[1] if c.phone.start < 19.5)


def test_a_steady_offset_under_the_av_offset_threshold_is_not_a_mismatch():
    said = speech(40.0, seed=4)
    late = [(w, s + 0.19, e + 0.19) for w, s, e in said]
    analyzer, found = run(41.0, mouth(said), segments(late))
    assert sum(not c.at(0.0).closed for c in analyzer.judged) > len(said) / 2  # missed, read at no lag
    assert found == [] and 0.0 < analyzer.closures()[0] <= 0.2  # judged at a lag the voice's way


def test_confidence_grows_with_the_bilabials_judged_and_a_few_say_it_is_weak():
    short = run(8.0, mouth(speech(8.0, seed=5)), segments(speech(8.0, seed=8)))[1]
    long = run(60.0, mouth(speech(60.0, seed=5)), segments(speech(60.0, seed=6)))[1]
    assert short and long
    assert short[0].confidence < 0.4 < long[0].confidence <= 0.9
    assert "weak signal" in short[0].reason and "weak signal" not in long[0].reason


def test_a_turned_face_is_not_judged():
    seen, heard = speech(40.0, seed=1), speech(40.0, seed=2)
    analyzer, found = run(40.0, mouth(seen), segments(heard), yaw_at=lambda t: 60.0)
    assert found == [] and analyzer.judged == []
    assert analyzer.status(40.0)[0].level == "unknown"


def test_bilabials_while_the_face_turns_away_are_left_out():
    seen, heard = speech(40.0, seed=1), speech(40.0, seed=2)
    _, found = run(40.0, mouth(seen), segments(heard), yaw_at=lambda t: 60.0 if t >= 20 else 0.0)
    assert [i.check for i in found] == ["viseme_mismatch"]
    ind = found[0]
    assert ind.end < 20.2 and ind.measurements["unjudged_bilabials"] > 0
    assert ind.measurements["bilabials"] + ind.measurements["unjudged_bilabials"] == len(heard)


def test_speech_in_another_language_is_reported_as_not_judged():
    said = speech(20.0, seed=7)
    analyzer, found = run(20.0, mouth(said), segments(said, language="fr"))
    assert found == [] and analyzer.judged == []
    assert "French" in analyzer.not_judged()["viseme_mismatch"]
    assert "not in English" in analyzer.status(20.0)[0].reason


def test_runs_only_with_lip_sync_speech_and_phone_alignment():
    def names(o):
        return [type(a).__name__ for a in build_analyzers(o)]
    assert "VisemeMismatchAnalyzer" in names(AnalysisOptions())
    assert "VisemeMismatchAnalyzer" not in names(AnalysisOptions(speech=SpeechOptions(align_phones=False)))


@pytest.mark.parametrize("field,value", [("viseme_miss_share", 1.5), ("viseme_closed_ratio", 0.0),
                                         ("viseme_min_bilabials", 0)])
def test_bad_thresholds_are_refused(field, value):
    from interview_guard.options import LipSyncOptions
    with pytest.raises(Exception, match="viseme"):
        AnalysisOptions(lip_sync=LipSyncOptions(**{field: value}))
