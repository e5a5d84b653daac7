r"""Gradient descent in exact rational arithmetic, for proofs about whole steps.

Every float64 is a rational number, so a floating-point starting point can be converted exactly
(:func:`fractions`) and a gradient step taken with no rounding at all (:func:`gradient_step`).
The arrays are NumPy arrays of ``dtype=object`` holding ``fractions.Fraction``.

Exact runs are short by nature: the gradient is cubic in the weights, so each step roughly
triples the number of digits of the weights' denominators. A few steps take milliseconds; a few
dozen are out of reach. For long runs use :func:`linearnet.train`.

The gradient is computed from the book's :prf:ref:`lem-reduction` form

.. math:: \frac{\partial C}{\partial u} = r\, v_{1:}^T, \qquad
          \frac{\partial C}{\partial v_0} = r_0, \qquad
          \frac{\partial C}{\partial v_{1:}} = u^T r, \qquad r = X^T d,

not with the floating-point code of :func:`linearnet.gradients`, so each is a check of the other.
"""

from __future__ import annotations

import numbers
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from linearnet._validation import check_problem

__all__ = ["cost", "fractions", "gradient_step", "gradients"]

#: An array of ``dtype=object`` whose entries are ``fractions.Fraction``.
FractionArray = NDArray[np.object_]


def fractions(a: ArrayLike) -> FractionArray:
    """Return ``a`` as an array of ``Fraction``, each exactly equal to its entry.

    Parameters
    ----------
    a : array_like
        Floats (converted exactly: ``0.1`` becomes ``3602879701896397/36028797018963968``),
        integers, or rationals (``Fraction``, or any ``numbers.Rational``).

    Returns
    -------
    ndarray of dtype object
        Same shape as ``a``.

    Raises
    ------
    ValueError
        If an entry is not a finite real number (NaN, infinite, complex, a string, a bool).

    Examples
    --------
    >>> fractions([0.5, 3, 0.1]).tolist()
    [Fraction(1, 2), Fraction(3, 1), Fraction(3602879701896397, 36028797018963968)]
    """
    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for index, x in np.ndenumerate(arr):
        out[index] = _fraction(x, index)
    return out


