"""Tests of linearnet.gradients against the note's per-weight sums and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from reference import fd_gradients, gradients_loops, x
from strategies import Problem, problems

import linearnet as ln
from linearnet import symbolic


def test_docstring_example_by_hand() -> None:
    # z_pred = 1 + 2 * (0 + 1 * 1) = 3, d = 2: dC/du_jk = v_k x_j d = 2 * 1 * 2, dC/dv = (d, y d)
    dC_du, dC_dv = ln.gradients([[1.0]], [1.0], [[0.0], [1.0]], [1.0, 2.0])
    np.testing.assert_array_equal(dC_du, [[4.0], [4.0]])
    np.testing.assert_array_equal(dC_dv, [2.0, 2.0])


def test_note_example_matches_the_per_weight_sums(note_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = note_problem
    dC_du, dC_dv = ln.gradients(X0, z, u, v)
    ref_u, ref_v = gradients_loops(X0, z, u, v)
    assert dC_du.shape == (3, 2)
    assert dC_dv.shape == (3,)
    np.testing.assert_allclose(dC_du, ref_u, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(dC_dv, ref_v, rtol=1e-13, atol=1e-12)


def test_note_example_matches_finite_differences(note_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = note_problem
    dC_du, dC_dv = ln.gradients(X0, z, u, v)
    fd_u, fd_v = fd_gradients(X0, z, u, v, step=1e-4)
    np.testing.assert_allclose(dC_du, fd_u, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(dC_dv, fd_v, rtol=1e-8, atol=1e-8)


def _scale(prob: Problem) -> float:
    """A magnitude for absolute tolerances: 1 + C + the largest gradient entry."""
    dC_du, dC_dv = gradients_loops(*prob)
    return 1.0 + ln.cost(*prob) + float(np.max(np.abs(np.concatenate([dC_du.ravel(), dC_dv]))))


@pytest.mark.verifies("eq-grad-u-entries", "eq-grad-v-entries")
@given(problems())
def test_gradients_match_the_per_weight_sums(prob: Problem) -> None:
    _, p, h = prob.shape
    dC_du, dC_dv = ln.gradients(*prob)
    assert dC_du.shape == (p + 1, h)
    assert dC_dv.shape == (h + 1,)
    ref_u, ref_v = gradients_loops(*prob)
    atol = 1e-12 * _scale(prob)
    np.testing.assert_allclose(dC_du, ref_u, rtol=1e-11, atol=atol)
    np.testing.assert_allclose(dC_dv, ref_v, rtol=1e-11, atol=atol)


@pytest.mark.verifies("thm-gradient", "eq-grad-u", "eq-grad-v", "eq-chain")
@given(problems())
def test_gradients_match_central_finite_differences(prob: Problem) -> None:
    # z_pred is linear in each single weight, so C is quadratic along every coordinate and the
    # central difference has no truncation error: only rounding, about eps * C / step.
    dC_du, dC_dv = ln.gradients(*prob)
    fd_u, fd_v = fd_gradients(*prob, step=1e-3)
    atol = 1e-10 * _scale(prob)
    np.testing.assert_allclose(dC_du, fd_u, rtol=1e-7, atol=atol)
    np.testing.assert_allclose(dC_dv, fd_v, rtol=1e-7, atol=atol)


@given(problems())
def test_gradients_never_modify_inputs(prob: Problem) -> None:
    before = [a.copy() for a in prob]
    dC_du, dC_dv = ln.gradients(*prob)
    for a, b in zip(prob, before, strict=True):
        np.testing.assert_array_equal(a, b)
    for out in (dC_du, dC_dv):
        assert not any(np.shares_memory(out, a) for a in prob)


@pytest.mark.verifies("lem-reduction", "eq-xtd-zero")
def test_gradients_vanish_where_the_network_is_least_squares(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    # lem-reduction (b): X^T d = 0 at the least-squares weights, so both gradients vanish for
    # any network whose collapsed weights are those (here h = 1: u[1:] v_1 = w[1:]). The
    # least-squares weights come from exact rational arithmetic, not from the package.
    X0, z, _, _ = random_problem
    w = np.array(symbolic.exact_least_squares(X0, z), dtype=float).ravel()
    v = np.array([0.0, 2.0])
    u = np.empty((w.size, 1))
    u[0, 0] = 0.3
    u[1:, 0] = w[1:] / v[1]
    v[0] = w[0] - u[0, 0] * v[1]
    np.testing.assert_allclose(ln.collapse(u, v), w, rtol=1e-14, atol=1e-14)
    dC_du, dC_dv = ln.gradients(X0, z, u, v)
    scale = np.linalg.norm(ln.add_bias(X0)) * np.linalg.norm(z)
    np.testing.assert_allclose(dC_du, 0.0, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(dC_dv, 0.0, rtol=0, atol=1e-12 * scale)


@pytest.mark.verifies("prop-critical-v0")
def test_gradient_where_the_output_weights_vanish(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    # prop-critical-v0 (a): with v_1 = ... = v_h = 0 the prediction is the constant v_0, the
    # hidden layer gets no gradient whatever the residual, dC/dv_0 = n (v_0 - z_bar) and
    # dC/dv_k = (u^T r)_k with r = X^T (v_0 1 - z); at v_0 = z_bar, r is g = X^T (z_bar 1 - z).
    # The sums are written from the note's (x_i0 = 1), not from the package.
    X0, z, u, _ = random_problem
    n, p = X0.shape
    z_bar = sum(z) / n
    for v0 in (0.5, z_bar):
        v = np.array([v0, 0.0, 0.0, 0.0])
        r = [sum(x(X0, i, j) * (v0 - z[i]) for i in range(n)) for j in range(p + 1)]
        uTr = [sum(u[j, k] * r[j] for j in range(p + 1)) for k in range(u.shape[1])]
        dC_du, dC_dv = ln.gradients(X0, z, u, v)
        np.testing.assert_array_equal(dC_du, 0.0)
        np.testing.assert_allclose(dC_dv, [n * (v0 - z_bar), *uTr], rtol=1e-12, atol=1e-12)
    assert abs(dC_dv[0]) < 1e-12 * n * np.abs(z).max()  # v_0 = z_bar: dC/dv_0 = 0
