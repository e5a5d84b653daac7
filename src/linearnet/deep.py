r"""A linear network with any number of layers, each with its biases: the book's chapter 6.

Rows are samples. With ``X0`` of shape ``(n, p)`` and hidden widths :math:`n_1, \dots, n_{N-1}`
(:math:`n_0 = p`), layer :math:`l` has weights :math:`W_l` of shape
:math:`(n_{l-1} + 1, n_l)`, row 0 its biases, and the last layer :math:`W_N` is a vector of shape
:math:`(n_{N-1} + 1,)`, entry 0 the output bias:

.. math:: A_0 = X_0, \qquad A_l = [1\ A_{l-1}]\, W_l \ (l < N), \qquad
          z^{pred} = [1\ A_{N-1}]\, W_N .

With two layers, ``weights = [u, v]`` and everything here agrees exactly with
:func:`linearnet.predict`, :func:`linearnet.gradients` and :func:`linearnet.collapse`. A list of
one vector ``[w]`` is the one-layer model :math:`z^{pred} = X w`.

Import it as ``from linearnet import deep``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from linearnet._core import FloatArray, frozen, with_ones
from linearnet._descent import check_settings, descend
from linearnet._validation import (
    as_real_array,
    check_data,
    check_inputs,
    check_positive_float,
    check_positive_int,
)

__all__ = ["DeepTrainResult", "collapse", "cost", "gradients", "init_params", "predict", "train"]


@dataclass(frozen=True)
class DeepTrainResult:
    """The outcome of :func:`train`; its arrays are read-only.

    Attributes
    ----------
    weights : tuple of ndarray
        The final weights, shaped as the ones :func:`train` received.
    costs : ndarray of shape (steps + 1,)
        ``costs[0]`` is the cost before the first step; ``costs[k]`` the cost after step ``k``.
    steps : int
        Number of gradient steps taken.
    converged : bool
        Whether the gradient norm fell below ``tol``.
    grad_norm : float
        Euclidean norm of the full gradient (all layers) at the final weights.
    """

    weights: tuple[FloatArray, ...]
    costs: FloatArray
    steps: int
    converged: bool
    grad_norm: float


def init_params(
    p: int, widths: Sequence[int], *, rng: np.random.Generator, scale: float = 0.1
) -> list[FloatArray]:
    r"""Draw initial weights with independent normal entries of standard deviation ``scale``.

    Layer by layer, in order, from ``rng``: with ``widths = [h]`` the draws are those of
    :func:`linearnet.init_params` ``(p, h)``.

    Parameters
    ----------
    p : int
        Number of input features.
    widths : sequence of int
        The hidden widths :math:`n_1, \dots, n_{N-1}`; the depth is ``N = len(widths) + 1``.
        Empty for the one-layer model.
    rng : numpy.random.Generator
        The only source of randomness, e.g. ``np.random.default_rng(0)``.
    scale : float, default 0.1
        Standard deviation of every entry.

    Returns
    -------
    weights : list of ndarray
        ``weights[l - 1]`` of shape ``(n_{l-1} + 1, n_l)`` for the hidden layers; the last of
        shape ``(n_{N-1} + 1,)``.

    Raises
    ------
    ValueError
        If ``p`` or a width is not a positive integer, ``widths`` is not a list or tuple,
        ``scale`` is not positive and finite, or ``rng`` is not a ``numpy.random.Generator``.

    Examples
    --------
    >>> [w.shape for w in init_params(2, [4, 3], rng=np.random.default_rng(0))]
    [(3, 4), (5, 3), (4,)]
    """
    p = check_positive_int("p", p)
    if not isinstance(widths, list | tuple):
        raise ValueError(
            f"widths must be a list or tuple of hidden-layer widths, e.g. [3, 2]; received "
            f"{widths!r} of type {type(widths).__name__}."
        )
    sizes = [p] + [check_positive_int(f"widths[{i}]", h) for i, h in enumerate(widths)]
    scale = check_positive_float("scale", scale)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0); received "
            f"{type(rng).__name__}."
        )
    shapes = [(a + 1, b) for a, b in itertools.pairwise(sizes)] + [(sizes[-1] + 1,)]
    return [rng.normal(0.0, scale, size=shape) for shape in shapes]


def predict(X0: ArrayLike, weights: Sequence[ArrayLike]) -> FloatArray:
    r"""Network output :math:`z^{pred} = [1\ A_{N-1}]\, W_N`, layer after layer.

    The book's :prf:ref:`def-deep-network`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    weights : sequence of array_like
        :math:`W_1, \dots, W_N` as described in the module docstring.

    Returns
    -------
    z_pred : ndarray of shape (n,)

    Raises
    ------
    ValueError
        If an argument is malformed or a layer's shape does not fit the layer before it (the
        message names the layer).

    Examples
    --------
    Three layers of one unit each: :math:`a_1 = 1 + 2x`, :math:`a_2 = 0 + 3 a_1`,
    :math:`z^{pred} = 1 + 1 \cdot a_2`; at :math:`x = 1`, :math:`1 + 9 = 10`.

    >>> predict([[1.0]], [[[1.0], [2.0]], [[0.0], [3.0]], [1.0, 1.0]])
    array([10.])
    """
    X0_arr = check_inputs(X0)
    W = _check_weights(weights, X0_arr.shape[1])
    return _forward(with_ones(X0_arr), W)[1]


def cost(X0: ArrayLike, z: ArrayLike, weights: Sequence[ArrayLike]) -> float:
    r"""Cost :math:`C = \tfrac12 \lVert z^{pred} - z \rVert^2`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    weights : sequence of array_like

    Returns
    -------
    C : float

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    >>> cost([[1.0]], [7.0], [[[1.0], [2.0]], [[0.0], [3.0]], [1.0, 1.0]])
    4.5
    """
    X, z_arr = check_data(X0, z)
    d = _forward(X, _check_weights(weights, X.shape[1] - 1))[1] - z_arr
    return 0.5 * float(d @ d)


def gradients(X0: ArrayLike, z: ArrayLike, weights: Sequence[ArrayLike]) -> list[FloatArray]:
    r"""Return :math:`\partial C / \partial W_l` for every layer, in the order of ``weights``.

    The book's :eq:`eq-deep-gradient`.

    The prediction is linear in each layer's hidden values, with the same coefficients for every
    sample: :math:`\partial z_i^{pred} / \partial A_{l, ik} = \beta_{l,k}`, where

    .. math:: \beta_{N-1} = W_{N, 1:}, \qquad \beta_{l-1} = W_{l, 1:}\, \beta_l

    (:math:`W_{l, 1:}`: :math:`W_l` without its bias row). With :math:`d = z^{pred} - z`,

    .. math:: \frac{\partial C}{\partial W_l} = [1\ A_{l-1}]^T d\; \beta_l^T \ (l < N), \qquad
              \frac{\partial C}{\partial W_N} = [1\ A_{N-1}]^T d ,

    which for two layers is :func:`linearnet.gradients`: :math:`X^T d\, v_{1:}^T` and
    :math:`Y^T d`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
    z : array_like of shape (n,)
    weights : sequence of array_like

    Returns
    -------
    grads : list of ndarray
        ``grads[l - 1]`` has the shape of ``weights[l - 1]``.

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.

    Examples
    --------
    One sample :math:`x = 1`, weights as in :func:`predict`, target 7: :math:`d = 3`;
    :math:`\beta_2 = 1`, :math:`\beta_1 = 3 \cdot 1 = 3`.

    >>> [g.ravel() for g in gradients([[1.0]], [7.0], [[[1.0], [2.0]], [[0.0], [3.0]], [1.0, 1.0]])]
    [array([9., 9.]), array([3., 9.]), array([ 3., 27.])]
    """
    X, z_arr = check_data(X0, z)
    return _gradients(X, z_arr, _check_weights(weights, X.shape[1] - 1))[1]


def collapse(weights: Sequence[ArrayLike]) -> FloatArray:
    r"""Return the one-layer weights ``w`` with :math:`z^{pred} = X w`: the network is affine.

    The book's :prf:ref:`thm-deep-collapse`, :eq:`eq-deep-collapse`.

    Collapse the last two layers into one with :func:`linearnet.collapse`'s formula
    (:math:`c \leftarrow W_l\, c_{1:} + c_0 e_0`) until one layer is left. Written out,

    .. math:: w_{1:} = W_{1, 1:}\, \beta_1, \qquad
              w_0 = W_{N, 0} + \sum_{l=1}^{N-1} W_{l, 0}\, \beta_l

    with the :math:`\beta_l` of :func:`gradients` (:math:`W_{l, 0}`: the bias row).

    Parameters
    ----------
    weights : sequence of array_like
        :math:`W_1, \dots, W_N`.

    Returns
    -------
    w : ndarray of shape (p + 1,)
        ``w[0]`` is the intercept.

    Raises
    ------
    ValueError
        If a layer is malformed or does not fit the layer before it.

    Examples
    --------
    >>> collapse([[[1.0], [2.0]], [[0.0], [3.0]], [1.0, 1.0]])
    array([4., 6.])
    """
    W = _check_weights(weights, None)
    c = W[-1].copy()
    for W_l in reversed(W[:-1]):
        # c <- W_l c_(1:) + c_0 e_0
        c_0 = c[0]
        c = W_l @ c[1:]
        c[0] += c_0
    return c


def train(
    X0: ArrayLike,
    z: ArrayLike,
    weights: Sequence[ArrayLike],
    *,
    lr: float | None = None,
    max_steps: int = 200_000,
    tol: float = 1e-8,
) -> DeepTrainResult:
    r"""Minimise :math:`C` by gradient descent on all layers from ``weights``.

    Used for the book's :prf:ref:`rem-deep-diabetes` and :prf:ref:`obs-deep-starts`.

    .. math:: W_l \leftarrow W_l - \eta\, \frac{\partial C}{\partial W_l}, \quad l = 1, \dots, N

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs (standardise them for fast convergence).
    z : array_like of shape (n,)
        The targets.
    weights : sequence of array_like
        The starting weights (not modified).
    lr : float, optional
        A fixed step size :math:`\eta`. With ``None`` (the default) the step is chosen by
        backtracking as in :func:`linearnet.train`: the previous step times 1.5 (the first: 1),
        halved until :math:`C` decreases by at least :math:`\tfrac12 \eta \lVert \nabla C
        \rVert^2`. The decrease is computed from the prediction along the step, a polynomial of
        degree :math:`N` in :math:`\eta` whose coefficients come from one pass through the
        layers, so it stays exact up to rounding even when it is tiny next to :math:`C`.
    max_steps : int, default 200_000
        Upper bound on the number of steps.
    tol : float, default 1e-8
        Stop, with ``converged=True``, once the Euclidean norm of the full gradient is at most
        ``tol``.

    Returns
    -------
    DeepTrainResult

    Raises
    ------
    ValueError
        If an argument is malformed or the shapes disagree.
    DivergenceError
        If, with a fixed ``lr``, the cost becomes non-finite or grows more than a millionfold.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X0 = rng.normal(size=(50, 2))
    >>> z = 1.0 + X0 @ [2.0, -1.0]
    >>> result = train(X0, z, init_params(2, [3, 2], rng=rng, scale=0.5))
    >>> result.converged
    True
    >>> np.round(collapse(result.weights), 6)
    array([ 1.,  2., -1.])
    """
    X, z_arr = check_data(X0, z)
    W = _check_weights(weights, X.shape[1] - 1)
    lr, max_steps, tol = check_settings(lr, max_steps, tol)
    run = descend(lambda W_k: _evaluate(X, z_arr, W_k), W, lr=lr, max_steps=max_steps, tol=tol)
    return DeepTrainResult(
        tuple(frozen(w) for w in run.weights),
        frozen(run.costs),
        run.steps,
        run.converged,
        run.grad_norm,
    )


# --- on validated arrays ------------------------------------------------------------------------


def _forward(X: FloatArray, W: list[FloatArray]) -> tuple[list[FloatArray], FloatArray]:
    r"""Return the layers' inputs :math:`[1\ A_{l-1}]` (``X`` first) and :math:`z^{pred}`."""
    inputs = [X]
    for W_l in W[:-1]:
        # [1 A_l] = [1 ([1 A_(l-1)] W_l)]
        inputs.append(with_ones(inputs[-1] @ W_l))
    return inputs, inputs[-1] @ W[-1]


