"""interview-guard: local, explainable checks against candidate fraud in video interviews."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
