"""The candidate a profile names, as the store keys them: shared by the recorder (which links a session to
its candidate) and the identity templates (which look the candidate's rounds up), so neither imports the other."""

from __future__ import annotations

import json
from dataclasses import asdict

from interview_guard.store.store import candidate_key


def candidate_id_of(profile_path: str) -> str:
    """The store's id for the candidate a profile names ("" without a profile, or one naming nobody)."""
    candidate = candidate_from_profile(profile_path)
    return candidate_key(candidate["name"], candidate["email"]) if candidate else ""


def candidate_from_profile(profile_path: str) -> dict[str, str] | None:
    """Name, e-mail and the parsed profile, to link sessions of one candidate; None without a profile."""
    if not profile_path:
        return None
    from interview_guard.profile.load import load_profile

    profile = load_profile(profile_path)
    return {"name": profile.name, "email": profile.email,
            "profile_json": json.dumps(asdict(profile), default=str, ensure_ascii=False)}
