"""Tests of linearnet.deep: the L-layer linear network, against independent references.

References: the two-layer functions (exact equality for L = 2), central differences of the cost,
SymPy's derivatives of the symbolic network (linearnet.symbolic_deep) at exact points, the
collapse written out as products of integer matrices in exact arithmetic, and least squares.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import Problem, problems

import linearnet as ln
from linearnet import deep
from linearnet._core import with_ones
from linearnet._descent import _backtrack, descend
from linearnet.deep import _evaluate, _forward, _prediction_along

# --- random deep problems -----------------------------------------------------------------------


@st.composite
def deep_problems(
    draw: st.DrawFn, max_depth: int = 5
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(X0, z, weights) of random depth 1..max_depth and widths 1..4, from a drawn seed."""
    n = draw(st.integers(1, 8), label="n")
    p = draw(st.integers(1, 4), label="p")
    widths = draw(st.lists(st.integers(1, 4), max_size=max_depth - 1), label="widths")
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="seed"))
    X0 = rng.normal(size=(n, p))
    z = rng.normal(size=n)
    return X0, z, deep.init_params(p, widths, rng=rng, scale=rng.uniform(0.3, 1.5))


def central_differences(
    X0: np.ndarray, z: np.ndarray, weights: list[np.ndarray], step: float = 1e-5
) -> list[np.ndarray]:
    """(C(W + s e) - C(W - s e)) / 2s for every entry of every layer, with deep.cost."""
    out = []
    for layer, W in enumerate(weights):
        g = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            plus = [w.copy() for w in weights]
            minus = [w.copy() for w in weights]
            plus[layer][idx] += step
            minus[layer][idx] -= step
            g[idx] = (deep.cost(X0, z, plus) - deep.cost(X0, z, minus)) / (2 * step)
        out.append(g)
    return out


def collapse_written_out(weights: list[np.ndarray]) -> list[Fraction]:
    """w from eq-deep-collapse, in exact arithmetic: w_(1:) = M_1 ... M_(L-1) m_L and
    w_0 = W_(L,0) + sum_l b_l beta_l, with beta_l = M_(l+1) ... M_(L-1) m_L (products formed
    from the left, the opposite order of deep.collapse)."""

    def matmul(A: list[list[Fraction]], B: list[list[Fraction]]) -> list[list[Fraction]]:
        return [
            [
                sum((a * b for a, b in zip(row, col, strict=True)), Fraction(0))
                for col in zip(*B, strict=True)
            ]
            for row in A
        ]

    # each layer as rows of Fractions; the last layer (1-D) as a column
    F = [[[Fraction(float(e)) for e in row] for row in W.reshape(W.shape[0], -1)] for W in weights]
    L = len(F)
    M = [Wl[1:] for Wl in F]  # without the bias rows
    b = [[Wl[0]] for Wl in F]  # bias rows, as 1 x n_l
    prod = M[0]
    for Ml in M[1:]:
        prod = matmul(prod, Ml)
    w0 = F[-1][0][0]
    for layer in range(L - 1):
        beta = M[layer + 1]
        for Ml in M[layer + 2 :]:
            beta = matmul(beta, Ml)
        w0 += matmul(b[layer], beta)[0][0]
    return [w0] + [row[0] for row in prod]


# --- two layers: exactly the two-layer functions -----------------------------------------------


@pytest.mark.verifies("def-deep-network")
@given(problems())
def test_two_layers_agree_exactly_with_the_two_layer_functions(prob: Problem) -> None:
    X0, z, u, v = prob
    W = [u, v]
    np.testing.assert_array_equal(deep.predict(X0, W), ln.predict(X0, u, v))
    assert deep.cost(X0, z, W) == ln.cost(X0, z, u, v)
    dC_du, dC_dv = ln.gradients(X0, z, u, v)
    g1, g2 = deep.gradients(X0, z, W)
    np.testing.assert_array_equal(g1, dC_du)
    np.testing.assert_array_equal(g2, dC_dv)
    np.testing.assert_array_equal(deep.collapse(W), ln.collapse(u, v))


def test_init_params_with_one_hidden_layer_draws_what_the_two_layer_one_draws() -> None:
    u, v = ln.init_params(3, 4, rng=np.random.default_rng(5), scale=0.3)
    W = deep.init_params(3, [4], rng=np.random.default_rng(5), scale=0.3)
    assert len(W) == 2
    np.testing.assert_array_equal(W[0], u)
    np.testing.assert_array_equal(W[1], v)


def test_init_params_shapes_and_scale() -> None:
    W = deep.init_params(5, (7, 3, 2), rng=np.random.default_rng(0), scale=2.0)
    assert [w.shape for w in W] == [(6, 7), (8, 3), (4, 2), (3,)]
    entries = np.concatenate([w.ravel() for w in W])
    assert 1.5 < entries.std() < 2.5
    assert deep.init_params(2, [], rng=np.random.default_rng(0))[0].shape == (3,)


