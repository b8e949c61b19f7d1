"""Offline training of the project's own models (not part of the wheel); one subpackage per model."""