def _fraction(x: Any, index: tuple[int, ...]) -> Fraction:
    """``x`` as an exact Fraction; ValueError naming ``index`` if it is not a finite real."""
    where = f"entry {index}" if index else "the value"
    if isinstance(x, bool | np.bool_) or not isinstance(x, numbers.Real):
        raise ValueError(
            f"{where} must be a finite real number (float, int or Fraction); received {x!r} of "
            f"type {type(x).__name__}."
        )
    if isinstance(x, numbers.Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    value = float(x)
    if not np.isfinite(value):
        raise ValueError(f"{where} must be finite; received {value!r}. Remove it first.")
    return Fraction(value)


def _check(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike
) -> tuple[FractionArray, FractionArray, FractionArray, FractionArray]:
    """Convert the problem to Fractions, then validate its shapes as the float API does.

    Returns ``(X, z, u, v)`` with ``X = [1 X0]`` exact.
    """
    X0_q, z_q, u_q, v_q = (fractions(a) for a in (X0, z, u, v))
    # The shapes, validated by the same helper (and with the same messages) as every float
    # function: zeros of each shape stand in for the exact values, already checked finite.
    check_problem(*(np.zeros(a.shape) for a in (X0_q, z_q, u_q, v_q)))
    ones = np.full((X0_q.shape[0], 1), Fraction(1), dtype=object)
    return np.hstack([ones, X0_q]), z_q, u_q, v_q


def _residual_of_normal_equations(
    X: FractionArray, z: FractionArray, u: FractionArray, v: FractionArray
) -> FractionArray:
    """``r = X^T d`` with ``d = v_0 + X u v_(1:) - z``, exactly."""
    # d = z_pred - z, z_pred = v_0 1 + X (u v_(1:))
    d = v[0] + X @ (u @ v[1:]) - z
    r: FractionArray = X.T @ d
    return r


def gradients(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike
) -> tuple[FractionArray, FractionArray]:
    r"""Return the exact gradient :math:`(\partial C/\partial u, \partial C/\partial v)`.

    .. math:: \frac{\partial C}{\partial u} = r\, v_{1:}^T, \qquad
              \frac{\partial C}{\partial v} = (r_0,\ u^T r), \qquad r = X^T d.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)
        Floats (taken at their exact values), integers or Fractions.

    Returns
    -------
    dC_du : ndarray of shape (p + 1, h), dtype object
    dC_dv : ndarray of shape (h + 1,), dtype object
        Fractions: the gradient at the exact values of the arguments, with no rounding.

    Raises
    ------
    ValueError
        If an entry is not a finite real number or the shapes disagree.

    Examples
    --------
    The example of :func:`linearnet.gradients`: :math:`d = 2`, :math:`r = (2, 2)`.

    >>> dC_du, dC_dv = gradients([[1]], [1], [[0], [1]], [1, 2])
    >>> dC_du.tolist(), dC_dv.tolist()
    ([[Fraction(4, 1)], [Fraction(4, 1)]], [Fraction(2, 1), Fraction(2, 1)])
    """
    X, z_q, u_q, v_q = _check(X0, z, u, v)
    r = _residual_of_normal_equations(X, z_q, u_q, v_q)
    dC_du: FractionArray = np.outer(r, v_q[1:])
    dC_dv: FractionArray = np.concatenate([r[:1], u_q.T @ r])
    return dC_du, dC_dv


def cost(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> Fraction:
    r"""Return the exact cost :math:`C = \tfrac12 \lVert d \rVert^2`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)
        Floats (taken at their exact values), integers or Fractions.

    Returns
    -------
    C : Fraction

    Raises
    ------
    ValueError
        If an entry is not a finite real number or the shapes disagree.

    Examples
    --------
    >>> cost([[1]], [1], [[0], [1]], [1, 2])
    Fraction(2, 1)
    """
    X, z_q, u_q, v_q = _check(X0, z, u, v)
    d = v_q[0] + X @ (u_q @ v_q[1:]) - z_q
    return Fraction(1, 2) * sum((di * di for di in d), Fraction(0))


def gradient_step(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike, eta: Any
) -> tuple[FractionArray, FractionArray]:
    r"""Take one gradient step of size :math:`\eta` in exact arithmetic.

    Used for the book's :prf:ref:`prop-step-drift` and :prf:ref:`prop-stable-line`.

    .. math:: u' = u - \eta\, r\, v_{1:}^T, \qquad v'_0 = v_0 - \eta\, r_0, \qquad
              v'_{1:} = v_{1:} - \eta\, u^T r, \qquad r = X^T d \text{ at } (u, v).

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)
        Floats (taken at their exact values), integers or Fractions.
    eta : float, int or Fraction
        The step size, greater than 0 (a float is taken at its exact value).

    Returns
    -------
    u_next : ndarray of shape (p + 1, h), dtype object
    v_next : ndarray of shape (h + 1,), dtype object
        Fractions.

    Raises
    ------
    ValueError
        If an entry is not a finite real number, the shapes disagree, or ``eta`` is not
        greater than 0.

    Examples
    --------
    From the example of :func:`gradients`, with :math:`\eta = 1/4`:

    >>> u1, v1 = gradient_step([[1]], [1], [[0], [1]], [1, 2], eta=0.25)
    >>> u1.tolist(), v1.tolist()
    ([[Fraction(-1, 1)], [Fraction(0, 1)]], [Fraction(1, 2), Fraction(3, 2)])
    """
    eta_q = _fraction(eta, ())
    if eta_q <= 0:
        raise ValueError(f"eta must be greater than 0; received {eta!r}.")
    X, z_q, u_q, v_q = _check(X0, z, u, v)
    r = _residual_of_normal_equations(X, z_q, u_q, v_q)
    u_next: FractionArray = u_q - eta_q * np.outer(r, v_q[1:])
    v_next: FractionArray = v_q - eta_q * np.concatenate([r[:1], u_q.T @ r])
    return u_next, v_next