# --- docstring examples, by hand ------------------------------------------------------------------

THREE = [[[1.0], [2.0]], [[0.0], [3.0]], [1.0, 1.0]]  # a1 = 1 + 2x, a2 = 3 a1, z = 1 + a2


def test_docstring_examples_by_hand() -> None:
    # x = 1: a1 = 3, a2 = 9, z_pred = 10; target 7: d = 3, C = 4.5
    np.testing.assert_array_equal(deep.predict([[1.0]], THREE), [10.0])
    assert deep.cost([[1.0]], [7.0], THREE) == 4.5
    # beta_2 = 1, beta_1 = 3: dC/dW1 = [1 x]^T d beta_1 = (9, 9), dC/dW2 = [1 a1]^T d = (3, 9),
    # dC/dW3 = [1 a2]^T d = (3, 27)
    g = deep.gradients([[1.0]], [7.0], THREE)
    np.testing.assert_array_equal(g[0], [[9.0], [9.0]])
    np.testing.assert_array_equal(g[1], [[3.0], [9.0]])
    np.testing.assert_array_equal(g[2], [3.0, 27.0])
    # z = 1 + 3 (1 + 2x) = 4 + 6x
    np.testing.assert_array_equal(deep.collapse(THREE), [4.0, 6.0])


def test_one_layer_is_the_linear_model() -> None:
    X0 = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    z = np.array([1.0, 0.0, 2.0])
    w = np.array([0.5, -1.0, 2.0])
    X = with_ones(X0)
    np.testing.assert_array_equal(deep.predict(X0, [w]), X @ w)
    np.testing.assert_array_equal(deep.collapse([w]), w)
    (g,) = deep.gradients(X0, z, [w])
    np.testing.assert_array_equal(g, X.T @ (X @ w - z))


# --- gradients ----------------------------------------------------------------------------------


@pytest.mark.verifies("eq-deep-gradient")
@given(deep_problems())
def test_gradients_match_central_differences(
    problem: tuple[np.ndarray, np.ndarray, list[np.ndarray]],
) -> None:
    X0, z, W = problem
    grads = deep.gradients(X0, z, W)
    assert [g.shape for g in grads] == [w.shape for w in W]
    scale = 1.0 + deep.cost(X0, z, W) + max(float(np.abs(g).max()) for g in grads)
    for g, fd in zip(grads, central_differences(X0, z, W), strict=True):
        np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-7 * scale)


@pytest.mark.verifies("eq-deep-gradient")
@pytest.mark.parametrize("widths", [(), (2,), (2, 1), (1, 2, 2)])
def test_gradients_match_sympy_at_an_exact_point(widths: tuple[int, ...]) -> None:
    import sympy as sp

    from linearnet import symbolic, symbolic_deep

    n, p = 3, 2
    net = symbolic_deep.network(n, p, widths)
    rng = np.random.default_rng(len(widths))
    # multiples of 1/8: every product below is exact in float64 as well
    X0 = rng.integers(-8, 9, size=(n, p)) / 8
    z = rng.integers(-8, 9, size=n) / 8
    W = [rng.integers(-8, 9, size=w.shape) / 8 for w in deep.init_params(p, list(widths), rng=rng)]
    values = symbolic_deep.exact_values(net, X0=X0, z=z, weights=W)
    for g, S in zip(deep.gradients(X0, z, W), net.weights, strict=True):
        exact = symbolic.evaluate(S.applyfunc(lambda s: sp.diff(net.C, s)), values)
        np.testing.assert_allclose(g, exact.reshape(g.shape), rtol=1e-13, atol=1e-13)


# --- collapse -----------------------------------------------------------------------------------


@pytest.mark.verifies("thm-deep-collapse", "eq-deep-collapse")
@pytest.mark.parametrize("widths", [(), (3,), (2, 4), (3, 1, 2), (2, 2, 2, 2)])
def test_collapse_matches_the_products_written_out_exactly(widths: tuple[int, ...]) -> None:
    rng = np.random.default_rng(sum(widths) + 1)
    W = [
        rng.integers(-5, 6, size=w.shape).astype(float)
        for w in deep.init_params(3, list(widths), rng=rng)
    ]
    # small integers: deep.collapse is exact in float64, so it equals the exact value
    assert [Fraction(float(e)) for e in deep.collapse(W)] == collapse_written_out(W)


@pytest.mark.verifies("thm-deep-collapse")
@given(deep_problems())
def test_prediction_is_X_times_the_collapsed_weights(
    problem: tuple[np.ndarray, np.ndarray, list[np.ndarray]],
) -> None:
    X0, _, W = problem
    w = deep.collapse(W)
    assert w.shape == (X0.shape[1] + 1,)
    np.testing.assert_allclose(deep.predict(X0, W), with_ones(X0) @ w, rtol=1e-12, atol=1e-12)


