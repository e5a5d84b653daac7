"""Tests of linearnet.report: printed numbers that no machine's rounding can change."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from linearnet import report

SPECS = [".0f", ".2f", ".4f"]


def _boundaries_near(x: float, spec: str) -> list[Decimal]:
    """The rounding boundaries of a fixed-point `spec` next to x, exactly: printed ± half a unit."""
    printed = Decimal(format(x, spec))
    half_unit = Decimal(5) * Decimal(10) ** -(int(spec[1:-1]) + 1)
    return [printed - half_unit, printed + half_unit]


@given(
    x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda a: abs(a) > 1e-3),
    spec=st.sampled_from(SPECS),
    rtol=st.sampled_from([1e-9, 1e-6, 1e-3]),
)
def test_stable_prints_format_and_raises_exactly_near_a_boundary(
    x: float, spec: str, rtol: float
) -> None:
    margin = Decimal(rtol * abs(x))
    # the reference: exact decimal distance from x to the nearest rounding boundary
    distance = min(abs(Decimal(x) - b) for b in _boundaries_near(x, spec))
    if distance > 2 * margin:
        assert report.stable(x, spec, rtol=rtol) == format(x, spec)
    elif distance < margin / 2:
        with pytest.raises(ValueError, match="rounding boundary"):
            report.stable(x, spec, rtol=rtol)


@pytest.mark.parametrize(
    ("x", "spec"),
    [(0.12345, ".4f"), (2.5, ".0f"), (0.9995, ".3g"), (999.9995, ".6g"), (1005.0, ".2e")],
)
def test_stable_raises_on_a_value_at_a_boundary(x: float, spec: str) -> None:
    with pytest.raises(ValueError, match="Print fewer digits, or a bound"):
        report.stable(x, spec)


def test_stable_vector_checks_every_entry() -> None:
    assert report.stable(np.array([1.5326, 2.0303, -0.978]), ".2f") == "[1.53 2.03 -0.98]"
    with pytest.raises(ValueError, match=r"0\.125"):
        report.stable([1.0, 0.125], ".2f")


def test_stable_absolute_margin_for_values_near_zero() -> None:
    assert report.stable(2e-4, ".3f", atol=1e-9) == "0.000"
    with pytest.raises(ValueError, match=r"'-0\.000', '0\.000'"):
        report.stable(1e-12, ".3f", atol=1e-9)  # another machine may print -0.000


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"rtol": -1.0}, "non-negative"), ({"rtol": 0.0, "atol": 0.0}, "not both 0")],
)
def test_stable_rejects_bad_tolerances(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        report.stable(1.0, ".2f", **kwargs)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_stable_rejects_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        report.stable(bad, ".2f")


def test_stable_rejects_matrices() -> None:
    with pytest.raises(ValueError, match=r"1-D array; received an array of shape \(2, 2\)"):
        report.stable(np.eye(2), ".2f")


@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.floats(-50, 50))
def test_first_below_is_the_first_index_below_when_clear(values: list[float], t: float) -> None:
    margin = 1e-6 * abs(t)
    index = next((i for i, a in enumerate(values) if a < t), None)  # the reference: a loop
    clear = index is not None and all(abs(a - t) > margin for a in values[: index + 1])
    if clear:
        assert report.first_below(values, t) == index
    else:
        with pytest.raises(ValueError, match=r"no value falls below|within"):
            report.first_below(values, t)


def test_first_below_raises_on_an_ambiguous_crossing() -> None:
    with pytest.raises(ValueError, match=r"values\[1\] = 1.0000000001 lies within"):
        report.first_below([3.0, 1.0000000001, 0.5], 1.0)


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]]])
def test_first_below_rejects_bad_shapes(bad: list[object]) -> None:
    with pytest.raises(ValueError, match="non-empty 1-D array"):
        report.first_below(bad, 1.0)
