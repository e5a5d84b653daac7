r"""The linear network of :mod:`linearnet.deep` with symbolic entries, for chapter 6's proofs.

Import it explicitly (``from linearnet import symbolic_deep``): it loads SymPy. The forward pass
is the definition, written once more with SymPy matrices:

.. math:: A_0 = X_0, \qquad A_l = [1\ A_{l-1}]\, W_l \ (l < N), \qquad
          z^{pred} = [1\ A_{N-1}]\, W_N .

Entry :math:`(j, k)` of layer :math:`l` is the symbol ``W{l}_{j},{k}`` (row 0 the biases); the
last layer is a column with entries ``W{N}_{j}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike

from linearnet._validation import as_real_array, check_positive_int

__all__ = ["SymbolicDeepNetwork", "exact_values", "network"]


@dataclass(frozen=True)
class SymbolicDeepNetwork:
    r"""The matrices of a deep linear network with symbolic entries.

    Attributes
    ----------
    X0 : sympy.Matrix of shape (n, p)
        Inputs :math:`x_{ij}`.
    X : sympy.Matrix of shape (n, p + 1)
        :math:`[1\ X_0]`.
    weights : tuple of sympy.Matrix
        :math:`W_l` of shape :math:`(n_{l-1} + 1, n_l)`; the last of shape
        :math:`(n_{N-1} + 1, 1)`.
    hidden : tuple of sympy.Matrix
        :math:`A_1, \dots, A_{N-1}`, of shapes :math:`(n, n_l)`.
    z : sympy.Matrix of shape (n, 1)
        Targets.
    z_pred : sympy.Matrix of shape (n, 1)
    d : sympy.Matrix of shape (n, 1)
        :math:`z^{pred} - z`.
    C : sympy.Expr
        :math:`\tfrac12 \sum_i (z_i - z^{pred}_i)^2`.
    """

    X0: sp.Matrix
    X: sp.Matrix
    weights: tuple[sp.Matrix, ...]
    hidden: tuple[sp.Matrix, ...]
    z: sp.Matrix
    z_pred: sp.Matrix
    d: sp.Matrix
    C: sp.Expr

    @property
    def parameters(self) -> list[sp.Symbol]:
        """Every weight, layer after layer, each row by row: ``np.concatenate([w.ravel() ...])``."""
        return [s for W in self.weights for s in W]


def network(n: int, p: int, widths: list[int] | tuple[int, ...]) -> SymbolicDeepNetwork:
    r"""Build the deep linear network with symbolic data and weights.

    Parameters
    ----------
    n, p : int
        Samples and input features.
    widths : list or tuple of int
        Hidden widths :math:`n_1, \dots, n_{N-1}` (empty: one layer).

    Returns
    -------
    SymbolicDeepNetwork

    Raises
    ------
    ValueError
        If ``n``, ``p`` or a width is not a positive integer.

    Examples
    --------
    >>> net = network(1, 1, [1])
    >>> net.z_pred[0]
    W2_0 + W2_1*(W1_0,0 + W1_1,0*x_1,1)
    """
    n, p = check_positive_int("n", n), check_positive_int("p", p)
    sizes = [p] + [check_positive_int(f"widths[{i}]", h) for i, h in enumerate(widths)]
    L = len(sizes)
    X0 = sp.Matrix(n, p, lambda i, j: sp.Symbol(f"x_{i + 1},{j + 1}", real=True))
    z = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"z_{i + 1}", real=True))
    weights = [
        sp.Matrix(
            sizes[i] + 1,
            sizes[i + 1],
            lambda j, k, layer=i + 1: sp.Symbol(f"W{layer}_{j},{k}", real=True),
        )
        for i in range(L - 1)
    ]
    weights.append(sp.Matrix(sizes[-1] + 1, 1, lambda j, _: sp.Symbol(f"W{L}_{j}", real=True)))
    ones = sp.ones(n, 1)
    A, hidden = X0, []
    for W_l in weights[:-1]:
        A = ones.row_join(A) * W_l
        hidden.append(A)
    z_pred = ones.row_join(A) * weights[-1]
    d = z_pred - z
    C = sp.Rational(1, 2) * sum((z[i] - z_pred[i]) ** 2 for i in range(n))
    return SymbolicDeepNetwork(
        X0, ones.row_join(X0), tuple(weights), tuple(hidden), z, z_pred, d, C
    )


def exact_values(
    net: SymbolicDeepNetwork,
    X0: ArrayLike | None = None,
    z: ArrayLike | None = None,
    weights: list[Any] | tuple[Any, ...] | None = None,
) -> dict[sp.Symbol, sp.Rational]:
    """Map the network's symbols to the exact rationals equal to the given floats.

    Parameters
    ----------
    net : SymbolicDeepNetwork
    X0 : array_like of shape (n, p), optional
    z : array_like of shape (n,), optional
    weights : list of array_like, optional
        In the layout of :mod:`linearnet.deep` (the last layer 1-D).

    Returns
    -------
    dict
        ``{symbol: sympy.Rational}`` for every entry given (for :func:`linearnet.symbolic.evaluate`
        or ``xreplace``).

    Raises
    ------
    ValueError
        If an array is malformed or its shape does not fit ``net``.

    Examples
    --------
    >>> net = network(1, 1, [])
    >>> exact_values(net, weights=[[0.5, 0.25]])
    {W1_0: 1/2, W1_1: 1/4}
    """
    given: list[tuple[str, Any, sp.Matrix]] = [("X0", X0, net.X0), ("z", z, net.z)]
    if weights is not None:
        if len(weights) != len(net.weights):
            raise ValueError(
                f"weights must hold {len(net.weights)} layers to fit the network; received "
                f"{len(weights)}."
            )
        given += [
            (f"weights[{i}]", W, S)
            for i, (W, S) in enumerate(zip(weights, net.weights, strict=True))
        ]
    values: dict[sp.Symbol, sp.Rational] = {}
    for name, value, symbols in given:
        if value is None:
            continue
        arr = np.asarray(value)
        shape = symbols.shape if arr.ndim == 2 else (symbols.shape[0],)
        arr = as_real_array(name, arr, ndim=len(shape), shape=", ".join(map(str, shape)))
        if arr.shape != shape:
            raise ValueError(
                f"{name} must have shape {shape} to fit the network; received {arr.shape}."
            )
        values.update(
            (s, sp.Rational(*float(e).as_integer_ratio()))
            for s, e in zip(symbols, arr.ravel(), strict=True)
        )
    return values
