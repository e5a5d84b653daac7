"""Tests of linearnet.training: train, TrainResult, DivergenceError, curvature_bound."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from reference import fd_hessian
from strategies import Problem, problems

import linearnet as ln
from linearnet import symbolic

# Rounding allowance for "the cost never increases": C_new is recomputed from scratch, so two
# costs equal in exact arithmetic may differ by a few ulps of C.
COST_RTOL = 1e-12


def assert_non_increasing(costs: np.ndarray) -> None:
    increase = np.diff(costs)
    assert np.all(increase <= COST_RTOL * np.abs(costs[:-1]) + 1e-300), increase.max()


def grad_norm(X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray) -> float:
    dC_du, dC_dv = ln.gradients(X0, z, u, v)
    return float(np.sqrt(np.sum(dC_du**2) + np.sum(dC_dv**2)))


# --- train reaches least squares on real data -----------------------------------------------


@pytest.mark.verifies("thm-equivalence")
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_train_reaches_least_squares_on_standardized_diabetes_data(
    diabetes: tuple[np.ndarray, np.ndarray], seed: int
) -> None:
    X0, z = diabetes
    assert X0.shape == (442, 10)
    u, v = ln.init_params(10, 3, rng=np.random.default_rng(seed))
    result = ln.train(X0, z, u, v)  # lr=None: no tuning
    assert result.converged
    assert result.grad_norm <= 1e-8
    assert np.linalg.norm(result.v[1:]) > 0.1  # the theorem's hypothesis v_1: != 0
    # the least-squares weights in exact rational arithmetic, independent of the package
    w_ls = np.array(symbolic.exact_least_squares(X0, z), dtype=float).ravel()
    np.testing.assert_allclose(ln.collapse(result.u, result.v), w_ls, rtol=1e-6, atol=0)
    assert_non_increasing(result.costs)
    np.testing.assert_allclose(
        result.costs[-1], 0.5 * np.sum((z - ln.add_bias(X0) @ w_ls) ** 2), rtol=1e-12, atol=0
    )


def test_train_docstring_problem_converges_to_the_generating_weights() -> None:
    rng = np.random.default_rng(0)
    X0 = rng.normal(size=(50, 2))
    z = 1.0 + X0 @ [2.0, -1.0]
    u, v = ln.init_params(2, 2, rng=rng)
    result = ln.train(X0, z, u, v)
    assert result.converged
    np.testing.assert_allclose(ln.collapse(result.u, result.v), [1, 2, -1], rtol=1e-8, atol=1e-8)


# --- TrainResult ------------------------------------------------------------------------------


def test_train_result_fields(random_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = random_problem
    result = ln.train(X0, z, u, v)
    assert isinstance(result, ln.TrainResult)
    assert result.u.shape == u.shape
    assert result.v.shape == v.shape
    assert isinstance(result.steps, int)
    assert isinstance(result.converged, bool)
    assert result.costs.shape == (result.steps + 1,)
    # costs[0] is the starting cost, costs[-1] the cost at the returned weights.
    np.testing.assert_allclose(result.costs[0], ln.cost(X0, z, u, v), rtol=1e-14, atol=0)
    np.testing.assert_allclose(
        result.costs[-1], ln.cost(X0, z, result.u, result.v), rtol=1e-14, atol=0
    )
    np.testing.assert_allclose(
        result.grad_norm, grad_norm(X0, z, result.u, result.v), rtol=1e-12, atol=1e-20
    )
    assert result.converged == (result.grad_norm <= 1e-8)


def test_train_result_is_frozen_and_read_only(random_problem: tuple[np.ndarray, ...]) -> None:
    result = ln.train(*random_problem, max_steps=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.steps = 0  # type: ignore[misc]
    for name in ("u", "v", "costs"):
        array = getattr(result, name)
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0


def test_train_never_modifies_inputs(random_problem: tuple[np.ndarray, ...]) -> None:
    before = [a.copy() for a in random_problem]
    result = ln.train(*random_problem, max_steps=20)
    for a, b in zip(random_problem, before, strict=True):
        np.testing.assert_array_equal(a, b)
    for out in (result.u, result.v):
        assert not any(np.shares_memory(out, a) for a in random_problem)


def test_train_accepts_read_only_inputs_and_its_own_results(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    X0, z, u, v = (a.copy() for a in random_problem)
    for a in (X0, z, u, v):
        a.flags.writeable = False
    first = ln.train(X0, z, u, v, max_steps=5)
    second = ln.train(X0, z, first.u, first.v, max_steps=5)  # warm start from read-only arrays
    assert second.costs[0] == first.costs[-1]


# --- stopping rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("max_steps", [1, 2, 7])
def test_train_respects_max_steps(random_problem: tuple[np.ndarray, ...], max_steps: int) -> None:
    result = ln.train(*random_problem, max_steps=max_steps)
    assert result.steps == max_steps
    assert not result.converged
    assert result.grad_norm > 1e-8
    assert result.costs.shape == (max_steps + 1,)


def test_train_stops_at_once_when_the_gradient_is_already_below_tol(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    X0, z, u, v = random_problem
    g = grad_norm(X0, z, u, v)
    result = ln.train(X0, z, u, v, tol=2 * g)
    assert result.converged
    assert result.steps == 0
    np.testing.assert_array_equal(result.u, u)
    np.testing.assert_array_equal(result.v, v)
    np.testing.assert_allclose(result.grad_norm, g, rtol=1e-12, atol=0)


@pytest.mark.parametrize("tol", [1e-2, 1e-5, 1e-9])
def test_converged_means_the_gradient_norm_is_at_most_tol(
    random_problem: tuple[np.ndarray, ...], tol: float
) -> None:
    X0, z, u, v = random_problem
    result = ln.train(X0, z, u, v, tol=tol)
    assert result.converged
    assert grad_norm(X0, z, result.u, result.v) <= tol
    # ... and that it stopped at the first such step, not later.
    if result.steps > 0:
        previous = ln.train(X0, z, u, v, tol=tol, max_steps=result.steps - 1)
        assert not previous.converged
        assert previous.grad_norm > tol


@pytest.mark.verifies("prop-critical-v0")
def test_train_from_the_saddle_converges_but_not_to_least_squares(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    # u = 0 and v_1..v_h = 0 is a stationary set for u (dC/du = X^T d v_{1:}^T = 0 and
    # dC/dv_k = sum_i y_ik d_i = 0): only the output bias moves, to the mean of z. "converged"
    # means a stationary point, which need not be the least-squares one.
    X0, z, u, _ = random_problem
    result = ln.train(X0, z, np.zeros_like(u), np.zeros(u.shape[1] + 1))
    assert result.converged
    np.testing.assert_array_equal(result.u, 0.0)
    np.testing.assert_allclose(result.v, [z.mean(), 0, 0, 0], rtol=1e-9, atol=1e-12)


def test_train_stops_when_rounding_allows_no_decrease() -> None:
    # Targets of size 1e6 and an unreachable tol: at the least-squares point the gradient
    # (~1e-6) is pure rounding and no step length passes Armijo's test, so train stops early
    # with converged=False rather than looping until max_steps. Where it stops depends on
    # rounding (so on the BLAS build); require it of at least one of six seeds (with this
    # numpy, five of them stall within 150 steps).
    stalled = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        X0 = rng.normal(size=(20, 2))
        z = 1e6 * rng.normal(size=20)
        u, v = ln.init_params(2, 1, rng=rng, scale=1.0)
        result = ln.train(X0, z, u, v, tol=1e-300, max_steps=2_000)
        assert not result.converged
        stalled += result.steps < 2_000
        assert result.costs.shape == (result.steps + 1,)
        assert_non_increasing(result.costs)
        np.testing.assert_allclose(
            result.grad_norm, grad_norm(X0, z, result.u, result.v), rtol=1e-12, atol=0
        )
        np.testing.assert_allclose(
            ln.collapse(result.u, result.v), ln.least_squares(X0, z), rtol=1e-10, atol=0
        )
    assert stalled >= 1


# --- train is plain gradient descent with the package's gradients -----------------------------


def test_fixed_lr_is_plain_gradient_descent(random_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = random_problem
    lr = 0.5 / ln.curvature_bound(X0, z, u, v)
    steps = 25
    result = ln.train(X0, z, u, v, lr=lr, max_steps=steps)
    u_k, v_k = u.copy(), v.copy()
    costs = [ln.cost(X0, z, u_k, v_k)]
    for _ in range(steps):
        dC_du, dC_dv = ln.gradients(X0, z, u_k, v_k)
        u_k, v_k = u_k - lr * dC_du, v_k - lr * dC_dv
        costs.append(ln.cost(X0, z, u_k, v_k))
    assert result.steps == steps
    np.testing.assert_allclose(result.u, u_k, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.v, v_k, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.costs, costs, rtol=1e-12, atol=0)


def test_fixed_stable_lr_also_reaches_least_squares(random_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = random_problem
    lr = 1.0 / ln.curvature_bound(X0, z, u, v)
    result = ln.train(X0, z, u, v, lr=lr, tol=1e-10)
    assert result.converged
    np.testing.assert_allclose(
        ln.collapse(result.u, result.v), ln.least_squares(X0, z), rtol=1e-8, atol=1e-10
    )


@given(problems(max_n=10))
def test_automatic_step_never_increases_the_cost(prob: Problem) -> None:
    before = [a.copy() for a in prob]
    result = ln.train(*prob, max_steps=30)
    assert 0 <= result.steps <= 30
    assert result.costs.shape == (result.steps + 1,)
    assert np.all(np.isfinite(result.costs))
    assert_non_increasing(result.costs)
    assert result.converged == (result.grad_norm <= 1e-8)
    for a, b in zip(prob, before, strict=True):
        np.testing.assert_array_equal(a, b)


# --- divergence -------------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [10.0, 1e3, 1e8])
def test_far_too_large_lr_raises_divergence_error(
    random_problem: tuple[np.ndarray, ...], factor: float
) -> None:
    X0, z, u, v = random_problem
    L = ln.curvature_bound(X0, z, u, v)
    lr = factor * 2.0 / L
    with pytest.raises(ln.DivergenceError, match=r"diverged with lr=") as info:
        ln.train(X0, z, u, v, lr=lr)
    message, err = str(info.value), info.value
    assert f"lr={lr:g}" in message  # names the step size it was given
    assert f"2/Λ = {2.0 / L:.4g}" in message  # and the local step bound
    assert "sufficient local condition, not a necessary one" in message
    assert "lr=None" in message  # and how to fix it
    # the figures it prints, as attributes: the start's cost is ln.cost's, the end's is huge
    assert err.lr == lr
    assert err.steps >= 1
    np.testing.assert_allclose(err.cost_start, ln.cost(X0, z, u, v), rtol=1e-14)
    assert not err.cost_end <= 1e6 * err.cost_start  # non-finite, or beyond the factor
    assert f"from {err.cost_start:.4g} to {err.cost_end:.4g}" in message


@pytest.mark.parametrize("lr", [1e150, 1e200, 1e300])
def test_overflowing_lr_raises_divergence_error_not_a_float_warning(
    random_problem: tuple[np.ndarray, ...], lr: float
) -> None:
    # pytest turns warnings into errors: a RuntimeWarning from numpy's overflow would surface
    # here instead of the DivergenceError, and without -W error the user would see both.
    with pytest.raises(ln.DivergenceError, match=r"2/Λ"):
        ln.train(*random_problem, lr=lr)


def test_divergence_error_is_exported_and_distinct_from_value_error() -> None:
    assert issubclass(ln.DivergenceError, Exception)
    assert not issubclass(ln.DivergenceError, ValueError)


# --- curvature_bound --------------------------------------------------------------------------


@given(problems(max_n=6, max_p=3, max_h=3, bound=2.0))
def test_curvature_bound_bounds_the_hessian_norm(prob: Problem) -> None:
    L = ln.curvature_bound(*prob)
    H = fd_hessian(*prob, step=1e-3)
    largest = float(np.max(np.abs(np.linalg.eigvalsh(H))))
    # The difference formula is exact for this quartic up to O(step^2) and rounding.
    assert largest <= L * (1.0 + 1e-6) + 1e-6


def test_curvature_bound_is_reasonably_tight(random_problem: tuple[np.ndarray, ...]) -> None:
    L = ln.curvature_bound(*random_problem)
    largest = float(np.max(np.abs(np.linalg.eigvalsh(fd_hessian(*random_problem)))))
    assert largest <= L <= 10.0 * largest


def test_curvature_bound_is_a_float(note_problem: tuple[np.ndarray, ...]) -> None:
    L = ln.curvature_bound(*note_problem)
    assert type(L) is float
    assert L > 0.0


# --- argument checks specific to train --------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lr": 0.0}, r"lr must be a finite number greater than 0; received 0\.0"),
        ({"lr": -0.01}, r"lr must be a finite number greater than 0; received -0\.01"),
        ({"lr": np.nan}, r"lr must be a finite number greater than 0; received nan"),
        ({"lr": np.inf}, r"lr must be a finite number greater than 0; received inf"),
        ({"lr": "0.01"}, r"lr must be a positive real number; received '0\.01' of type str"),
        ({"lr": True}, r"lr must be a positive real number; received True of type bool"),
        ({"lr": [0.01]}, r"lr must be a positive real number; received \[0\.01\] of type list"),
        ({"max_steps": 0}, r"max_steps must be a positive integer \(at least 1\); received 0"),
        ({"max_steps": -3}, r"max_steps must be a positive integer \(at least 1\); received -3"),
        ({"max_steps": 10.0}, r"max_steps must be a positive integer; received 10\.0 of type"),
        ({"max_steps": "10"}, r"max_steps must be a positive integer; received '10' of type str"),
        ({"max_steps": None}, r"max_steps must be a positive integer; received None of type"),
        ({"tol": 0.0}, r"tol must be a finite number greater than 0; received 0\.0"),
        ({"tol": -1e-8}, r"tol must be a finite number greater than 0; received -1e-08"),
        ({"tol": np.nan}, r"tol must be a finite number greater than 0; received nan"),
        ({"tol": np.inf}, r"tol must be a finite number greater than 0; received inf"),
        ({"tol": None}, r"tol must be a positive real number; received None of type NoneType"),
    ],
)
def test_train_rejects_bad_settings(
    note_problem: tuple[np.ndarray, ...], kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        ln.train(*note_problem, **kwargs)  # type: ignore[arg-type]


def test_train_accepts_numpy_scalars_as_settings(note_problem: tuple[np.ndarray, ...]) -> None:
    result = ln.train(
        *note_problem, lr=np.float64(1e-4), max_steps=np.int64(3), tol=np.float32(1e-6)
    )
    assert result.steps == 3


# --- the recorded trajectory -------------------------------------------------------------------


@pytest.mark.parametrize("lr", [None, 0.01])
@pytest.mark.parametrize("every", [1, 7])
def test_record_every_keeps_the_iterates_of_the_run(
    random_problem: tuple[np.ndarray, ...], lr: float | None, every: int
) -> None:
    # The reference for the weights after step k is an independent run stopped there.
    X0, z, u, v = random_problem
    run = ln.train(X0, z, u, v, lr=lr, max_steps=40, record_every=every)
    traj = run.trajectory
    assert traj is not None
    expected_steps = [*range(0, run.steps + 1, every)]
    if expected_steps[-1] != run.steps:
        expected_steps.append(run.steps)
    np.testing.assert_array_equal(traj.steps, expected_steps)
    assert traj.u.shape == (len(expected_steps), *u.shape)
    assert traj.v.shape == (len(expected_steps), *v.shape)
    np.testing.assert_array_equal(traj.u[0], u)
    np.testing.assert_array_equal(traj.u[-1], run.u)
    np.testing.assert_array_equal(traj.v[-1], run.v)
    for i, k in enumerate(traj.steps[1:], start=1):
        partial = ln.train(X0, z, u, v, lr=lr, max_steps=int(k))
        np.testing.assert_array_equal(traj.u[i], partial.u)
        np.testing.assert_array_equal(traj.v[i], partial.v)
    for a in (traj.steps, traj.u, traj.v):
        assert not a.flags.writeable


def test_without_record_every_there_is_no_trajectory(
    random_problem: tuple[np.ndarray, ...],
) -> None:
    assert ln.train(*random_problem, max_steps=3).trajectory is None


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_record_every_must_be_a_positive_integer(
    random_problem: tuple[np.ndarray, ...], bad: object
) -> None:
    with pytest.raises(ValueError, match=r"record_every must be a positive integer"):
        ln.train(*random_problem, max_steps=3, record_every=bad)  # type: ignore[arg-type]
