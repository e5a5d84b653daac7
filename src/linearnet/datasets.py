r"""Data sets shipped with the package, with no download.

:func:`longley` returns the Longley data of the NIST Statistical Reference Datasets: 16 years of
US labour statistics with six nearly collinear regressors (the design :math:`X = [1\ X_0]` has
condition number about :math:`5 \cdot 10^9`), and NIST's certified least-squares coefficients.
The book's :prf:ref:`rem-longley` uses them to test :func:`linearnet.least_squares` where
solving the normal equations in floating point fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

from linearnet._core import FloatArray

__all__ = ["Longley", "longley"]

#: Where NIST publishes the Longley data and its certified values.
LONGLEY_URL = "https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml"


@dataclass(frozen=True, eq=False)
class Longley:
    r"""The NIST StRD Longley data and its certified regression results.

    The arrays are read-only. The ``*_text`` fields hold the numbers exactly as NIST prints them:
    the floats ``88.2`` and ``-3482258.63459582`` are only the nearest binary numbers, while the
    decimal strings are the data and the certificates themselves (read them with
    ``fractions.Fraction`` for exact arithmetic).

    Attributes
    ----------
    X0 : ndarray of shape (16, 6)
        The regressors :math:`x_1, \dots, x_6`: GNP implicit price deflator (1954 = 100), GNP,
        unemployment, size of the armed forces, non-institutional population aged 14 and over,
        year (1947 to 1962).
    z : ndarray of shape (16,)
        The response :math:`y`, total derived employment.
    w_certified : ndarray of shape (7,)
        The certified coefficients :math:`b_0, \dots, b_6` of
        :math:`y = b_0 + b_1 x_1 + \dots + b_6 x_6`, ``w_certified[0]`` the intercept: the
        least-squares solution ``w`` in the book's notation.
    residual_sd_certified : float
        The certified residual standard deviation
        :math:`\sqrt{\lVert X w - z \rVert^2 / (16 - 7)}`.
    X0_text : tuple of 16 tuples of 6 str
        ``X0`` as the decimal strings of the data file.
    z_text : tuple of 16 str
        ``z`` as decimal strings.
    w_certified_text : tuple of 7 str
        The certified coefficients as NIST prints them, 15 significant digits
        (e.g. ``"-0.358191792925910E-01"``).
    residual_sd_text : str
        The certified residual standard deviation, 15 significant digits.
    source : str
        The NIST page of the data set.
    """

    X0: FloatArray
    z: FloatArray
    w_certified: FloatArray
    residual_sd_certified: float
    X0_text: tuple[tuple[str, ...], ...]
    z_text: tuple[str, ...]
    w_certified_text: tuple[str, ...]
    residual_sd_text: str
    source: str = LONGLEY_URL


def longley() -> Longley:
    """Load the NIST StRD Longley data (16 samples, 6 inputs) and its certified coefficients.

    Read from ``linearnet/data/longley.csv`` inside the installed package, whose header names the
    source and holds the certified values; the book's tests reproduce every certified digit from
    the decimal data by exact rational arithmetic.

    Returns
    -------
    Longley
        ``X0`` of shape (16, 6), ``z`` of shape (16,), ``w_certified`` of shape (7,), and the
        decimal strings (see :class:`Longley`).

    Examples
    --------
    >>> data = longley()
    >>> data.X0.shape, data.z.shape, data.w_certified.shape
    ((16, 6), (16,), (7,))
    >>> data.X0_text[2][0], data.w_certified_text[6]
    ('88.2', '1829.15146461355')
    """
    text = (files("linearnet") / "data" / "longley.csv").read_text(encoding="utf-8")
    certified = dict(re.findall(r"^# certified (\w+) = (\S+)$", text, flags=re.MULTILINE))
    rows = [line.split(",") for line in text.splitlines() if line and not line.startswith("#")]
    data = tuple(tuple(row) for row in rows[1:])  # rows[0] is the header y, x1, ..., x6
    w_text = tuple(certified[f"b{j}"] for j in range(7))
    return Longley(
        X0=_read_only([[float(e) for e in row[1:]] for row in data]),
        z=_read_only([float(row[0]) for row in data]),
        w_certified=_read_only([float(e) for e in w_text]),
        residual_sd_certified=float(certified["residual_sd"]),
        X0_text=tuple(row[1:] for row in data),
        z_text=tuple(row[0] for row in data),
        w_certified_text=w_text,
        residual_sd_text=certified["residual_sd"],
    )


def _read_only(values: list[float] | list[list[float]]) -> FloatArray:
    """Return ``values`` as a float64 array that cannot be written to."""
    arr = np.array(values, dtype=np.float64)
    arr.flags.writeable = False
    return arr
