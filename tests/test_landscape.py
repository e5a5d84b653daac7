"""Tests of linearnet.landscape: the closed-form Hessian and the classification of critical points.

The Hessian is compared with two independent references: central differences of the gradient
(``ln.gradients``, itself tested against the note's sums) and SymPy's second derivatives
(``symbolic.hessian``, by ``sp.diff``) evaluated exactly at rational points. The classifier is
compared with points whose nature is known by construction: realisations of the least-squares
weights (minima), the saddle set {v_(1:) = 0, v_0 = z_bar, u^T g = 0}, data with g = 0, and
points with a known gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from reference import cost_loops, flat, gradients_loops, unflat
from sphinx_claims import reads
from strategies import Problem, problems

import linearnet as ln
from linearnet import symbolic

# ---------------------------------------------------------------------------------------------
# hessian


def fd_hessian_of_gradients(prob: Problem, step: float) -> np.ndarray:
    """Column a: (grad C(theta + s e_a) - grad C(theta - s e_a)) / 2s, from ln.gradients.

    Each entry of the gradient is a polynomial of degree at most 2 in any single weight (r is
    linear in it, and at most one more factor v_k or u_jk depends on it), so the central
    difference has no truncation error: only rounding.
    """
    X0, z, u, v = prob
    p, h = u.shape[0] - 1, u.shape[1]
    theta = flat(u, v)
    H = np.empty((theta.size, theta.size))
    for a in range(theta.size):
        e = np.zeros(theta.size)
        e[a] = step
        plus = flat(*ln.gradients(X0, z, *unflat(theta + e, p, h)))
        minus = flat(*ln.gradients(X0, z, *unflat(theta - e, p, h)))
        H[:, a] = (plus - minus) / (2 * step)
    return H


@pytest.mark.verifies("thm-hessian")
@given(problems())
def test_hessian_matches_central_differences_of_the_gradient(prob: Problem) -> None:
    _, p, h = prob.shape
    m = (p + 1) * h + h + 1
    H = ln.hessian(*prob)
    assert H.shape == (m, m)
    step = 1e-3
    fd = fd_hessian_of_gradients(prob, step)
    # rounding in each gradient entry is about eps times the size of the terms summed in it
    du, dv = gradients_loops(*prob)
    scale = 1.0 + cost_loops(*prob) + np.abs(np.concatenate([du.ravel(), dv])).max()
    scale *= 1.0 + np.abs(flat(prob.u, prob.v)).max() ** 2
    np.testing.assert_allclose(H, fd, rtol=1e-7, atol=1e-11 * scale / step)


@reads.cache
def _symbolic_hessian(n: int, p: int, h: int) -> tuple[symbolic.SymbolicNetwork, sp.Matrix]:
    net = symbolic.network(n, p, h)
    return net, symbolic.hessian(net)


@pytest.mark.verifies("thm-hessian")
@pytest.mark.parametrize(("n", "p", "h"), [(1, 1, 1), (3, 1, 2), (4, 2, 2), (2, 3, 1), (3, 2, 3)])
def test_hessian_matches_sympy_exactly_at_rational_points(n: int, p: int, h: int) -> None:
    # multiples of 1/4 and 1/8: every product and sum in H is exact in float64, so the closed
    # form must agree with the exact second derivatives to the last bit
    rng = np.random.default_rng(100 * n + 10 * p + h)
    X0 = rng.integers(-8, 9, size=(n, p)) / 4
    z = rng.integers(-16, 17, size=n) / 8
    u = rng.integers(-8, 9, size=(p + 1, h)) / 4
    v = rng.integers(-8, 9, size=h + 1) / 4
    net, H_sym = _symbolic_hessian(n, p, h)
    exact = symbolic.evaluate(H_sym, symbolic.exact_values(net, X0=X0, z=z, u=u, v=v))
    np.testing.assert_array_equal(ln.hessian(X0, z, u, v), exact)


@given(problems())
def test_hessian_is_exactly_symmetric_and_leaves_inputs_alone(prob: Problem) -> None:
    before = [a.copy() for a in prob]
    H = ln.hessian(*prob)
    np.testing.assert_array_equal(H, H.T)
    for a, b in zip(prob, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_hessian_docstring_example_by_hand() -> None:
    # d = 2, r = (2, 2), X J = [2 2 1 1]; B puts r_j = 2 where u_j1 meets v_1
    XJ = np.array([2.0, 2.0, 1.0, 1.0])
    expected = np.outer(XJ, XJ)
    expected[[0, 1], 3] += 2.0
    expected[3, [0, 1]] += 2.0
    np.testing.assert_array_equal(ln.hessian([[1.0]], [1.0], [[0.0], [1.0]], [1.0, 2.0]), expected)


def test_hessian_is_the_gauss_newton_matrix_at_a_minimum(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    # r = 0 at a realisation of w*: H = J^T X^T X J, PSD with rank p + 1 (X has full rank)
    X0, z, _, _ = random_problem
    u, v = realise(ln.least_squares(X0, z), h=3, rng=np.random.default_rng(5))
    H = ln.hessian(X0, z, u, v)
    eig = np.linalg.eigvalsh(H)
    p = X0.shape[1]
    m = H.shape[0]
    assert eig[0] > -1e-9 * eig[-1]
    assert np.sum(eig > 1e-9 * eig[-1]) == p + 1
    assert m - (p + 1) == (p + 1) * (3 - 1) + 3 + 1


# ---------------------------------------------------------------------------------------------
# classify_critical_point


def realise(w: np.ndarray, h: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random (u, v) with v_(1:) != 0 and collapsed weights w: solve for the first column of u."""
    u = rng.normal(size=(w.size, h))
    v = rng.normal(size=h + 1)
    v[1] = rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 2.0)
    # u[:, 0] v_1 = w - v_0 e_0 - u[:, 1:] v_(2:)
    rest = w - u[:, 1:] @ v[2:]
    rest[0] -= v[0]
    u[:, 0] = rest / v[1]
    return u, v


