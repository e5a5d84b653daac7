"""Tests of linearnet.datasets: the NIST Longley data, its certificates, and the solvers on it.

The certified coefficients are reproduced to all 15 printed digits by solving the normal equations
exactly, in rational arithmetic, from the decimal data: a wrong digit in the data or in a
certificate would not reproduce 15 digits, so this one test vouches for both.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from reference import least_squares_fractions

import linearnet as ln
from linearnet import datasets

N_SAMPLES, N_INPUTS = 16, 6


@pytest.fixture(scope="module")
def data() -> datasets.Longley:
    return datasets.longley()


def rounded_like(exact: Fraction, certified: str) -> Decimal:
    """``exact`` rounded (half to even) to the last decimal place printed in ``certified``."""
    with localcontext() as ctx:
        ctx.prec = 60
        value = Decimal(exact.numerator) / Decimal(exact.denominator)
        return value.quantize(Decimal(1).scaleb(Decimal(certified).as_tuple().exponent))


def digits(estimate: np.ndarray, certified: np.ndarray) -> np.ndarray:
    """NIST's log relative error: the number of significant digits that agree, per coefficient."""
    return -np.log10(np.abs(estimate - certified) / np.abs(certified))


def test_longley_has_the_documented_shapes_and_cannot_be_changed(data: datasets.Longley) -> None:
    assert data.X0.shape == (N_SAMPLES, N_INPUTS)
    assert data.z.shape == (N_SAMPLES,)
    assert data.w_certified.shape == (N_INPUTS + 1,)
    assert len(data.X0_text) == len(data.z_text) == N_SAMPLES
    assert {len(row) for row in data.X0_text} == {N_INPUTS}
    assert data.source == "https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml"
    # The last input is the year, 1947 to 1962; the floats are the decimal strings' values.
    np.testing.assert_array_equal(data.X0[:, 5], np.arange(1947, 1963))
    np.testing.assert_array_equal(data.X0, [[float(e) for e in row] for row in data.X0_text])
    np.testing.assert_array_equal(data.z, [float(e) for e in data.z_text])
    np.testing.assert_array_equal(data.w_certified, [float(e) for e in data.w_certified_text])
    assert data.residual_sd_certified == float(data.residual_sd_text)
    with pytest.raises(ValueError, match="read-only"):
        data.X0[0, 0] = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.z = data.z  # type: ignore[misc]


def test_certificates_are_printed_to_15_significant_digits(data: datasets.Longley) -> None:
    for text in (*data.w_certified_text, data.residual_sd_text):
        assert len(Decimal(text).as_tuple().digits) == 15, text


def test_certified_values_follow_exactly_from_the_decimal_data(data: datasets.Longley) -> None:
    # The data as the exact decimals NIST prints (Fraction("88.2") is 441/5, not a binary float).
    X = [[Fraction(1)] + [Fraction(e) for e in row] for row in data.X0_text]
    z = [Fraction(e) for e in data.z_text]
    w = least_squares_fractions(X, z)
    for j, (exact, certified) in enumerate(zip(w, data.w_certified_text, strict=True)):
        assert rounded_like(exact, certified) == Decimal(certified), f"b{j}"
    # residual standard deviation sqrt(RSS / (n - p - 1)), correctly rounded by Decimal.sqrt
    rss = sum(
        (z_i - sum(a * b for a, b in zip(x_i, w, strict=True))) ** 2
        for x_i, z_i in zip(X, z, strict=True)
    )
    with localcontext() as ctx:
        ctx.prec = 60
        sd = (Decimal(rss.numerator) / Decimal(rss.denominator * (N_SAMPLES - N_INPUTS - 1))).sqrt()
    assert rounded_like(Fraction(sd), data.residual_sd_text) == Decimal(data.residual_sd_text)


def test_a_wrong_digit_in_the_data_is_caught(data: datasets.Longley) -> None:
    # The check above has teeth: 88.2 -> 88.3 in one sample changes every certified digit string.
    rows = [list(row) for row in data.X0_text]
    rows[2][0] = "88.3"
    X = [[Fraction(1)] + [Fraction(e) for e in row] for row in rows]
    w = least_squares_fractions(X, [Fraction(e) for e in data.z_text])
    assert all(
        rounded_like(exact, certified) != Decimal(certified)
        for exact, certified in zip(w, data.w_certified_text, strict=True)
    )


@pytest.mark.verifies("rem-longley")
def test_least_squares_reaches_10_certified_digits_in_every_coefficient(
    data: datasets.Longley,
) -> None:
    achieved = digits(ln.least_squares(data.X0, data.z), data.w_certified)
    # At least 10 significant digits in each of the 7 coefficients (measured: 14.5 to 15.6).
    assert achieved.min() >= 10, np.round(achieved, 1)


def test_float_normal_equations_do_not_reach_10_digits(data: datasets.Longley) -> None:
    # The same test applied to the textbook solver fails, so it can tell a good solver from a bad
    # one: X^T X squares the condition number of X (about 5e9), and float64 has 16 digits.
    X = ln.add_bias(data.X0)
    w_normal = np.linalg.solve(X.T @ X, X.T @ data.z)
    achieved = digits(w_normal, data.w_certified)
    assert achieved.min() < 10, np.round(achieved, 1)  # measured: 7.4 to 8.6 digits
    assert np.max(np.abs(w_normal - data.w_certified) / np.abs(data.w_certified)) > 1e-10


def test_longley_is_read_from_the_installed_package_from_any_directory(tmp_path: Path) -> None:
    code = (
        "from importlib.resources import files; from linearnet import datasets; "
        "csv = files('linearnet') / 'data' / 'longley.csv'; "
        "print(datasets.longley().X0.shape, csv.is_file())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert out.stdout.strip() == "(16, 6) True"
