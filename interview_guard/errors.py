"""Errors that reach the user as one line and exit code 2."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or setup, worded for the user."""

    exit_code = 2


class MediaError(UserError):
    """A recording that cannot be analysed: not media, truncated, missing a stream."""


class ModelError(UserError):
    """A model file that is missing or does not match its manifest."""


class OptionsError(UserError):
    """An option outside its allowed range."""
