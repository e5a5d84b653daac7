"""Tests of linearnet.regression: collapse, normal_equations and least_squares."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from reference import collapse_loops, exact_least_squares, normal_equations_loops, predict_loops
from strategies import Problem, full_rank_designs, problems

import linearnet as ln

# --- collapse -------------------------------------------------------------------------------


def test_collapse_docstring_example_by_hand() -> None:
    # w0 = 10 + 1 * 1 + 0 * 2 = 11, w1 = 2 * 1 + 3 * 2 = 8
    np.testing.assert_array_equal(ln.collapse([[1.0, 0.0], [2.0, 3.0]], [10.0, 1.0, 2.0]), [11, 8])


@pytest.mark.verifies("def-collapsed", "eq-collapse")
@given(problems())
def test_collapse_matches_the_note_term_by_term(prob: Problem) -> None:
    w = ln.collapse(prob.u, prob.v)
    assert w.shape == (prob.shape[1] + 1,)
    np.testing.assert_allclose(w, collapse_loops(prob.u, prob.v), rtol=1e-12, atol=1e-12)


@pytest.mark.verifies("lem-collapse")
@given(problems())
def test_collapsed_one_layer_model_predicts_like_the_network(prob: Problem) -> None:
    X0, _, u, v = prob
    w = ln.collapse(u, v)
    X = ln.add_bias(X0)
    z_pred = ln.predict(X0, u, v)
    atol = 1e-11 * (1.0 + float(np.max(np.abs(X) @ collapse_loops(np.abs(u), np.abs(v)))))
    np.testing.assert_allclose(X @ w, z_pred, rtol=1e-12, atol=atol)
    np.testing.assert_allclose(z_pred, predict_loops(X0, u, v), rtol=1e-12, atol=atol)


@given(problems())
def test_collapse_never_modifies_inputs(prob: Problem) -> None:
    u, v = prob.u.copy(), prob.v.copy()
    u.flags.writeable = False  # read-only inputs (e.g. a TrainResult's) are fine
    v.flags.writeable = False
    w = ln.collapse(u, v)
    np.testing.assert_array_equal(u, prob.u)
    np.testing.assert_array_equal(v, prob.v)
    assert not np.shares_memory(w, u)
    assert not np.shares_memory(w, v)


# --- normal_equations -----------------------------------------------------------------------


def test_normal_equations_docstring_example_by_hand() -> None:
    XtX, Xtz = ln.normal_equations([[0.0], [1.0]], [1.0, 3.0])
    np.testing.assert_array_equal(XtX, [[2.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(Xtz, [4.0, 3.0])


@pytest.mark.verifies("eq-normal-sums")
@given(problems())
def test_normal_equations_match_explicit_sums(prob: Problem) -> None:
    X0, z = prob.X0, prob.z
    XtX, Xtz = ln.normal_equations(X0, z)
    ref_XtX, ref_Xtz = normal_equations_loops(X0, z)
    p = X0.shape[1]
    assert XtX.shape == (p + 1, p + 1)
    assert Xtz.shape == (p + 1,)
    np.testing.assert_allclose(XtX, ref_XtX, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Xtz, ref_Xtz, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(XtX, XtX.T)
    before = (X0.copy(), z.copy())
    ln.normal_equations(X0, z)
    np.testing.assert_array_equal(X0, before[0])
    np.testing.assert_array_equal(z, before[1])


# --- least_squares: exact rational arithmetic on an ill-conditioned design ------------------


def polynomial_design() -> np.ndarray:
    """x, x^2, ..., x^12 at 30 equispaced points in [0, 1]: with the ones, cond(X) ~ 7.5e8."""
    x = np.linspace(0.0, 1.0, 30)
    return np.column_stack([x**k for k in range(1, 13)])


def _targets() -> dict[str, np.ndarray]:
    x = np.linspace(0.0, 1.0, 30)
    targets = {f"noise-{seed}": np.random.default_rng(seed).normal(size=30) for seed in range(5)}
    targets["cos(5x)"] = np.cos(5.0 * x)
    targets["|x - 0.3|"] = np.abs(x - 0.3)
    return targets


TARGETS = _targets()


def max_relative_error(w: np.ndarray, exact: np.ndarray) -> float:
    return float(np.max(np.abs(w - exact) / np.abs(exact)))


def test_polynomial_design_is_ill_conditioned() -> None:
    cond = np.linalg.cond(ln.add_bias(polynomial_design()))
    assert 1e8 < cond < 1e10


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_least_squares_has_ten_significant_digits_in_every_coefficient(target: str) -> None:
    X0, z = polynomial_design(), TARGETS[target]
    exact = np.array([float(c) for c in exact_least_squares(X0, z)])
    w = ln.least_squares(X0, z)
    assert w.shape == (13,)
    assert max_relative_error(w, exact) <= 1e-10
    np.testing.assert_allclose(w, exact, rtol=1e-10, atol=0)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_float_normal_equations_do_not_reach_ten_digits(target: str) -> None:
    # The teeth of the test above: the textbook solve squares the condition number (~5e17)
    # and loses every digit of at least one coefficient on this design.
    X0, z = polynomial_design(), TARGETS[target]
    exact = np.array([float(c) for c in exact_least_squares(X0, z)])
    w_normal = np.linalg.solve(*ln.normal_equations(X0, z))
    assert max_relative_error(w_normal, exact) > 1e-10
    assert max_relative_error(w_normal, exact) > 1e-3  # not even three digits


@pytest.mark.parametrize("target", ["exp", "step"])
def test_least_squares_is_normwise_accurate_when_coefficients_span_many_decades(
    target: str,
) -> None:
    # Fitting exp(x) gives coefficients near 1/k!, from 1 down to 2e-9; a step gives 6e-4 to
    # 3e6. There the guarantee is normwise (the smallest coefficients keep only ~4 digits).
    x = np.linspace(0.0, 1.0, 30)
    z = np.exp(x) if target == "exp" else (x > 0.5).astype(float)
    X0 = polynomial_design()
    exact = np.array([float(c) for c in exact_least_squares(X0, z)])
    w = ln.least_squares(X0, z)
    assert np.linalg.norm(w - exact) <= 1e-10 * np.linalg.norm(exact)


@given(full_rank_designs())
def test_least_squares_matches_exact_arithmetic_on_random_designs(
    design: tuple[np.ndarray, np.ndarray],
) -> None:
    X0, z = design
    exact = np.array([float(c) for c in exact_least_squares(X0, z)])
    w = ln.least_squares(X0, z)
    # Coefficient j's natural scale is |z| / |X_j| (columns span six decades of units).
    col_norms = np.linalg.norm(ln.add_bias(X0), axis=0)
    atol = 1e-10 * np.linalg.norm(z) / col_norms
    assert np.all(np.abs(w - exact) <= 1e-9 * np.abs(exact) + atol)


@pytest.mark.verifies("eq-normal")
@given(full_rank_designs())
def test_least_squares_satisfies_the_normal_equations(
    design: tuple[np.ndarray, np.ndarray],
) -> None:
    X0, z = design
    before = (X0.copy(), z.copy())
    w = ln.least_squares(X0, z)
    X = ln.add_bias(X0)
    col_norms = np.linalg.norm(X, axis=0)
    # X^T (z - X w) = 0, column by column relative to that column's size.
    lhs = (X / col_norms).T @ (z - X @ w)
    scale = np.linalg.norm(z) + np.sum(np.abs(w) * col_norms)
    np.testing.assert_allclose(lhs, 0.0, rtol=0, atol=1e-12 * scale)
    np.testing.assert_array_equal(X0, before[0])
    np.testing.assert_array_equal(z, before[1])


def test_least_squares_recovers_an_exact_fit() -> None:
    X0 = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 5.0], [3.0, -1.0], [4.0, 2.0]])
    w_true = np.array([1.5, -2.0, 0.25])
    z = ln.add_bias(X0) @ w_true
    np.testing.assert_allclose(ln.least_squares(X0, z), w_true, rtol=1e-13, atol=1e-13)


def test_least_squares_docstring_example_by_hand() -> None:
    np.testing.assert_allclose(ln.least_squares([[0.0], [1.0]], [1.0, 3.0]), [1, 2], atol=1e-14)


# --- least_squares: rank-deficient designs give the minimum-norm solution ---------------------


def _rank_deficient() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(11)
    a, b = rng.normal(size=(2, 12))
    z = rng.normal(size=12)
    return {
        "duplicated column": (np.column_stack([a, b, a]), z),
        "column collinear with the ones": (np.column_stack([a, np.full(12, 3.0)]), z),
        "zero column": (np.column_stack([a, np.zeros(12), b]), z),
        "fewer rows than weights": (rng.normal(size=(3, 5)), z[:3]),
        "one row": (np.array([[2.0, -1.0]]), np.array([4.0])),
    }


RANK_DEFICIENT = _rank_deficient()


@pytest.mark.parametrize("case", sorted(RANK_DEFICIENT))
def test_least_squares_rank_deficient_gives_minimum_norm(case: str) -> None:
    X0, z = RANK_DEFICIENT[case]
    X = ln.add_bias(X0)
    assert np.linalg.matrix_rank(X) < X.shape[1]
    w = ln.least_squares(X0, z)
    np.testing.assert_allclose(w, np.linalg.pinv(X) @ z, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w, np.linalg.lstsq(X, z, rcond=None)[0], rtol=1e-10, atol=1e-12)
    # Any other minimiser w + k, k in the null space of X, is longer.
    k = np.linalg.svd(X)[2][-1]
    np.testing.assert_allclose(X @ k, 0.0, atol=1e-12)
    assert np.linalg.norm(w) < np.linalg.norm(w + 0.1 * k)
