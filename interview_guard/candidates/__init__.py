"""Candidates across sessions: opt-in identity templates (encrypted), compared round by round."""