def _betas(W: list[FloatArray]) -> list[FloatArray]:
    r"""Return :math:`\beta_1, \dots, \beta_{N-1}`.

    :math:`\beta_{N-1} = W_{N,1:}` and :math:`\beta_{l-1} = W_{l,1:} \beta_l`.
    """
    if len(W) == 1:
        return []
    betas = [W[-1][1:]]
    for W_l in reversed(W[1:-1]):
        betas.insert(0, W_l[1:] @ betas[0])
    return betas


def _gradients(
    X: FloatArray, z: FloatArray, W: list[FloatArray]
) -> tuple[FloatArray, list[FloatArray]]:
    """Return ``(d, grads)``: the residual and the gradient of every layer."""
    d, grads, _ = _evaluate(X, z, W)
    return d, grads


def _evaluate(
    X: FloatArray, z: FloatArray, W: list[FloatArray]
) -> tuple[FloatArray, list[FloatArray], Callable[[float], float]]:
    r"""Return ``(d, grads, change)`` with ``change(eta) = C(W - eta grads) - C(W)``.

    ``change`` is :math:`\delta^T (d + \delta / 2)`, :math:`\delta = \sum_{k \ge 1} \eta^k c_k`
    the change of the prediction (:func:`_prediction_along`); its coefficients are computed at
    the first call, from this forward pass.
    """
    inputs, z_pred = _forward(X, W)
    d = z_pred - z
    # dC/dW_l = [1 A_(l-1)]^T d beta_l^T for l < N, and [1 A_(N-1)]^T d for the last layer
    grads = [np.outer(A.T @ d, b) for A, b in zip(inputs[:-1], _betas(W), strict=True)]
    grads.append(inputs[-1].T @ d)
    coeffs: list[FloatArray] = []

    def change(eta: float) -> float:
        if not coeffs:
            coeffs.extend(_prediction_along(inputs, z_pred, W, grads)[1:])
        delta = coeffs[-1]
        for c_k in reversed(coeffs[:-1]):
            delta = delta * eta + c_k
        delta = delta * eta
        return float(delta @ (d + 0.5 * delta))

    return d, grads, change


