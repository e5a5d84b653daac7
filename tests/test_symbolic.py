"""Tests of linearnet.symbolic: the note's matrices in SymPy, against the numeric package."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import reference
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sphinx_claims import reads
from strategies import Problem, full_rank_designs

import linearnet as ln
from linearnet import symbolic


def numeric_values(net: object, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random numbers for the symbols of ``net``: X0, z, u, v with the numeric package's shapes."""
    n, p = net.X0.shape  # type: ignore[attr-defined]
    h = net.u.shape[1]  # type: ignore[attr-defined]
    return {
        "X0": rng.normal(size=(n, p)),
        "z": rng.normal(size=n),
        "u": rng.normal(size=(p + 1, h)),
        "v": rng.normal(size=h + 1),
    }


def lambdify(net: object, expr: object) -> object:
    """``expr`` as a NumPy function of (X0, z, u, v) given in the numeric package's layout."""
    args = [
        list(net.X0),  # type: ignore[attr-defined]
        list(net.z),  # type: ignore[attr-defined]
        list(net.u),  # type: ignore[attr-defined]
        list(net.v),  # type: ignore[attr-defined]
    ]
    f = sp.lambdify(args, expr, modules="numpy")

    def call(X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.asarray(f(X0.ravel(), z, u.ravel(), v), dtype=float)

    return call


@pytest.mark.parametrize(("n", "p", "h"), [(4, 2, 2), (1, 1, 1), (5, 3, 1), (3, 1, 4)])
def test_network_shapes(n: int, p: int, h: int) -> None:
    net = symbolic.network(n, p, h)
    assert net.X0.shape == (n, p)
    assert net.X.shape == (n, p + 1)
    assert net.u.shape == (p + 1, h)
    assert net.Y0.shape == (n, h)
    assert net.Y.shape == (n, h + 1)
    assert net.v.shape == (h + 1, 1)
    assert net.z.shape == net.z_pred.shape == net.d.shape == (n, 1)
    assert len(net.weights) == (p + 1) * h + h + 1
    assert list(net.X[:, 0]) == [1] * n
    assert list(net.Y[:, 0]) == [1] * n


def test_network_follows_the_note_symbols() -> None:
    net = symbolic.network(4, 2, 2)
    assert str(net.X0[2, 1]) == "x_32"
    assert str(net.u[0, 1]) == "u_02"
    assert [str(s) for s in net.v] == ["v_0", "v_1", "v_2"]
    assert str(net.z[3]) == "z_4"


@pytest.mark.parametrize(("n", "p", "h"), [(4, 2, 2), (2, 3, 1), (5, 1, 3)])
def test_network_matches_the_numeric_package(n: int, p: int, h: int) -> None:
    net = symbolic.network(n, p, h)
    rng = np.random.default_rng(n * 100 + p * 10 + h)
    vals = numeric_values(net, rng)
    X0, z, u, v = vals["X0"], vals["z"], vals["u"], vals["v"]
    z_pred = lambdify(net, list(net.z_pred))(X0, z, u, v)
    np.testing.assert_allclose(z_pred, ln.predict(X0, u, v), rtol=1e-12, atol=1e-12)
    Y0 = lambdify(net, net.Y0.tolist())(X0, z, u, v)
    np.testing.assert_allclose(Y0, ln.hidden(X0, u), rtol=1e-12, atol=1e-12)
    d = lambdify(net, list(net.d))(X0, z, u, v)
    np.testing.assert_allclose(d, ln.residual(X0, z, u, v), rtol=1e-12, atol=1e-12)
    C = lambdify(net, net.C)(X0, z, u, v)
    np.testing.assert_allclose(C, ln.cost(X0, z, u, v), rtol=1e-12, atol=1e-12)
    # The symbolic derivative of C is a third independent reference for the gradients.
    dC_du = lambdify(net, [[sp.diff(net.C, s) for s in row] for row in net.u.tolist()])
    dC_dv = lambdify(net, [sp.diff(net.C, s) for s in net.v])
    g_u, g_v = ln.gradients(X0, z, u, v)
    np.testing.assert_allclose(dC_du(X0, z, u, v), g_u, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dC_dv(X0, z, u, v), g_v, rtol=1e-10, atol=1e-10)


@pytest.mark.verifies("eq-out-inputs", "eq-out-expanded")
def test_note_identities_hold_exactly() -> None:
    net = symbolic.network(4, 2, 2)
    (u01, u02), (u11, u12), (u21, u22) = net.u.tolist()
    v0, v1, v2 = net.v
    # Equation (3): the expanded output, sample by sample.
    expanded = sp.Matrix(
        [
            v0
            + u01 * v1
            + u02 * v2
            + u11 * v1 * xi1
            + u21 * v1 * xi2
            + u12 * v2 * xi1
            + u22 * v2 * xi2
            for xi1, xi2 in net.X0.tolist()
        ]
    )
    assert symbolic.assert_identity(net.z_pred, expanded, "eq (3)") == "✓ eq (3), exactly"
    # The matrix form of the gradients: dC/du = X^T d v_{1:}^T and dC/dv = Y^T d.
    dC_du = net.u.applyfunc(lambda s: sp.diff(net.C, s))
    dC_dv = net.v.applyfunc(lambda s: sp.diff(net.C, s))
    symbolic.assert_identity(dC_du, net.X.T * net.d * net.v[1:, :].T, "grad u")
    symbolic.assert_identity(dC_dv, net.Y.T * net.d, "grad v")
    # collapse: z_pred = X w with w = u v_{1:} + v_0 e_0.
    w = net.u * net.v[1:, :] + net.v[0] * sp.eye(3)[:, 0]
    symbolic.assert_identity(net.z_pred, net.X * w, "collapse")


def test_assert_identity_returns_a_confirmation() -> None:
    a, b = sp.symbols("a b")
    assert symbolic.assert_identity((a + b) ** 2, a**2 + 2 * a * b + b**2, "sq") == "✓ sq, exactly"
    M = sp.Matrix([[a + b], [a * b]])
    assert symbolic.assert_identity(M, sp.Matrix([[b + a], [b * a]]), "m") == "✓ m, exactly"


def test_assert_identity_raises_on_a_false_identity() -> None:
    a, b = sp.symbols("a b")
    match = r"square is false: lhs - rhs expands to 2\*a\*b, not 0"
    with pytest.raises(AssertionError, match=match):
        symbolic.assert_identity((a + b) ** 2, a**2 + b**2, "square")


def test_assert_identity_raises_on_a_false_matrix_identity() -> None:
    a, b = sp.symbols("a b")
    with pytest.raises(AssertionError, match=r"rows is false: lhs - rhs expands to Matrix"):
        symbolic.assert_identity(sp.Matrix([a, b]), sp.Matrix([a, a]), "rows")


def test_assert_identity_is_exact() -> None:
    # A difference of 1/3000000 * a is not rounded away.
    a = sp.Symbol("a")
    with pytest.raises(AssertionError, match=r"third is false: lhs - rhs expands to a/3000000"):
        symbolic.assert_identity(a / 3, sp.Rational(333333, 1000000) * a, "third")


@pytest.mark.parametrize(
    ("lhs", "rhs", "match"),
    [
        (sp.Matrix([1, 2]), sp.Matrix([[1, 2]]), r"received \(2, 1\) and \(1, 2\)\."),
        (sp.Matrix([1, 2]), sp.Integer(1), r"received \(2, 1\) and scalar\."),
        (sp.Integer(1), sp.zeros(2, 2), r"received scalar and \(2, 2\)\."),
    ],
)
def test_assert_identity_rejects_mismatched_shapes(lhs: object, rhs: object, match: str) -> None:
    with pytest.raises(ValueError, match=r"both sides must be scalars or matrices of one shape; "):
        symbolic.assert_identity(lhs, rhs, "shapes")
    with pytest.raises(ValueError, match=match):
        symbolic.assert_identity(lhs, rhs, "shapes")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((0, 2, 2), r"n must be a positive integer \(at least 1\); received 0"),
        ((4, -1, 2), r"p must be a positive integer \(at least 1\); received -1"),
        ((4, 2, 1.5), r"h must be a positive integer; received 1\.5 of type float"),
        ((True, 2, 2), r"n must be a positive integer; received True of type bool"),
        ((4, "2", 2), r"p must be a positive integer; received '2' of type str"),
    ],
)
def test_network_rejects_bad_sizes(args: tuple[object, ...], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.network(*args)


@pytest.mark.parametrize(("n", "p", "h"), [(12, 11, 1), (2, 11, 11), (11, 1, 11)])
def test_network_symbols_are_distinct_for_multi_digit_indices(n: int, p: int, h: int) -> None:
    # x_{1,11} and x_{11,1} must not be one symbol "x_111".
    net = symbolic.network(n, p, h)
    entries = [*net.X0, *net.u, *net.v, *net.z]
    assert len(set(entries)) == len(entries)


def test_symbolic_network_is_frozen() -> None:
    net = symbolic.network(1, 1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.C = sp.Integer(0)  # type: ignore[misc]


def test_importing_linearnet_does_not_import_sympy() -> None:
    code = "import sys, linearnet; print('sympy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_assert_identity_refuses_floats_which_expand_cannot_prove_with() -> None:
    a = sp.Symbol("a")
    # SymPy would round a/3 - 0.3333333333333333*a to zero: a false "proof".
    with pytest.raises(ValueError, match=r"needs exact arithmetic.*sp\.Rational"):
        symbolic.assert_identity(a / 3, sp.Float(0.3333333333333333) * a, "one third")


# ---------------------------------------------------------------------------------------------
# The symbolic API: each function against an independent reference, at exact rational points.
# Values k / 4 with |k| <= 8 are dyadic and small, so the float64 loop references of
# tests/reference.py compute them with no rounding: the comparisons below are exact (==).

SHAPES = [(1, 1, 1), (3, 2, 2), (2, 1, 3), (4, 2, 1)]


@reads.cache
def cached_network(shape: tuple[int, int, int]) -> symbolic.SymbolicNetwork:
    return symbolic.network(*shape)


@reads.cache
def cached_derivatives(shape: tuple[int, int, int]) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    net = cached_network(shape)
    return (*symbolic.gradient(net), symbolic.hessian(net))


@st.composite
def dyadic_problems(draw: st.DrawFn) -> tuple[tuple[int, int, int], Problem]:
    """One of SHAPES with entries k / 4, |k| <= 8: exact in float64 through every loop."""
    shape = draw(st.sampled_from(SHAPES), label="shape")
    n, p, h = shape
    elements = st.integers(-8, 8).map(lambda k: k / 4)
    return shape, Problem(
        X0=draw(arrays(np.float64, (n, p), elements=elements), label="X0"),
        z=draw(arrays(np.float64, (n,), elements=elements), label="z"),
        u=draw(arrays(np.float64, (p + 1, h), elements=elements), label="u"),
        v=draw(arrays(np.float64, (h + 1,), elements=elements), label="v"),
    )


def exact(net: symbolic.SymbolicNetwork, prob: Problem) -> dict[sp.Symbol, sp.Rational]:
    return symbolic.exact_values(net, X0=prob.X0, z=prob.z, u=prob.u, v=prob.v)


@settings(max_examples=20)
@given(case=dyadic_problems())
def test_collapsed_matches_the_loops_and_the_package(
    case: tuple[tuple[int, int, int], Problem],
) -> None:
    shape, prob = case
    net = cached_network(shape)
    w = symbolic.evaluate(symbolic.collapsed(net), exact(net, prob))
    assert w.shape == (shape[1] + 1, 1)
    np.testing.assert_array_equal(w[:, 0], reference.collapse_loops(prob.u, prob.v))
    np.testing.assert_array_equal(w[:, 0], ln.collapse(prob.u, prob.v))


@settings(max_examples=20)
@given(case=dyadic_problems())
def test_gradient_matches_the_loops_and_the_package(
    case: tuple[tuple[int, int, int], Problem],
) -> None:
    shape, prob = case
    net = cached_network(shape)
    dC_du, dC_dv, _ = cached_derivatives(shape)
    values = exact(net, prob)
    g_u, g_v = symbolic.evaluate(dC_du, values), symbolic.evaluate(dC_dv, values)
    assert g_u.shape == prob.u.shape
    assert g_v.shape == (shape[2] + 1, 1)
    loop_u, loop_v = reference.gradients_loops(*prob)
    np.testing.assert_array_equal(g_u, loop_u)
    np.testing.assert_array_equal(g_v[:, 0], loop_v)
    pkg_u, pkg_v = ln.gradients(*prob)
    np.testing.assert_array_equal(g_u, pkg_u)
    np.testing.assert_array_equal(g_v[:, 0], pkg_v)


@settings(max_examples=20)
@given(case=dyadic_problems())
def test_hessian_matches_the_loops_and_the_package(
    case: tuple[tuple[int, int, int], Problem],
) -> None:
    shape, prob = case
    net = cached_network(shape)
    H = symbolic.evaluate(cached_derivatives(shape)[2], exact(net, prob))
    _n, p, h = shape
    assert H.shape == ((p + 1) * h + h + 1,) * 2
    np.testing.assert_array_equal(H, reference.hessian_loops(*prob))
    np.testing.assert_array_equal(H, ln.hessian(*prob))


@pytest.mark.parametrize("shape", SHAPES)
def test_hessian_matches_finite_differences_of_the_package_cost(
    shape: tuple[int, int, int],
) -> None:
    net = cached_network(shape)
    H = cached_derivatives(shape)[2]
    assert H == H.T
    rng = np.random.default_rng(sum(shape))
    prob = Problem(**numeric_values(net, rng))
    # C is a quartic: second differences with step 1e-3 are exact up to O(step^2) and rounding.
    np.testing.assert_allclose(
        symbolic.numeric(net, H)(*prob), reference.fd_hessian(*prob), rtol=1e-6, atol=1e-6
    )


def test_gradient_and_hessian_by_expansion_agree_with_sp_diff() -> None:
    # Two independent differentiations of the same cost: sp.diff (gradient, hessian) and the
    # coefficient of eps in C(theta + eps e_a) (derivative_by_expansion).
    net = cached_network((3, 2, 2))
    dC_du, dC_dv, H = cached_derivatives((3, 2, 2))
    by_expansion = sp.Matrix([symbolic.derivative_by_expansion(net.C, s) for s in net.weights])
    symbolic.assert_identity(sp.Matrix([*dC_du, *dC_dv]), by_expansion, "gradient")
    H_rows = sp.Matrix(
        [[symbolic.derivative_by_expansion(g, s) for s in net.weights] for g in by_expansion]
    )
    symbolic.assert_identity(H, H_rows, "hessian")


def test_derivative_by_expansion_by_hand() -> None:
    x, y = sp.symbols("x y")
    # d/dx (x^2 y + 3 x - y^5 + 7) = 2 x y + 3, and d/dy = x^2 - 5 y^4.
    assert symbolic.derivative_by_expansion(x**2 * y + 3 * x - y**5 + 7, x) == 2 * x * y + 3
    assert symbolic.derivative_by_expansion(x**2 * y + 3 * x - y**5 + 7, y) == x**2 - 5 * y**4
    # (x + y)^3 is expanded first: 3 (x + y)^2 in expanded form.
    assert symbolic.derivative_by_expansion((x + y) ** 3, x) == 3 * x**2 + 6 * x * y + 3 * y**2
    assert symbolic.derivative_by_expansion(sp.Integer(5), x) == 0
    M = symbolic.derivative_by_expansion(sp.Matrix([[x * y, x**2], [y, 1]]), x)
    assert M == sp.Matrix([[y, 2 * x], [0, 0]])


@settings(max_examples=30)
@given(
    terms=st.lists(
        st.tuples(st.integers(-5, 5), st.integers(0, 4), st.integers(0, 3), st.integers(0, 2)),
        min_size=1,
        max_size=6,
    )
)
def test_derivative_by_expansion_matches_sp_diff_on_random_polynomials(
    terms: list[tuple[int, int, int, int]],
) -> None:
    x, y, t = sp.symbols("x y t")
    f = sum(c * x**a * y**b * (1 + t) ** e for c, a, b, e in terms)
    for var in (x, y, t):
        assert sp.expand(symbolic.derivative_by_expansion(f, var) - sp.diff(f, var)) == 0


@pytest.mark.parametrize(
    ("expr", "var", "match"),
    [
        (sp.sin(sp.Symbol("x")), sp.Symbol("x"), r"must be a polynomial in x.*received sin\(x\)"),
        (1 / sp.Symbol("x"), sp.Symbol("x"), r"must be a polynomial in x, .*received 1/x\."),
        (sp.Symbol("x"), "x", r"var must be a sympy\.Symbol; received 'x' of type str"),
        (sp.Symbol("x"), sp.Integer(2), r"var must be a sympy\.Symbol; received 2 of type Integer"),
    ],
)
def test_derivative_by_expansion_rejects_what_it_cannot_differentiate(
    expr: sp.Expr, var: object, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.derivative_by_expansion(expr, var)  # type: ignore[arg-type]


def test_numeric_agrees_with_the_package_and_with_exact_evaluation() -> None:
    net = cached_network((3, 2, 2))
    rng = np.random.default_rng(7)
    prob = Problem(**numeric_values(net, rng))
    C = symbolic.numeric(net, net.C)(*prob)
    assert C.shape == ()
    np.testing.assert_allclose(C, ln.cost(*prob), rtol=1e-12)
    z_pred = symbolic.numeric(net, net.z_pred)(*prob)
    assert z_pred.shape == (3, 1)
    np.testing.assert_allclose(z_pred[:, 0], ln.predict(prob.X0, prob.u, prob.v), rtol=1e-12)
    # The exact value, rounded once, is within a few ulps of the float evaluation.
    np.testing.assert_allclose(symbolic.evaluate(net.C, exact(net, prob)), C, rtol=1e-13)
    # Lists and tuples are accepted wherever the package accepts them.
    listed = symbolic.numeric(net, net.C)(*(a.tolist() for a in prob))
    np.testing.assert_allclose(listed, C, rtol=0, atol=0)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            (np.ones((2, 2)), np.ones(2), np.ones((3, 2)), np.ones(3)),
            r"X0's rows must number n = 3",
        ),
        (
            (np.ones((3, 3)), np.ones(3), np.ones((4, 2)), np.ones(3)),
            r"X0's columns must number p = 2",
        ),
        (
            (np.ones((3, 2)), np.ones(3), np.ones((3, 1)), np.ones(2)),
            r"u's columns must number h = 2",
        ),
        (
            (np.ones((3, 2)), np.ones(3), np.ones((3, 2)), np.ones(4)),
            r"v's entries must number h \+ 1",
        ),
        (
            (np.ones((3, 2)), np.ones(2), np.ones((3, 2)), np.ones(3)),
            r"z's length must number n = 3",
        ),
    ],
)
def test_numeric_function_rejects_arrays_that_do_not_fit(
    args: tuple[np.ndarray, ...], match: str
) -> None:
    f = symbolic.numeric(cached_network((3, 2, 2)), cached_network((3, 2, 2)).C)
    with pytest.raises(ValueError, match=match):
        f(*args)