def saddle(
    X0: np.ndarray, z: np.ndarray, h: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A point of {v_(1:) = 0, v_0 = z_bar, u^T g = 0} with u != 0: columns of u orthogonal to g."""
    X = np.column_stack([np.ones(len(z)), X0])
    g = X.T @ (z.mean() - z)
    u = rng.normal(size=(X.shape[1], h))
    u -= np.outer(g, g @ u) / (g @ g)
    return u, np.r_[z.mean(), np.zeros(h)]


def data(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded data whose z depends on the inputs, so that g != 0."""
    rng = np.random.default_rng(seed)
    X0 = rng.normal(size=(n, p))
    z = 1.0 + X0 @ rng.normal(size=p) + 0.1 * rng.normal(size=n)
    return X0, z


SHAPES = [(12, 1, 1), (12, 1, 3), (20, 3, 2), (20, 4, 5), (3, 4, 2)]  # the last: n < p + 1


@pytest.mark.parametrize(("n", "p", "h"), SHAPES)
def test_realisations_of_least_squares_are_global_minima(n: int, p: int, h: int) -> None:
    X0, z = data(n, p, seed=n + p + h)
    w_star = ln.least_squares(X0, z)
    rng = np.random.default_rng(h)
    for _ in range(5):
        u, v = realise(w_star, h, rng)
        assert np.linalg.norm(v[1:]) > 0
        assert ln.classify_critical_point(X0, z, u, v) == "global minimum"


@pytest.mark.parametrize(("n", "p", "h"), SHAPES)
def test_points_of_the_saddle_set_with_g_nonzero_are_strict_saddles(n: int, p: int, h: int) -> None:
    X0, z = data(n, p, seed=n + p + h)
    rng = np.random.default_rng(h)
    for u, v in [(np.zeros((p + 1, h)), np.r_[z.mean(), np.zeros(h)]), saddle(X0, z, h, rng)]:
        assert ln.classify_critical_point(X0, z, u, v) == "strict saddle"
        # independently: the cost is above the least-squares cost, and the negative-curvature
        # line of chapter 3 (du = -s g e_k^T, dv_k = 1) goes below it
        X = np.column_stack([np.ones(n), X0])
        g = X.T @ (z.mean() - z)
        w_star = ln.least_squares(X0, z)
        C0 = cost_loops(X0, z, u, v)
        assert C0 > 0.5 * np.sum((X @ w_star - z) ** 2)
        s = 1.0 + np.sum((X @ u[:, 0]) ** 2) / (2 * g @ g)
        du = np.zeros_like(u)
        du[:, 0] = -s * g
        dv = np.zeros_like(v)
        dv[1] = 1.0
        t = 1e-2 * min(1.0, np.linalg.norm(g) / np.linalg.norm(X @ g))
        assert cost_loops(X0, z, u + t * du, v + t * dv) < C0


@pytest.mark.parametrize("h", [1, 2, 4])
def test_with_g_zero_the_saddle_set_holds_global_minima(h: int) -> None:
    # z - z_bar is orthogonal to both inputs, in exact float arithmetic: g = 0
    X0 = np.array([[-1.0, 1.0], [0.0, -2.0], [1.0, 1.0], [0.0, 0.0]])
    z = np.array([1.0, 1.0, 1.0, -3.0])
    X = np.column_stack([np.ones(4), X0])
    np.testing.assert_array_equal(X.T @ (z.mean() - z), 0.0)
    u = np.random.default_rng(h).normal(size=(3, h))
    v = np.r_[z.mean(), np.zeros(h)]
    assert ln.classify_critical_point(X0, z, u, v) == "global minimum"
    # the constant fit is the least-squares fit: same cost
    np.testing.assert_allclose(cost_loops(X0, z, u, v), 0.5 * np.sum(z**2), rtol=1e-15)


def test_data_with_g_below_atol_have_no_saddles_to_speak_of() -> None:
    # g = (0, 1e-10): the saddle set's least eigenvalue is -|g|, flat to within atol
    X0 = np.array([[-1.0], [0.0], [1.0]])
    z = np.array([1.0, 1.0, 1.0 + 1e-10])
    u, v = np.zeros((2, 1)), np.array([z.mean(), 0.0])
    assert ln.classify_critical_point(X0, z, u, v, atol=1e-8) == "global minimum"
    assert ln.classify_critical_point(X0, z, u, v, atol=1e-12) == "strict saddle"


def test_the_answer_does_not_change_under_the_symmetries_of_c() -> None:
    X0, z = data(20, 3, seed=1)
    rng = np.random.default_rng(2)
    A = rng.normal(size=(2, 2)) + 2 * np.eye(2)
    for (u, v), label in [
        (realise(ln.least_squares(X0, z), 2, rng), "global minimum"),
        (saddle(X0, z, 2, rng), "strict saddle"),
    ]:
        # (u A, (v_0, A^-1 v_(1:))) has the same w; so does (u + c e_0 b^T, v_0 - c b^T v_(1:))
        v_A = np.r_[v[0], np.linalg.solve(A, v[1:])]
        assert ln.classify_critical_point(X0, z, u @ A, v_A) == label


def test_points_that_train_reports_converged_are_critical_with_the_same_tolerance() -> None:
    # the documented scale: atol is train's tol, an absolute bound on |grad C|
    X0, z = data(30, 2, seed=4)
    for seed in range(3):
        start = ln.init_params(2, 2, rng=np.random.default_rng(seed))
        result = ln.train(X0, z, *start, tol=1e-8)
        assert result.converged
        assert ln.classify_critical_point(X0, z, result.u, result.v, atol=1e-8) == (
            "global minimum"
        )


def test_atol_is_an_absolute_bound_on_the_gradient_norm() -> None:
    # moving v_0 off a minimum by s makes the gradient J^T r exactly linear in s: |grad C| = s c
    X0, z = data(15, 2, seed=6)
    u, v = realise(ln.least_squares(X0, z), 2, np.random.default_rng(0))
    e_v0 = np.array([1.0, 0.0, 0.0])
    c = np.linalg.norm(flat(*gradients_loops(X0, z, u, v + e_v0)))
    for atol in (1e-6, 1.0):
        for factor, label in [(0.5, "global minimum"), (2.0, "not critical")]:
            s = factor * atol / c
            assert ln.classify_critical_point(X0, z, u, v + s * e_v0, atol=atol) == label


@given(problems())
def test_random_points_with_a_large_gradient_are_not_critical(prob: Problem) -> None:
    du, dv = gradients_loops(*prob)
    norm = np.linalg.norm(np.concatenate([du.ravel(), dv]))
    if norm > 1e-6:
        assert ln.classify_critical_point(*prob, atol=0.5 * norm) == "not critical"
    assert ln.classify_critical_point(*prob, atol=2 * norm + 1e-12) != "not critical"


# ---------------------------------------------------------------------------------------------
# bad input: one failure mode each


def test_hessian_rejects_u_with_the_wrong_number_of_rows() -> None:
    with pytest.raises(ValueError, match=r"u's rows must number p \+ 1 = 2"):
        ln.hessian([[1.0], [2.0]], [1.0, 2.0], np.zeros((3, 1)), [0.0, 1.0])


def test_hessian_rejects_v_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"v's entries must number h \+ 1 = 3"):
        ln.hessian([[1.0], [2.0]], [1.0, 2.0], np.zeros((2, 2)), [0.0, 1.0])


