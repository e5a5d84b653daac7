r"""The one-layer model the network collapses to, and least squares.

The network computes :math:`z^{pred} = X w` with the collapsed weights
:math:`w_0 = v_0 + \sum_k u_{0k} v_k` and :math:`w_j = \sum_k u_{jk} v_k`. At a stationary point
with :math:`(v_1, \dots, v_h) \neq 0` these satisfy the normal equations :math:`X^T X w = X^T z`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from linearnet._core import FloatArray
from linearnet._validation import check_data

__all__ = ["least_squares", "normal_equations"]


def normal_equations(X0: ArrayLike, z: ArrayLike) -> tuple[FloatArray, FloatArray]:
    r"""Return the normal equations' matrix and right-hand side, :math:`(X^T X, X^T z)`.

    Row by row, the note's sums :eq:`eq-normal-sums`.

    The two sides of the book's :eq:`eq-normal`.

    For exposition and independent checks only: solving them in floating point squares the
    condition number. Use :func:`least_squares` to solve.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    z : array_like of shape (n,)
        The targets.

    Returns
    -------
    XtX : ndarray of shape (p + 1, p + 1)
    Xtz : ndarray of shape (p + 1,)

    Raises
    ------
    ValueError
        If an argument is malformed or ``len(z) != n``.

    Examples
    --------
    >>> XtX, Xtz = normal_equations([[0.0], [1.0]], [1.0, 3.0])
    >>> XtX
    array([[2., 1.],
           [1., 1.]])
    >>> Xtz
    array([4., 3.])
    """
    X, z_arr = check_data(X0, z)
    return X.T @ X, X.T @ z_arr


def least_squares(X0: ArrayLike, z: ArrayLike) -> FloatArray:
    r"""Weights :math:`w` minimising :math:`\lVert z - X w \rVert^2` (minimum norm if not unique).

    At the returned :math:`w^*`, :math:`L(w) - L(w^*) = \tfrac12 \lVert X (w - w^*) \rVert^2`
    for every :math:`w` (:eq:`eq-excess-cost`).

    The solution of the book's normal equations :eq:`eq-normal`.

    Never forms :math:`(X^T X)^{-1}`. With full column rank: scale the columns of :math:`X` by
    powers of two (exact, and it makes the result insensitive to the units of each feature),
    factor :math:`X = QR` (Householder), solve :math:`R w = Q^T z`, then refine the augmented
    system :math:`r + X w = z,\ X^T r = 0` with its residuals computed in extended precision
    (``numpy.longdouble``; Björck's iterative refinement). This keeps about 10 significant digits
    in every coefficient at condition numbers near :math:`10^{9}`, where solving the normal
    equations in floating point loses most of them. When :math:`X` is rank-deficient the
    minimum-norm solution comes from the SVD (``numpy.linalg.lstsq``).

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    z : array_like of shape (n,)
        The targets.

    Returns
    -------
    w : ndarray of shape (p + 1,)
        ``w[0]`` is the intercept. With full column rank, the unique solution of the normal
        equations :math:`X^T X w = X^T z`; otherwise the solution of least Euclidean norm.

    Raises
    ------
    ValueError
        If an argument is malformed or ``len(z) != n``.

    Examples
    --------
    The line through (0, 1) and (1, 3):

    >>> least_squares([[0.0], [1.0]], [1.0, 3.0])
    array([1., 2.])
    """
    X, z_arr = check_data(X0, z)
    # Column scaling by powers of two is exact: X = Xs S with S = diag(scale).
    norms = np.linalg.norm(X, axis=0)
    scale = np.exp2(np.round(np.log2(np.where(norms > 0.0, norms, 1.0))))
    Xs = X / scale
    if np.linalg.matrix_rank(Xs) < X.shape[1]:
        return np.asarray(np.linalg.lstsq(X, z_arr, rcond=None)[0], dtype=np.float64)
    Q, R = np.linalg.qr(Xs)
    ws = np.linalg.solve(R, Q.T @ z_arr)
    r = z_arr - Xs @ ws
    Xs_ext, z_ext = Xs.astype(np.longdouble), z_arr.astype(np.longdouble)
    for _ in range(_REFINEMENT_STEPS):
        # Residuals of  r + Xs ws = z  and  Xs^T r = 0, in extended precision.
        f = np.asarray(z_ext - r - Xs_ext @ ws, dtype=np.float64)
        g = np.asarray(-(Xs_ext.T @ r), dtype=np.float64)
        # Correct with the same QR: a = R^-T g, dws = R^-1 (Q^T f - a), dr = f - Xs dws.
        a = np.linalg.solve(R.T, g)
        dws = np.linalg.solve(R, Q.T @ f - a)
        ws, r = ws + dws, r + (f - Xs @ dws)
        if np.linalg.norm(dws) <= np.finfo(np.float64).eps * np.linalg.norm(ws):
            break
    w: FloatArray = ws / scale
    return w


#: Upper bound on the rounds of iterative refinement in :func:`least_squares`.
_REFINEMENT_STEPS = 10
