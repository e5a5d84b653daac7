r"""Numbers printed so that every machine prints the same: rounded far from a rounding boundary.

A chapter's stored outputs are the regression reference of nbval, and they must be properties
of the mathematics, not of the rounding. Floating-point results move in their last bits with the
BLAS kernel, the number of BLAS threads and the SIMD loops of NumPy (the book's portability run,
``make test-portability``, tries several). A printed value survives such a move only if no
rounding boundary of its format lies near it. These helpers print a value, or report where a
sequence first falls below a threshold, only after checking that a move of ``rtol`` (relative)
plus ``atol`` (absolute) in either direction would print the same; otherwise they raise, and
the chapter must print fewer digits or a bound instead.

The default ``rtol = 1e-6`` is the stated margin: values computed by the book's code on two
IEEE-754 machines differ far less than that, unless a long or chaotic computation amplifies
their rounding errors, which the portability run would show. The chance that a value with four
significant digits falls within ``1e-6`` (relative) of a boundary is about 2 %: the check then
asks for fewer digits, once, when the chapter is written.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["first_below", "stable"]


def _margin(x: float, rtol: float, atol: float) -> float:
    if rtol < 0 or atol < 0 or rtol + atol == 0:
        raise ValueError(
            f"rtol and atol must be non-negative and not both 0; received rtol={rtol}, "
            f"atol={atol}. Pass the largest change the value may undergo on another machine."
        )
    return rtol * abs(x) + atol


def _one(x: float, spec: str, rtol: float, atol: float) -> str:
    if not np.isfinite(x):
        raise ValueError(f"cannot print {x!r} stably: it is not a finite number")
    m = _margin(x, rtol, atol)
    low, mid, high = (format(x + s * m, spec) for s in (-1.0, 0.0, 1.0))
    if not low == mid == high:
        raise ValueError(
            f"{x!r} lies within {m:.1e} of a rounding boundary of the format {spec!r} "
            f"({low!r}, {mid!r}, {high!r}): another machine's rounding could print it otherwise. "
            "Print fewer digits, or a bound."
        )
    return mid


def stable(x: ArrayLike, spec: str, *, rtol: float = 1e-6, atol: float = 0.0) -> str:
    r"""Format ``x`` with ``spec``, once a move of ``rtol |x| + atol`` is shown to print the same.

    Formatting is monotone, so if :math:`x - m` and :math:`x + m` print alike, with
    :math:`m = \text{rtol}\,|x| + \text{atol}`, so does every value in between: the printed text
    is the same on every machine whose result is within :math:`m` of this one.

    Parameters
    ----------
    x : float or array_like of shape (k,)
        The value, or a vector of values (each checked with its own margin).
    spec : str
        A format specification, e.g. ``".4f"`` or ``".3g"``.
    rtol, atol : float, optional
        The largest relative and absolute change the value may undergo on another machine.

    Returns
    -------
    str
        ``format(x, spec)``; a vector as ``"[a b c]"``.

    Raises
    ------
    ValueError
        If a value is not finite, lies within its margin of a rounding boundary of ``spec``, or
        ``x`` has more than one dimension, or the tolerances are negative or both zero.

    Examples
    --------
    >>> stable(2.016703, ".4f")
    '2.0167'
    >>> stable([1.5, -0.25], ".2f")
    '[1.50 -0.25]'
    >>> stable(0.12345, ".4f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 0.12345 lies within 1.2e-07 of a rounding boundary of the format '.4f' ...
    """
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return _one(float(arr), spec, rtol, atol)
    if arr.ndim != 1:
        raise ValueError(
            f"x must be a number or a 1-D array; received an array of shape {arr.shape}. "
            "Print its rows one by one."
        )
    return "[" + " ".join(_one(float(a), spec, rtol, atol) for a in arr) + "]"


def first_below(values: ArrayLike, threshold: float, *, rtol: float = 1e-6) -> int:
    r"""Return the first index at which ``values`` falls below ``threshold``, if unambiguous.

    The index is a property of the computation, not of its rounding, when every earlier value
    is above :math:`t + m` and the value at the index is below :math:`t - m`, with
    :math:`m = \text{rtol}\,|t|`: then values that differ by less than :math:`m` cross at the
    same index. Use it for "the step at which the cost first fell halfway", never for a
    convergence test met after a long, slow tail, whose step count rounding does move.

    Parameters
    ----------
    values : array_like of shape (k,)
        For example a cost history.
    threshold : float
        The level :math:`t`.
    rtol : float, optional
        The largest relative change of a value on another machine, relative to :math:`|t|`.

    Returns
    -------
    int
        The first ``i`` with ``values[i] < threshold``.

    Raises
    ------
    ValueError
        If no value is below the threshold, or a value lies within the margin of it up to and
        including the crossing (the index could then differ on another machine).

    Examples
    --------
    >>> first_below([5.0, 3.0, 0.5, 0.2], 1.0)
    2
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array; received shape {v.shape}")
    m = _margin(threshold, rtol, 0.0)
    below = np.flatnonzero(v < threshold)
    if below.size == 0:
        raise ValueError(f"no value falls below {threshold!r} (the least is {float(v.min())!r})")
    i = int(below[0])
    near = np.flatnonzero(np.abs(v[: i + 1] - threshold) <= m)
    if near.size:
        raise ValueError(
            f"values[{int(near[0])}] = {float(v[near[0]])!r} lies within {m:.1e} of the threshold "
            f"{threshold!r}: the first index below it could differ on another machine. "
            "Report a bound instead."
        )
    return i