def test_collapse_does_not_modify_its_argument() -> None:
    W = deep.init_params(2, [3, 2], rng=np.random.default_rng(1))
    before = [w.copy() for w in W]
    deep.collapse(W)
    for a, b in zip(W, before, strict=True):
        np.testing.assert_array_equal(a, b)


# --- the step polynomial behind the automatic step ------------------------------------------


@given(deep_problems(), st.floats(-2.0, 2.0))
def test_prediction_along_a_step_is_the_polynomial(
    problem: tuple[np.ndarray, np.ndarray, list[np.ndarray]], eta: float
) -> None:
    X0, z, W = problem
    G = deep.gradients(X0, z, W)
    c = _prediction_along(*_forward(with_ones(X0), W), W, G)
    assert len(c) == len(W) + 1
    stepped = deep.predict(X0, [w - eta * g for w, g in zip(W, G, strict=True)])
    poly = sum(eta**k * c_k for k, c_k in enumerate(c))
    scale = 1.0 + max(float(np.abs(c_k).max()) * max(1.0, abs(eta)) ** k for k, c_k in enumerate(c))
    np.testing.assert_allclose(poly, stepped, rtol=1e-9, atol=1e-11 * scale)
    # c_0 is the prediction; d . c_1 is the directional derivative -|grad C|^2
    np.testing.assert_allclose(c[0], deep.predict(X0, W), rtol=1e-12, atol=1e-12)
    d = c[0] - z
    g2 = sum(float(np.sum(g * g)) for g in G)
    np.testing.assert_allclose(d @ c[1], -g2, rtol=1e-9, atol=1e-11 * (1 + g2))


def test_cost_change_is_the_difference_of_costs() -> None:
    rng = np.random.default_rng(3)
    X0, z = rng.normal(size=(6, 2)), rng.normal(size=6)
    W = deep.init_params(2, [3, 2], rng=rng, scale=0.8)
    G = deep.gradients(X0, z, W)
    _, _, change = _evaluate(with_ones(X0), z, W)
    for eta in (1e-3, 0.1, 0.7):
        stepped = [w - eta * g for w, g in zip(W, G, strict=True)]
        np.testing.assert_allclose(
            change(eta), deep.cost(X0, z, stepped) - deep.cost(X0, z, W), rtol=1e-9, atol=1e-12
        )


# --- train ----------------------------------------------------------------------------------------

COST_RTOL = 1e-12


def assert_non_increasing(costs: np.ndarray) -> None:
    assert np.all(np.diff(costs) <= COST_RTOL * np.abs(costs[:-1])), np.diff(costs).max()


@pytest.mark.verifies("rem-deep-diabetes")
@pytest.mark.parametrize("widths", [[3], [3, 3], [3, 3, 3], [1, 1]])
def test_train_reaches_least_squares_on_standardized_diabetes_data(
    diabetes: tuple[np.ndarray, np.ndarray], widths: list[int]
) -> None:
    from linearnet import symbolic

    X0, z = diabetes
    result = deep.train(X0, z, deep.init_params(10, widths, rng=np.random.default_rng(0)))
    assert result.converged
    assert result.grad_norm <= 1e-8
    w_exact = np.array(symbolic.exact_least_squares(X0, z), dtype=float).ravel()
    np.testing.assert_allclose(deep.collapse(result.weights), w_exact, rtol=1e-6, atol=0)
    assert_non_increasing(result.costs)


