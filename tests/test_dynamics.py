"""Tests of linearnet.dynamics: the invariant D = u^T u - v_(1:) v_(1:)^T."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from strategies import Problem, problems

import linearnet as ln
from linearnet import exact, symbolic


def invariant_loops(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """D_km = sum_j u_jk u_jm - v_k v_m for hidden units k, m = 1..h, index by index."""
    p1, h = u.shape
    D = np.zeros((h, h))
    for k in range(h):
        for m in range(h):
            D[k, m] = sum(u[j, k] * u[j, m] for j in range(p1)) - v[k + 1] * v[m + 1]
    return D


def test_docstring_example_by_hand() -> None:
    # 1 + 4 - 9
    np.testing.assert_array_equal(ln.invariant([[1.0], [2.0]], [5.0, 3.0]), [[-4.0]])


@given(problems())
def test_invariant_matches_its_definition_written_with_loops(prob: Problem) -> None:
    D = ln.invariant(prob.u, prob.v)
    h = prob.u.shape[1]
    assert D.shape == (h, h)
    np.testing.assert_allclose(D, invariant_loops(prob.u, prob.v), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(D, D.T)


@pytest.mark.parametrize(("p", "h"), [(1, 1), (2, 2), (1, 3), (3, 2)])
def test_invariant_matches_sympy_evaluated_exactly(p: int, h: int) -> None:
    net = symbolic.network(1, p, h)
    v1 = net.v[1:, :]
    D_sym = net.u.T * net.u - v1 * v1.T  # the definition, symbolically
    rng = np.random.default_rng(p * 10 + h)
    u, v = rng.normal(size=(p + 1, h)), rng.normal(size=h + 1)
    D_ref = symbolic.evaluate(D_sym, symbolic.exact_values(net, u=u, v=v))
    # the exact value rounded once, against float arithmetic: a few ulps of the entries' scale
    scale = np.sum(u**2) + np.sum(v**2)
    np.testing.assert_allclose(ln.invariant(u, v), D_ref, rtol=0, atol=1e-14 * scale)


def test_invariant_ignores_the_output_bias() -> None:
    u = np.array([[0.5, -1.0], [1.0, 2.0], [-1.5, 0.25]])
    v = np.array([0.75, 2.0, -0.5])
    np.testing.assert_array_equal(ln.invariant(u, v), ln.invariant(u, [-9.0, 2.0, -0.5]))


def test_a_balanced_network_has_zero_invariant() -> None:
    # u = a v_(1:)^T with |a| = 1 (a = (3, 4) / 5): D = 0 exactly for these dyadic numbers
    a = np.array([0.6, 0.8])
    v = np.array([1.0, 2.0, -0.5])
    u = np.outer(a, v[1:])
    np.testing.assert_allclose(ln.invariant(u, v), np.zeros((2, 2)), rtol=0, atol=1e-15)


@pytest.mark.verifies("prop-step-drift")
@given(problems(max_n=5, max_p=3, max_h=3))
def test_one_exact_step_changes_D_by_the_drift_formula(prob: Problem) -> None:
    # D(theta') - D(theta) = eta^2 (|r|^2 v v^T - u^T r r^T u), in exact arithmetic
    eta = Fraction(1, 8)
    u_q, v_q = exact.fractions(prob.u), exact.fractions(prob.v)
    u1, v1 = exact.gradient_step(prob.X0, prob.z, u_q, v_q, eta)
    X = exact.fractions(ln.add_bias(prob.X0))
    r = X.T @ (v_q[0] + X @ (u_q @ v_q[1:]) - exact.fractions(prob.z))

    def D(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return u.T @ u - np.outer(v[1:], v[1:])

    drift = eta**2 * ((r @ r) * np.outer(v_q[1:], v_q[1:]) - np.outer(u_q.T @ r, u_q.T @ r))
    assert (D(u1, v1) - D(u_q, v_q) == drift).all()


@pytest.mark.parametrize(
    ("u", "v", "match"),
    [
        ([[1.0, 2.0]], [0.0, 1.0, 1.0], r"u must have p \+ 1 >= 2 rows"),
        ([[1.0], [2.0]], [0.0, 1.0, 1.0], r"v's entries must number h \+ 1 = 2"),
        ([[1.0], [np.nan]], [0.0, 1.0], r"u must be finite"),
        ([1.0, 2.0], [0.0, 1.0], r"u must be a 2-D array of shape \(p \+ 1, h\)"),
        ([[1.0], [2.0]], [[0.0, 1.0]], r"v must be a 1-D array .* Flatten it with v.ravel\(\)"),
        ([["a"], ["b"]], [0.0, 1.0], r"u must hold real numbers"),
    ],
)
def test_invariant_rejects_malformed_weights(u: object, v: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ln.invariant(u, v)


def test_invariant_is_exported() -> None:
    assert "invariant" in ln.__all__
