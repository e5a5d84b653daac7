"""Tests of linearnet.model: add_bias, init_params, hidden, predict, residual, cost."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import cost_loops, hidden_loops, predict_loops
from strategies import Problem, problems

import linearnet as ln

RTOL, ATOL = 1e-12, 1e-12


# --- add_bias -------------------------------------------------------------------------------


def test_add_bias_prepends_a_column_of_ones() -> None:
    X0 = np.array([[2, 3], [4, 5], [6, 7]])  # integers are accepted and converted
    X = ln.add_bias(X0)
    expected = np.array([[1.0, 2.0, 3.0], [1.0, 4.0, 5.0], [1.0, 6.0, 7.0]])
    np.testing.assert_array_equal(X, expected)
    assert X.dtype == np.float64


@pytest.mark.verifies("eq-design")
@given(problems())
def test_add_bias_matches_loops(prob: Problem) -> None:
    n, p, _ = prob.shape
    X = ln.add_bias(prob.X0)
    assert X.shape == (n, p + 1)
    for i in range(n):
        assert X[i, 0] == 1.0
        for j in range(p):
            assert X[i, j + 1] == prob.X0[i, j]


# --- init_params ----------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "h"), [(1, 1), (2, 2), (10, 3), (3, 7)])
def test_init_params_shapes(p: int, h: int) -> None:
    u, v = ln.init_params(p, h, rng=np.random.default_rng(0))
    assert u.shape == (p + 1, h)
    assert v.shape == (h + 1,)
    assert u.dtype == v.dtype == np.float64


def test_init_params_is_deterministic_given_a_seeded_generator() -> None:
    u1, v1 = ln.init_params(3, 4, rng=np.random.default_rng(42))
    u2, v2 = ln.init_params(3, 4, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(u1, u2)
    np.testing.assert_array_equal(v1, v2)


def test_init_params_draws_from_the_given_generator() -> None:
    rng = np.random.default_rng(42)
    u1, v1 = ln.init_params(3, 4, rng=rng)
    u2, v2 = ln.init_params(3, 4, rng=rng)  # the generator advanced: new draws
    assert not np.array_equal(u1, u2)
    assert not np.array_equal(v1, v2)
    u3, _ = ln.init_params(3, 4, rng=np.random.default_rng(43))
    assert not np.array_equal(u1, u3)


@pytest.mark.parametrize("scale", [0.1, 1.0, 3.5])
def test_init_params_entries_have_the_given_scale(scale: float) -> None:
    # 301 * 60 + 61 = 18121 independent N(0, scale^2) draws: the sample standard deviation is
    # within 2% of scale and the mean within 4 standard errors of 0 (both ~ 1e-5 to fail).
    u, v = ln.init_params(300, 60, rng=np.random.default_rng(7), scale=scale)
    entries = np.concatenate([u.ravel(), v])
    np.testing.assert_allclose(entries.std(), scale, rtol=0.02)
    assert abs(entries.mean()) <= 4 * scale / np.sqrt(entries.size)


def test_init_params_scale_multiplies_the_same_draws() -> None:
    u1, v1 = ln.init_params(4, 3, rng=np.random.default_rng(5), scale=0.1)
    u2, v2 = ln.init_params(4, 3, rng=np.random.default_rng(5), scale=2.5)
    np.testing.assert_allclose(u2, 25.0 * u1, rtol=1e-14, atol=0)
    np.testing.assert_allclose(v2, 25.0 * v1, rtol=1e-14, atol=0)


def test_init_params_accepts_numpy_integers() -> None:
    u, v = ln.init_params(np.int64(2), np.int32(3), rng=np.random.default_rng(0))
    assert u.shape == (3, 3)
    assert v.shape == (4,)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p": 0}, r"p must be a positive integer \(at least 1\); received 0"),
        ({"p": -2}, r"p must be a positive integer \(at least 1\); received -2"),
        ({"p": 2.0}, r"p must be a positive integer; received 2\.0 of type float"),
        ({"p": "2"}, r"p must be a positive integer; received '2' of type str"),
        ({"p": True}, r"p must be a positive integer; received True of type bool"),
        ({"p": None}, r"p must be a positive integer; received None of type NoneType"),
        ({"h": 0}, r"h must be a positive integer \(at least 1\); received 0"),
        ({"h": 1.5}, r"h must be a positive integer; received 1\.5 of type float"),
        ({"h": False}, r"h must be a positive integer; received False of type bool"),
        ({"scale": 0.0}, r"scale must be a finite number greater than 0; received 0\.0"),
        ({"scale": -0.1}, r"scale must be a finite number greater than 0; received -0\.1"),
        ({"scale": np.nan}, r"scale must be a finite number greater than 0; received nan"),
        ({"scale": np.inf}, r"scale must be a finite number greater than 0; received inf"),
        ({"scale": "0.1"}, r"scale must be a positive real number; received '0\.1' of type str"),
        ({"scale": 1j}, r"scale must be a positive real number; received 1j of type complex"),
        ({"rng": None}, r"rng must be a numpy\.random\.Generator, e\.g\. np\.random\.default_rng"),
        ({"rng": 0}, r"rng must be a numpy\.random\.Generator.*received 0 of type int"),
        (
            {"rng": np.random.RandomState(0)},
            r"rng must be a numpy\.random\.Generator.*of type RandomState",
        ),
    ],
)
def test_init_params_rejects_bad_arguments(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {"p": 2, "h": 2, "rng": np.random.default_rng(0), "scale": 0.1}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ln.init_params(args["p"], args["h"], rng=args["rng"], scale=args["scale"])  # type: ignore[arg-type]


# --- hidden, predict, residual, cost: the note's example by hand -------------------------------


def test_note_example_by_hand(note_problem: tuple[np.ndarray, ...]) -> None:
    X0, z, u, v = note_problem
    # Equation (3) of the note, term by term, for each sample i.
    (u01, u02), (u11, u12), (u21, u22) = u
    v0, v1, v2 = v
    expected = np.array(
        [
            v0
            + u01 * v1
            + u02 * v2
            + u11 * v1 * xi1
            + u21 * v1 * xi2
            + u12 * v2 * xi1
            + u22 * v2 * xi2
            for xi1, xi2 in X0
        ]
    )
    np.testing.assert_allclose(ln.predict(X0, u, v), expected, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ln.residual(X0, z, u, v), expected - z, rtol=RTOL, atol=ATOL)
    C = ln.cost(X0, z, u, v)
    assert type(C) is float
    np.testing.assert_allclose(C, 0.5 * np.sum((z - expected) ** 2), rtol=RTOL, atol=ATOL)


def test_hidden_small_example() -> None:
    # y = u0 + 1 * u1 + 2 * u2 = 0.5 + 1 + 2 and -1 + 0 + 2 * 3
    Y0 = ln.hidden([[1.0, 2.0]], [[0.5, -1.0], [1.0, 0.0], [1.0, 3.0]])
    np.testing.assert_allclose(Y0, [[3.5, 5.0]], rtol=0, atol=0)


def test_residual_sign_is_prediction_minus_target() -> None:
    # z_pred = 1 + 2 * (0 + 1 * 1) = 3, z = 1: d = z_pred - z = +2 (the note's first definition)
    d = ln.residual([[1.0]], [1.0], [[0.0], [1.0]], [1.0, 2.0])
    np.testing.assert_array_equal(d, [2.0])


# --- hidden, predict, residual, cost: against explicit loops, any shape ------------------------


@pytest.mark.verifies("eq-hidden")
@given(problems())
def test_hidden_matches_loops(prob: Problem) -> None:
    n, _, h = prob.shape
    Y0 = ln.hidden(prob.X0, prob.u)
    assert Y0.shape == (n, h)
    np.testing.assert_allclose(Y0, hidden_loops(prob.X0, prob.u), rtol=RTOL, atol=1e-12)


@pytest.mark.verifies("eq-zpred", "eq-out-hidden")
@given(problems())
def test_predict_matches_loops(prob: Problem) -> None:
    z_pred = ln.predict(prob.X0, prob.u, prob.v)
    assert z_pred.shape == (prob.shape[0],)
    np.testing.assert_allclose(
        z_pred, predict_loops(prob.X0, prob.u, prob.v), rtol=RTOL, atol=1e-11
    )


@pytest.mark.verifies("eq-residual", "eq-cost")
@given(problems())
def test_residual_and_cost_match_loops(prob: Problem) -> None:
    X0, z, u, v = prob
    d = ln.residual(X0, z, u, v)
    np.testing.assert_allclose(d, predict_loops(X0, u, v) - z, rtol=RTOL, atol=1e-11)
    C = ln.cost(X0, z, u, v)
    assert type(C) is float
    np.testing.assert_allclose(C, cost_loops(X0, z, u, v), rtol=1e-11, atol=1e-11)
    assert C >= 0.0


@given(problems(), st.sampled_from(["add_bias", "hidden", "predict", "residual", "cost"]))
def test_model_functions_never_modify_inputs(prob: Problem, name: str) -> None:
    before = [a.copy() for a in prob]
    args = {
        "add_bias": (prob.X0,),
        "hidden": (prob.X0, prob.u),
        "predict": (prob.X0, prob.u, prob.v),
        "residual": prob,
        "cost": prob,
    }[name]
    out = getattr(ln, name)(*args)
    for a, b in zip(prob, before, strict=True):
        np.testing.assert_array_equal(a, b)
    if isinstance(out, np.ndarray):
        assert not any(np.shares_memory(out, a) for a in prob)


def test_model_functions_accept_read_only_and_list_inputs(
    note_problem: tuple[np.ndarray, ...],
) -> None:
    X0, z, u, v = (a.copy() for a in note_problem)
    for a in (X0, z, u, v):
        a.flags.writeable = False
    expected = predict_loops(X0, u, v)
    np.testing.assert_allclose(ln.predict(X0, u, v), expected, rtol=RTOL, atol=ATOL)
    as_lists = (X0.tolist(), u.tolist(), v.tolist())
    np.testing.assert_allclose(ln.predict(*as_lists), expected, rtol=RTOL, atol=ATOL)
