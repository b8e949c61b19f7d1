"""The fixed scales: every series an analyzer makes has one, holding its default thresholds."""

from __future__ import annotations

import pytest

from interview_guard.analyzers.core import Series
from interview_guard.report.scales import SCALES, Scale, y_range
from tests.report.helpers import series


@pytest.mark.parametrize("made", series(), ids=lambda s: s.name)
def test_every_known_series_has_a_fixed_scale_holding_its_thresholds(made: Series) -> None:
    lower, upper = y_range(made)
    assert made.name in SCALES and lower < upper
    assert all(lower <= v <= upper for v in made.limits), (made.name, made.limits, lower, upper)


def test_an_unknown_series_keeps_its_own_range() -> None:
    assert y_range(Series("new_check", "new", "", (1.0, 2.0), (3.0, 5.0))) == (3.0, 5.0)
    assert y_range(Series("new_check", "new", "", (1.0,), (None,), lower=0.0, upper=2.0)) == (0.0, 2.0)


def test_a_scale_must_rise() -> None:
    with pytest.raises(ValueError, match="upper 0.0 must be above lower 1.0"):
        Scale("x", 1.0, 0.0, lambda s, settings: ())
