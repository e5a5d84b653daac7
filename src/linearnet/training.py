r"""Plain gradient descent on the cost :math:`C`, with an automatic step size.

Each step is :math:`u \leftarrow u - \eta\, \partial C/\partial u`,
:math:`v \leftarrow v - \eta\, \partial C/\partial v`, with the gradients of
:func:`linearnet.gradients`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from linearnet._validation import (
    FloatArray,
    check_inputs,
    check_params,
    check_positive_float,
    check_positive_int,
    check_target,
)
from linearnet.gradients import _gradients
from linearnet.model import _with_ones

__all__ = ["DivergenceError", "TrainResult", "curvature_bound", "train"]

#: A run whose cost grows by this factor over its starting value is declared divergent.
DIVERGENCE_FACTOR = 1e6
#: Armijo's sufficient-decrease constant for the automatic step size.
_ARMIJO = 0.5
#: After an accepted automatic step, the next one is tried this much longer.
_GROW = 1.5


class DivergenceError(RuntimeError):
    """Gradient descent diverged: the cost became non-finite or grew without bound."""


@dataclass(frozen=True)
class TrainResult:
    """The outcome of :func:`train`; its arrays are read-only.

    Attributes
    ----------
    u : ndarray of shape (p + 1, h)
        Final hidden-layer weights.
    v : ndarray of shape (h + 1,)
        Final output weights.
    costs : ndarray of shape (steps + 1,)
        ``costs[0]`` is the cost before the first step; ``costs[k]`` the cost after step ``k``.
    steps : int
        Number of gradient steps taken.
    converged : bool
        Whether the gradient norm fell below ``tol``.
    grad_norm : float
        Euclidean norm of the full gradient at the final weights.
    """

    u: FloatArray
    v: FloatArray
    costs: FloatArray
    steps: int
    converged: bool
    grad_norm: float


def curvature_bound(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> float:
    r"""Bound the Hessian norm of :math:`C` at :math:`(u, v)` from above by :math:`L`.

    .. math:: L = \lVert X \rVert_2^2 \lVert v_{1:} \rVert^2 + \lVert Y \rVert_2^2
              + \lVert X^T d \rVert

    The first two terms bound the Gauss-Newton part :math:`J^T J`, the last the part from the
    second derivatives :math:`\partial^2 z_i / \partial u_{jk} \partial v_k = x_{ij}`. Gradient
    descent with a fixed step :math:`\eta` is stable near :math:`(u, v)` when
    :math:`\eta < 2 / L`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)

    Returns
    -------
    L : float

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    """
    X0 = check_inputs(X0)
    z_arr = check_target(z, X0.shape[0])
    u_arr, v_arr = check_params(u, v, X0.shape[1])
    X = _with_ones(X0)
    return _curvature_bound(X, z_arr, u_arr, v_arr, float(np.linalg.norm(X, 2)))


def _curvature_bound(
    X: FloatArray, z: FloatArray, u: FloatArray, v: FloatArray, norm_X: float
) -> float:
    Y = _with_ones(X @ u)
    d = Y @ v - z
    return float(norm_X**2 * (v[1:] @ v[1:]) + np.linalg.norm(Y, 2) ** 2 + np.linalg.norm(X.T @ d))


def train(
    X0: ArrayLike,
    z: ArrayLike,
    u: ArrayLike,
    v: ArrayLike,
    *,
    lr: float | None = None,
    max_steps: int = 200_000,
    tol: float = 1e-8,
) -> TrainResult:
    r"""Minimise :math:`C` by gradient descent from ``(u, v)``.

    .. math:: (u, v) \leftarrow (u, v) - \eta \left(\frac{\partial C}{\partial u},
              \frac{\partial C}{\partial v}\right)

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs (standardise them for fast convergence).
    z : array_like of shape (n,)
        The targets.
    u : array_like of shape (p + 1, h)
        Initial hidden-layer weights (not modified).
    v : array_like of shape (h + 1,)
        Initial output weights (not modified).
    lr : float, optional
        A fixed step size :math:`\eta`. With ``None`` (the default) the step is chosen at every
        iteration by backtracking: start from the previous step times 1.5 (initially
        :math:`1/L`, see :func:`curvature_bound`) and halve it until the cost decreases by at
        least :math:`\tfrac12 \eta \lVert \nabla C \rVert^2` (Armijo's condition), so the cost
        never increases (beyond rounding in evaluating
        :math:`C`).
    max_steps : int, default 200_000
        Upper bound on the number of steps.
    tol : float, default 1e-8
        Stop, with ``converged=True``, once the Euclidean norm of the full gradient is at most
        ``tol``.

    Returns
    -------
    TrainResult
        The final weights, the cost history, the number of steps and whether it converged.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    DivergenceError
        If, with a fixed ``lr``, the cost becomes non-finite or exceeds
        ``DIVERGENCE_FACTOR`` times its starting value. The message names ``lr`` and the
        stable bound :math:`2/L` at the starting point.

    Examples
    --------
    >>> from linearnet import collapse, init_params
    >>> rng = np.random.default_rng(0)
    >>> X0 = rng.normal(size=(50, 2))
    >>> z = 1.0 + X0 @ [2.0, -1.0]
    >>> u, v = init_params(2, 2, rng=rng)
    >>> result = train(X0, z, u, v)
    >>> result.converged
    True
    >>> np.round(collapse(result.u, result.v), 6)
    array([ 1.,  2., -1.])
    """
    X0 = check_inputs(X0)
    z_arr = check_target(z, X0.shape[0])
    u_arr, v_arr = check_params(u, v, X0.shape[1])
    if lr is not None:
        lr = check_positive_float("lr", lr)
    max_steps = check_positive_int("max_steps", max_steps)
    tol = check_positive_float("tol", tol)

    X = _with_ones(X0)
    u_k, v_k = u_arr.copy(), v_arr.copy()
    d, g_u, g_v = _gradients(X, z_arr, u_k, v_k)
    C = 0.5 * float(d @ d)
    costs = [C]
    norm_X = float(np.linalg.norm(X, 2))
    L0 = _curvature_bound(X, z_arr, u_k, v_k, norm_X)
    eta = lr if lr is not None else 1.0 / L0
    converged = False
    steps = 0
    while True:
        g2 = float(np.sum(g_u * g_u) + g_v @ g_v)
        if np.sqrt(g2) <= tol:
            converged = True
            break
        if steps == max_steps:
            break
        if lr is None:
            # Along the ray, d(eta) = d - eta a + eta^2 b exactly (z_pred is bilinear in u, v),
            # so C(eta) - C is a quartic in eta with coefficients computed once: accurate even
            # when C is large and the decrease tiny, where C_new - C would be lost to rounding.
            XU = X @ u_k
            a = g_v[0] + (XU @ g_v[1:] + X @ (g_u @ v_k[1:]))
            b = X @ (g_u @ g_v[1:])
            c1, c2, c3, c4 = (
                -float(d @ a),
                0.5 * float(a @ a) + float(d @ b),
                -float(a @ b),
                0.5 * float(b @ b),
            )
            # Backtracking: halve eta until Armijo's sufficient decrease holds.
            while eta * (c1 + eta * (c2 + eta * (c3 + eta * c4))) > -_ARMIJO * eta * g2:
                eta *= 0.5
                if eta <= 1e-300:
                    # No step decreases C: stalled at rounding level.
                    return _result(u_k, v_k, costs, steps, False, g2)
            u_new, v_new = u_k - eta * g_u, v_k - eta * g_v
            d_new, g_u_new, g_v_new = _gradients(X, z_arr, u_new, v_new)
            C_new = 0.5 * float(d_new @ d_new)
            eta *= _GROW
        else:
            # A far too large lr overflows: that is reported as DivergenceError just below, not
            # as NumPy's RuntimeWarning (which warnings-as-errors would raise instead).
            with np.errstate(over="ignore", invalid="ignore"):
                u_new, v_new = u_k - eta * g_u, v_k - eta * g_v
                d_new, g_u_new, g_v_new = _gradients(X, z_arr, u_new, v_new)
                C_new = 0.5 * float(d_new @ d_new)
            if not np.isfinite(C_new) or C_new > DIVERGENCE_FACTOR * max(costs[0], 1e-300):
                raise DivergenceError(
                    f"gradient descent diverged with lr={eta:g}: after {steps + 1} step(s) the "
                    f"cost grew from {costs[0]:.6g} to {C_new:.6g}. At the starting point the "
                    f"curvature of C is at most L = {L0:.6g}, so a stable fixed step is "
                    f"lr < 2/L = {2.0 / L0:.6g}. Pass a smaller lr, or lr=None to let train "
                    f"choose the step."
                )
        u_k, v_k, d, g_u, g_v, C = u_new, v_new, d_new, g_u_new, g_v_new, C_new
        costs.append(C)
        steps += 1
    return _result(u_k, v_k, costs, steps, converged, g2)


def _result(
    u: FloatArray, v: FloatArray, costs: list[float], steps: int, converged: bool, g2: float
) -> TrainResult:
    arrays = [u.copy(), v.copy(), np.asarray(costs, dtype=np.float64)]
    for a in arrays:
        a.flags.writeable = False
    return TrainResult(arrays[0], arrays[1], arrays[2], steps, converged, float(np.sqrt(g2)))