def _prediction_along(
    inputs: list[FloatArray], z_pred: FloatArray, W: list[FloatArray], G: list[FloatArray]
) -> list[FloatArray]:
    r"""Return :math:`c_0, \dots, c_N` with :math:`z^{pred}(W - \eta G) = \sum_k \eta^k c_k`.

    ``inputs`` and ``z_pred`` come from :func:`_forward` at ``W``: they are the constant
    coefficients. Each layer is linear in its weights, so a layer's input is a polynomial in
    :math:`\eta`, carried as its list of coefficients, and a layer raises the degree by one. Only
    the constant coefficient holds the column of ones, so the others meet the weights without
    their bias row.
    """
    higher: list[FloatArray] = []  # coefficients k >= 1 of A_(l-1)(eta), without the ones
    for D_0, W_l, G_l in zip(inputs, W, G, strict=True):
        # ([1 A](eta)) (W_l - eta G_l): coefficient k >= 1 is A_k W_l,1: - D_(k-1) G_l
        times_G = [D_0 @ G_l] + [A_k @ G_l[1:] for A_k in higher]
        higher = [A_k @ W_l[1:] - g for A_k, g in zip(higher, times_G, strict=False)]
        higher.append(-times_G[-1])
    return [z_pred, *higher]


# --- validation -------------------------------------------------------------------------------