def test_numeric_rejects_foreign_symbols_and_non_expressions() -> None:
    net = cached_network((1, 1, 1))
    with pytest.raises(ValueError, match=r"symbols of the network; it also holds a, b\."):
        symbolic.numeric(net, net.C + sp.Symbol("a") * sp.Symbol("b"))
    with pytest.raises(
        ValueError, match=r"must be a sympy expression or sympy\.Matrix; received list"
    ):
        symbolic.numeric(net, [net.C])  # type: ignore[arg-type]


def test_exact_values_are_the_floats_exactly() -> None:
    net = cached_network((3, 2, 2))
    rng = np.random.default_rng(3)
    prob = Problem(**numeric_values(net, rng))
    values = exact(net, prob)
    assert len(values) == 3 * 2 + 3 + 3 * 2 + 3
    assert all(isinstance(q, sp.Rational) for q in values.values())
    # Fraction(float) is Python's own exact conversion: an independent reference.
    assert values[net.X0[2, 1]] == Fraction(prob.X0[2, 1])
    assert values[net.u[0, 1]] == Fraction(prob.u[0, 1])
    assert [values[s] for s in net.z] == [Fraction(e) for e in prob.z]
    assert [values[s] for s in net.v] == [Fraction(e) for e in prob.v]
    assert symbolic.exact_values(net, v=[0.5, 0.25, 2]) == dict(
        zip(net.v, [sp.Rational(1, 2), sp.Rational(1, 4), sp.Integer(2)], strict=True)
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, r"needs at least one of X0, z, u, v; received none"),
        (
            {"u": np.ones((2, 2))},
            r"u must have shape \(3, 2\) to fit network\(n=3, p=2, h=2\); received shape \(2, 2\)",
        ),
        ({"z": np.ones(4)}, r"z must have shape \(3,\) to fit .*received shape \(4,\)"),
        ({"v": [1.0, np.nan, 0.0]}, r"v must be finite; received 1 NaN"),
        ({"X0": np.ones(3)}, r"X0 must be a 2-D array of shape \(n, p\)"),
    ],
)
def test_exact_values_rejects_bad_arrays(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.exact_values(cached_network((3, 2, 2)), **kwargs)  # type: ignore[arg-type]


def test_evaluate_rounds_once_after_exact_arithmetic() -> None:
    a, b, c = sp.symbols("a b c")
    values = {a: sp.Integer(10) ** 16, b: sp.Integer(1), c: sp.Integer(10) ** 16}
    # In float64, (1e16 + 1) - 1e16 = 0; exactly, it is 1. (Three symbols: SymPy would
    # simplify a + b - a to b before any number is substituted.)
    assert (1e16 + 1.0) - 1e16 == 0.0
    assert symbolic.evaluate(a + b - c, values) == 1.0
    assert symbolic.evaluate(sp.Matrix([[a / 3, b]]), {a: 1, b: 2}).tolist() == [[1 / 3, 2.0]]


@pytest.mark.parametrize(
    ("expr", "values", "match"),
    [
        (
            sp.Symbol("a"),
            {sp.Symbol("a"): 0.5},
            r"values must be exact: integers or sympy\.Rational; a has 0\.5",
        ),
        (sp.Symbol("a"), {sp.Symbol("a"): sp.sqrt(2)}, r"a has sqrt\(2\)"),
        (
            sp.Symbol("a") * sp.Symbol("b"),
            {sp.Symbol("a"): 1},
            r"must give every symbol of expr; missing b\.",
        ),
        ("a", {}, r"expr must be a sympy expression or sympy\.Matrix; received str"),
    ],
)
def test_evaluate_rejects_inexact_or_missing_values(
    expr: object, values: dict[sp.Symbol, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.evaluate(expr, values)  # type: ignore[arg-type]


def rank_by_fractions(rows: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination in fractions.Fraction: the reference for assert_rank."""
    A = [list(r) for r in rows]
    rank, cols = 0, len(A[0]) if A else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, len(A)) if A[r][c] != 0), None)
        if pivot is None:
            continue
        A[rank], A[pivot] = A[pivot], A[rank]
        for r in range(rank + 1, len(A)):
            factor = A[r][c] / A[rank][c]
            A[r] = [a - factor * b for a, b in zip(A[r], A[rank], strict=True)]
        rank += 1
    return rank


def test_rational_matrix_holds_the_floats_exactly() -> None:
    a = np.array([[0.1, -2.0, 1e-300], [3.5, 2.0**60, -7.25]])
    M = symbolic.rational_matrix(a)
    assert M.shape == (2, 3)
    assert [[Fraction(e) for e in row] for row in a] == M.tolist()
    column = symbolic.rational_matrix([1, 0.5])
    assert column.shape == (2, 1)
    assert list(column) == [1, sp.Rational(1, 2)]


@pytest.mark.parametrize(
    ("a", "match"),
    [
        (np.zeros((2, 2, 2)), r"a must be a 2-D array of shape \(r, c\); received a 3-D array"),
        (3.0, r"a must be a 2-D array of shape \(r, c\); received a 0-D array"),
        (
            [[1.0, np.inf]],
            r"a must be finite; received 1 NaN or infinite value\(s\), the first at index \(0, 1\)",
        ),
        (["x", "y"], r"a must hold real numbers; received an array of dtype <U1"),
        (np.zeros((0, 2)), r"received an empty array of shape \(0, 2\)"),
    ],
)
def test_rational_matrix_rejects_bad_arrays(a: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.rational_matrix(a)  # type: ignore[arg-type]


def test_exact_least_squares_by_hand() -> None:
    # The line through (0, 1), (1, 2), (2, 4): slope sum (x - 1)(z - 7/3) / sum (x - 1)^2 = 3/2,
    # intercept 7/3 - 3/2 = 5/6.
    w = symbolic.exact_least_squares([[0.0], [1.0], [2.0]], [1.0, 2.0, 4.0])
    assert w == sp.Matrix([sp.Rational(5, 6), sp.Rational(3, 2)])


@settings(max_examples=15)
@given(data=full_rank_designs())
def test_exact_least_squares_matches_fraction_elimination(
    data: tuple[np.ndarray, np.ndarray],
) -> None:
    X0, z = data
    w = symbolic.exact_least_squares(X0, z)
    assert w.shape == (X0.shape[1] + 1, 1)
    assert list(w) == reference.exact_least_squares(X0, z)
    # and it solves the normal equations exactly, in SymPy's own matrix arithmetic
    X = symbolic.rational_matrix(ln.add_bias(X0))
    symbolic.assert_identity(X.T * X * w, X.T * symbolic.rational_matrix(z), "normal equations")


def test_exact_least_squares_on_real_data(diabetes: tuple[np.ndarray, np.ndarray]) -> None:
    X0, z = diabetes
    w = symbolic.exact_least_squares(X0, z)
    assert list(w) == reference.exact_least_squares(X0, z)
    w_float = np.array([float(e) for e in w])
    # Well conditioned (standardised columns): the package's solver agrees to 1e-12 relative.
    np.testing.assert_allclose(ln.least_squares(X0, z), w_float, rtol=1e-12, atol=0)


def test_exact_least_squares_agrees_with_the_package(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    X0, z, _, _ = random_problem
    w = np.array([float(e) for e in symbolic.exact_least_squares(X0, z)])
    np.testing.assert_allclose(ln.least_squares(X0, z), w, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("X0", "z", "match"),
    [
        (
            [[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]],
            [1.0, 2.0, 3.0],
            r"full column rank p \+ 1 = 3 .*received rank 2 \(rank deficient",
        ),
        ([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0], r"full column rank p \+ 1 = 3 .*received rank 2"),
        ([[5.0], [5.0], [5.0]], [1.0, 2.0, 3.0], r"received rank 1 \(rank deficient.*minimum-norm"),
        ([[1.0], [2.0]], [1.0, 2.0, 3.0], r"z's length must number n = 2"),
        ([1.0, 2.0], [1.0, 2.0], r"X0 must be a 2-D array of shape \(n, p\).*reshape\(-1, 1\)"),
        ([[1.0], [np.nan]], [1.0, 2.0], r"X0 must be finite"),
    ],
)
def test_exact_least_squares_rejects_bad_problems(X0: object, z: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.exact_least_squares(X0, z)  # type: ignore[arg-type]


@settings(max_examples=25)
@given(
    a=st.integers(1, 5),
    b=st.integers(1, 5),
    r=st.integers(0, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_assert_rank_on_products_of_known_rank(a: int, b: int, r: int, seed: int) -> None:
    # M = F G with F (a x r), G (r x b): rank at most r; the Fraction reference says exactly what.
    rng = np.random.default_rng(seed)
    F, G = rng.integers(-3, 4, size=(a, r)), rng.integers(-3, 4, size=(r, b))
    M = sp.Matrix(F.tolist()) * sp.Matrix(G.tolist()) if r else sp.zeros(a, b)
    rank = rank_by_fractions([[Fraction(int(e)) for e in row] for row in M.tolist()])
    assert rank <= min(a, b, r)
    assert symbolic.assert_rank(M, rank, "rank") == "✓ rank, exactly"
    # Claiming one more, or one less, than the true rank fails.
    for wrong in {rank - 1, rank + 1} & set(range(min(a, b) + 1)):
        with pytest.raises(AssertionError, match=rf"is false: the matrix has rank {rank}, not"):
            symbolic.assert_rank(M, wrong, "rank")


def test_assert_rank_is_exact_where_floating_point_is_not() -> None:
    # [[1, 1], [1, 1 + 2^-52]] is invertible (determinant 2^-52), though numerically singular.
    M = np.array([[1.0, 1.0], [1.0, 1.0 + 2.0**-52]])
    assert np.linalg.matrix_rank(M) == 1
    assert symbolic.assert_rank(M, 2, "invertible") == "✓ invertible, exactly"
    third = sp.Rational(1, 3)
    rank_one = sp.Matrix([[third, 2 * third], [1, 2], [-third, -2 * third]])
    assert symbolic.assert_rank(rank_one, 1, "rank one") == "✓ rank one, exactly"
    with pytest.raises(AssertionError, match=r"full is false: the matrix has rank 1, not 2"):
        symbolic.assert_rank(rank_one, 2, "full")
    assert symbolic.assert_rank(sp.zeros(2, 3), 0, "zero") == "✓ zero, exactly"


@pytest.mark.parametrize(
    ("M", "r", "match"),
    [
        (
            sp.Matrix([[sp.Symbol("a"), 1]]),
            1,
            r"m: assert_rank needs a matrix of exact rational numbers; received the entry a",
        ),
        (sp.Matrix([[sp.Float(0.5), 1]]), 1, r"received the entry 0\.5"),
        (sp.eye(2), 3, r"m: r must be an integer between 0 and min\(2, 2\) = 2; received 3\."),
        (sp.eye(2), -1, r"received -1\."),
        (sp.eye(2), 1.0, r"received 1\.0\."),
        (sp.eye(2), True, r"received True\."),
        (np.ones((2, 2, 2)), 1, r"a must be a 2-D array"),
    ],
)
def test_assert_rank_rejects_bad_input(M: object, r: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        symbolic.assert_rank(M, r, "m")  # type: ignore[arg-type]
