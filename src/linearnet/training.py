r"""Plain gradient descent on the cost :math:`C`, with an automatic step size.

Each step is :math:`u \leftarrow u - \eta\, \partial C/\partial u`,
:math:`v \leftarrow v - \eta\, \partial C/\partial v`, with the gradients of
:func:`linearnet.gradients`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from linearnet import _core
from linearnet._core import FloatArray, frozen
from linearnet._descent import DivergenceError, check_settings, descend
from linearnet._validation import check_positive_int, check_problem

__all__ = ["DivergenceError", "TrainResult", "Trajectory", "curvature_bound", "train"]


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
    trajectory : Trajectory or None
        The weights at every ``record_every``-th step, when :func:`train` was asked to record
        them; otherwise ``None``.
    """

    u: FloatArray
    v: FloatArray
    costs: FloatArray
    steps: int
    converged: bool
    grad_norm: float
    trajectory: Trajectory | None = None


@dataclass(frozen=True)
class Trajectory:
    """Weights recorded along a run of :func:`train`; its arrays are read-only.

    Attributes
    ----------
    steps : ndarray of shape (r,)
        The steps recorded: ``0, k, 2k, ...`` and the last step of the run.
    u : ndarray of shape (r, p + 1, h)
        ``u[i]`` is the hidden-layer weights after step ``steps[i]``.
    v : ndarray of shape (r, h + 1)
        ``v[i]`` is the output weights after step ``steps[i]``.
    """

    steps: NDArray[np.int64]
    u: FloatArray
    v: FloatArray


def curvature_bound(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> float:
    r"""Bound the Hessian norm of :math:`C` at :math:`(u, v)` from above by :math:`L`.

    Checked against the Hessian along runs in the book's :prf:ref:`rem-curvature-bound`.

    .. math:: \Lambda = \lVert X \rVert_2^2 \lVert v_{1:} \rVert^2 + \lVert Y \rVert_2^2
              + \lVert X^T d \rVert

    The first two terms bound the Gauss-Newton part :math:`J^T J`, the last the part from the
    second derivatives :math:`\partial^2 z_i / \partial u_{jk} \partial v_k = x_{ij}`, so every
    eigenvalue of the Hessian at :math:`(u, v)` lies in :math:`[-\Lambda, \Lambda]`. The bound
    holds at :math:`(u, v)` only: :math:`C` is a quartic, whose curvature grows away from the
    point. So :math:`2/\Lambda` is a local step bound at the point, not a step that keeps a
    whole run stable.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)

    Returns
    -------
    Lambda : float
        The bound :math:`\Lambda`.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    return _curvature_bound(X, z_arr, u_arr, v_arr, float(np.linalg.norm(X, 2)))


def _curvature_bound(
    X: FloatArray, z: FloatArray, u: FloatArray, v: FloatArray, norm_X: float
) -> float:
    Y, z_pred = _core.forward(X, u, v)
    return float(
        norm_X**2 * (v[1:] @ v[1:]) + np.linalg.norm(Y, 2) ** 2 + np.linalg.norm(X.T @ (z_pred - z))
    )


def train(
    X0: ArrayLike,
    z: ArrayLike,
    u: ArrayLike,
    v: ArrayLike,
    *,
    lr: float | None = None,
    max_steps: int = 200_000,
    tol: float = 1e-8,
    record_every: int | None = None,
) -> TrainResult:
    r"""Minimise :math:`C` by gradient descent from ``(u, v)``.

    Where it can stop: :prf:ref:`thm-equivalence`; from random starts (an experiment):
    :prf:ref:`obs-random-starts`.

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
        :math:`1/\Lambda`, see :func:`curvature_bound`) and halve it until the cost decreases by at
        least :math:`\tfrac12 \eta \lVert \nabla C \rVert^2` (Armijo's condition), so the cost
        never increases (beyond rounding in evaluating :math:`C`).
    max_steps : int, default 200_000
        Upper bound on the number of steps.
    tol : float, default 1e-8
        Stop, with ``converged=True``, once the Euclidean norm of the full gradient is at most
        ``tol``.
    record_every : int, optional
        Record the weights after every ``record_every``-th step (and at the start and the end)
        in ``TrainResult.trajectory``. By default nothing is recorded.

    Returns
    -------
    TrainResult
        The final weights, the cost history, the number of steps, whether it converged, and the
        recorded trajectory if asked for.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    DivergenceError
        If, with a fixed ``lr``, the cost becomes non-finite or exceeds
        a million times its starting value. The message names ``lr`` and the
        local step bound :math:`2/\Lambda` at the starting point (sufficient there, not
        necessary).

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
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    lr, max_steps, tol = check_settings(lr, max_steps, tol)
    if record_every is not None:
        record_every = check_positive_int("record_every", record_every)
    L0 = _curvature_bound(X, z_arr, u_arr, v_arr, float(np.linalg.norm(X, 2)))
    hint = (
        f" At the starting point every eigenvalue of the Hessian of C lies in [-Λ, Λ] with "
        f"Λ = {L0:.4g}: a fixed step below 2/Λ = {2.0 / L0:.4g} would lower the cost if that "
        f"bound held along the whole step (a sufficient local condition, not a necessary one; "
        f"the curvature changes along the run)."
    )

    def evaluate(W: list[FloatArray]) -> tuple[FloatArray, list[FloatArray], _Change]:
        u_k, v_k = W
        d, g_u, g_v = _core.gradients(X, z_arr, u_k, v_k)
        return d, [g_u, g_v], _change_along(X, d, u_k, v_k, g_u, g_v)

    run = descend(
        evaluate,
        [u_arr, v_arr],
        lr=lr,
        max_steps=max_steps,
        tol=tol,
        first_step=1.0 / L0,
        record_every=record_every,
        hint=hint,
    )
    trajectory = None
    if record_every is not None:
        steps_rec = np.array([k for k, _ in run.recorded], dtype=np.int64)
        u_rec = np.array([W[0] for _, W in run.recorded])
        v_rec = np.array([W[1] for _, W in run.recorded])
        trajectory = Trajectory(frozen(steps_rec), frozen(u_rec), frozen(v_rec))
    u_end, v_end = run.weights
    return TrainResult(
        frozen(u_end),
        frozen(v_end),
        frozen(run.costs),
        run.steps,
        run.converged,
        run.grad_norm,
        trajectory,
    )


_Change = Callable[[float], float]


def _change_along(
    X: FloatArray, d: FloatArray, u: FloatArray, v: FloatArray, g_u: FloatArray, g_v: FloatArray
) -> _Change:
    r"""``change(eta)``: the exact change of :math:`C` along the step :math:`-\eta \nabla C`.

    Along the ray :math:`(u, v) - \eta (g_u, g_v)` the residual is exactly
    :math:`d - \eta a + \eta^2 b` (:math:`z^{pred}` is bilinear in :math:`u, v`), so
    :math:`C(\eta) - C` is a quartic in :math:`\eta` whose coefficients are computed once: exact
    up to rounding even when :math:`C` is large and the decrease tiny, where
    :math:`C_{new} - C` would be lost to rounding.
    """
    a = g_v[0] + (X @ u) @ g_v[1:] + X @ (g_u @ v[1:])
    b = X @ (g_u @ g_v[1:])
    c1, c2 = -float(d @ a), 0.5 * float(a @ a) + float(d @ b)
    c3, c4 = -float(a @ b), 0.5 * float(b @ b)
    return lambda eta: eta * (c1 + eta * (c2 + eta * (c3 + eta * c4)))
