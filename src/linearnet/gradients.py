r"""Gradient of the cost with respect to both layers, in the note's matrix form.

With the residual :math:`d = z^{pred} - z`,

.. math::

    \frac{\partial C}{\partial u} = X^T d \, [v_1 \cdots v_h], \qquad
    \frac{\partial C}{\partial v} = Y^T d .
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from linearnet import _core
from linearnet._core import FloatArray
from linearnet._validation import check_problem

__all__ = ["gradients"]


def gradients(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    r"""Return :math:`(\partial C/\partial u, \partial C/\partial v)` in matrix form.

    Its zeros are the stationary points, :eq:`eq-stationary`, which :prf:ref:`lem-reduction`
    reduces to :math:`X^T d = 0`.

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
    _, dC_du, dC_dv = _core.gradients(*check_problem(X0, z, u, v))
    return dC_du, dC_dv
