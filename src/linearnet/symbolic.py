r"""The note's model in exact symbolic form, for the book's SymPy proofs.

Import it explicitly (``from linearnet import symbolic``): SymPy is slow to import, so the
numerical package does not load it.

Symbols follow the note: inputs :math:`x_{ij}`, hidden weights :math:`u_{jk}` (row 0 the biases
:math:`u_{0k}`), output weights :math:`v_k`, targets :math:`z_i`, with ``i = 1..n``,
``j = 0..p``, ``k = 0..h``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike
from sympy.polys.domains import QQ, ZZ
from sympy.polys.matrices import DomainMatrix

from linearnet._core import FloatArray
from linearnet._validation import as_real_array, check_data, check_length, check_problem

__all__ = [
    "SymbolicNetwork",
    "assert_identity",
    "assert_rank",
    "collapsed",
    "derivative_by_expansion",
    "evaluate",
    "exact_least_squares",
    "exact_values",
    "gradient",
    "hessian",
    "network",
    "numeric",
    "rational_matrix",
]


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
        ``"✓ <name>, exactly"``.

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
    >>> assert_identity((a + b) ** 2, a**2 + 2 * a * b + b**2, "(a + b)² = a² + 2ab + b²")
    '✓ (a + b)² = a² + 2ab + b², exactly'
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
    return f"✓ {name}, exactly"


def collapsed(net: SymbolicNetwork) -> sp.Matrix:
    r"""Return the collapsed weights :math:`w = u\, v_{1:} + v_0 e_0` of a symbolic network.

    The book's :eq:`eq-collapse` (:prf:ref:`def-collapsed`); :prf:ref:`lem-collapse` proves
    :math:`z^{pred} = X w`. The numerical counterpart is :func:`linearnet.collapse`.

    .. math:: w_0 = v_0 + \sum_k u_{0k} v_k, \qquad w_j = \sum_k u_{jk} v_k \ (j \ge 1).

    Parameters
    ----------
    net : SymbolicNetwork
        From :func:`network`.

    Returns
    -------
    w : sympy.Matrix of shape (p + 1, 1)

    Examples
    --------
    >>> collapsed(network(1, 1, 1)).T
    Matrix([[u_01*v_1 + v_0, u_11*v_1]])
    """
    e0 = sp.eye(net.u.shape[0])[:, 0]
    return net.u * net.v[1:, :] + net.v[0] * e0


def gradient(net: SymbolicNetwork) -> tuple[sp.Matrix, sp.Matrix]:
    r"""Differentiate the cost with ``sp.diff``: the gradient in :math:`u` and in :math:`v`.

    SymPy differentiates :math:`C` (``sp.diff``), so the result is independent of the matrix
    formulas of the book's :prf:ref:`thm-gradient`
    (:math:`\partial C/\partial u = X^T d\, v_{1:}^T`, :math:`\partial C/\partial v = Y^T d`),
    which it serves to prove.

    Parameters
    ----------
    net : SymbolicNetwork
        From :func:`network`.

    Returns
    -------
    dC_du : sympy.Matrix of shape (p + 1, h)
        Entry ``(j, k)`` is :math:`\partial C / \partial u_{j,k+1}`.
    dC_dv : sympy.Matrix of shape (h + 1, 1)
        Entry ``k`` is :math:`\partial C / \partial v_k`.

    Examples
    --------
    >>> dC_du, dC_dv = gradient(network(1, 1, 1))
    >>> dC_dv[0]
    v_0 + v_1*(u_01 + u_11*x_11) - z_1
    """
    dC_du = net.u.applyfunc(lambda s: sp.diff(net.C, s))
    dC_dv = net.v.applyfunc(lambda s: sp.diff(net.C, s))
    return dC_du, dC_dv


def hessian(net: SymbolicNetwork) -> sp.Matrix:
    r"""Return the Hessian :math:`H = \nabla^2 C(\theta)` in θ order, by ``sp.diff``.

    The weights are :math:`\theta = (u` row by row, then :math:`v_0, \dots, v_h)`
    (``net.weights``), so :math:`u_{j,k+1}` has index ``j * h + k``. The independent reference
    for the book's :prf:ref:`thm-hessian` (chapter 4).

    Parameters
    ----------
    net : SymbolicNetwork
        From :func:`network`.

    Returns
    -------
    H : sympy.Matrix of shape (m, m)
        Symmetric, with :math:`m = (p + 1) h + h + 1`.

    Examples
    --------
    >>> H = hessian(network(1, 1, 1))
    >>> H.shape, H[2, 2], H[2, 3]
    ((4, 4), 1, u_01 + u_11*x_11)
    """
    return sp.hessian(net.C, net.weights)


def derivative_by_expansion(expr: sp.Expr | sp.Matrix, var: sp.Symbol) -> sp.Expr | sp.Matrix:
    r"""Differentiate a polynomial in ``var`` without ``sp.diff``, by expanding it.

    Substitute :math:`var + \varepsilon` and read off the coefficient of :math:`\varepsilon` in the
    expansion: for a polynomial, :math:`f(x + \varepsilon) = f(x) + f'(x)\,\varepsilon +
    O(\varepsilon^2)` exactly. This is an independent reference for derivatives that SymPy's
    ``diff`` computes, used to check the gradient and Hessian formulas.

    Parameters
    ----------
    expr : sympy.Expr or sympy.Matrix
        A polynomial in ``var`` (other symbols may appear anywhere); a matrix entry by entry.
    var : sympy.Symbol
        The variable.

    Returns
    -------
    sympy.Expr or sympy.Matrix
        The derivative, expanded; a matrix of the shape of ``expr`` for a matrix.

    Raises
    ------
    ValueError
        If ``var`` is not a SymPy symbol or ``expr`` is not a polynomial in ``var``.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> derivative_by_expansion(x**3 * y + 2 * x, x)
    3*x**2*y + 2
    """
    if not isinstance(var, sp.Symbol):
        raise ValueError(
            f"var must be a sympy.Symbol; received {var!r} of type {type(var).__name__}. "
            'Create one with sp.Symbol("x") or take it from a network, e.g. net.u[0, 0].'
        )
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: derivative_by_expansion(e, var))
    expr = sp.sympify(expr)
    if not expr.is_polynomial(var):
        raise ValueError(
            f"expr must be a polynomial in {var}, or the coefficient of eps in "
            f"expand(expr({var} + eps)) is not its derivative; received {expr}."
        )
    eps = sp.Dummy("eps")
    return sp.expand(expr.xreplace({var: var + eps})).coeff(eps, 1)


def numeric(
    net: SymbolicNetwork, expr: sp.Expr | sp.Matrix
) -> Callable[[ArrayLike, ArrayLike, ArrayLike, ArrayLike], FloatArray]:
    """Turn a symbolic expression of the network into a function of numeric arrays.

    The function takes ``(X0, z, u, v)`` in the numeric package's layout, validated as by every
    public function of ``linearnet``, and evaluates ``expr`` in floating point
    (``sp.lambdify`` with NumPy).

    Parameters
    ----------
    net : SymbolicNetwork
        From :func:`network`; fixes the shapes ``(n, p, h)``.
    expr : sympy.Expr or sympy.Matrix
        An expression in the symbols of ``net``.

    Returns
    -------
    callable
        ``f(X0, z, u, v) -> ndarray`` with ``X0`` of shape ``(n, p)``, ``z`` of shape ``(n,)``,
        ``u`` of shape ``(p + 1, h)``, ``v`` of shape ``(h + 1,)``. It returns an array of the
        shape of ``expr`` (a 0-d array for a scalar).

    Raises
    ------
    ValueError
        If ``expr`` is not a SymPy expression or matrix, or holds symbols that are not the
        network's; ``f`` raises it if its arguments are malformed or do not fit ``net``'s shapes.

    Examples
    --------
    >>> net = network(1, 1, 1)
    >>> f = numeric(net, net.C)
    >>> f([[2.0]], [1.0], [[0.0], [1.0]], [0.0, 3.0])
    array(12.5)
    """
    expr = _check_expression(net, expr)
    symbols = [list(net.X0), list(net.z), list(net.u), list(net.v)]
    f = sp.lambdify(symbols, expr, modules="numpy")
    n, p = net.X0.shape

    def call(X0: ArrayLike, z: ArrayLike, u: ArrayLike, v: ArrayLike) -> FloatArray:
        X, z_arr, u_arr, v_arr = check_problem(X0, z, u, v)
        check_length("X0's rows", X.shape[0], n, f"n = {n}, the samples of the network")
        check_length("X0's columns", X.shape[1] - 1, p, f"p = {p}, the inputs of the network")
        check_length(
            "u's columns",
            u_arr.shape[1],
            net.u.shape[1],
            f"h = {net.u.shape[1]}, the hidden units of the network",
        )
        out = f(X[:, 1:].ravel(), z_arr, u_arr.ravel(), v_arr)
        return np.asarray(out, dtype=np.float64)

    return call


def exact_values(
    net: SymbolicNetwork,
    X0: ArrayLike | None = None,
    z: ArrayLike | None = None,
    u: ArrayLike | None = None,
    v: ArrayLike | None = None,
) -> dict[sp.Symbol, sp.Rational]:
    """Map the network's symbols to the exact rationals equal to the given floats.

    Every float64 is a rational number (an integer times a power of two); this returns that
    number exactly, so that :func:`evaluate` computes with no rounding at all.

    Parameters
    ----------
    net : SymbolicNetwork
        From :func:`network`.
    X0 : array_like of shape (n, p), optional
    z : array_like of shape (n,), optional
    u : array_like of shape (p + 1, h), optional
    v : array_like of shape (h + 1,), optional
        Values for the symbols of ``net``; give any of them (at least one).

    Returns
    -------
    dict
        ``{symbol: sympy.Rational}`` for every entry of the arrays given.

    Raises
    ------
    ValueError
        If none is given, or one is malformed or does not have the network's shape.

    Examples
    --------
    >>> net = network(1, 1, 1)
    >>> exact_values(net, z=[0.1])
    {z_1: 3602879701896397/36028797018963968}
    """
    n, p = net.X0.shape
    h = net.u.shape[1]
    given = [
        ("X0", X0, net.X0, "n, p", (n, p)),
        ("z", z, net.z, "n,", (n,)),
        ("u", u, net.u, "p + 1, h", (p + 1, h)),
        ("v", v, net.v, "h + 1,", (h + 1,)),
    ]
    if all(value is None for _, value, *_ in given):
        raise ValueError(
            "exact_values needs at least one of X0, z, u, v; received none. "
            "Pass them by keyword, e.g. exact_values(net, u=u, v=v)."
        )
    values: dict[sp.Symbol, sp.Rational] = {}
    for name, value, symbols, words, shape in given:
        if value is None:
            continue
        arr = as_real_array(name, value, ndim=len(shape), shape=words)
        if arr.shape != shape:
            raise ValueError(
                f"{name} must have shape {shape} to fit network(n={n}, p={p}, h={h}); received "
                f"shape {arr.shape}."
            )
        values.update(zip(symbols, _rationals(arr), strict=True))
    return values


def evaluate(expr: sp.Expr | sp.Matrix, values: Mapping[sp.Symbol, Any]) -> FloatArray:
    """Substitute exact values into ``expr`` and round the exact result to float64 once.

    Parameters
    ----------
    expr : sympy.Expr or sympy.Matrix
        The expression.
    values : mapping
        ``{symbol: exact number}`` for every symbol of ``expr``, e.g. from :func:`exact_values`;
        numbers must be integers or ``sympy.Rational``.

    Returns
    -------
    ndarray
        Of the shape of ``expr`` (0-d for a scalar); each entry is the float nearest to the exact
        value.

    Raises
    ------
    ValueError
        If a value is not an exact rational, a symbol of ``expr`` has no value, or ``expr`` is
        not a SymPy expression or matrix.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> evaluate(x / 3, {x: sp.Integer(1)})
    array(0.33333333)
    """
    exact = {}
    for symbol, value in values.items():
        number = sp.sympify(value)
        if not number.is_Rational:
            raise ValueError(
                f"values must be exact: integers or sympy.Rational; {symbol} has {value!r}. "
                "Use exact_values(net, ...) to get the exact rationals of floats."
            )
        exact[symbol] = number
    matrix = _as_matrix(expr).xreplace(exact)
    missing = set().union(*(e.free_symbols for e in matrix))
    if missing:
        names = ", ".join(sorted(str(s) for s in missing)[:5])
        raise ValueError(
            f"values must give every symbol of expr; missing {names}. Add them, e.g. "
            "exact_values(net, X0=X0, z=z, u=u, v=v)."
        )
    out = np.array([float(Fraction(int(e.p), int(e.q))) for e in matrix], dtype=np.float64)
    return out.reshape(expr.shape if isinstance(expr, sp.MatrixBase) else ())


def rational_matrix(a: ArrayLike) -> sp.Matrix:
    """Return the exact rationals equal to the floats of ``a``, as a SymPy matrix.

    Every float64 is an integer times a power of two, so the conversion is exact: nothing is
    rounded, and an exact computation with the result is a computation with exactly the numbers
    the numeric package holds.

    Parameters
    ----------
    a : array_like of shape (r, c) or (r,)
        Finite real numbers; a 1-D array becomes a column.

    Returns
    -------
    sympy.Matrix of shape (r, c) or (r, 1)
        Entries are ``sympy.Rational``.

    Raises
    ------
    ValueError
        If ``a`` is not a finite, non-empty, numeric 1-D or 2-D array.

    Examples
    --------
    >>> rational_matrix([[0.5, 3.0], [0.1, -2.0]]).row(1)
    Matrix([[3602879701896397/36028797018963968, -2]])
    """
    ndim = np.ndim(a) if np.ndim(a) in (1, 2) else 2
    arr = as_real_array("a", a, ndim=ndim, shape="r," if ndim == 1 else "r, c")
    rows, cols = arr.shape if arr.ndim == 2 else (arr.shape[0], 1)
    return sp.Matrix(rows, cols, _rationals(arr))


def exact_least_squares(X0: ArrayLike, z: ArrayLike) -> sp.Matrix:
    r"""Solve the normal equations :math:`X^T X w = X^T z` exactly, for exactly the floats given.

    The book's :eq:`eq-normal`, solved with no rounding at all: the independent reference for
    :func:`linearnet.least_squares`. Each column of :math:`X = [1\ X_0]` and :math:`z` is scaled
    by a power of two that turns its floats into integers, :math:`X = X_{int} D^{-1}` and
    :math:`z = z_{int} / d_z`; then :math:`A = X_{int}^T X_{int}` and :math:`b = X_{int}^T z_{int}`
    are integer matrices, and the fraction-free solution of :math:`A y = b` gives
    :math:`w = D y / d_z`.

    Parameters
    ----------
    X0 : array_like of shape (n, p)
        The inputs.
    z : array_like of shape (n,)
        The targets.

    Returns
    -------
    w : sympy.Matrix of shape (p + 1, 1)
        Exact rationals; ``w[0]`` is the intercept.

    Raises
    ------
    ValueError
        If an argument is malformed, ``len(z) != n``, or :math:`X` is rank deficient (then the
        least-squares solution is not unique).

    Examples
    --------
    The line through (0, 1), (1, 2) and (2, 4):

    >>> exact_least_squares([[0.0], [1.0], [2.0]], [1.0, 2.0, 4.0]).T
    Matrix([[5/6, 3/2]])
    """
    X, z_arr = check_data(X0, z)
    n, m = X.shape
    X_int, D = _integer_columns(X)
    z_int, (d_z,) = _integer_columns(z_arr.reshape(-1, 1))
    # A = X_int^T X_int and b = X_int^T z_int, in Python integers (no overflow, no rounding).
    A = X_int.T @ X_int
    b = X_int.T @ z_int
    A_dm = DomainMatrix([[ZZ(e) for e in row] for row in A], (m, m), ZZ)
    rank = A_dm.rank()
    if rank < m:
        raise ValueError(
            f"X = [1 X0] must have full column rank p + 1 = {m} for the least-squares solution to "
            f"be unique; received rank {rank} (rank deficient: n = {n} rows, and/or columns that "
            "are linear combinations of others, or a constant column besides the ones). Remove "
            "the dependent columns, or use linearnet.least_squares for the minimum-norm solution."
        )
    b_dm = DomainMatrix([[ZZ(e)] for e in b[:, 0]], (m, 1), ZZ)
    # A y_num = den * b, so y = y_num / den and w = D y / d_z.
    y_num, den = A_dm.solve_den(b_dm)
    y = y_num.to_list()
    return sp.Matrix(m, 1, [sp.Rational(D[j] * int(y[j][0]), int(den) * d_z) for j in range(m)])


def assert_rank(M: sp.Matrix | ArrayLike, r: int, name: str) -> str:
    """Assert that a matrix of rational numbers has rank exactly ``r``; return a confirmation.

    The rank is computed exactly, over the rationals (SymPy's ``DomainMatrix`` over ``QQ``), so
    it is not a numerical rank with a tolerance. A float array is taken as the exact rationals it
    holds (see :func:`rational_matrix`).

    Parameters
    ----------
    M : sympy.Matrix or array_like of shape (a, b)
        Integers or ``sympy.Rational`` entries (or floats, in an array).
    r : int
        The rank claimed.
    name : str
        What is proved, echoed in the confirmation and in the error.

    Returns
    -------
    str
        ``"✓ <name>, exactly"``.

    Raises
    ------
    AssertionError
        If the rank of ``M`` is not ``r``; the message gives the rank.
    ValueError
        If ``M`` holds symbols or SymPy floats, or ``r`` is not an integer between 0 and
        ``min(a, b)``.

    Examples
    --------
    >>> assert_rank(sp.Matrix([[1, 2], [2, 4]]), 1, "rows are proportional")
    '✓ rows are proportional, exactly'
    """
    if not isinstance(M, sp.MatrixBase):
        M = rational_matrix(M)
    bad = [e for e in M if not sp.sympify(e).is_Rational]
    if bad:
        raise ValueError(
            f"{name}: assert_rank needs a matrix of exact rational numbers; received the "
            f"entry {bad[0]} (symbols or floats). Substitute exact values (exact_values, "
            "rational_matrix) or write numbers as sp.Rational(p, q)."
        )
    if isinstance(r, bool) or not isinstance(r, int | np.integer) or not 0 <= r <= min(M.shape):
        raise ValueError(
            f"{name}: r must be an integer between 0 and min{M.shape} = {min(M.shape)}; "
            f"received {r!r}."
        )
    rows = [[QQ(int(e.p), int(e.q)) for e in M.row(i)] for i in range(M.rows)]
    rank = DomainMatrix(rows, M.shape, QQ).rank()
    if rank != r:
        raise AssertionError(f"{name} is false: the matrix has rank {rank}, not {r}")
    return f"✓ {name}, exactly"


def _integer_columns(A: FloatArray) -> tuple[np.ndarray[Any, np.dtype[np.object_]], list[int]]:
    """Scale each column of ``A`` by a power of two that makes it integral, exactly.

    Returns ``(A_int, D)`` with ``A = A_int diag(D)^{-1}``: ``A_int`` an object array of Python
    integers and ``D`` the column scales (powers of two).
    """
    ratios = [[float(e).as_integer_ratio() for e in col] for col in A.T]
    D = [max(q for _, q in col) for col in ratios]
    cols = [[p * (d // q) for p, q in col] for col, d in zip(ratios, D, strict=True)]
    A_int = np.empty(A.shape, dtype=object)
    for j, col in enumerate(cols):
        A_int[:, j] = col
    return A_int, D


def _as_matrix(expr: Any) -> sp.Matrix:
    """``expr`` as a SymPy matrix (a scalar as 1 x 1); ValueError for anything else."""
    if isinstance(expr, sp.MatrixBase):
        return sp.Matrix(expr)
    if isinstance(expr, sp.Basic | int | Fraction):
        return sp.Matrix([[sp.sympify(expr)]])
    raise ValueError(
        f"expr must be a sympy expression or sympy.Matrix; received {type(expr).__name__}. "
        "Wrap lists of expressions in sp.Matrix(...)."
    )


def _check_expression(net: SymbolicNetwork, expr: Any) -> sp.Expr | sp.Matrix:
    """Return ``expr`` if it is a SymPy expression or matrix in the symbols of ``net``."""
    matrix = _as_matrix(expr)
    known = {*net.X0, *net.z, *net.u, *net.v}
    stray = set().union(*(e.free_symbols for e in matrix)) - known
    if stray:
        names = ", ".join(sorted(str(s) for s in stray)[:5])
        raise ValueError(
            f"expr must be an expression in the symbols of the network; it also holds {names}. "
            "Substitute them first, or build the expression from the same network."
        )
    return expr if isinstance(expr, sp.MatrixBase) else sp.sympify(expr)


def _rationals(arr: FloatArray) -> list[sp.Rational]:
    """Return the exact rational value of each float64 of ``arr``, in row-major order."""
    return [sp.Rational(*float(x).as_integer_ratio()) for x in arr.ravel()]
