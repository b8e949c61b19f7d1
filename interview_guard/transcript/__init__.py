"""Transcript checks: what the candidate says, how and when."""
