r"""What gradient training conserves: the invariant :math:`D = u^T u - v_{1:} v_{1:}^T`.

Under gradient flow :math:`\dot u = -r\, v_{1:}^T`, :math:`\dot v_{1:} = -u^T r` (with
:math:`r = X^T d`), so :math:`\tfrac{d}{dt}(u^T u) = \tfrac{d}{dt}(v_{1:} v_{1:}^T)`: the
:math:`h \times h` matrix :math:`D` is constant along the flow, and a gradient step of size
:math:`\eta` changes it by exactly :math:`\eta^2 (\lVert r \rVert^2 v_{1:} v_{1:}^T - u^T r r^T u)`
(the book's chapter 5, *Training dynamics*).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from linearnet._core import FloatArray
from linearnet._validation import check_params

__all__ = ["invariant"]


def invariant(u: ArrayLike, v: ArrayLike) -> FloatArray:
    r"""Return the conserved matrix :math:`D = u^T u - v_{1:} v_{1:}^T` of the gradient flow.

    The book's :prf:ref:`prop-conservation` (constant under gradient flow) and
    :prf:ref:`prop-step-drift` (its exact change under one gradient step). ``u`` keeps its
    bias row (row 0); ``v`` loses its bias :math:`v_0`:

    .. math:: D_{kl} = \sum_{j=0}^{p} u_{jk} u_{jl} - v_k v_l, \qquad k, l = 1, \dots, h.

    :math:`D = 0` is a *balanced* network: then :math:`u = a\, v_{1:}^T` with
    :math:`\lVert a \rVert = 1`.

    Parameters
    ----------
    u : array_like of shape (p + 1, h)
        Hidden-layer weights; row 0 holds the hidden biases.
    v : array_like of shape (h + 1,)
        Output weights; ``v[0]`` is the output bias, which :math:`D` does not involve.

    Returns
    -------
    D : ndarray of shape (h, h)
        Symmetric.

    Raises
    ------
    ValueError
        If ``u`` or ``v`` is malformed or ``len(v) != u.shape[1] + 1``.

    Examples
    --------
    One hidden unit: :math:`D = u_{01}^2 + u_{11}^2 - v_1^2 = 1 + 4 - 9`.

    >>> invariant([[1.0], [2.0]], [5.0, 3.0])
    array([[-4.]])
    """
    u_arr, v_arr = check_params(u, v)
    v1 = v_arr[1:]
    # D = u^T u - v_(1:) v_(1:)^T
    D: FloatArray = u_arr.T @ u_arr - np.outer(v1, v1)
    return D
