r"""The loss landscape of :math:`C`: its Hessian in closed form, and its critical points classified.

The weights are one vector :math:`\theta = (u` row by row, then :math:`v_0, \dots, v_h)`, so
``theta = np.concatenate([u.ravel(), v])``: :math:`u_{j,k+1}` sits at index ``j * h + k``, and
:math:`v_k` at index ``(p + 1) * h + k``; there are :math:`m = (p + 1) h + h + 1` of them.
Chapter 4 of the book (*The loss landscape*) states and proves what this module computes.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from linearnet import _core
from linearnet._core import FloatArray
from linearnet._validation import check_positive_float, check_problem

__all__ = ["Critical", "classify_critical_point", "hessian"]

#: The three answers of :func:`classify_critical_point`.
Critical = Literal["not critical", "global minimum", "strict saddle"]


def hessian(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> FloatArray:
    r"""Return the Hessian :math:`H = \nabla^2 C(\theta)` in closed form.

    The book's :prf:ref:`thm-hessian`. With the collapsed weights
    :math:`w = u\, v_{1:} + v_0 e_0`, the residual of the normal equations :math:`r = X^T d`
    and the Jacobian :math:`J` of :math:`\theta \mapsto w`,

    .. math::

        J\, \delta\theta = \delta u\, v_{1:} + u\, \delta v_{1:} + \delta v_0\, e_0, \qquad
        H = J^T X^T X J + B(r),

    where :math:`B(r)` couples :math:`u_{jk}` with :math:`v_{k'}` by :math:`r_j \delta_{kk'}`
    and is zero elsewhere, so that
    :math:`\delta\theta^T H \delta\theta = \lVert X J \delta\theta \rVert^2
    + 2\, r^T \delta u\, \delta v_{1:}`. Entry by entry:
    :math:`H_{u_{jk} u_{j'k'}} = (X^T X)_{jj'} v_k v_{k'}`,
    :math:`H_{u_{jk} v_0} = (X^T X)_{j0} v_k`,
    :math:`H_{u_{jk} v_{k'}} = (X^T X u)_{jk'} v_k + r_j \delta_{kk'}`,
    :math:`H_{v_0 v_0} = n`, :math:`H_{v_0 v_k} = (\mathbf 1^T X u)_k`,
    :math:`H_{v_{1:} v_{1:}} = u^T X^T X u`.

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
    H : ndarray of shape (m, m)
        Symmetric (exactly), with :math:`m = (p + 1) h + h + 1`, in the order of
        ``np.concatenate([u.ravel(), v])``.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    One sample, one input, one hidden unit, the point of :func:`linearnet.gradients`'s example:
    :math:`d = 2`, :math:`r = X^T d = (2, 2)`, :math:`X J = [v_1\ \ v_1\ \ 1\ \ u_{01} + u_{11}]
    = [2\ 2\ 1\ 1]`, and :math:`B` adds :math:`r_j = 2` where :math:`u_{j1}` meets :math:`v_1`.

    >>> hessian([[1.0]], [1.0], [[0.0], [1.0]], [1.0, 2.0])
    array([[4., 4., 2., 4.],
           [4., 4., 2., 4.],
           [2., 2., 1., 1.],
           [4., 4., 1., 1.]])
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    p1, h = u_arr.shape
    _, z_pred = _core.forward(X, u_arr, v_arr)
    # r = X^T d, the residual of the normal equations at w
    r = X.T @ (z_pred - z_arr)
    # J = [I ⊗ v_(1:)^T, e_0, u]: dw/du_jk = v_k e_j, dw/dv_0 = e_0, dw/dv_k = u e_k (column k)
    J = np.hstack([np.kron(np.eye(p1), v_arr[1:]), np.eye(p1)[:, :1], u_arr])
    XJ = X @ J
    H = XJ.T @ XJ
    # B(r): d^2 w_j / d u_jk d v_k = 1, weighted by r_j
    B = np.kron(r[:, None], np.eye(h))
    n_u = p1 * h
    H[:n_u, n_u + 1 :] += B
    H[n_u + 1 :, :n_u] += B.T
    # J^T X^T X J is symmetric in exact arithmetic; make it so in floating point too
    return 0.5 * (H + H.T)


