"""Speech that is not English: checks that read English words say "cannot judge", and every place that shows the
transcript says what it is (summary.json, report.html, the live page's message, the review page's data)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from interview_guard.analyzers.claims import ClaimsAnalyzer
from interview_guard.analyzers.conversation import ConversationAnalyzer
from interview_guard.inputs import SessionInputs
from interview_guard.live.journal import language_message, transcript_message
from interview_guard.options import AnalysisOptions, IdentityOptions, LipSyncOptions, LivenessOptions
from interview_guard.speech.core import TranscriptSegment
from interview_guard.speech.language import SWITCHED, TranscriptLanguage
from tests.analyzers.helpers import segment
from tests.conftest import run_ffmpeg
from tests.profile.resumes import write
from tests.speech.test_cadence import fluent, hesitant

PROFILE = {"basics": {"name": "Sam Lee"},
           "work": [{"name": "Oracle", "position": "Engineer", "startDate": "2021-03"}]}
CLAIM = [(1.0, 1.2, "I"), (1.2, 1.5, "joined"), (1.5, 1.9, "Oracle"), (1.9, 2.0, "in"), (2.0, 2.5, "2019.")]


def _claims(tmp_path: Path, seg: TranscriptSegment) -> tuple[list, dict[str, str]]:
    analyzer = ClaimsAnalyzer(str(write(tmp_path, PROFILE)))
    found = analyzer.on_speech(seg) + analyzer.finish(10.0)
    return found, analyzer.not_judged()


def test_an_english_claim_is_still_judged(tmp_path: Path) -> None:
    found, not_judged = _claims(tmp_path, segment(CLAIM))
    assert [i.check for i in found] == ["claim_contradiction"] and not_judged == {}


@pytest.mark.parametrize("language, trusted", [("zh", False), ("hi", True)])
def test_a_claim_in_invented_or_other_language_words_cannot_be_judged(tmp_path: Path, language: str,
                                                                       trusted: bool) -> None:
    found, not_judged = _claims(tmp_path, replace(segment(CLAIM), language=language, trusted=trusted))
    assert found == []
    assert "cannot judge" in not_judged["claim_contradiction"] and f"({language})" in not_judged["claim_contradiction"]


def _read_aloud(fluent_language: str) -> tuple[list, dict[str, str]]:
    class Levels:
        def pauses(self, start: float, end: float, pause_s: float) -> list[tuple[float, float]]:
            return []

    analyzer = ConversationAnalyzer.from_settings(AnalysisOptions())
    answers = [hesitant(0), hesitant(20), fluent(40), hesitant(60)]
    analyzer.segments = [TranscriptSegment(w[0].start, w[-1].end, "", tuple(w), lang, 1.0, -0.2, 0.0)
                         for w, lang in zip(answers, ["en", "en", fluent_language, "en"])]
    analyzer.levels = Levels()
    analyzer._answer_spans = lambda candidate, interviewer: [(w[0].start, w[-1].end) for w in answers]
    return analyzer._read_aloud(0, 1), analyzer.not_judged()


def test_a_fluent_answer_in_another_language_is_not_called_read() -> None:
    found, _ = _read_aloud("en")
    assert [i.start for i in found] == [40.0]  # the control: in English it is flagged
    found, not_judged = _read_aloud("de")
    assert found == [] and "German (de)" in not_judged["read_aloud"]


def test_the_live_messages_carry_the_language_and_the_warning() -> None:
    invented = replace(segment(CLAIM), language="zh", trusted=False)
    assert transcript_message(invented)["trusted"] is False and transcript_message(invented)["language"] == "zh"
    state = TranscriptLanguage(status=SWITCHED, expected="en", language="zh", probability=0.99, since=1.0,
                               model="whisper-base")
    message = language_message(state, 1.0)
    assert message["type"] == "transcript_language" and message["status"] == "switched"
    assert "did not speak English" in message["reason"] and message["trusted"] is True


# end to end: real Mandarin speech through the whole pipeline -------------------------------------------------


@pytest.fixture(scope="module")
def mandarin_clip(media_dir: Path, ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mandarin") / "answer.mp4"
    run_ffmpeg(ffmpeg, "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=10",
               "-i", str(media_dir / "speech" / "chinese_news_zh.wav"), "-shortest", "-c:v", "libx264",
               "-c:a", "aac", str(out))
    return out


def test_mandarin_is_never_shown_as_english_and_no_word_check_judges_it(mandarin_clip: Path, tmp_path: Path) -> None:
    from interview_guard.outputs import write_outputs
    from interview_guard.pipeline import analyze_recording

    options = AnalysisOptions(identity=IdentityOptions(enabled=False), lip_sync=LipSyncOptions(enabled=False),
                              liveness=LivenessOptions(enabled=False))
    summary = analyze_recording(mandarin_clip, options, progress=False,
                                inputs=SessionInputs(profile=str(write(tmp_path, PROFILE))))
    assert summary.transcript.segments and {s.language for s in summary.transcript.segments} == {"zh"}
    assert not [i for i in summary.indicators if i.check in ("claim_contradiction", "read_aloud")]
    assert "claim_contradiction" in summary.checks_not_judged
    d = summary.to_dict()
    check = d["transcript"]["language_check"]
    assert (check["status"], check["language"], check["model"]) == ("switched", "zh", "whisper-base")
    assert check["checks"] and check["checks"][0]["why"] == "first speech"
    assert any("did not speak English" in w for w in d["warnings"])
    assert d["timings"]["language_check"] > 0
    write_outputs(summary, tmp_path / "out")
    html = (tmp_path / "out" / "report.html").read_text()
    assert "id=transcript-language" in html and "did not speak English" in html and "[zh]" in html
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert on_disk["transcript"]["language_check"]["status"] == "switched"
