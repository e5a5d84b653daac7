r"""The two-layer network with a nonlinear hidden layer: where the book's theorem ends.

The hidden values pass through an activation :math:`\sigma`, entry by entry:

.. math:: Y_0 = X u, \qquad Y = [1\ \sigma(Y_0)], \qquad z^{pred} = Y v .

With :math:`\sigma` the identity this is the network of :func:`linearnet.predict` (and
``leaky_relu(1.0)`` is the identity, so it agrees with it exactly). Two activations are
provided: the leaky ReLU, :math:`\sigma(y) = y` for :math:`y > 0` and :math:`\alpha y` otherwise,
and :math:`\tanh`.

Import it as ``from linearnet import activation``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from linearnet._core import FloatArray, frozen, with_ones
from linearnet._descent import check_settings, descend
from linearnet._validation import check_inputs, check_params, check_problem
from linearnet.training import TrainResult

__all__ = ["Activation", "cost", "gradients", "leaky_relu", "predict", "tanh", "train"]


@dataclass(frozen=True)
class Activation:
    r"""An activation :math:`\sigma` and its derivative, both applied entry by entry.

    Attributes
    ----------
    name : str
        For messages and plots, e.g. ``"leaky ReLU (alpha = 0.5)"``.
    sigma : callable
        ``sigma(Y0) -> ndarray`` of the shape of ``Y0``.
    derivative : callable
        ``derivative(Y0) -> ndarray``: :math:`\sigma'` at every entry.
    """

    name: str
    sigma: Callable[[FloatArray], FloatArray]
    derivative: Callable[[FloatArray], FloatArray]


def leaky_relu(alpha: float) -> Activation:
    r"""Return the leaky ReLU: :math:`\sigma(y) = y` if :math:`y > 0`, else :math:`\alpha y`.

    It is piecewise linear with a kink at 0 (none if :math:`\alpha = 1`, the identity). There
    its derivative does not exist; :func:`gradients` uses :math:`\alpha`, the derivative from
    the left.

    Parameters
    ----------
    alpha : float
        The slope for negative inputs (finite; 0 gives the ReLU).

    Returns
    -------
    Activation

    Raises
    ------
    ValueError
        If ``alpha`` is not a finite real number.

    Examples
    --------
    >>> leaky_relu(0.5).sigma(np.array([-2.0, 0.0, 3.0]))
    array([-1.,  0.,  3.])
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.integer | np.floating):
        raise ValueError(
            f"alpha must be a real number, the slope for negative inputs; received {alpha!r} of "
            f"type {type(alpha).__name__}."
        )
    if not np.isfinite(alpha):
        raise ValueError(f"alpha must be finite; received {alpha!r}. Use e.g. 0.1.")
    a = float(alpha)
    return Activation(
        f"leaky ReLU (alpha = {a:g})",
        lambda y: np.where(y > 0, y, a * y),
        lambda y: np.where(y > 0, 1.0, a),
    )


def tanh() -> Activation:
    r"""Return the hyperbolic tangent, with :math:`\tanh'(y) = 1 - \tanh^2 y`.

    Returns
    -------
    Activation

    Examples
    --------
    >>> tanh().derivative(np.array([0.0]))
    array([1.])
    """
    return Activation("tanh", np.tanh, lambda y: 1.0 - np.tanh(y) ** 2)


def predict(X0: ArrayLike, u: ArrayLike, v: ArrayLike, sigma: Activation) -> FloatArray:
    r"""Network output :math:`z^{pred} = [1\ \sigma(X u)]\, v`.

    The book's :prf:ref:`def-deep-activation`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    u : array_like of shape (p + 1, h)
        Hidden-layer weights; row 0 holds the biases.
    v : array_like of shape (h + 1,)
        Output weights; ``v[0]`` is the bias.
    sigma : Activation
        From :func:`leaky_relu` or :func:`tanh`.

    Returns
    -------
    z_pred : ndarray of shape (n,)

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    One hidden unit :math:`\sigma(x)`, :math:`\alpha = 1/2`: at :math:`x = -1, 0, 1` the outputs
    are :math:`-1/2, 0, 1`, not on a line.

    >>> predict([[-1.0], [0.0], [1.0]], [[0.0], [1.0]], [0.0, 1.0], leaky_relu(0.5))
    array([-0.5,  0. ,  1. ])
    """
    X0_arr = check_inputs(X0)
    u_arr, v_arr = check_params(u, v, X0_arr.shape[1])
    return _forward(with_ones(X0_arr), u_arr, v_arr, _check_sigma(sigma))[2]


