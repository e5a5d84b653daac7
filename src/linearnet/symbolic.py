r"""The note's model in exact symbolic form, for the book's SymPy proofs.

Import it explicitly (``from linearnet import symbolic``): SymPy is slow to import, so the
numerical package does not load it.

Symbols follow the note: inputs :math:`x_{ij}`, hidden weights :math:`u_{jk}` (row 0 the biases
:math:`u_{0k}`), output weights :math:`v_k`, targets :math:`z_i`, with ``i = 1..n``,
``j = 0..p``, ``k = 0..h``.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

__all__ = ["SymbolicNetwork", "assert_identity", "network"]


@dataclass(frozen=True)
class SymbolicNetwork:
    r"""The matrices of the note with fully symbolic entries.

    Attributes
    ----------
    X0 : sympy.Matrix of shape (n, p)
        Inputs :math:`x_{ij}`.
    X : sympy.Matrix of shape (n, p + 1)
        :math:`[1\ X_0]`.
    u : sympy.Matrix of shape (p + 1, h)
        Hidden weights :math:`u_{jk}`, row 0 the biases :math:`u_{0k}`.
    Y0 : sympy.Matrix of shape (n, h)
        :math:`X u`.
    Y : sympy.Matrix of shape (n, h + 1)
        :math:`[1\ Y_0]`.
    v : sympy.Matrix of shape (h + 1, 1)
        Output weights :math:`v_0, \dots, v_h`.
    z : sympy.Matrix of shape (n, 1)
        Targets :math:`z_i` (the note's :math:`z^{reality}`).
    z_pred : sympy.Matrix of shape (n, 1)
        :math:`Y v`.
    d : sympy.Matrix of shape (n, 1)
        Residual :math:`z^{pred} - z`.
    C : sympy.Expr
        Cost :math:`\tfrac12 \sum_i (z_i - z_i^{pred})^2`.
    """

    X0: sp.Matrix
    X: sp.Matrix
    u: sp.Matrix
    Y0: sp.Matrix
    Y: sp.Matrix
    v: sp.Matrix
    z: sp.Matrix
    z_pred: sp.Matrix
    d: sp.Matrix
    C: sp.Expr

    @property
    def weights(self) -> list[sp.Symbol]:
        """All weights, ``u`` row by row then ``v``: the variables of :math:`C`."""
        return [*self.u, *self.v]


def network(n: int, p: int, h: int) -> SymbolicNetwork:
    """Build the network of the note with symbolic entries, for ``n`` samples.

    Parameters
    ----------
    n, p, h : int
        Samples, input features and hidden units (the note has ``n = 4``, ``p = h = 2``).

    Returns
    -------
    SymbolicNetwork

    Raises
    ------
    ValueError
        If ``n``, ``p`` or ``h`` is not a positive integer.

    Examples
    --------
    >>> net = network(1, 1, 1)
    >>> net.z_pred[0]
    v_0 + v_1*(u_01 + u_11*x_11)
    """
    from linearnet._validation import check_positive_int

    n, p, h = (check_positive_int(k, val) for k, val in (("n", n), ("p", p), ("h", h)))
    X0 = sp.Matrix(n, p, lambda i, j: sp.Symbol(f"x_{_pair(i + 1, j + 1)}", real=True))
    u = sp.Matrix(p + 1, h, lambda j, k: sp.Symbol(f"u_{_pair(j, k + 1)}", real=True))
    v = sp.Matrix(h + 1, 1, lambda k, _: sp.Symbol(f"v_{k}", real=True))
    z = sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"z_{i + 1}", real=True))
    ones = sp.ones(n, 1)
    X = ones.row_join(X0)
    Y0 = X * u
    Y = ones.row_join(Y0)
    z_pred = Y * v
    d = z_pred - z
    C = sp.Rational(1, 2) * sum((z[i] - z_pred[i]) ** 2 for i in range(n))
    return SymbolicNetwork(X0, X, u, Y0, Y, v, z, z_pred, d, C)


def _pair(a: int, b: int) -> str:
    """Join two subscripts: run together as in the note (``12``) while both are single digits.

    Otherwise they are separated (``1,11``), or ``x_{1,11}`` and ``x_{11,1}`` would be one symbol.
    """
    return f"{a}{b}" if a < 10 and b < 10 else f"{a},{b}"


def assert_identity(lhs: sp.Expr | sp.Matrix, rhs: sp.Expr | sp.Matrix, name: str) -> str:
    """Assert that ``lhs - rhs`` expands to exactly zero; return a one-line confirmation.

    ``expand`` is a canonical form for polynomials with exact (rational) coefficients, so a
    non-zero difference cannot pass by accident, unlike ``simplify`` failing to reach zero.

    Parameters
    ----------
    lhs, rhs : sympy.Expr or sympy.Matrix
        The two sides; matrices must have equal shapes.
    name : str
        What is proved, echoed in the confirmation and in the error.

    Returns
    -------
    str
        ``"proved: <name>"``.

    Raises
    ------
    AssertionError
        If the expanded difference is not zero; the message shows it.
    ValueError
        If the two sides are matrices of different shapes, or one is a matrix and one is not,
        or if either holds a floating-point number (``expand`` is exact only over rationals).

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> assert_identity((a + b) ** 2, a**2 + 2 * a * b + b**2, "square of a sum")
    'proved: square of a sum'
    """
    lhs_is_matrix, rhs_is_matrix = isinstance(lhs, sp.MatrixBase), isinstance(rhs, sp.MatrixBase)
    if lhs_is_matrix != rhs_is_matrix or (lhs_is_matrix and lhs.shape != rhs.shape):
        shapes = [getattr(side, "shape", "scalar") for side in (lhs, rhs)]
        raise ValueError(
            f"{name}: both sides must be scalars or matrices of one shape; received {shapes[0]} "
            f"and {shapes[1]}."
        )
    floats = set().union(*(sp.sympify(side).atoms(sp.Float) for side in (lhs, rhs)))
    if floats:
        raise ValueError(
            f"{name}: a proof needs exact arithmetic, but the expressions hold the float(s) "
            f"{sorted(floats)[:3]}; write numbers as sp.Rational(p, q) or integers."
        )
    if lhs_is_matrix:
        diff = (lhs - rhs).applyfunc(sp.expand)
        ok = diff == sp.zeros(*diff.shape)
    else:
        diff = sp.expand(lhs - rhs)
        ok = diff == 0
    if not ok:
        raise AssertionError(f"{name} is false: lhs - rhs expands to {diff}, not 0")
    return f"proved: {name}"