def test_train_result_fields_and_read_only_arrays() -> None:
    rng = np.random.default_rng(4)
    X0, z = rng.normal(size=(20, 3)), rng.normal(size=20)
    W = deep.init_params(3, [2, 2], rng=rng)
    before = [w.copy() for w in W]
    result = deep.train(X0, z, W, max_steps=50)
    assert isinstance(result, deep.DeepTrainResult)
    assert [w.shape for w in result.weights] == [w.shape for w in W]
    assert result.steps == 50
    assert not result.converged
    assert result.costs.shape == (51,)
    np.testing.assert_allclose(result.costs[0], deep.cost(X0, z, W), rtol=1e-14)
    np.testing.assert_allclose(result.costs[-1], deep.cost(X0, z, result.weights), rtol=1e-14)
    grad_norm = np.sqrt(sum(np.sum(g**2) for g in deep.gradients(X0, z, result.weights)))
    np.testing.assert_allclose(result.grad_norm, grad_norm, rtol=1e-12)
    for w in (*result.weights, result.costs):
        assert not w.flags.writeable
    for a, b in zip(W, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_fixed_lr_is_plain_gradient_descent() -> None:
    rng = np.random.default_rng(6)
    X0, z = rng.normal(size=(15, 2)), rng.normal(size=15)
    W = deep.init_params(2, [3, 2], rng=rng, scale=0.5)
    lr, steps = 0.01, 30
    result = deep.train(X0, z, W, lr=lr, max_steps=steps)
    W_k = [w.copy() for w in W]
    for _ in range(steps):
        W_k = [w - lr * g for w, g in zip(W_k, deep.gradients(X0, z, W_k), strict=True)]
    for a, b in zip(result.weights, W_k, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_fixed_lr_that_is_too_large_raises_divergence_error() -> None:
    rng = np.random.default_rng(7)
    X0, z = rng.normal(size=(15, 2)), 10 * rng.normal(size=15)
    W = deep.init_params(2, [3, 2], rng=rng, scale=1.0)
    with pytest.raises(ln.DivergenceError, match=r"diverged with lr=10.*Pass a smaller lr"):
        deep.train(X0, z, W, lr=10.0)


def test_train_stops_when_no_step_decreases_the_cost() -> None:
    # A cost change that is never negative: the first backtracking fails, the run stops.
    def evaluate(W: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray], object]:
        return np.ones(2), [np.ones(3)], lambda eta: 1.0

    run = descend(evaluate, [np.zeros(3)], lr=None, max_steps=9, tol=1e-8)  # type: ignore[arg-type]
    assert run.steps == 0
    assert not run.converged
    assert _backtrack(lambda eta: float("nan"), 1.0, 1.0) is None


# --- bad input: one failure mode each --------------------------------------------------------

X0_OK = np.zeros((4, 2))
Z_OK = np.zeros(4)


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        (np.zeros((3, 1)), r"weights must be a list of arrays, one per layer.*received ndarray"),
        ([], r"at least one layer; received an empty list"),
        (
            [np.zeros((4, 3)), np.zeros((4, 2)), np.zeros(3)],
            r"weights\[0\] \(layer 1 of 3\) must have 3 rows .*X0 has p = 2 columns\); "
            r"received 4\. Give it shape \(3, n_1\)",
        ),
        (
            [np.zeros((3, 3)), np.zeros((3, 2)), np.zeros(3)],
            r"weights\[1\] \(layer 2 of 3\) must have 4 rows .*layer 1 has n_1 = 3 units, the "
            r"columns of weights\[0\]\); received 3\. Give it shape \(4, n_2\)",
        ),
        (
            [np.zeros((3, 3)), np.zeros(3)],
            r"weights\[1\] \(layer 2 of 2\) must have 4 rows .*received 3\. Give it shape \(4,\)",
        ),
        (
            [np.zeros((3, 3)), np.zeros((4, 1))],
            r"weights\[1\] \(layer 2 of 2\) must be a 1-D .*ravel",
        ),
        ([np.zeros(3), np.zeros(3)], r"weights\[0\] \(layer 1 of 2\) must be a 2-D array"),
        ([np.zeros((3, 2)), np.array([0.0, np.nan, 1.0])], r"weights\[1\] .*must be finite"),
    ],
)
def test_bad_weights_name_the_layer(weights: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        deep.predict(X0_OK, weights)  # type: ignore[arg-type]


def test_collapse_needs_at_least_one_input_row() -> None:
    with pytest.raises(
        ValueError, match=r"weights\[0\] \(layer 1 of 2\) must have p \+ 1 >= 2 rows"
    ):
        deep.collapse([np.zeros((1, 2)), np.zeros(3)])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: deep.cost(X0_OK, np.zeros(5), [np.zeros(3)]), r"z's length must number n = 4"),
        (lambda: deep.gradients(X0_OK[:, :1], Z_OK, [np.zeros(3)]), r"must have 2 rows"),
        (lambda: deep.train(X0_OK, Z_OK, [np.zeros(3)], lr=-1.0), r"lr must be a finite number"),
        (
            lambda: deep.train(X0_OK, Z_OK, [np.zeros(3)], max_steps=0),
            r"max_steps must be a positive",
        ),
        (lambda: deep.train(X0_OK, Z_OK, [np.zeros(3)], tol=0.0), r"tol must be a finite number"),
    ],
)
def test_bad_data_and_settings(call: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p": 0}, r"p must be a positive integer"),
        ({"widths": 3}, r"widths must be a list or tuple of hidden-layer widths.*received 3"),
        ({"widths": [2, 0]}, r"widths\[1\] must be a positive integer"),
        ({"scale": -1.0}, r"scale must be a finite number greater than 0"),
        ({"rng": 0}, r"rng must be a numpy.random.Generator.*received int"),
    ],
)
def test_init_params_bad_input(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"p": 2, "widths": [2], "rng": np.random.default_rng(0), "scale": 0.1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        deep.init_params(args.pop("p"), args.pop("widths"), **args)  # type: ignore[arg-type]
