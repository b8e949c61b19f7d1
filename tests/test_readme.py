"""The README after its split (issue 25): CI runs the test command it shows, and its links to docs/ land."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(((?:docs/|\.\./|\w[\w-]*\.md)[^)\s]*)\)")


def _anchor(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(markdown: str) -> set[str]:
    fence, found = False, set()
    for line in markdown.splitlines():
        if line.startswith("```"):
            fence = not fence
        elif not fence and line.startswith("#"):
            found.add(_anchor(line.lstrip("#")))
    return found


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in LINK.findall(page.read_text()):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve()
        if not file.is_file():
            broken.append(f"{page.name}: {target} (no such file)")
        elif anchor and anchor not in _anchors(file.read_text()):
            broken.append(f"{page.name}: {target} (no such heading in {file.name})")
    return broken


def test_ci_runs_the_test_command_the_quick_start_shows() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme[readme.index("## Quick start"):readme.index("\n## ", readme.index("## Quick start"))]
    (command,) = [line for line in quick_start.splitlines() if line.startswith("python -m pytest")]
    assert command in (REPO / ".ci" / "run").read_text().splitlines()


def test_the_first_screen_says_how_to_install_and_run() -> None:
    first_screen = "\n".join((REPO / "README.md").read_text().splitlines()[:40])
    assert 'pip install -e ".[test]"' in first_screen and "\ninterview-guard demo\n" in first_screen


def test_links_between_the_readme_and_docs_land() -> None:
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    assert len(pages) >= 3
    assert [b for page in pages for b in broken_links(page)] == []


def test_a_broken_link_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A page\n\n## Fusion rule (v1)\n")
    page = tmp_path / "index.md"
    page.write_text("[ok](a.md#fusion-rule-v1), [gone](b.md), [no heading](a.md#checks)\n")
    assert broken_links(page) == ["index.md: b.md (no such file)", "index.md: a.md#checks (no such heading in a.md)"]
