"""SessionInputs: what one session is about (who, compared with what), apart from the settings of how it is
analysed (options.AnalysisOptions). The settings can serve every session of a command (a batch, a live agent);
the inputs belong to one. Checked before work starts, as the settings are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from interview_guard.errors import OptionsError

if TYPE_CHECKING:
    from interview_guard.candidates.template import TemplateRound


@dataclass(frozen=True)
class SessionInputs:
    """references: photos (ID, résumé) to compare the candidate with (`reference_mismatch`).
    profile: the candidate's JSON Resume (or text/PDF résumé) whose claims are checked too ("" = none).
    challenges: (start, end) session times when the interviewer asked the candidate to turn the head fully left
        and right, look up and pass a hand across the face (`challenge`).
    candidate_id: the candidate this session belongs to ("" = none named: `candidate_continuity` does not run).
    consent: the candidate agreed that an identity template is kept; without it nothing is kept or compared.
    consent_by: consent given with this session (who recorded it, how); the store records it as it begins.
    rounds: the candidate's stored templates (decrypted by the caller, who holds the store and the key).
    """

    references: tuple[str, ...] = ()
    profile: str = ""
    challenges: tuple[tuple[float, float], ...] = ()
    candidate_id: str = ""
    consent: bool = False
    consent_by: str = ""
    rounds: tuple["TemplateRound", ...] = ()

    def __post_init__(self) -> None:
        for start, end in self.challenges:
            if not 0 <= start < end:
                raise OptionsError(f"a challenge window must start before it ends, from 0 s (got {start}-{end})")

    @property
    def continuity(self) -> bool:
        """The same candidate across sessions is checked: a candidate is named."""
        return bool(self.candidate_id)
