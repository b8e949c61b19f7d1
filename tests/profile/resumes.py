"""JSON Resume documents built at test time: a clean one, and the same with planted problems."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

CLEAN: dict[str, Any] = {
    "basics": {
        "name": "Ana Ruiz", "email": "ana.ruiz@example.com", "phone": "+34 612 345 678",
        "location": {"city": "Madrid", "countryCode": "ES"},
        "profiles": [{"network": "LinkedIn", "username": "anaruiz", "url": "https://www.linkedin.com/in/anaruiz"},
                     {"network": "GitHub", "username": "aruiz", "url": "https://github.com/aruiz"}],
    },
    "work": [
        {"name": "Globex", "position": "Senior Backend Engineer", "startDate": "2021-03"},
        {"name": "Initech", "position": "Backend Engineer", "startDate": "2017-09", "endDate": "2021-02"},
    ],
    "education": [
        {"institution": "Universidad Politécnica de Madrid", "area": "Computer Science",
         "studyType": "Bachelor", "startDate": "2013-09", "endDate": "2017-06"},
    ],
    "skills": [{"name": "Python"}, {"name": "PostgreSQL"}],
}


def resume(**changes: Any) -> dict[str, Any]:
    """CLEAN with dotted-path changes, e.g. resume(**{"basics.phone": "+1 555"})."""
    doc = copy.deepcopy(CLEAN)
    for dotted, value in changes.items():
        node: Any = doc
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return doc


def write(tmp: Path, doc: Any, name: str = "profile.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path
