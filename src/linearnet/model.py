r"""The two-layer linear network of the note: forward pass and cost.

Rows are samples. With ``X0`` of shape ``(n, p)``, the design is :math:`X = [1\ X_0]`; the hidden
layer is :math:`Y_0 = X u`, :math:`Y = [1\ Y_0]`, and the output is :math:`z^{pred} = Y v`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from linearnet._core import FloatArray, forward, with_ones
from linearnet._validation import (
    check_inputs,
    check_params,
    check_positive_float,
    check_positive_int,
    check_problem,
    check_u,
)

__all__ = ["add_bias", "collapse", "cost", "hidden", "init_params", "predict", "residual"]


def add_bias(X0: ArrayLike) -> FloatArray:
    r"""Prepend a column of ones: :math:`X = [1\ X_0]`.

    The book's :eq:`eq-design`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs, one row per sample.

    Returns
    -------
    X : ndarray of shape (n, p + 1)
        The design matrix; column 0 is all ones.

    Raises
    ------
    ValueError
        If ``X0`` is not a finite, non-empty, numeric 2-D array.

    Examples
    --------
    >>> add_bias([[2.0], [3.0]])
    array([[1., 2.],
           [1., 3.]])
    """
    return with_ones(check_inputs(X0))


def init_params(
    p: int, h: int, *, rng: np.random.Generator, scale: float = 0.1
) -> tuple[FloatArray, FloatArray]:
    """Draw initial weights with independent normal entries of standard deviation ``scale``.

    Parameters
    ----------
    p : int
        Number of input features.
    h : int
        Number of hidden units.
    rng : numpy.random.Generator
        The only source of randomness, e.g. ``np.random.default_rng(0)``.
    scale : float, default 0.1
        Standard deviation of every entry.

    Returns
    -------
    u : ndarray of shape (p + 1, h)
        Hidden-layer weights; row 0 holds the hidden biases.
    v : ndarray of shape (h + 1,)
        Output weights; ``v[0]`` is the output bias.

    Raises
    ------
    ValueError
        If ``p`` or ``h`` is not a positive integer, ``scale`` is not positive and finite, or
        ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> u, v = init_params(2, 3, rng=np.random.default_rng(0))
    >>> u.shape, v.shape
    ((3, 3), (4,))
    """
    p = check_positive_int("p", p)
    h = check_positive_int("h", h)
    scale = check_positive_float("scale", scale)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); received "
            f"{rng!r} of type {type(rng).__name__}."
        )
    u = rng.normal(0.0, scale, size=(p + 1, h))
    v = rng.normal(0.0, scale, size=h + 1)
    return u, v


def hidden(X0: ArrayLike, u: ArrayLike) -> FloatArray:
    r"""Hidden-layer values :math:`Y_0 = X u` (no activation).

    The book's :eq:`eq-hidden`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    u : array_like of shape (p + 1, h)
        Hidden-layer weights; row 0 holds the biases :math:`u_{0k}`.

    Returns
    -------
    Y0 : ndarray of shape (n, h)
        :math:`y_{ik} = u_{0k} + \sum_j x_{ij} u_{jk}`.

    Raises
    ------
    ValueError
        If an argument is malformed or ``u`` does not have ``p + 1`` rows.

    Examples
    --------
    >>> hidden([[1.0, 2.0]], [[0.5], [1.0], [1.0]])
    array([[3.5]])
    """
    X0 = check_inputs(X0)
    u_arr = check_u(u, X0.shape[1])
    return with_ones(X0) @ u_arr


def predict(X0: ArrayLike, u: ArrayLike, v: ArrayLike) -> FloatArray:
    r"""Network output :math:`z^{pred} = Y v` with :math:`Y = [1\ Y_0]`.

    The book's :eq:`eq-zpred`; row by row, :eq:`eq-out-hidden` (the note's (1)):

    .. math:: z_i^{pred} = v_0 + \sum_{k=1}^{h} v_k y_{ik}

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    u : array_like of shape (p + 1, h)
        Hidden-layer weights.
    v : array_like of shape (h + 1,)
        Output weights; ``v[0]`` is the bias.

    Returns
    -------
    z_pred : ndarray of shape (n,)

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    >>> predict([[1.0, 2.0]], [[0.5], [1.0], [1.0]], [1.0, 2.0])
    array([8.])
    """
    X0 = check_inputs(X0)
    u_arr, v_arr = check_params(u, v, X0.shape[1])
    return forward(with_ones(X0), u_arr, v_arr)[1]


def residual(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> FloatArray:
    r"""Residual :math:`d = z^{pred} - z`: the note's first definition, :math:`-(z - z^{pred})`.

    The book's :eq:`eq-residual`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
        The targets (the note's :math:`z^{reality}`).
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)

    Returns
    -------
    d : ndarray of shape (n,)

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    >>> residual([[1.0, 2.0]], [5.0], [[0.5], [1.0], [1.0]], [1.0, 2.0])
    array([3.])
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    return forward(X, u_arr, v_arr)[1] - z_arr


def cost(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> float:
    r"""Cost :math:`C = \tfrac12 \sum_i (z_i - z_i^{pred})^2 = \tfrac12 \lVert d \rVert^2`.

    The book's :eq:`eq-cost`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)

    Returns
    -------
    C : float

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    >>> cost([[1.0, 2.0]], [5.0], [[0.5], [1.0], [1.0]], [1.0, 2.0])
    4.5
    """
    d = residual(X0, z, u, v)
    return 0.5 * float(d @ d)


def collapse(u: ArrayLike, v: ArrayLike) -> FloatArray:
    r"""Collapse the two layers into one: weights ``w`` with :math:`z^{pred} = X w`.

    The book's :eq:`eq-collapse`; :prf:ref:`lem-collapse` proves :math:`z^{pred} = X w`.

    .. math:: w = u\, v_{1:} + v_0 e_0, \quad\text{i.e.}\quad
              w_0 = v_0 + \sum_k u_{0k} v_k,\quad w_j = \sum_k u_{jk} v_k \ (j \ge 1).

    Parameters
    ----------
    u : array_like of shape (p + 1, h)
        Hidden-layer weights.
    v : array_like of shape (h + 1,)
        Output weights.

    Returns
    -------
    w : ndarray of shape (p + 1,)
        ``w[0]`` is the intercept.

    Raises
    ------
    ValueError
        If ``u`` or ``v`` is malformed or ``len(v) != u.shape[1] + 1``.

    Examples
    --------
    >>> collapse([[1.0, 0.0], [2.0, 3.0]], [10.0, 1.0, 2.0])
    array([11.,  8.])
    """
    u_arr, v_arr = check_params(u, v)
    # w = u v[1:], then add the output bias v0 to the intercept
    w = u_arr @ v_arr[1:]
    w[0] += v_arr[0]
    return w
