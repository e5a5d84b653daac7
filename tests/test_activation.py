"""Tests of linearnet.activation: the two-layer network with a leaky ReLU or tanh hidden layer.

References: the linear network (the leaky ReLU with slope 1 is the identity), the activation
applied by hand sample by sample, central differences of the cost, and least squares.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Problem, problems

import linearnet as ln
from linearnet import activation as act

SIGMAS = [act.leaky_relu(0.5), act.leaky_relu(0.0), act.leaky_relu(-0.3), act.tanh()]


def predict_by_hand(X0: np.ndarray, u: np.ndarray, v: np.ndarray, f: object) -> np.ndarray:
    """z_i = v_0 + sum_k v_k f(u_0k + sum_j x_ij u_jk), one sample and one unit at a time."""
    n, p = X0.shape
    h = u.shape[1]
    return np.array(
        [
            v[0]
            + sum(
                v[k + 1] * f(u[0, k] + sum(X0[i, j] * u[j + 1, k] for j in range(p)))  # type: ignore[operator]
                for k in range(h)
            )
            for i in range(n)
        ]
    )


def leaky(alpha: float) -> object:
    return lambda y: y if y > 0 else alpha * y


def test_activations_by_hand() -> None:
    y = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.leaky_relu(0.5).sigma(y), [-1.0, 0.0, 3.0])
    # at the kink the derivative from the left, alpha
    np.testing.assert_array_equal(act.leaky_relu(0.5).derivative(y), [0.5, 0.5, 1.0])
    np.testing.assert_array_equal(act.tanh().sigma(y), np.tanh(y))
    np.testing.assert_allclose(act.tanh().derivative(y), 1 / np.cosh(y) ** 2, rtol=1e-14)
    assert act.leaky_relu(0.25).name == "leaky ReLU (alpha = 0.25)"
    assert act.tanh().name == "tanh"


@given(problems())
def test_slope_one_is_the_linear_network_exactly(prob: Problem) -> None:
    X0, z, u, v = prob
    identity = act.leaky_relu(1.0)
    np.testing.assert_array_equal(act.predict(X0, u, v, identity), ln.predict(X0, u, v))
    assert act.cost(X0, z, u, v, identity) == ln.cost(X0, z, u, v)
    for a, b in zip(act.gradients(X0, z, u, v, identity), ln.gradients(X0, z, u, v), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * (1 + np.abs(b).max()))


@pytest.mark.verifies("def-deep-activation")
@pytest.mark.parametrize("alpha", [0.5, 0.0, -0.3])
@given(prob=problems())
def test_leaky_relu_prediction_sample_by_sample(alpha: float, prob: Problem) -> None:
    X0, _, u, v = prob
    np.testing.assert_allclose(
        act.predict(X0, u, v, act.leaky_relu(alpha)),
        predict_by_hand(X0, u, v, leaky(alpha)),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.verifies("def-deep-activation")
@given(problems())
def test_tanh_prediction_sample_by_sample(prob: Problem) -> None:
    X0, _, u, v = prob
    np.testing.assert_allclose(
        act.predict(X0, u, v, act.tanh()),
        predict_by_hand(X0, u, v, np.tanh),
        rtol=1e-12,
        atol=1e-12,
    )


def central_differences(
    X0: np.ndarray, z: np.ndarray, u: np.ndarray, v: np.ndarray, sigma: act.Activation
) -> tuple[np.ndarray, np.ndarray]:
    theta = np.concatenate([u.ravel(), v])
    g = np.zeros_like(theta)
    step = 1e-6
    for a in range(theta.size):
        e = np.zeros_like(theta)
        e[a] = step
        plus, minus = theta + e, theta - e
        g[a] = (
            act.cost(X0, z, plus[: u.size].reshape(u.shape), plus[u.size :], sigma)
            - act.cost(X0, z, minus[: u.size].reshape(u.shape), minus[u.size :], sigma)
        ) / (2 * step)
    return g[: u.size].reshape(u.shape), g[u.size :]


@pytest.mark.parametrize("sigma", SIGMAS, ids=lambda s: s.name)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradients_match_central_differences(sigma: act.Activation, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, p, h = rng.integers(1, 7), rng.integers(1, 4), rng.integers(1, 4)
    X0, z = rng.normal(size=(n, p)), rng.normal(size=n)
    u, v = ln.init_params(p, h, rng=rng, scale=1.0)
    # keep every pre-activation away from the leaky ReLU's kink, where C is not differentiable
    Y0 = ln.hidden(X0, u)
    u[0] += np.where(np.abs(Y0).min(axis=0) < 1e-3, 0.01, 0.0)
    dC_du, dC_dv = act.gradients(X0, z, u, v, sigma)
    fd_u, fd_v = central_differences(X0, z, u, v, sigma)
    scale = 1 + act.cost(X0, z, u, v, sigma)
    np.testing.assert_allclose(dC_du, fd_u, rtol=1e-6, atol=1e-7 * scale)
    np.testing.assert_allclose(dC_dv, fd_v, rtol=1e-6, atol=1e-7 * scale)


def test_docstring_examples_by_hand() -> None:
    half = act.leaky_relu(0.5)
    x = [[-1.0], [0.0], [1.0]]
    # sigma(x) at -1, 0, 1 is -1/2, 0, 1; against |x| = (1, 0, 1): C = (9/4 + 0 + 0) / 2
    np.testing.assert_array_equal(act.predict(x, [[0.0], [1.0]], [0.0, 1.0], half), [-0.5, 0, 1])
    assert act.cost(x, [1.0, 0.0, 1.0], [[0.0], [1.0]], [0.0, 1.0], half) == 1.125
    dC_du, dC_dv = act.gradients([[-2.0]], [0.0], [[0.0], [1.0]], [0.0, 1.0], half)
    np.testing.assert_array_equal(dC_du, [[-0.5], [1.0]])
    np.testing.assert_array_equal(dC_dv, [-1.0, 1.0])


# --- train ----------------------------------------------------------------------------------------


def test_train_fits_the_absolute_value_exactly() -> None:
    x = np.linspace(-1, 1, 9).reshape(-1, 1)
    z = np.abs(x).ravel()
    result = act.train(x, z, [[0.1, 0.1], [1.0, -1.0]], [0.0, 1.0, 1.0], act.leaky_relu(0.5))
    assert isinstance(result, ln.TrainResult)
    assert result.costs[-1] < 1e-12
    # least squares, an affine fit, cannot: the even function has slope 0 and a residual
    w = ln.least_squares(x, z)
    assert 0.5 * np.sum((ln.add_bias(x) @ w - z) ** 2) > 0.1
    assert np.all(np.diff(result.costs) <= 1e-12 * result.costs[:-1])
    for a in (result.u, result.v, result.costs):
        assert not a.flags.writeable


@pytest.mark.parametrize("sigma", [act.leaky_relu(0.1), act.tanh()], ids=lambda s: s.name)
def test_train_beats_least_squares_on_curved_data(sigma: act.Activation) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=(40, 1))
    z = x.ravel() ** 2 + 0.1 * rng.normal(size=40)
    C_ls = 0.5 * np.sum((ln.add_bias(x) @ ln.least_squares(x, z) - z) ** 2)
    u, v = ln.init_params(1, 6, rng=rng, scale=1.0)
    result = act.train(x, z, u, v, sigma, max_steps=3000)
    assert result.costs[-1] < 0.2 * C_ls


def test_fixed_lr_and_divergence() -> None:
    rng = np.random.default_rng(1)
    X0, z = rng.normal(size=(10, 2)), rng.normal(size=10)
    u, v = ln.init_params(2, 3, rng=rng, scale=0.5)
    sigma = act.tanh()
    lr, steps = 0.01, 20
    result = act.train(X0, z, u, v, sigma, lr=lr, max_steps=steps)
    u_k, v_k = u.copy(), v.copy()
    for _ in range(steps):
        g_u, g_v = act.gradients(X0, z, u_k, v_k, sigma)
        u_k, v_k = u_k - lr * g_u, v_k - lr * g_v
    np.testing.assert_allclose(result.u, u_k, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.v, v_k, rtol=1e-12, atol=1e-14)
    with pytest.raises(ln.DivergenceError, match=r"diverged with lr=100"):
        act.train(X0, 100 * z, u, v, act.leaky_relu(0.5), lr=100.0)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: act.leaky_relu("0.1"), r"alpha must be a real number.*received '0.1' of type str"),
        (lambda: act.leaky_relu(True), r"alpha must be a real number"),
        (lambda: act.leaky_relu(float("inf")), r"alpha must be finite; received inf"),
        (
            lambda: act.predict([[1.0]], [[0.0], [1.0]], [0.0, 1.0], np.tanh),
            r"sigma must be an Activation",
        ),
        (
            lambda: act.predict([[1.0]], [[0.0], [1.0], [2.0]], [0.0, 1.0], act.tanh()),
            r"u's rows must number p \+ 1 = 2",
        ),
        (
            lambda: act.cost([[1.0]], [1.0, 2.0], [[0.0], [1.0]], [0.0, 1.0], act.tanh()),
            r"z's length must number n = 1",
        ),
        (
            lambda: act.gradients([[1.0]], [1.0], [[0.0], [1.0]], [0.0], act.tanh()),
            r"v's entries must number h \+ 1 = 2",
        ),
        (
            lambda: act.train([[1.0]], [1.0], [[0.0], [1.0]], [0.0, 1.0], act.tanh(), tol=-1.0),
            r"tol must be a finite number",
        ),
    ],
)
def test_bad_input(make: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        make()  # type: ignore[operator]
