"""What `live` prints about how it ends and about the page: a recording without a page ends by itself, and
where no browser can be opened the URL to open is printed instead of a claim that the page was opened."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

from interview_guard.cli import main
from interview_guard.live import cli as live_cli


@pytest.fixture
def no_wait(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The server returns at once instead of serving until Ctrl-C; the pages webbrowser.open was given."""
    async def stopped() -> None:
        return None

    opened: list[str] = []
    monkeypatch.setattr(live_cli, "_until_stopped", stopped)
    monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: opened.append(url) or True)
    return opened


def test_a_recording_without_a_page_says_it_ends_with_the_recording(monkeypatch, tmp_path: Path, capsys) -> None:
    class Session:
        id = "s1"

    async def start(agent, args):
        return Session()

    async def wait(session) -> int:
        return 0

    monkeypatch.setattr(live_cli, "_start_source", start)
    monkeypatch.setattr(live_cli, "_wait_for_end", wait)
    assert main(["live", "--no-browser", "--source", str(tmp_path / "call.mp4"), "--port", "0",
                 "--data-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "Ctrl-C to stop" not in err, err
    assert "ends when call.mp4 has played to its end; Ctrl-C stops it early" in err, err


def _no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    def none(*args, **kwargs):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none)


@pytest.mark.parametrize("setup", ["no browser registered", "open fails", "no display"])
def test_live_without_a_browser_prints_the_url_to_open(setup: str, no_wait: list[str], monkeypatch, tmp_path: Path,
                                                       capsys) -> None:
    monkeypatch.setattr(live_cli.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("BROWSER", raising=False)
    if setup == "no browser registered":
        _no_browser(monkeypatch)
    elif setup == "open fails":
        monkeypatch.setattr(webbrowser, "get", lambda *a: object())
        monkeypatch.setattr(webbrowser, "open", lambda url, *a, **k: no_wait.append(url) and False)
    else:
        monkeypatch.delenv("DISPLAY")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["live", "--port", "0", "--data-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "no browser to open here: open http://127.0.0.1:" in err and "in a browser on this machine" in err, err
    assert "opened http" not in err and ":0/" not in err  # the port bound, not 0
    if setup == "no display":
        assert no_wait == []  # a console browser would take over the terminal


def test_live_with_a_browser_says_it_opened_the_page(no_wait: list[str], monkeypatch, tmp_path: Path,
                                                     capsys) -> None:
    monkeypatch.setattr(live_cli.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(webbrowser, "get", lambda *a: object())
    assert main(["live", "--port", "0", "--data-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    (url,) = no_wait
    assert f"opened {url} in the browser" in err and "no browser" not in err