def classify_critical_point(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike, *, atol: float = 1e-8
) -> Critical:
    r"""Say whether :math:`(u, v)` is a critical point of :math:`C`, and which kind, by the theorem.

    No eigenvalue is computed: the answer follows from the book's classification.

    1. *Critical* means :math:`\lVert \nabla C(\theta) \rVert_2 \le` ``atol``, an **absolute**
       tolerance on the Euclidean norm of the full gradient: the very test with which
       :func:`linearnet.train` declares convergence (its ``tol``, same default), so a run that
       ``train`` reports converged with ``tol=atol`` is critical here. A relative scale would not
       help: the gradient is not invariant under the rescalings :math:`(u a, v_{1:}/a)` that
       leave :math:`C` unchanged, so no norm of :math:`\theta` is a natural unit for it.
    2. At a critical point, :prf:ref:`thm-critical-points` (from :prf:ref:`thm-equivalence` and
       :prf:ref:`prop-critical-v0`) leaves two cases: either :math:`r = X^T d = 0`, a global
       minimum (this is the case :math:`v_{1:} \neq 0`, and every critical point when
       :math:`g = 0`), or :math:`v_{1:} = 0`, :math:`v_0 = \bar z`, :math:`u^T g = 0` and
       :math:`r = g = X^T(\bar z \mathbf 1 - z) \neq 0`, a strict saddle
       (:prf:ref:`prop-strict-saddle`, hence never a local minimum, :prf:ref:`thm-no-spurious`).
       So :math:`r \in \{0, g\}`, and the answer is ``"global minimum"`` if :math:`r` vanishes to
       within ``atol`` (:math:`\lVert r \rVert \le` ``atol``: :math:`w` is least squares to the
       tolerance that makes :math:`\theta` critical) or is at least as near to :math:`0` as to
       :math:`g` (:math:`\lVert r \rVert \le \lVert r - g \rVert`), and ``"strict saddle"``
       otherwise. At an exact critical point this is the theorem's test ":math:`v_{1:} \neq 0`
       or :math:`g = 0`" (up to data with :math:`0 < \lVert g \rVert \le` ``atol``, whose
       saddles are flat to within ``atol``: their least eigenvalue is at least
       :math:`-\lVert g \rVert`). Near a critical point it needs no tolerance of its own, and it
       depends on :math:`w` only, so the symmetries of :math:`C` do not change it.

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
    atol : float, default 1e-8
        Absolute tolerance on :math:`\lVert \nabla C \rVert_2`, in the units of :math:`C` per unit
        of weight (scale it with your data).

    Returns
    -------
    str
        ``"not critical"``, ``"global minimum"`` or ``"strict saddle"``.

    Raises
    ------
    ValueError
        If an argument is malformed, the shapes disagree, or ``atol`` is not a finite number
        greater than 0.

    Examples
    --------
    The points :math:`(0, 1), (1, 2), (2, 4)`; the least-squares line is
    :math:`5/6 + 3x/2`, and :math:`\bar z = 7/3`.

    >>> X0, z = [[0.0], [1.0], [2.0]], [1.0, 2.0, 4.0]
    >>> classify_critical_point(X0, z, [[5 / 6], [1.5]], [0.0, 1.0])
    'global minimum'
    >>> classify_critical_point(X0, z, [[0.0], [0.0]], [7 / 3, 0.0])
    'strict saddle'
    >>> classify_critical_point(X0, z, [[0.0], [0.0]], [0.0, 0.0])
    'not critical'
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    atol = check_positive_float("atol", atol)
    _, dC_du, dC_dv = _core.gradients(X, z_arr, u_arr, v_arr)
    if np.sqrt(np.sum(dC_du * dC_du) + dC_dv @ dC_dv) > atol:
        return "not critical"
    # At a critical point r = X^T d is 0 (a global minimum) or g = X^T (z_bar 1 - z) (a saddle).
    _, z_pred = _core.forward(X, u_arr, v_arr)
    r = X.T @ (z_pred - z_arr)
    # r - g = X^T (z_pred - z_bar 1), formed directly rather than by cancellation
    r_minus_g = X.T @ (z_pred - z_arr.mean())
    norm_r = np.linalg.norm(r)
    if norm_r <= atol or norm_r <= np.linalg.norm(r_minus_g):
        return "global minimum"
    return "strict saddle"