def test_hessian_rejects_z_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match=r"z's length must number n = 2"):
        ln.hessian([[1.0], [2.0]], [1.0, 2.0, 3.0], np.zeros((2, 1)), [0.0, 1.0])


def test_hessian_rejects_one_dimensional_inputs() -> None:
    with pytest.raises(ValueError, match=r"X0 must be a 2-D array.*X0.reshape\(-1, 1\)"):
        ln.hessian([1.0, 2.0], [1.0, 2.0], np.zeros((2, 1)), [0.0, 1.0])


def test_classifier_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"u's rows must number p \+ 1 = 2"):
        ln.classify_critical_point([[1.0]], [1.0], np.zeros((1, 1)), [0.0, 1.0])


@pytest.mark.parametrize("atol", [0.0, -1e-8, np.inf, np.nan])
def test_classifier_rejects_an_atol_that_is_not_positive_and_finite(atol: float) -> None:
    with pytest.raises(ValueError, match="atol must be a finite number greater than 0"):
        ln.classify_critical_point([[1.0]], [1.0], [[0.0], [1.0]], [0.0, 1.0], atol=atol)


@pytest.mark.parametrize("atol", ["1e-8", True, None])
def test_classifier_rejects_an_atol_that_is_not_a_number(atol: object) -> None:
    with pytest.raises(ValueError, match="atol must be a positive real number"):
        ln.classify_critical_point([[1.0]], [1.0], [[0.0], [1.0]], [0.0, 1.0], atol=atol)  # type: ignore[arg-type]


def test_a_point_beside_a_saddle_is_not_a_minimum_for_its_tiny_non_zero_v() -> None:
    # v_(1:) = 1e-12 e_1 next to a saddle: |grad C| ~ 1e-12 passes atol, and v_(1:) != 0, yet
    # r is g up to 1e-12 and the cost is the saddle's: the test "v_(1:) != 0" alone would fail
    X0, z = data(20, 2, seed=8)
    u, v = saddle(X0, z, 2, np.random.default_rng(9))
    v[1] = 1e-12
    X = np.column_stack([np.ones(20), X0])
    g = X.T @ (z.mean() - z)
    du, dv = gradients_loops(X0, z, u, v)
    assert np.linalg.norm(np.concatenate([du.ravel(), dv])) < 1e-8 < np.linalg.norm(g)
    assert ln.classify_critical_point(X0, z, u, v) == "strict saddle"
