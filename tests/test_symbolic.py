"""Tests of linearnet.symbolic: the note's matrices in SymPy, against the numeric package."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

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
    assert symbolic.assert_identity(net.z_pred, expanded, "eq (3)") == "proved: eq (3)"
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
    assert symbolic.assert_identity((a + b) ** 2, a**2 + 2 * a * b + b**2, "sq") == "proved: sq"
    M = sp.Matrix([[a + b], [a * b]])
    assert symbolic.assert_identity(M, sp.Matrix([[b + a], [b * a]]), "m") == "proved: m"


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
