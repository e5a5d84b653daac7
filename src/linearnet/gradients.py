r"""Gradient of the cost with respect to both layers, in the note's matrix form.

With the residual :math:`d = z^{pred} - z`,

.. math::

    \frac{\partial C}{\partial u} = X^T d \, [v_1 \cdots v_h], \qquad
    \frac{\partial C}{\partial v} = Y^T d .
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from linearnet._validation import FloatArray, check_inputs, check_params, check_target
from linearnet.model import _with_ones, add_bias

__all__ = ["gradients"]


def gradients(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    r"""Return :math:`(\partial C/\partial u, \partial C/\partial v)` in matrix form.

    The book's :eq:`eq-grad-u` and :eq:`eq-grad-v`, proved for every shape in
    :prf:ref:`thm-gradient`.

    .. math::

        \frac{\partial C}{\partial u} = X^T d\, v_{1:}^T, \qquad
        \frac{\partial C}{\partial v} = Y^T d, \qquad d = z^{pred} - z.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    z : array_like of shape (n,)
        The targets.
    u : array_like of shape (p + 1, h)
        Hidden-layer weights.
    v : array_like of shape (h + 1,)
        Output weights.

    Returns
    -------
    dC_du : ndarray of shape (p + 1, h)
        Entry ``[j, k]`` is :math:`v_k \sum_i x_{ij} d_i` (with :math:`x_{i0} = 1`).
    dC_dv : ndarray of shape (h + 1,)
        Entry ``[k]`` is :math:`\sum_i y_{ik} d_i` (with :math:`y_{i0} = 1`).

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    One sample, one input, one hidden unit: :math:`z^{pred} = 1 + 2(0 + 1 \cdot 1) = 3`,
    so :math:`d = 3 - 1 = 2`.

    >>> dC_du, dC_dv = gradients([[1.0]], [1.0], [[0.0], [1.0]], [1.0, 2.0])
    >>> dC_du
    array([[4.],
           [4.]])
    >>> dC_dv
    array([2., 2.])
    """
    X0 = check_inputs(X0)
    z_arr = check_target(z, X0.shape[0])
    u_arr, v_arr = check_params(u, v, X0.shape[1])
    _, dC_du, dC_dv = _gradients(add_bias(X0), z_arr, u_arr, v_arr)
    return dC_du, dC_dv


def _gradients(
    X: FloatArray, z: FloatArray, u: FloatArray, v: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Residual and gradients for already validated arrays; shared with :func:`train`.

    Returns ``(d, dC_du, dC_dv)`` with ``X`` the design ``[1 X0]`` of shape ``(n, p + 1)``.
    """
    Y = _with_ones(X @ u)
    # d = z_pred - z = Y v - z
    d = Y @ v - z
    # dC/du = X^T d [v1 ... vh]
    dC_du = np.outer(X.T @ d, v[1:])
    # dC/dv = Y^T d
    dC_dv = Y.T @ d
    return d, dC_du, dC_dv