def cost(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike, sigma: Activation) -> float:
    r"""Cost :math:`C = \tfrac12 \lVert z^{pred} - z \rVert^2`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)
    sigma : Activation

    Returns
    -------
    C : float

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    >>> cost([[-1.0], [0.0], [1.0]], [1.0, 0.0, 1.0], [[0.0], [1.0]], [0.0, 1.0], leaky_relu(0.5))
    1.125
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    d = _forward(X, u_arr, v_arr, _check_sigma(sigma))[2] - z_arr
    return 0.5 * float(d @ d)


def gradients(
    X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike, sigma: Activation
) -> tuple[FloatArray, FloatArray]:
    r"""Return :math:`(\partial C/\partial u, \partial C/\partial v)`.

    .. math:: \frac{\partial C}{\partial u} = X^T \big( (d\, v_{1:}^T) \odot \sigma'(X u) \big),
              \qquad \frac{\partial C}{\partial v} = Y^T d ,

    with :math:`\odot` the entrywise product and :math:`d = z^{pred} - z`. For the leaky ReLU,
    :math:`\sigma'(0)` is taken as :math:`\alpha` (see :func:`leaky_relu`).

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
    v : array_like of shape (h + 1,)
    sigma : Activation

    Returns
    -------
    dC_du : ndarray of shape (p + 1, h)
    dC_dv : ndarray of shape (h + 1,)

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    One sample :math:`x = -2`, :math:`u = (0, 1)`, :math:`v = (0, 1)`, :math:`\alpha = 1/2`:
    :math:`z^{pred} = -1`, :math:`d = -1 - 0 = -1`; :math:`\sigma'(-2) = 1/2`.

    >>> dC_du, dC_dv = gradients([[-2.0]], [0.0], [[0.0], [1.0]], [0.0, 1.0], leaky_relu(0.5))
    >>> dC_du.ravel(), dC_dv
    (array([-0.5,  1. ]), array([-1.,  1.]))
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    _, dC_du, dC_dv = _gradients(X, z_arr, u_arr, v_arr, _check_sigma(sigma))
    return dC_du, dC_dv


def train(
    X0: ArrayLike,
    z: ArrayLike,
    u: ArrayLike,
    v: ArrayLike,
    sigma: Activation,
    *,
    lr: float | None = None,
    max_steps: int = 200_000,
    tol: float = 1e-8,
) -> TrainResult:
    r"""Minimise :math:`C` by gradient descent from ``(u, v)``.

    Used for the book's :prf:ref:`obs-deep-curvature`.

    The same descent as :func:`linearnet.deep.train` (backtracking by default, or a fixed
    ``lr``). The cost is no longer a polynomial in the step, so the decrease is computed from
    the change of the prediction, :math:`\delta^T (d + \delta/2)`; it is accurate while the
    decrease is not far below the rounding error of the prediction, and the run stops there if
    no step decreases :math:`C` any more.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    u : array_like of shape (p + 1, h)
        Initial hidden-layer weights (not modified).
    v : array_like of shape (h + 1,)
        Initial output weights (not modified).
    sigma : Activation
    lr : float, optional
        A fixed step size; by default chosen by backtracking.
    max_steps : int, default 200_000
    tol : float, default 1e-8
        Stop, with ``converged=True``, once the norm of the gradient is at most ``tol``.

    Returns
    -------
    TrainResult
        As :func:`linearnet.train` returns it, with ``trajectory=None``.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    DivergenceError
        If, with a fixed ``lr``, the cost becomes non-finite or grows more than a millionfold.

    Examples
    --------
    :math:`z = |x|` is not affine in :math:`x`, but two leaky-ReLU units fit it:
    :math:`|x| = (\sigma(x) + \sigma(-x)) / (1 - \alpha)`.

    >>> x = np.linspace(-1, 1, 9).reshape(-1, 1)
    >>> u0 = np.array([[0.1, 0.1], [1.0, -1.0]])
    >>> result = train(x, np.abs(x).ravel(), u0, np.array([0.0, 1.0, 1.0]), leaky_relu(0.5))
    >>> bool(result.costs[-1] < 1e-12)
    True
    """
    X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
    sigma = _check_sigma(sigma)
    lr, max_steps, tol = check_settings(lr, max_steps, tol)

    def evaluate(
        W: list[FloatArray],
    ) -> tuple[FloatArray, list[FloatArray], Callable[[float], float]]:
        d, dC_du, dC_dv = _gradients(X, z_arr, W[0], W[1], sigma)
        z_pred = d + z_arr

        def change(eta: float) -> float:
            # delta = change of the prediction; C_new - C = delta^T (d + delta / 2)
            delta = _forward(X, W[0] - eta * dC_du, W[1] - eta * dC_dv, sigma)[2] - z_pred
            return float(delta @ (d + 0.5 * delta))

        return d, [dC_du, dC_dv], change

    run = descend(evaluate, [u_arr, v_arr], lr=lr, max_steps=max_steps, tol=tol)
    u_k, v_k = run.weights
    return TrainResult(
        frozen(u_k), frozen(v_k), frozen(run.costs), run.steps, run.converged, run.grad_norm
    )


# --- on validated arrays ------------------------------------------------------------------------


def _forward(
    X: FloatArray, u: FloatArray, v: FloatArray, sigma: Activation
) -> tuple[FloatArray, FloatArray, FloatArray]:
    r"""Return ``(Y0, Y, z_pred)``: :math:`Y_0 = X u`, :math:`Y = [1\ \sigma(Y_0)]`, :math:`Y v`."""
    Y0 = X @ u
    Y = with_ones(sigma.sigma(Y0))
    return Y0, Y, Y @ v


def _gradients(
    X: FloatArray, z: FloatArray, u: FloatArray, v: FloatArray, sigma: Activation
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``(d, dC_du, dC_dv)``."""
    Y0, Y, z_pred = _forward(X, u, v, sigma)
    d = z_pred - z
    # dC/du = X^T ((d v_(1:)^T) * sigma'(Y0)); dC/dv = Y^T d
    return d, X.T @ (np.outer(d, v[1:]) * sigma.derivative(Y0)), Y.T @ d


def _check_sigma(sigma: Any) -> Activation:
    if not isinstance(sigma, Activation):
        raise ValueError(
            f"sigma must be an Activation, e.g. activation.leaky_relu(0.1) or activation.tanh(); "
            f"received {sigma!r} of type {type(sigma).__name__}."
        )
    return sigma
