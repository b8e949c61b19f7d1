"""The Markdown table every evaluation script prints (so the tables in docs/evaluation.md can be pasted from a run)."""

from __future__ import annotations

from typing import Any


def print_table(header: list[str], rows: list[list[Any]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(str(c).replace("|", "/") for c in r) + " |")
    print(flush=True)
