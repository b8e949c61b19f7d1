"""Analyzers: each check consumes face frames and transcript segments and emits Indicators."""

from interview_guard.analyzers.core import Analyzer, CheckStatus, Evidence, Indicator
from interview_guard.analyzers.registry import ANALYZERS, all_checks, build_analyzers

__all__ = ["Analyzer", "CheckStatus", "Evidence", "Indicator", "ANALYZERS", "all_checks", "build_analyzers"]