def _check_weights(weights: Any, p: int | None) -> list[FloatArray]:
    """Validate the layers in order; the message names the layer whose shape is wrong.

    Parameters
    ----------
    weights : list or tuple of array_like
    p : int or None
        The number of input features when known from ``X0``; otherwise layer 1 only needs at
        least two rows.
    """
    if not isinstance(weights, list | tuple):
        raise ValueError(
            f"weights must be a list of arrays, one per layer (the last 1-D, like v); received "
            f"{type(weights).__name__}. For two layers pass [u, v]."
        )
    if len(weights) == 0:
        raise ValueError("weights must hold at least one layer; received an empty list.")
    L = len(weights)
    W: list[FloatArray] = []
    for i, W_l in enumerate(weights):
        name = f"weights[{i}] (layer {i + 1} of {L})"
        if i < L - 1:
            arr = as_real_array(name, W_l, ndim=2, shape=f"n_{i} + 1, n_{i + 1}")
        else:
            arr = as_real_array(name, W_l, ndim=1, shape=f"n_{i} + 1,")
        n_in = p if i == 0 else W[-1].shape[1]
        if n_in is None:
            if arr.shape[0] < 2:
                raise ValueError(
                    f"{name} must have p + 1 >= 2 rows (row 0 for the biases, then one per "
                    f"input); received shape {arr.shape}."
                )
        elif arr.shape[0] != n_in + 1:
            source = (
                f"X0 has p = {n_in} columns"
                if i == 0
                else f"layer {i} has n_{i} = {n_in} units, the columns of weights[{i - 1}]"
            )
            raise ValueError(
                f"{name} must have {n_in + 1} rows (row 0 for the layer's biases, then one per "
                f"input to the layer: {source}); received {arr.shape[0]}. Give it shape "
                f"({n_in + 1}{', n_' + str(i + 1) if i < L - 1 else ','})."
            )
        W.append(arr)
    return W
